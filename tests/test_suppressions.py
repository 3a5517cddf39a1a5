"""Suppression comments in every form and file kind, unused suppressions (RL002),
--ignore-suppressions and --add-suppressions."""

from __future__ import annotations

import os
import stat

import pytest

from conftest import GEMINI_KEY, run_cli, run_json
from routelint.directives import parse_comment
from routelint.suppressions import find_suppressions

HEAD = '''import os
from openai import OpenAI

'''
URL = "https://generativelanguage.googleapis.com/v1beta/openai/"
# line 4: RL101 (hardcoded URL); line 5: RL301 (gpt-4o on Gemini)
CLIENT = HEAD + f'client = OpenAI(base_url="{URL}", api_key=os.environ["GEMINI_API_KEY"])\n' \
    'client.chat.completions.create(model="gpt-4o", messages=[])\n'


def found(root, *args) -> list[tuple[str, str, int]]:
    code, document = run_json(*args, ".", cwd=root)
    assert code in (0, 1)
    return sorted((d["path"], d["code"], d["line"]) for d in document["diagnostics"])


# --------------------------------------------------------------------------- Python forms


@pytest.mark.parametrize("comment", [
    "# routelint: ignore[RL301] gemini alias handled by the proxy",
    "# routelint: ignore[RL3]",
    "# routelint:ignore[rl301]",
    "# noqa: RL301",
    "# noqa: E501, RL301",
    "# noqa:e501,rl301",
    "# type: ignore  # routelint: ignore[RL301]",
])
def test_python_forms_on_the_reported_line(tree, comment):
    root = tree({"app.py": CLIENT.replace("messages=[])\n", f"messages=[])  {comment}\n")})
    assert found(root) == [("app.py", "RL101", 4)]


def test_bare_ignore_hides_every_code_on_its_line(tree):
    source = HEAD + f'client = OpenAI(base_url="https://router.flatkey.ai/v1", api_key="{GEMINI_KEY}")  # routelint: ignore\n'
    root = tree({"app.py": source})
    assert found(root) == []
    assert {code for _, code, _ in found(root, "--ignore-suppressions")} == {"RL101", "RL201", "RL202"}


def test_other_tools_noqa_comments_cost_no_tokenizing(monkeypatch):
    """Real comment tokens come from Python's pure-Python tokenizer, which cost as much as parsing the
    module: a file whose noqa comments carry only other tools' codes is never tokenized."""
    from routelint import directives

    def refuse(text):
        raise AssertionError("tokenized")

    monkeypatch.setattr(directives, "_python_comments", refuse)
    text = CLIENT.replace("messages=[])\n", "messages=[])  # noqa: E501, PLR0915\n") + "import this  # noqa\n"
    assert find_suppressions("python", "app.py", text) == []
    for ours in ("# noqa: RL101", "# noqa: rlx1", "# routelint: ignore"):  # a typo'd code of ours is read (RL002)
        with pytest.raises(AssertionError, match="tokenized"):
            find_suppressions("python", "app.py", text + f"x = 1  {ours}\n")


def test_bare_noqa_belongs_to_other_tools(tree):
    root = tree({"app.py": CLIENT.replace("messages=[])\n", "messages=[])  # noqa\n")})
    assert found(root) == [("app.py", "RL101", 4), ("app.py", "RL301", 5)]


def test_first_line_of_a_statement_covers_the_statement(tree):
    source = HEAD + f'''client = OpenAI(  # routelint: ignore[RL101, RL201] moving to the proxy in LLM-42
    base_url="{URL}",
    api_key=os.environ["OPENROUTER_API_KEY"],
)
'''
    root = tree({"app.py": source})
    assert found(root) == []
    assert [(code, line) for _, code, line in found(root, "--ignore-suppressions")] == [("RL101", 5), ("RL201", 6)]


def test_a_comment_on_a_later_line_covers_only_that_line(tree):
    source = HEAD + f'''client = OpenAI(
    base_url="{URL}",  # routelint: ignore[RL101]
    api_key=os.environ["OPENROUTER_API_KEY"],
)
'''
    root = tree({"app.py": source})
    assert found(root) == [("app.py", "RL201", 6)]


def test_compound_statement_header_does_not_cover_its_body(tree):
    source = HEAD + f'''client = OpenAI(base_url="{URL}", api_key=os.environ["GEMINI_API_KEY"])
if os.environ.get("FAST"):  # routelint: ignore[RL301]
    client.chat.completions.create(model="gpt-4o", messages=[])
'''
    root = tree({"app.py": source})
    assert found(root) == [("app.py", "RL002", 5), ("app.py", "RL101", 4), ("app.py", "RL301", 6)]


def test_text_in_a_string_is_not_a_suppression(tree):
    root = tree({"app.py": CLIENT.replace('messages=[])', 'messages=[], user="# routelint: ignore")')})
    assert ("app.py", "RL301", 5) in found(root)
    assert find_suppressions("python", "app.py", 'x = "# noqa: RL301"\n') == []


def test_parse_comment_forms():
    assert parse_comment("# routelint: ignore[RL201, RL3] why")[0][2] == ("RL201", "RL3")
    assert parse_comment("# routelint: ignore")[0][2] == ()
    assert parse_comment("# noqa: E501 RL202")[0][2] == ("RL202",)
    assert parse_comment("# noqa: E501") == []
    assert parse_comment("# noqa") == []


# --------------------------------------------------------------------------- config files


@pytest.mark.parametrize(("name", "text", "line"), [
    (".env", f"# local settings\nTOKEN={GEMINI_KEY}  # routelint: ignore[RL202] revoked key kept for the audit\n", 2),
    ("deploy/prod.env", f"export TOKEN={GEMINI_KEY}  # noqa: RL202\n", 1),
    ("config/app.yaml", f"service:\n  token: {GEMINI_KEY}  # routelint: ignore[RL202] revoked\n", 2),
    ("config/app.toml", f'[service]\ntoken = "{GEMINI_KEY}"  # routelint: ignore[RL202]\n', 2),
    ("scripts/run.sh", f"#!/bin/sh\nexport TOKEN={GEMINI_KEY}  # routelint: ignore\n", 2),
])
def test_suppressions_in_config_files(tree, name, text, line):
    root = tree({name: text})
    assert found(root) == []
    assert found(root, "--ignore-suppressions") == [(name, "RL202", line)]


def test_yaml_hash_without_space_is_not_a_comment():
    assert find_suppressions("yaml", "a.yaml", "url: http://x/#routelint:ignore\n") == []
    assert find_suppressions("yaml", "a.yaml", "url: x  # routelint: ignore\n")[0].codes == ()


def test_markdown_is_not_read_for_suppressions(tree):
    root = tree({"README.md": f"Use `# routelint: ignore[RL202]` like this: {GEMINI_KEY}\n"})
    assert found(root) == [("README.md", "RL202", 1)]  # neither a suppression nor an unused one


# --------------------------------------------------------------------------- unused suppressions


def test_unused_suppressions_are_rl002(tree):
    source = CLIENT.replace("messages=[])\n", "messages=[])  # routelint: ignore[RL301, RL201]\n") + \
        "TIMEOUT = 30  # routelint: ignore\nRETRIES = 3  # noqa: RL999\n"
    root = tree({"app.py": source})
    code, document = run_json(".", cwd=root)
    unused = {d["line"]: d for d in document["diagnostics"] if d["code"] == "RL002"}
    assert sorted(unused) == [5, 6, 7]
    assert "RL201" in unused[5]["message"] and "RL301" not in unused[5]["message"]
    assert unused[5]["column"] == source.splitlines()[4].index("routelint:") + 1
    assert "no finding" in unused[6]["message"]
    assert "RL999 is not a routelint rule code" in unused[7]["message"]
    assert unused[5]["severity"] == "warning" and unused[5]["name"] == "unused-suppression"
    assert unused[5]["url"].endswith("/RL002.toml")
    assert document["summary"]["suppressed"] == 1


def test_unused_codes_that_are_switched_off_are_not_judged(tree):
    root = tree({"app.py": CLIENT.replace("messages=[])\n", "messages=[])  # routelint: ignore[RL201]\n") +
                 "X = 1  # routelint: ignore\n"})
    assert ("app.py", "RL002", 5) in found(root)
    assert [code for _, code, _ in found(root, "--select", "RL3")] == ["RL301"]
    assert "RL002" not in {code for _, code, _ in found(root, "--ignore", "RL002")}


def test_ignore_suppressions_shows_everything_and_no_rl002(tree):
    root = tree({"app.py": CLIENT.replace("messages=[])\n", "messages=[])  # routelint: ignore[RL301, RL201]\n")})
    assert found(root, "--ignore-suppressions") == [("app.py", "RL101", 4), ("app.py", "RL301", 5)]


# --------------------------------------------------------------------------- --add-suppressions


def test_add_suppressions_then_the_tree_is_clean(tree):
    multiline = HEAD + f'''settings = dict(
    notes="""the old key, rotate:
{GEMINI_KEY}
""",
)
'''
    root = tree({
        "app.py": CLIENT.replace("messages=[])\n", "messages=[])  # routelint: ignore[RL101]\n").replace(
            f'"{URL}", api_key', f'"{URL}",  api_key'),
        "notes.py": multiline,
        ".env.production": f"TOKEN={GEMINI_KEY}\n",
        "config/app.yaml": f"service:\n  token: {GEMINI_KEY}\n",
        "config/app.toml": f'[service]\ntoken = "{GEMINI_KEY}"\n',
        "data.json": f'{{"token": "{GEMINI_KEY}"}}\n',
    })
    before = found(root)
    assert ("app.py", "RL002", 5) in before  # the RL101 comment sits on the wrong line
    result = run_cli("check", "--add-suppressions", ".", cwd=root)
    assert result.exit_code == 1  # data.json cannot take a comment
    assert "data.json:1: RL202 not suppressed" in result.output
    after = found(root)
    assert [(path, code) for path, code, _ in after] == [("app.py", "RL002"), ("data.json", "RL202")]
    app = (root / "app.py").read_text(encoding="utf-8").splitlines()
    assert app[3].endswith("# routelint: ignore[RL101]")
    assert app[4].endswith("# routelint: ignore[RL101, RL301]")  # merged into the existing comment
    notes = (root / "notes.py").read_text(encoding="utf-8").splitlines()
    assert notes[3] == "settings = dict(  # routelint: ignore[RL202]"  # the key's line is inside a string
    assert (root / ".env.production").read_text(encoding="utf-8").endswith("  # routelint: ignore[RL202]\n")
    assert (root / "config/app.yaml").read_text(encoding="utf-8").splitlines()[1].endswith("# routelint: ignore[RL202]")
    leftovers = [path for path in root.rglob("*") if "routelint-tmp" in path.name or path.name.startswith(".routelint-")]
    assert leftovers == []  # no temporary file left behind
    for name in ("app.py", "notes.py", ".env.production", "config/app.yaml", "config/app.toml"):
        assert GEMINI_KEY in (root / name).read_text(encoding="utf-8") or name == "app.py"  # only comments added


def test_add_suppressions_keeps_line_endings_bom_and_mode(tree):
    source = CLIENT.replace("\n", "\r\n")
    root = tree({})
    path = root / "app.py"
    path.write_bytes(b"\xef\xbb\xbf" + source.encode("utf-8"))
    os.chmod(path, 0o640)
    result = run_cli("check", "--add-suppressions", "app.py", cwd=root)
    assert result.exit_code == 0, result.output
    assert "Added 2 suppressions in 1 file." in result.output
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == source.count("\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert b"# routelint: ignore[RL101]\r\n" in data and b"# routelint: ignore[RL301]\r\n" in data
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert run_cli("check", "app.py", cwd=root).exit_code == 0


def test_add_suppressions_in_js_and_ts_writes_slash_comments_where_they_change_nothing(tree):
    """JS/TS take `// routelint: ignore[...]`; a line inside a multi-line template literal cannot take
    one (it would become part of the string): that finding is reported as not suppressed."""
    client = ('import OpenAI from "openai";\n\n'
              'const client = new OpenAI({ baseURL: "https://generativelanguage.googleapis.com/v1beta/openai/",\n'
              '                                  apiKey: process.env.GEMINI_API_KEY });\n'
              'await client.chat.completions.create({ model: "gpt-4o", messages: [] }); // reviewed // routelint: ignore[RL101]\n')
    root = tree({"src/client.ts": client,
                 "src/notes.js": f"export const notes = `rotate:\n{GEMINI_KEY}\n`;\n"})
    result = run_cli("check", "--add-suppressions", ".", cwd=root)
    assert "src/notes.js:2: RL202 not suppressed: no comment can be placed there" in result.output
    lines = (root / "src/client.ts").read_text(encoding="utf-8").splitlines()
    assert lines[2].endswith('/openai/",  // routelint: ignore[RL101]')
    assert lines[4].endswith("[] }); // reviewed // routelint: ignore[RL101, RL301]")  # merged into the directive
    assert (root / "src/notes.js").read_text(encoding="utf-8") == f"export const notes = `rotate:\n{GEMINI_KEY}\n`;\n"
    # what is left: the RL101 code on the wrong line is unused (RL002), and the key inside the string
    assert [(path, code) for path, code, _ in found(root)] == [("src/client.ts", "RL002"), ("src/notes.js", "RL202")]


def test_add_suppressions_leaves_a_read_only_file_alone_and_counts_only_what_it_wrote(tree):
    root = tree({"app.py": CLIENT, "other.py": CLIENT})
    os.chmod(root / "app.py", 0o444)
    before = (root / "app.py").read_bytes()
    result = run_cli("check", "--add-suppressions", ".", cwd=root)
    assert (root / "app.py").read_bytes() == before and stat.S_IMODE(os.stat(root / "app.py").st_mode) == 0o444
    assert "app.py:4: RL101 not suppressed: not written: the file is read-only (mode 0444)" in result.output
    assert "Added 2 suppressions in 1 file." in result.output  # other.py's two, not app.py's
    assert [(path, code) for path, code, _ in found(root)] == [("app.py", "RL101"), ("app.py", "RL301")]


def test_add_suppressions_on_a_file_that_does_not_parse_says_so(tree):
    root = tree({"app.py": "from openai import OpenAI\nprint 'python 2'\n",
                 "web.ts": "const x = ;\n// " + GEMINI_KEY + "\n"})
    before = {name: (root / name).read_bytes() for name in ("app.py", "web.ts")}
    result = run_cli("check", "--add-suppressions", ".", cwd=root)
    assert "app.py:2: RL001 not suppressed: the file does not parse" in result.output
    assert "web.ts:2: RL202 not suppressed: the file does not parse" in result.output
    assert {name: (root / name).read_bytes() for name in before} == before

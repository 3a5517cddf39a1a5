"""Jupyter notebooks: code cells are one Python module, findings sit at the `.ipynb` file's own lines,
markdown and outputs are scanned for keys, `--fix` edits only the source strings.

Notebooks are built with nbformat itself (as Jupyter writes them) and every notebook `--fix` writes is
read back and validated with nbformat.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import DEMO_APP, GEMINI_KEY, run_cli, run_json

v4 = nbformat.v4
GEMINI = "https://generativelanguage.googleapis.com/v1beta/openai/"


def notebook(*cells, path: Path) -> Path:
    """Write a notebook of (kind, source[, outputs]) cells the way Jupyter does."""
    built = []
    for index, cell in enumerate(cells):
        kind, source, *rest = cell
        made = v4.new_code_cell(source) if kind == "code" else v4.new_markdown_cell(source)
        if rest:
            made.outputs = rest[0]
        made.id = f"c{index + 1}"
        built.append(made)
    document = v4.new_notebook(cells=built)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(document, str(path))
    return path


def line_of(path: Path, needle: str) -> int:
    """The 1-based line of the notebook file that holds `needle` (as JSON spells it)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def findings(document: dict) -> set[tuple[str, int, int]]:
    return {(d["code"], d["line"], d["column"]) for d in document["diagnostics"]}


CLIENT = f'client = OpenAI(base_url="{GEMINI}",\n                api_key=os.environ["OPENAI_API_KEY"])'


def test_route_across_cells_is_reported_at_the_notebook_lines(tmp_path):
    path = notebook(
        ("markdown", "# Gemini through the OpenAI SDK"),
        ("code", "%pip install openai\nimport os\nfrom openai import OpenAI"),
        ("code", CLIENT + "\n!echo built"),
        ("code", 'answer = client.chat.completions.create(model="gpt-4o", messages=[])'),
        path=tmp_path / "nb" / "explore.ipynb",
    )
    code, document = run_json("--no-cache", str(path))
    assert code == 1
    url_line = line_of(path, "base_url=")
    key_line = line_of(path, "api_key=")
    model_line = line_of(path, "model=")
    text = path.read_text(encoding="utf-8").splitlines()
    assert findings(document) == {
        ("RL101", url_line, text[url_line - 1].index("\\\"https") + 1),
        ("RL201", key_line, text[key_line - 1].index("os.environ") + 1),
        ("RL301", model_line, text[model_line - 1].index("\\\"gpt-4o") + 1),
    }
    assert {d["path"] for d in document["diagnostics"]} == {str(path)}
    assert not any(d["code"] == "RL001" for d in document["diagnostics"])  # magics and !shell are not errors


def test_human_formats_name_the_cell_and_its_line(tmp_path):
    path = notebook(
        ("code", "import os\nfrom openai import OpenAI"),
        ("code", CLIENT),
        path=tmp_path / "a.ipynb",
    )
    concise = run_cli("check", "--no-cache", "--format", "concise", str(path)).output
    assert f"{path}:{line_of(path, 'base_url=')}:" in concise
    assert "RL101" in concise and "(cell 2, line 1)" in concise
    assert "(cell 2, line 2)" in concise  # RL201 on the api_key line
    full = run_cli("check", "--no-cache", "--format", "full", "--no-color", str(path)).output
    assert "(cell 2, line 1)" in full
    machine = run_cli("check", "--no-cache", "--format", "json", str(path)).output
    assert "cell 2" not in machine  # machine formats keep the message as it is


def test_routes_and_audit_name_the_cell_of_a_route(tmp_path):
    path = notebook(
        ("markdown", "# explore"),
        ("code", "import os\nfrom openai import OpenAI"),
        ("code", "x = 1\n" + CLIENT),
        path=tmp_path / "a.ipynb",
    )
    site = f"{path}:{line_of(path, 'client = OpenAI(')}:"
    table = run_cli("routes", "--format", "markdown", str(path)).output
    assert f"| {site}" in table and "(cell 3, line 2)" in table
    (route,) = json.loads(run_cli("routes", "--format", "json", str(path)).output)["routes"]
    assert route["location"].startswith(site) and route["cell"] == "cell 3, line 2"  # location stays path:line:col
    report = tmp_path / "audit.md"
    run_cli("audit", "--markdown", str(report), str(path))
    assert f"{site}" in report.read_text(encoding="utf-8") and "(cell 3, line 2)" in report.read_text(encoding="utf-8")


def test_keys_in_markdown_outputs_and_comments(tmp_path):
    printed = [v4.new_output("stream", name="stdout", text=f"{GEMINI_KEY}\n")]
    path = notebook(
        ("markdown", f"Use the key {GEMINI_KEY} for the demo"),
        ("code", f"import os\n# old key: {GEMINI_KEY}\nprint(os.environ['GEMINI_API_KEY'])", printed),
        path=tmp_path / "keys.ipynb",
    )
    code, document = run_json("--no-cache", str(path))
    assert code == 1
    found = sorted((d["line"], d["message"]) for d in document["diagnostics"] if d["code"] == "RL202")
    lines = [line for line, _ in found]
    text = path.read_text(encoding="utf-8")
    assert len(found) == 3 and len(set(lines)) == 3
    assert line_of(path, "Use the key") in lines and line_of(path, "# old key") in lines
    comment = next(message for line, message in found if line == line_of(path, "# old key"))
    markdown = next(message for line, message in found if line == line_of(path, "Use the key"))
    assert "in a comment" in comment and "in a comment" not in markdown
    output_line = [number for number, line in enumerate(text.splitlines(), start=1)
                   if GEMINI_KEY in line and "old key" not in line and "Use the key" not in line]
    assert output_line and output_line[0] in lines  # a printed key is a leak too
    assert GEMINI_KEY not in json.dumps(document)


def test_single_string_sources_and_escapes_map_to_columns(tmp_path):
    source = f'import os\nfrom openai import OpenAI\nnote = "caf\\u00e9 \\"quoted\\""\nc = OpenAI(base_url="{GEMINI}", api_key=os.environ["GEMINI_API_KEY"])\n'
    document = {"cells": [{"cell_type": "code", "execution_count": None, "id": "x", "metadata": {}, "outputs": [],
                           "source": source}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "one.ipynb"
    path.write_text(json.dumps(document, indent=2, ensure_ascii=True) + "\n", encoding="utf-8")
    code, report = run_json("--no-cache", str(path))
    (rl101,) = [d for d in report["diagnostics"] if d["code"] == "RL101"]
    line = path.read_text(encoding="utf-8").splitlines()[rl101["line"] - 1]
    assert line[rl101["column"] - 1:].startswith('\\"https://generativelanguage')
    note = run_cli("check", "--no-cache", "--format", "concise", str(path)).output
    assert "(cell 1, line 4)" in note


def test_top_level_await_cell_magics_and_a_broken_cell(tmp_path):
    path = notebook(
        ("code", "import os\nfrom openai import AsyncOpenAI"),
        ("code", "%%bash\necho $OPENAI_API_KEY | cut -c1-4"),
        ("code", f'client = AsyncOpenAI(base_url="{GEMINI}", api_key=os.environ["GEMINI_API_KEY"])\nfiles = !ls\nclient?'),
        ("code", "def broken(:\n    pass"),
        ("code", 'up = await client.files.create(file=open("a.pdf", "rb"), purpose="user_data")'),
        path=tmp_path / "async.ipynb",
    )
    code, document = run_json("--no-cache", str(path))
    by_code = {d["code"]: d for d in document["diagnostics"]}
    assert by_code["RL001"]["line"] == line_of(path, "def broken")
    assert "cell 4" in by_code["RL001"]["message"]
    assert by_code["RL401"]["line"] == line_of(path, "await client.files.create")  # the await cell is analysed


@pytest.mark.parametrize(("content", "why"), [
    ("{not json", "not valid JSON"),
    ('{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}', "nbformat 3"),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}', "no 'cells' list"),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "source": 3, "outputs": []}]}',
     "cell 1 is not a string"),
    ("[1, 2]", "not a JSON object"),
])
def test_invalid_notebooks_are_rl001_and_the_run_goes_on(tmp_path, content, why):
    (tmp_path / "bad.ipynb").write_text(content, encoding="utf-8")
    (tmp_path / "app.py").write_text(f'from openai import OpenAI\nc = OpenAI(base_url="{GEMINI}")\n', encoding="utf-8")
    code, document = run_json("--no-cache", str(tmp_path))
    problems = [d for d in document["diagnostics"] if d["code"] == "RL001"]
    assert len(problems) == 1 and problems[0]["path"].endswith("bad.ipynb")
    assert why in problems[0]["message"]
    assert any(d["path"].endswith("app.py") for d in document["diagnostics"])


def test_suppression_comment_in_a_cell(tmp_path):
    path = notebook(
        ("code", f'import os\nfrom openai import OpenAI\nc = OpenAI(base_url="{GEMINI}", api_key=os.environ["GEMINI_API_KEY"])  # noqa: RL101'),
        path=tmp_path / "quiet.ipynb",
    )
    code, document = run_json("--no-cache", str(path))
    assert code == 0 and document["diagnostics"] == []


def test_a_notebook_reads_constants_from_a_project_module(tmp_path):
    (tmp_path / "settings.py").write_text(f'GEMINI_URL = "{GEMINI}"\n', encoding="utf-8")
    path = notebook(
        ("code", "import os\nfrom openai import OpenAI\nfrom settings import GEMINI_URL"),
        ("code", 'c = OpenAI(base_url=GEMINI_URL, api_key=os.environ["GEMINI_API_KEY"])\nc.chat.completions.create(model="gpt-4o", messages=[])'),
        path=tmp_path / "uses.ipynb",
    )
    code, document = run_json("--no-cache", str(tmp_path))
    assert ("RL301", str(path), line_of(path, "gpt-4o")) in {(d["code"], d["path"], d["line"]) for d in document["diagnostics"]}


def _source_lines(text: str) -> set[int]:
    """Indexes of the lines holding a cell's source strings (between `"source": [` and its `]`)."""
    inside, found = False, set()
    for index, line in enumerate(text.splitlines()):
        if inside and line.strip() in ("]", "],"):
            inside = False
        elif inside:
            found.add(index)
        elif line.strip() == '"source": [':
            inside = True
    return found


def test_fix_edits_only_source_strings_and_stays_a_valid_notebook(tmp_path):
    printed = [v4.new_output("stream", name="stdout", text="done\n"),
               v4.new_output("execute_result", data={"text/plain": "'x'"}, execution_count=2)]
    path = notebook(
        ("markdown", "Setup"),
        ("code", "from openai import OpenAI"),
        ("code", f'client = OpenAI(base_url="{GEMINI}", api_key="{GEMINI_KEY}")', printed),
        path=tmp_path / "fixme.ipynb",
    )
    before = path.read_text(encoding="utf-8")
    result = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", str(path))
    after = path.read_text(encoding="utf-8")
    assert after != before and GEMINI_KEY not in after, result.output
    loaded = nbformat.read(str(path), as_version=4)
    nbformat.validate(loaded)
    assert loaded.cells[1].source.startswith("import os\n")  # `import os` goes into the first code cell
    assert 'os.environ.get("GEMINI_BASE_URL", "' + GEMINI + '")' in loaded.cells[2].source
    assert 'api_key=os.environ["GEMINI_API_KEY"]' in loaded.cells[2].source
    assert [cell.get("outputs") for cell in json.loads(after)["cells"]] == [
        cell.get("outputs") for cell in json.loads(before)["cells"]]
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new) and after.endswith("}\n")
    changed = {index for index, (a, b) in enumerate(zip(old, new)) if a != b}
    assert changed and changed <= _source_lines(before)  # indentation, key order, outputs: untouched
    again = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", str(path))
    assert path.read_text(encoding="utf-8") == after, again.output  # idempotent


def test_fix_of_the_demo_app_notebook_keeps_it_loadable(tmp_path):
    target = tmp_path / "demo-app"
    shutil.copytree(DEMO_APP, target)
    path = target / "notebooks" / "triage.ipynb"
    original = nbformat.read(str(path), as_version=4)
    run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", str(path), cwd=target)
    fixed = nbformat.read(str(path), as_version=4)
    nbformat.validate(fixed)
    assert [cell.get("outputs") for cell in fixed.cells] == [cell.get("outputs") for cell in original.cells]
    assert [cell.source for cell in fixed.cells] != [cell.source for cell in original.cells]
    assert 'os.environ.get("FLATKEY_BASE_URL", "https://router.flatkey.ai/v1")' in fixed.cells[2].source
    code, document = run_json("--no-cache", str(path), cwd=target)
    assert {d["code"] for d in document["diagnostics"]} == {"RL202", "RL301"}  # the printed key and the model remain


def test_add_suppressions_writes_comments_into_code_cells_only(tmp_path):
    printed = [v4.new_output("stream", name="stdout", text=f"{GEMINI_KEY}\n")]
    path = notebook(
        ("code", "%pip install openai\nimport os\nfrom openai import OpenAI"),
        ("code", CLIENT, printed),
        path=tmp_path / "quiet.ipynb",
    )
    before = json.loads(path.read_text(encoding="utf-8"))
    result = run_cli("check", "--no-cache", "--add-suppressions", str(path))
    assert "Added 2 suppressions in 1 file" in result.output, result.output
    assert "RL202 not suppressed" in result.output  # a printed key is in an output: no comment there
    loaded = nbformat.read(str(path), as_version=4)
    nbformat.validate(loaded)
    assert "# routelint: ignore[RL101]" in loaded.cells[1].source.splitlines()[0]
    assert "# routelint: ignore[RL201]" in loaded.cells[1].source.splitlines()[1]
    after = json.loads(path.read_text(encoding="utf-8"))
    assert [cell["outputs"] for cell in after["cells"]] == [cell["outputs"] for cell in before["cells"]]
    code, document = run_json("--no-cache", str(path))
    assert {d["code"] for d in document["diagnostics"]} == {"RL202"}


def test_a_line_split_over_two_strings_and_crlf_files(tmp_path):
    source = ["from openai import OpenAI\r\n", "client = OpenAI(base_url=",
              f'"{GEMINI}")\r\n', 'client.chat.completions.create(model="gpt-4o", messages=[])']
    document = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    path = tmp_path / "split.ipynb"
    path.write_bytes((json.dumps(document, indent=1) + "\n").replace("\n", "\r\n").encode("utf-8"))
    concise = run_cli("check", "--no-cache", "--format", "concise", str(path)).output
    rl101 = next(line for line in concise.splitlines() if " RL101 " in line)
    assert rl101.startswith(f"{path}:{line_of(path, 'https://generative')}:") and rl101.endswith("(cell 1, line 2)")
    run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", str(path))
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # the file's own line endings are kept
    fixed = nbformat.read(str(path), as_version=4)
    nbformat.validate(fixed)
    assert f'base_url=os.environ.get("GEMINI_BASE_URL", "{GEMINI}")' in fixed.cells[0].source

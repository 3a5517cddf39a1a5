"""Baselines: --write-baseline / --baseline round trip, identity without line numbers or secrets,
stable merge-friendly JSON, stale entries, and the README's audit commands."""

from __future__ import annotations

import json
import re
import shlex

from conftest import GEMINI_KEY, OPENROUTER_KEY, REPO, run_cli, run_json

CLIENT = '''import os
from openai import OpenAI

client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key=os.environ["GEMINI_API_KEY"])
client.chat.completions.create(model="gpt-4o", messages=[])
'''
KEYS = f'GEMINI = "{GEMINI_KEY}"\nROUTER = "{OPENROUTER_KEY}"\n'


def _write(root, name="baseline.json", *paths):
    result = run_cli("check", "--write-baseline", name, *(paths or (".",)), cwd=root)
    assert result.exit_code == 0, result.output
    return json.loads((root / name).read_text(encoding="utf-8"))


def test_round_trip_reports_nothing_known(tree):
    root = tree({"app.py": CLIENT, "keys.py": KEYS})
    document = _write(root)
    assert document["version"] == 1 and document["tool"] == "routelint"
    assert [(e["path"], e["code"]) for e in document["entries"]] == [
        ("app.py", "RL101"), ("app.py", "RL301"), ("keys.py", "RL202"), ("keys.py", "RL202")]
    result = run_cli("check", "--baseline", "baseline.json", ".", cwd=root)
    assert result.exit_code == 0, result.output
    assert "All checks passed" in result.output
    code, report = run_json("--baseline", "baseline.json", ".", cwd=root)
    assert code == 0 and report["diagnostics"] == []
    assert report["summary"]["baseline"] == {"file": "baseline.json", "matched": 4, "new": 0, "stale": []}


def test_baseline_file_is_sorted_stable_and_has_no_lines_times_or_keys(tree):
    root = tree({"app.py": CLIENT, "keys.py": KEYS})
    first = (_write(root), (root / "baseline.json").read_bytes())
    second = (_write(root), (root / "baseline.json").read_bytes())
    assert first[1] == second[1]  # byte-identical: nothing depends on time or order of work
    text = first[1].decode("utf-8")
    assert text.endswith("}\n")
    for entry in first[0]["entries"]:
        assert set(entry) == {"path", "code", "name", "identity", "count"}
        assert re.fullmatch(r"sha256:[0-9a-f]{32}", entry["identity"])
    assert first[0]["entries"] == sorted(first[0]["entries"], key=lambda e: (e["path"], e["code"], e["identity"]))
    assert GEMINI_KEY[4:-4] not in text and OPENROUTER_KEY[8:-4] not in text
    assert not re.search(r'"(line|column|time|date|timestamp)', text)
    assert (root / "baseline.json").stat().st_mode & 0o644 == 0o644  # readable like any file, not mkstemp's 0600
    assert [path.name for path in root.iterdir() if path.name.startswith(".routelint-baseline-")] == []


def test_moved_lines_still_match(tree):
    root = tree({"app.py": CLIENT, "keys.py": KEYS, "bad.py": b"import openai\nx = '\xff'\n"})
    _write(root)
    (root / "app.py").write_text("# header\n\n\n" + CLIENT, encoding="utf-8")
    (root / "keys.py").write_text("import os\n\n" + KEYS, encoding="utf-8")
    (root / "bad.py").write_bytes(b"# moved\n" + (root / "bad.py").read_bytes())  # RL001 message names the line
    code, report = run_json("--baseline", "baseline.json", ".", cwd=root)
    assert code == 0, report["diagnostics"]
    assert report["summary"]["baseline"]["matched"] == 5 and report["summary"]["baseline"]["stale"] == []


def test_only_new_findings_are_reported(tree):
    root = tree({"app.py": CLIENT})
    _write(root)
    (root / "app.py").write_text(CLIENT + 'client.chat.completions.create(model="gpt-4o", messages=[])\n'
                                 'client.chat.completions.create(model="claude-3-5-sonnet", messages=[])\n', encoding="utf-8")
    code, report = run_json("--baseline", "baseline.json", ".", cwd=root)
    assert code == 1
    assert [(d["code"], d["line"]) for d in report["diagnostics"]] == [("RL301", 6), ("RL301", 7)]
    assert report["summary"]["baseline"]["matched"] == 2


def test_two_keys_in_one_file_are_two_entries_and_a_new_key_is_new(tree):
    root = tree({"keys.py": f'A = "{GEMINI_KEY}"\n'})
    _write(root)
    (root / "keys.py").write_text(f'A = "{GEMINI_KEY}"\nB = "{OPENROUTER_KEY}"\n', encoding="utf-8")
    code, report = run_json("--baseline", "baseline.json", ".", cwd=root)
    assert code == 1 and [(d["code"], d["line"]) for d in report["diagnostics"]] == [("RL202", 2)]


def test_stale_entries_are_reported(tree):
    root = tree({"app.py": CLIENT, "keys.py": KEYS})
    _write(root)
    (root / "app.py").write_text(CLIENT.replace('model="gpt-4o"', 'model="gemini-2.5-flash"'), encoding="utf-8")
    (root / "keys.py").unlink()
    result = run_cli("check", "--baseline", "baseline.json", ".", cwd=root)
    assert result.exit_code == 0
    assert "routelint: 3 baseline entries no longer match a finding in baseline.json" in result.output
    run_cli("check", "--format", "json", "--output-file", "report.json", "--baseline", "baseline.json", ".", cwd=root)
    report = json.loads((root / "report.json").read_text(encoding="utf-8"))  # stdout alone: the stale line is on stderr
    stale = report["summary"]["baseline"]["stale"]
    assert [(e["path"], e["code"], e["count"]) for e in stale] == [("app.py", "RL301", 1), ("keys.py", "RL202", 1), ("keys.py", "RL202", 1)]
    assert all("line" not in e for e in stale)


def test_entries_of_files_not_checked_are_not_stale(tree):
    root = tree({"a.py": CLIENT, "b.py": CLIENT})
    _write(root)
    code, report = run_json("--baseline", "baseline.json", "a.py", cwd=root)
    assert code == 0 and report["summary"]["baseline"]["stale"] == []


def test_baseline_paths_are_relative_to_the_baseline_file(tree):
    root = tree({"proj/app.py": CLIENT})
    _write(root / "proj", ".routelint-baseline.json")
    document = json.loads((root / "proj" / ".routelint-baseline.json").read_text(encoding="utf-8"))
    assert {e["path"] for e in document["entries"]} == {"app.py"}
    code, report = run_json("--baseline", "proj/.routelint-baseline.json", "proj", cwd=root)  # another cwd
    assert code == 0 and report["summary"]["baseline"]["matched"] == 2


def test_a_key_inside_a_url_never_reaches_the_baseline(tree):
    url = f"https://generativelanguage.googleapis.com/v1beta/openai/?key={GEMINI_KEY}"
    root = tree({"app.py": CLIENT.replace("https://generativelanguage.googleapis.com/v1beta/openai/", url)})
    text = json.dumps(_write(root))
    assert GEMINI_KEY[4:-4] not in text
    sarif = run_cli("check", "--format", "sarif", ".", cwd=root).output
    assert GEMINI_KEY[4:-4] not in sarif


def test_bad_baseline_files_exit_2(tree):
    root = tree({"app.py": CLIENT, "empty.json": "{}", "broken.json": "{", "entry.json": '{"version": 1, "entries": [{"path": 1}]}'})
    for name, fragment in (("missing.json", "baseline file not found"), ("empty.json", "not a routelint baseline"),
                           ("broken.json", "not a routelint baseline"), ("entry.json", "malformed entry")):
        result = run_cli("check", "--baseline", name, ".", cwd=root)
        assert result.exit_code == 2, name
        assert f"{name}: {fragment}" in result.output


def test_readme_audit_commands(tree):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Audit an existing codebase\n"):]
    commands = [shlex.split(line) for line in re.search(r"```sh\n(.*?)```", section, re.S).group(1).splitlines() if line.strip()]
    assert [command[:2] for command in commands] == [["routelint", "check"], ["routelint", "check"]]
    root = tree({"app.py": CLIENT, "keys.py": KEYS})
    first = run_cli(*commands[0][1:], cwd=root)
    assert first.exit_code == 0 and (root / ".routelint-baseline.json").is_file()
    assert run_cli(*commands[1][1:], cwd=root).exit_code == 0
    (root / "new.py").write_text(CLIENT, encoding="utf-8")
    assert run_cli(*commands[1][1:], cwd=root).exit_code == 1

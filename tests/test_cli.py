"""The CLI contract: exit codes, the JSON document, formats, determinism."""

from __future__ import annotations

import subprocess
import sys

from conftest import GEMINI_KEY, run_cli, run_json

GEMINI_CLIENT = '''import os
from openai import OpenAI

client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key=os.environ["GEMINI_API_KEY"])
client.chat.completions.create(model="gpt-4o", messages=[])
'''

CLEAN = '''import os
from openai import OpenAI

client = OpenAI(base_url=os.getenv("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com/v1beta/openai/"),
                api_key=os.environ["GEMINI_API_KEY"])
client.chat.completions.create(model="gemini-2.5-flash", messages=[])
'''


def test_exit_codes(tree):
    root = tree({"clean/app.py": CLEAN, "dirty/app.py": GEMINI_CLIENT})
    assert run_cli("check", str(root / "clean")).exit_code == 0
    assert run_cli("check", str(root / "dirty")).exit_code == 1
    assert run_cli("check", "--exit-zero", str(root / "dirty")).exit_code == 0
    missing = run_cli("check", str(root / "nope"))
    assert missing.exit_code == 2
    assert "no such file or directory" in missing.output
    assert run_cli("check", "--select", "XX9", str(root)).exit_code == 2
    assert run_cli("check", "--format", "xml", str(root)).exit_code == 2


def test_bad_config_exits_2_naming_file_and_key(tree):
    root = tree({"pyproject.toml": "[tool.routelint]\nselct = ['RL2']\n", "app.py": CLEAN})
    result = run_cli("check", str(root))
    assert result.exit_code == 2
    assert "pyproject.toml" in result.output and "'selct'" in result.output
    assert "Traceback" not in result.output


def test_json_contract(tree, monkeypatch):
    root = tree({"pkg/app.py": GEMINI_CLIENT})
    monkeypatch.chdir(root)
    code, document = run_json("pkg")
    assert code == 1
    assert document["version"] == 1
    assert document["tool"]["name"] == "routelint" and document["tool"]["version"]
    findings = document["diagnostics"]
    assert [(d["code"], d["line"], d["column"]) for d in findings] == [("RL101", 4, 26), ("RL301", 5, 38)]
    first = findings[0]
    for key in ("code", "name", "severity", "message", "path", "line", "column", "end_line", "end_column", "provider", "fix"):
        assert key in first
    assert first["path"] == "pkg/app.py"  # as given: relative stays relative, '/' separators
    assert first["severity"] == "warning" and findings[1]["severity"] == "error"
    assert first["provider"] == "gemini"
    assert first["fix"] is None or first["fix"]["applicability"] in ("safe", "unsafe", "display-only")  # issue 5: fixes
    assert first["end_line"] == 4 and first["end_column"] == 26 + len('"https://generativelanguage.googleapis.com/v1beta/openai/"')
    assert document["summary"]["diagnostics"] == 2


def test_select_and_ignore_prefixes(tree):
    root = tree({"app.py": GEMINI_CLIENT})
    _, only_models = run_json("--select", "RL3", str(root))
    assert {d["code"] for d in only_models["diagnostics"]} == {"RL301"}
    _, no_urls = run_json("--ignore", "RL1", str(root))
    assert {d["code"] for d in no_urls["diagnostics"]} == {"RL301"}


def test_concise_format_is_one_line_per_finding(tree):
    root = tree({"app.py": GEMINI_CLIENT})
    result = run_cli("check", "--format", "concise", str(root / "app.py"))
    lines = result.output.splitlines()
    assert lines[0] == f"{root}/app.py:4:26: RL101 " + lines[0].split(" RL101 ", 1)[1]
    assert lines[1].startswith(f"{root}/app.py:5:38: RL301 ")
    assert lines[-2].startswith("Found 2 findings")
    assert lines[-1] == "[*] 1 fixable with `--fix`."  # Ruff's hint: RL101's fix is safe


def test_full_format_shows_source_and_caret(tree):
    root = tree({"app.py": GEMINI_CLIENT})
    result = run_cli("check", "--format", "full", "--no-color", str(root))
    assert 'client.chat.completions.create(model="gpt-4o", messages=[])' in result.output
    carets = [line.strip() for line in result.output.splitlines() if line.strip().startswith("^")]
    assert carets == ["^" * len('"https://generativelanguage.googleapis.com/v1beta/openai/"'), "^" * len('"gpt-4o"')]


def test_redaction_in_every_format(tree):
    source = f'from openai import OpenAI\nclient = OpenAI(base_url="https://router.flatkey.ai/v1", api_key="{GEMINI_KEY}")\n'
    root = tree({"app.py": source, "notes.txt": f"old key: {GEMINI_KEY}\n"})
    for fmt in ("full", "concise", "json"):
        result = run_cli("check", "--format", fmt, "--no-color", str(root))
        assert result.exit_code == 1
        assert GEMINI_KEY not in result.output, fmt
        assert "AIza…w6Rx" in result.output, fmt


def test_rules_and_rule_commands():
    listing = run_cli("rules")
    assert listing.exit_code == 0
    assert "RL201  key-route-mismatch" in listing.output
    doc = run_cli("rule", "rl201")
    assert doc.exit_code == 0 and "# RL201 key-route-mismatch (error)" in doc.output
    assert run_cli("rule", "RL999").exit_code == 2


def test_jobs_do_not_change_results(tree):
    files = {f"mod{index}.py": GEMINI_CLIENT.replace("gpt-4o", f"gpt-4o-{index}") for index in range(40)}
    files.update({f"plain{index}.py": "x = 1\n" for index in range(20)})
    root = tree(files)
    _, one = run_json("--jobs", "1", str(root))
    _, two = run_json("--jobs", "2", str(root))
    assert one["diagnostics"] == two["diagnostics"]
    assert len(one["diagnostics"]) == 80


def test_version_and_module_entry_point():
    completed = subprocess.run([sys.executable, "-m", "routelint", "--version"], capture_output=True, text=True, check=True)
    assert completed.stdout.startswith("routelint ")


def test_no_traceback_on_internal_error_path(tree):
    # a directory where a file is expected by --output-file: click reports it as usage error
    root = tree({"app.py": CLEAN})
    result = run_cli("check", "--output-file", str(root), str(root))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_base64_secret_data_is_found_and_its_encoded_form_redacted(tree):
    import base64

    encoded = base64.b64encode(GEMINI_KEY.encode()).decode()
    manifest = f"""apiVersion: v1
kind: Secret
metadata:
  name: llm
type: Opaque
data:
  GEMINI_API_KEY: {encoded}
"""
    root = tree({"k8s/secret.yaml": manifest})
    for fmt in ("full", "concise", "json"):
        result = run_cli("check", "--format", fmt, "--no-color", "--select", "RL202", str(root))
        assert result.exit_code == 1, fmt
        assert "RL202" in result.output
        assert encoded not in result.output and GEMINI_KEY not in result.output, fmt


def test_never_opens_a_socket(monkeypatch, tmp_path):
    """No network, ever: any attempt to create a socket during a full run (check, fix, SARIF) fails."""
    import shutil
    import socket

    from conftest import DEMO_APP

    def refuse(*args, **kwargs):
        raise AssertionError("routelint tried to open a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    copy = tmp_path / "demo"
    shutil.copytree(DEMO_APP, copy)
    for args in (["--format", "json"], ["--format", "sarif"], ["--fix", "--unsafe-fixes", "--format", "concise"]):
        result = run_cli("check", "--jobs", "1", "--no-cache", *args, str(copy))
        assert result.exit_code in (0, 1), result.output

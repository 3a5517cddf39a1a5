"""The CLI details Ruff users expect: --output-format, --extend-select, --show-fixes, [*] markers and
the fix hint, -q, --color with NO_COLOR / FORCE_COLOR for every command, plurals, one provenance note
per finding, exit codes of routes and audit."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from conftest import DEMO_APP, run_cli, write_tree

ANSI = re.compile(r"\x1b\[[0-9;]*m")
GEMINI_CLIENT = '''import os
from openai import OpenAI

client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key=os.environ["GEMINI_API_KEY"])
client.chat.completions.create(model="gpt-4o", messages=[])
'''


@pytest.fixture
def app(tmp_path):
    return write_tree(tmp_path, {"app.py": GEMINI_CLIENT, "pyproject.toml": '[tool.routelint]\nselect = ["RL1"]\n'})


def test_output_format_is_an_alias_of_format(app):
    assert run_cli("check", "--output-format", "json", ".", cwd=app).stdout == run_cli("check", "--format", "json", ".", cwd=app).stdout


def test_extend_select_adds_to_the_configured_selection(app):
    _, = {d["code"] for d in json.loads(run_cli("check", "--format", "json", ".", cwd=app).stdout)["diagnostics"]}
    codes = {d["code"] for d in json.loads(run_cli("check", "--format", "json", "--extend-select", "RL301", ".",
                                                   cwd=app).stdout)["diagnostics"]}
    assert codes == {"RL101", "RL301"}
    assert run_cli("check", "--extend-select", "RL9", ".", cwd=app).exit_code == 2  # matches no rule


def test_markers_hint_show_fixes_and_quiet(app):
    concise = run_cli("check", "--format", "concise", ".", cwd=app).stdout.splitlines()
    assert concise[0].startswith("app.py:4:26: RL101 [*] base URL")
    assert concise[-2:] == ["Found 1 finding (0 errors, 1 warning) in 2 files.", "[*] 1 fixable with `--fix`."]
    shown = run_cli("check", "--format", "concise", "--show-fixes", ".", cwd=app).stdout.splitlines()
    assert shown[1] == "  fix (safe): Read the base URL from GEMINI_BASE_URL, keeping the current URL as the default"
    quiet = run_cli("check", "--format", "concise", "-q", ".", cwd=app).stdout.splitlines()
    assert quiet == [concise[0]]
    full = run_cli("check", "--format", "full", "--quiet", ".", cwd=app).stdout
    assert "Found" not in full and "RL101 [*] base URL" in full


def test_unsafe_fixes_are_counted_behind_the_option(tmp_path):
    root = write_tree(tmp_path, {"app.py": 'from openai import OpenAI\n\nc = OpenAI(api_key="GEMINI_API_KEY", '
                                           'base_url="https://generativelanguage.googleapis.com/v1beta/openai/")\n'})
    out = run_cli("check", "--format", "concise", "--select", "RL203", ".", cwd=root).stdout.splitlines()
    assert "[*]" not in out[0]
    assert out[-1] == "No fixes available (1 hidden fix can be enabled with `--unsafe-fixes`)."
    unsafe = run_cli("check", "--format", "concise", "--select", "RL203", "--unsafe-fixes", ".", cwd=root).stdout.splitlines()
    assert "RL203 [*] " in unsafe[0] and unsafe[-1] == "[*] 1 fixable with `--fix`."


def test_plurals(tmp_path):
    write_tree(tmp_path, {"a.py": "x = 1\n"})
    assert run_cli("check", "--format", "concise", "a.py", cwd=tmp_path).stdout == "All checks passed (1 file, 0 routes).\n"


def test_the_base_url_note_is_said_once_per_finding():
    full = run_cli("check", "--format", "full", "--no-cache", str(DEMO_APP)).stdout
    block = full[full.index("app/agent.py\n"):]
    block = block[:block.index("\n\n")]
    assert block.count("base URL from") == 1, block


def _cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run([sys.executable, "-m", "routelint", *args], capture_output=True, text=True,
                          env={**clean, **env}, timeout=300)


@pytest.mark.slow  # subprocesses over the demo app
@pytest.mark.parametrize("command", [["check", "--format", "full", "--no-cache"], ["routes", "--format", "table"]])
def test_no_color_and_force_color_mean_the_same_for_every_command(app, command):
    target = str(app / "app.py")
    cases = [
        ({}, [], False),  # piped: no colour
        ({"FORCE_COLOR": "1"}, [], True),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False),
        ({"NO_COLOR": "1"}, ["--color", "always"], True),  # an explicit choice wins
        ({"FORCE_COLOR": "1"}, ["--color", "never"], False),
        ({"FORCE_COLOR": "1"}, ["--no-color"], False),
    ]
    for env, extra, colored in cases:
        completed = _cli(*command, *extra, target, env=env)
        assert completed.returncode in (0, 1), completed.stderr
        assert bool(ANSI.search(completed.stdout)) == colored, (env, extra)


def test_audit_exit_codes(app):
    assert run_cli("audit", "--no-progress", ".", cwd=app).exit_code == 0  # a report, whatever it lists
    assert run_cli("audit", "--no-progress", "--exit-non-zero-on-findings", ".", cwd=app).exit_code == 1
    (app / "app.py").write_text("x = 1\n", encoding="utf-8")
    assert run_cli("audit", "--no-progress", "--exit-non-zero-on-findings", ".", cwd=app).exit_code == 0
    assert run_cli("routes", "--no-progress", "--target", "nowhere", ".", cwd=app).exit_code == 2

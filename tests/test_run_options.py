"""One `RunOptions` per command: every run a command makes (the first check, each `--fix` pass, the
fix passes over stdin) analyses with the same options, so no later pass can forget a flag.

The regression: `check --fix --ignore-suppressions` re-ran the engine after fixing with a re-listed
subset of the flags, without `--ignore-suppressions`, and then reported RL002 (which that flag
promises never to show) and hid what the suppression comments hide."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_cli, write_tree
from routelint import engine, fix_passes
from routelint.config import ConfigSet
from routelint.options import RunOptions

URL = "https://generativelanguage.googleapis.com/v1beta/openai/"
# line 4: RL101 (hardcoded URL, safe fix); line 5: RL301 (gpt-4o on Gemini), suppressed;
# line 6: a suppression that hides nothing (RL002 unless --ignore-suppressions)
SOURCE = (
    "import os\nfrom openai import OpenAI\n\n"
    f'client = OpenAI(base_url="{URL}", api_key=os.environ["GEMINI_API_KEY"])\n'
    'client.chat.completions.create(model="gpt-4o", messages=[])  # routelint: ignore[RL301]\n'
    "print('ready')  # routelint: ignore[RL202]\n"
)


def _routelint(args: list[str], cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """The installed command line, as a user runs it, with a cache folder of the test's own."""
    env = dict(os.environ, XDG_CACHE_HOME=str(cwd.parent / "user-cache"))
    return subprocess.run([sys.executable, "-m", "routelint", *args], cwd=cwd, input=stdin,
                          capture_output=True, env=env, timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "project", {"app.py": SOURCE})


def _codes(report: str) -> list[tuple[str, int]]:
    return sorted((item["code"], item["line"]) for item in json.loads(report)["diagnostics"])


def test_fix_keeps_ignore_suppressions_on_its_second_run(project):
    before = _routelint(["check", "--format", "json", "--ignore-suppressions", "app.py"], project)
    assert _codes(before.stdout.decode()) == [("RL101", 4), ("RL301", 5)]
    fixed = _routelint(["check", "--format", "json", "--fix", "--ignore-suppressions", "app.py"], project)
    assert fixed.returncode == 1, fixed.stderr
    # RL101 is fixed; what remains is what --ignore-suppressions shows: RL301, and no RL002
    assert _codes(fixed.stdout.decode()) == [("RL301", 5)]
    assert "os.environ.get(" in (project / "app.py").read_text(encoding="utf-8")
    assert b"1 fixed, 1 remaining" in fixed.stderr


def test_fix_without_the_flag_still_applies_suppressions(project):
    fixed = _routelint(["check", "--format", "json", "--fix", "app.py"], project)
    assert _codes(fixed.stdout.decode()) == [("RL002", 6)]


def test_stdin_fix_keeps_ignore_suppressions(project):
    done = _routelint(["check", "--format", "json", "--fix", "--ignore-suppressions", "--stdin-filename", "app.py", "-"],
                      project, stdin=SOURCE.encode())
    assert b"os.environ.get(" in done.stdout  # the fixed buffer
    assert _codes(done.stderr.decode()) == [("RL301", 5)]  # the report goes to stderr
    assert (project / "app.py").read_text(encoding="utf-8") == SOURCE  # nothing written


def test_every_run_of_a_fix_command_gets_the_same_options(tmp_path, monkeypatch):
    """Not a copy, not a subset: the very object the command built reaches each fix pass."""
    root = write_tree(tmp_path, {"app.py": SOURCE, "other.py": SOURCE.replace("client", "second")})
    seen: list[RunOptions] = []
    real = engine.run

    def recording(paths, options, **kwargs):
        seen.append(options)
        return real(paths, options, **kwargs)

    monkeypatch.setattr(engine, "run", recording)
    monkeypatch.setattr(fix_passes, "run", recording)
    result = run_cli("check", "--no-cache", "--fix", "--ignore-suppressions", "-j", "1", str(root))
    assert result.exit_code == 1, result.output
    assert len(seen) >= 2  # the first run and at least one pass after writing
    assert all(options is seen[0] for options in seen)
    assert seen[0].ignore_suppressions and seen[0].jobs == 1 and seen[0].cache_dir is None


def test_options_are_frozen():
    options = RunOptions(configs=ConfigSet())
    with pytest.raises(AttributeError):
        options.ignore_suppressions = True  # type: ignore[misc]

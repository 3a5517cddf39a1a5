"""`routelint check --stdin-filename PATH -`: an editor's buffer linted as the file PATH.

The findings equal the file's on disk in every output format, project context (imports, env files,
configuration) comes from disk, and `--fix` prints the fixed text to stdout instead of writing.
"""

from __future__ import annotations

import shutil

import pytest

from conftest import DEMO_APP, run_cli

FORMATS = ["full", "concise", "json", "sarif", "github"]


def _stdin(args: list[str], text: bytes, cwd) -> object:
    return run_cli(*args, cwd=cwd, input=text)


@pytest.fixture
def demo(tmp_path):
    target = tmp_path / "demo-app"
    shutil.copytree(DEMO_APP, target)
    return target


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["app/router_client.py", "app/openrouter_fallback.py", ".env.example", "docker-compose.yml"])
def test_stdin_equals_the_file_on_disk_in_every_format(demo, fmt, name):
    on_disk = run_cli("check", "--no-cache", "--format", fmt, name, cwd=demo)
    text = (demo / name).read_bytes()
    piped = _stdin(["check", "--no-cache", "--format", fmt, "--stdin-filename", name, "-"], text, demo)
    assert on_disk.exit_code == piped.exit_code == 1
    assert piped.stdout == on_disk.stdout
    assert piped.stdout.strip()


def test_stdin_statistics_equal_the_file_on_disk(demo):
    on_disk = run_cli("check", "--no-cache", "--statistics", "app/router_client.py", cwd=demo)
    piped = _stdin(["check", "--no-cache", "--statistics", "--stdin-filename", "app/router_client.py", "-"],
                   (demo / "app/router_client.py").read_bytes(), demo)
    assert piped.stdout == on_disk.stdout and "RL202" in piped.stdout


def test_stdin_text_wins_over_the_file_and_context_comes_from_disk(demo):
    """An unsaved buffer: the findings are the buffer's; the env files and configuration are the project's."""
    buffer = b'from openai import OpenAI\n\nclient = OpenAI()\n\n\nclient.chat.completions.create(model="gemini-2.0-flash", messages=[])\n'
    piped = _stdin(["check", "--no-cache", "--format", "concise", "--stdin-filename", "worker/new_job.py", "-"], buffer, demo)
    assert piped.exit_code == 1
    # the route comes from worker/.env on disk, the pinned Flatkey catalog from demo-app/pyproject.toml
    assert "\nworker/new_job.py:6:38: RL302 'gemini-2.0-flash' is not in the pinned Flatkey catalog" in piped.stdout
    assert "(base URL from worker/.env:2)" in piped.stdout
    assert not (demo / "worker/new_job.py").exists()


def test_stdin_fix_prints_the_fixed_text_and_writes_nothing(demo, tmp_path):
    name = "app/router_client.py"
    original = (demo / name).read_bytes()
    piped = _stdin(["check", "--no-cache", "--fix", "--format", "concise", "--stdin-filename", name, "-"], original, demo)
    assert (demo / name).read_bytes() == original  # nothing written
    fixed_on_disk = tmp_path / "copy"
    shutil.copytree(demo, fixed_on_disk)
    run_cli("check", "--no-cache", "--fix", name, cwd=fixed_on_disk)
    assert piped.stdout_bytes == (fixed_on_disk / name).read_bytes()
    assert piped.stdout_bytes != original
    assert "RL203" in piped.stderr  # what remains is reported on stderr


def test_stdin_diff_prints_the_diff(demo):
    name = "app/router_client.py"
    piped = _stdin(["check", "--no-cache", "--diff", "--stdin-filename", name, "-"], (demo / name).read_bytes(), demo)
    assert piped.exit_code == 1
    assert piped.stdout.startswith(f"--- a/{name}\n+++ b/{name}\n")
    # one pass, as --diff shows on disk: RL101 first; RL102 overlaps it and waits for --fix's next pass
    assert '+    base_url=os.environ.get("FLATKEY_BASE_URL", "https://router.flatkey.ai/v1/chat/completions"),' in piped.stdout


@pytest.mark.parametrize("args", [["-"], ["--stdin-filename", "a.py"], ["--stdin-filename", "a.py", "-", "b.py"]])
def test_stdin_usage_errors_exit_2(tmp_path, args):
    result = _stdin(["check", *args], b"x = 1\n", tmp_path)
    assert result.exit_code == 2
    assert "--stdin-filename PATH -" in result.stderr

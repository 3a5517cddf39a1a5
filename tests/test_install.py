"""The README's install paths and integrations, run for real on a fresh clone of this repository:
the documented install command, the GitHub Action's script, a pre-commit hook pinned to a commit,
and the README's generated blocks being current."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import DEMO_APP, REPO
from test_outputs import _assert_valid

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}


def _env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("NO_COLOR", "FORCE_COLOR", "VIRTUAL_ENV", "PYTHONPATH", "GITHUB_OUTPUT")}
    return {**env, **GIT_ENV, **extra}


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=_env(HOME=str(cwd)), check=True, capture_output=True,
                          text=True).stdout


def _readme_command() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.search(r"<!-- install-from-clone -->\n```sh\n(.*?)\n```", text, re.S).group(1)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """A fresh clone's HEAD, installed by the README's command into a new virtual environment, which
    lives where the GitHub Action's script keeps its own (RUNNER_TEMP/routelint-venv)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("install")
    origin = base / "origin"
    # the committed tree of this checkout, as a repository to clone (uncommitted edits are not part of a clone)
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(REPO), str(origin)], check=True, env=_env())
    runner = base / "runner"
    venv = runner / "routelint-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    work = base / "work"
    work.mkdir()
    command = _readme_command()
    completed = subprocess.run(["bash", "-c", command], cwd=work, capture_output=True, text=True, timeout=900,
                               env=_env(ROUTELINT_GIT=str(origin), PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return {"clone": work / "routelint", "venv": venv, "runner": runner, "version": completed.stdout,
            "commit": _git("rev-parse", "HEAD", cwd=origin).strip(), "origin": origin}


@pytest.mark.slow
def test_the_readme_install_command_works_on_a_fresh_clone(installed):
    assert re.fullmatch(r"routelint \d+\.\d+\.\d+\S*", installed["version"].splitlines()[-1]), installed["version"]
    routelint = installed["venv"] / "bin" / "routelint"
    completed = subprocess.run([str(routelint), "check", "--format", "concise", "--no-cache", "fixtures/demo-app"],
                               cwd=installed["clone"], capture_output=True, text=True, env=_env(), timeout=600)
    assert completed.returncode == 1, completed.stderr
    assert "fixtures/demo-app/app/router_client.py:9:13: RL203 " in completed.stdout
    assert (installed["clone"] / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def _target(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(DEMO_APP, target)
    _git("init", "-q", cwd=target)
    _git("add", "-A", cwd=target)
    return target


@pytest.mark.slow
def test_the_github_action_script(installed, tmp_path):
    target = _target(tmp_path)
    outputs = tmp_path / "github_output"
    env = _env(ROUTELINT_SOURCE=str(installed["clone"]), RUNNER_TEMP=str(installed["runner"]), INPUT_PATHS=".",
               INPUT_ARGS="", INPUT_SARIF_FILE="routelint.sarif", GITHUB_OUTPUT=str(outputs))
    script = installed["clone"] / "action" / "run.sh"
    completed = subprocess.run(["bash", str(script)], cwd=target, capture_output=True, text=True, env=env, timeout=600)
    assert completed.returncode == 1, completed.stdout + completed.stderr  # findings fail the step
    annotations = [line for line in completed.stdout.splitlines() if line.startswith("::")]
    assert annotations and all(line.startswith(("::error file=", "::warning file=")) for line in annotations)
    assert any("file=app/router_client.py" in line and "RL203" in line for line in annotations)
    document = json.loads((target / "routelint.sarif").read_text(encoding="utf-8"))
    _assert_valid(document)
    assert len(document["runs"][0]["results"]) == len(annotations)
    assert outputs.read_text(encoding="utf-8").splitlines() == ["sarif-file=routelint.sarif", "exit-code=1"]
    relaxed = subprocess.run(["bash", str(script)], cwd=target, capture_output=True, text=True, timeout=600,
                             env={**env, "INPUT_FAIL_ON_FINDINGS": "false", "INPUT_ARGS": "--select RL2"})
    assert relaxed.returncode == 0, relaxed.stderr
    selected = [line for line in relaxed.stdout.splitlines() if line.startswith("::")]
    assert selected and all(",title=RL2" in line for line in selected)  # INPUT_ARGS reached routelint


def test_action_yml_runs_the_tested_script_with_every_input():
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    run_step = next(step for step in steps if step.get("id") == "run")
    assert run_step["run"] == 'bash "$GITHUB_ACTION_PATH/action/run.sh"'
    script = (REPO / "action" / "run.sh").read_text(encoding="utf-8")
    for name, value in run_step["env"].items():
        assert name in script, name  # every value the action passes is read by the script
        if name.startswith("INPUT_"):
            assert value == "${{ inputs.%s }}" % name[6:].lower().replace("_", "-")
    assert set(action["inputs"]) >= {name[6:].lower().replace("_", "-") for name in run_step["env"] if name.startswith("INPUT_")}
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ steps.run.outputs.sarif-file }}"


@pytest.mark.slow
@needs_git
def test_pre_commit_hook_pinned_to_a_commit(installed, tmp_path):
    target = tmp_path / "project"
    target.mkdir()
    _git("init", "-q", cwd=target)
    (target / "bad.py").write_text('from openai import OpenAI\n\nc = OpenAI(api_key="GEMINI_API_KEY", '
                                   'base_url="https://generativelanguage.googleapis.com/v1beta/openai/")\n', encoding="utf-8")
    config = {"repos": [{"repo": str(installed["origin"]), "rev": installed["commit"], "hooks": [{"id": "routelint"}]}]}
    (target / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git("add", "-A", cwd=target)
    env = _env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never", HOME=str(tmp_path))
    completed = subprocess.run([sys.executable, "-m", "pre_commit", "run"], cwd=target, env=env, capture_output=True,
                               text=True, timeout=900)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "bad.py:3:20: RL203 " in output and "Failed" in output


@pytest.mark.slow  # regenerates every README block from the demo app
def test_readme_generated_blocks_are_current():
    completed = subprocess.run([sys.executable, str(REPO / "scripts" / "update_readme.py"), "--check"],
                               capture_output=True, text=True, timeout=600, env=_env())
    assert completed.returncode == 0, completed.stderr

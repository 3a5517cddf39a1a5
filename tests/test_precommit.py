"""pre-commit: the hook manifest, and the real `pre-commit try-repo` against a temporary git repository.

pre-commit clones the hook repository at a commit, so the tests first snapshot this working tree
(tracked files plus untracked, not ignored ones) into a temporary git repository; pre-commit then
builds its own virtualenv and pip-installs routelint from that snapshot (PyPI must be reachable).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import GEMINI_KEY, REPO, run_cli, run_json

MANIFEST = REPO / ".pre-commit-hooks.yaml"

BAD = '''import os
from openai import OpenAI

client = OpenAI(base_url=os.getenv("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com/v1beta/openai/"),
                api_key=os.environ["GEMINI_API_KEY"])
client.chat.completions.create(model="gpt-4o", messages=[])
'''

CLEAN = BAD.replace('model="gpt-4o"', 'model="gemini-2.5-flash"')

FIXABLE = '''import os
from openai import OpenAI

client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key=os.environ["GEMINI_API_KEY"])
'''

GIT_ENV = {
    "GIT_AUTHOR_NAME": "routelint tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "routelint tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(*args: str, cwd: Path) -> str:
    env = dict(os.environ, **GIT_ENV)
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


# --------------------------------------------------------------------------- the manifest


def test_manifest_is_valid_for_pre_commit():
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(MANIFEST))}
    assert set(hooks) == {"routelint", "routelint-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["text"] and not hook["types_or"]  # every text file, binaries skipped
        assert hook["files"] == ""  # no name pattern narrows it
        assert hook["require_serial"] is True
    assert hooks["routelint"]["entry"].startswith("routelint check")
    assert "--fix" not in hooks["routelint"]["entry"]
    assert hooks["routelint-fix"]["entry"].split()[-2:] == ["--fix", "--exit-non-zero-on-fix"]


TEXT_FILES = ["app.py", "pkg/types.pyi", "deploy/compose.yaml", "ci.yml", "pyproject.toml", "config/settings.json",
              ".env", "svc/.env", ".env.local", "prod.env", "x.env.bak", "README.md", "Dockerfile", "deploy.sh",
              "notebooks/explore.ipynb", "setup.cfg", "app.ini", "app.properties", "environment.txt", "Makefile"]


@pytest.mark.parametrize("name", TEXT_FILES)
def test_manifest_selects_every_text_file(tmp_path, name):
    """pre-commit selects a file when identify's tags (from its name and content) include every `types`."""
    from identify import identify

    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("TOKEN=x\n", encoding="utf-8")
    hook = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))[0]
    assert set(hook["types"]) <= identify.tags_from_path(str(path)), identify.tags_from_path(str(path))


def test_manifest_skips_binaries(tmp_path):
    from identify import identify

    image = tmp_path / "logo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
    blob = tmp_path / "model.bin"
    blob.write_bytes(b"\0\1\2" * 100)
    hook = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))[0]
    for path in (image, blob):
        assert not set(hook["types"]) <= identify.tags_from_path(str(path))


# --------------------------------------------------------------------------- explicit file lists


def test_only_the_files_given_are_checked(tree):
    root = tree({"a.py": BAD, "b.py": BAD, "sub/c.py": BAD})
    code, document = run_json("a.py", "sub/c.py", cwd=root)
    assert code == 1
    assert sorted({d["path"] for d in document["diagnostics"]}) == ["a.py", "sub/c.py"]
    assert document["summary"]["files"] == 2


def test_env_files_of_the_project_feed_explicit_files(tree):
    if importlib.util.find_spec("routelint.frontends.dotenv") is None:
        pytest.skip("the .env frontend (issue 3) does not exist yet: no env file can feed a route")
    root = tree({
        ".git/HEAD": "ref: refs/heads/main\n",
        ".env": "OPENAI_BASE_URL=https://generativelanguage.googleapis.com/v1beta/openai/\n",
        "app/main.py": "from openai import OpenAI\n\nclient = OpenAI()\nclient.chat.completions.create(model='gpt-4o', messages=[])\n",
    })
    code, document = run_json("app/main.py", cwd=root)
    assert code == 1
    assert ("RL301", "app/main.py") in {(d["code"], d["path"]) for d in document["diagnostics"]}
    assert document["summary"]["files"] == 1  # the .env fed the route but was not itself checked


def test_context_env_files_are_not_reported_on_their_own(tree):
    root = tree({".git/HEAD": "ref: refs/heads/main\n", "deploy/.env.staging": f"TOKEN={GEMINI_KEY}\n",
                 "deploy/app.py": "x = 1\n"})
    code, document = run_json("deploy/app.py", cwd=root)
    assert code == 0 and document["diagnostics"] == []
    assert run_json("deploy/.env.staging", cwd=root)[0] == 1  # named explicitly: checked


# --------------------------------------------------------------------------- the real pre-commit


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """This working tree, committed into a throwaway repository pre-commit can clone."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    snapshot = tmp_path_factory.mktemp("hook-repo")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git("init", "-q", cwd=snapshot)
    _git("add", "-A", cwd=snapshot)
    _git("commit", "-q", "-m", "snapshot for pre-commit try-repo", cwd=snapshot)
    return snapshot


def _target(tmp_path: Path, files: dict[str, str]) -> Path:
    target = tmp_path / "project"
    target.mkdir()
    _git("init", "-q", cwd=target)
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _git("add", "-A", cwd=target)
    return target


def _try_repo(hook_repo: Path, target: Path, hook: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, **GIT_ENV, PRE_COMMIT_HOME=str(target.parent / "pre-commit-home"), PRE_COMMIT_COLOR="never")
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook],
                          cwd=target, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow  # builds a real pre-commit environment
@needs_git
def test_try_repo_fails_a_staged_bad_file_with_the_finding(hook_repo, tmp_path):
    target = _target(tmp_path, {
        "bad.py": BAD,
        "config/.env.staging": f"TOKEN={GEMINI_KEY}\n",  # env files reach the hook
        "README.md": f"old key: {GEMINI_KEY}\n",  # and so does every other text file
    })
    completed = _try_repo(hook_repo, target, "routelint")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    assert "routelint" in output and "Failed" in output
    assert "bad.py:6:38: RL301 " in output
    assert "config/.env.staging:1:7: RL202 " in output
    assert "README.md:1:10: RL202 " in output
    assert GEMINI_KEY not in output


@pytest.mark.slow  # builds a real pre-commit environment
@needs_git
def test_try_repo_passes_a_clean_file(hook_repo, tmp_path):
    target = _target(tmp_path, {"clean.py": CLEAN})
    completed = _try_repo(hook_repo, target, "routelint")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert re.search(r"routelint\.+Passed", output), output


@pytest.mark.slow  # builds a real pre-commit environment
@needs_git
def test_try_repo_fix_hook_rewrites_the_file(hook_repo, tmp_path):
    help_text = run_cli("check", "--help").output
    if "--exit-non-zero-on-fix" not in help_text or importlib.util.find_spec("routelint.fixer") is None:
        pytest.skip("`routelint check --fix --exit-non-zero-on-fix` (issue 5) does not exist yet")
    target = _target(tmp_path, {"fixme.py": FIXABLE})
    completed = _try_repo(hook_repo, target, "routelint-fix")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output  # a file changed: the commit stops so the fix is reviewed
    assert "files were modified by this hook" in output or "Failed" in output
    fixed = (target / "fixme.py").read_text(encoding="utf-8")
    assert fixed != FIXABLE
    assert 'os.environ.get("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com/v1beta/openai/")' in fixed


def _notebook_with_printed_key() -> str:
    """A notebook as Jupyter writes it whose output shows a key (the code reads it from the environment)."""
    cell = {"cell_type": "code", "execution_count": 1, "id": "c1", "metadata": {},
            "outputs": [{"name": "stdout", "output_type": "stream", "text": [f"{GEMINI_KEY}\n"]}],
            "source": ["import os\n", 'print(os.environ["GEMINI_API_KEY"])']}
    document = {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


@pytest.mark.slow
@needs_git
def test_installed_hook_blocks_commits_of_a_shell_script_and_a_notebook_with_a_key(hook_repo, tmp_path):
    """`pre-commit install`, then real `git commit`s: the hook stops the commit of a staged `.sh` and of a
    staged `.ipynb` holding a key (RL202), and lets a clean shell script through."""
    target = tmp_path / "project"
    target.mkdir()
    _git("init", "-q", cwd=target)
    env = dict(os.environ, **GIT_ENV, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), PRE_COMMIT_COLOR="never")
    config = {"repos": [{"repo": str(hook_repo), "rev": _git("rev-parse", "HEAD", cwd=hook_repo).strip(),
                         "hooks": [{"id": "routelint"}]}]}
    (target / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=target, env=env, check=True, capture_output=True)

    def commit(name: str, text: str) -> subprocess.CompletedProcess:
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        subprocess.run(["git", "add", name], cwd=target, env=env, check=True)
        return subprocess.run(["git", "commit", "-q", "-m", f"add {name}"], cwd=target, env=env,
                              capture_output=True, text=True, timeout=900)

    first = commit(".pre-commit-config.yaml", (target / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert first.returncode == 0, first.stdout + first.stderr
    for name, text in (
        ("deploy/run.sh", f"#!/bin/sh\nexport GEMINI_API_KEY={GEMINI_KEY}\npython app.py\n"),
        ("notebooks/explore.ipynb", _notebook_with_printed_key()),
    ):
        line = next(number for number, content in enumerate(text.splitlines(), start=1) if GEMINI_KEY in content)
        blocked = commit(name, text)
        output = blocked.stdout + blocked.stderr
        assert blocked.returncode != 0, output
        assert f"{name}:{line}:" in output and "RL202" in output, output
        assert GEMINI_KEY not in output
        assert _git("rev-list", "--count", "HEAD", cwd=target).strip() == "1"  # nothing was committed
        subprocess.run(["git", "rm", "-q", "--cached", name], cwd=target, env=env, check=True)
    clean = commit("deploy/start.sh", "#!/bin/sh\nexec python app.py\n")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert _git("rev-list", "--count", "HEAD", cwd=target).strip() == "2"


# --------------------------------------------------------------------------- the README's snippet


def _readme_section(title: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start: end if end != -1 else len(text)]


@pytest.mark.slow  # builds a real pre-commit environment
def test_readme_pre_commit_snippet_is_a_valid_config_using_these_hooks(hook_repo, tmp_path):
    section = _readme_section("Use in pre-commit")
    snippet = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    config = yaml.safe_load(snippet)
    (repo,) = config["repos"]
    ids = {hook["id"] for hook in repo["hooks"]}
    manifest = {hook["id"] for hook in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}
    assert ids and ids <= manifest
    repo["repo"], repo["rev"] = str(hook_repo), _git("rev-parse", "HEAD", cwd=hook_repo).strip()
    path = tmp_path / ".pre-commit-config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    completed = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(path)],
                               capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    for hook in repo["hooks"]:  # the args the README passes are accepted by routelint itself
        if hook["id"] == "routelint":
            result = run_cli("check", *hook.get("args", []), str(tmp_path / ".pre-commit-config.yaml"))
            assert result.exit_code in (0, 1), result.output

"""Git-aware discovery: the same files, so the same findings, for everyone who runs routelint.

In a repository routelint checks what `git ls-files -co --exclude-standard` lists (tracked files, and
untracked files git does not ignore), whatever the current directory; tracked files are checked
wherever they live; default excludes hide only untracked files; elsewhere `.gitignore` files are read
with pathspec. A path named on the command line is checked with a warning unless --force-exclude.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import GEMINI_KEY, run_cli, run_json, working_directory, write_tree
from routelint.config import Config
from routelint.discover import SKIP_DIRS, Discovery
from routelint.engine import run

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GEMINI_CLIENT = '''import os
from openai import OpenAI

client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key=os.environ["GEMINI_API_KEY"])
client.chat.completions.create(model="gpt-4o", messages=[])
'''
# no base URL in code: the route is whatever OPENAI_BASE_URL says (the git-ignored .env says Gemini)
IMPLICIT = '''from openai import OpenAI

client = OpenAI()
client.chat.completions.create(model="gpt-4o", messages=[])
'''

PROJECT = {
    ".gitignore": "build/\nout/\n.env\n",
    "app/main.py": GEMINI_CLIENT,
    "app/implicit.py": IMPLICIT,
    "build/lib/app/main.py": GEMINI_CLIENT,  # a git-ignored build copy: would double every finding
    "out/app/main.py": GEMINI_CLIENT,  # another ignored copy, in a folder that is no default exclude
    ".env": f"OPENAI_BASE_URL=https://generativelanguage.googleapis.com/v1beta/openai/\nGEMINI_API_KEY={GEMINI_KEY}\n",
    "tools/pyvenv.cfg": "",  # committed by accident: must not hide the tracked code beside it
    "tools/helper.py": GEMINI_CLIENT,
    "scratch.py": GEMINI_CLIENT,  # untracked, not ignored: checked
    "venv/lib/site.py": GEMINI_CLIENT,  # untracked virtualenv-named folder, not in .gitignore: excluded by default
}


def _git(*args: str, cwd: Path) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_NOSYSTEM="1", HOME=str(cwd))
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "repo", PROJECT)
    _git("init", "-q", cwd=root)
    _git("add", ".gitignore", "app", "tools", cwd=root)
    _git("commit", "-q", "-m", "init", cwd=root)
    return root


def _findings(document: dict, cwd: Path) -> set[tuple[str, str, int]]:
    return {(os.path.normpath(os.path.join(cwd, d["path"])), d["code"], d["line"]) for d in document["diagnostics"]}


@needs_git
def test_same_findings_from_root_subdirectory_parent_and_elsewhere(repo, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    runs = {
        "root": (repo, "."),
        "subdirectory": (repo / "app", ".."),
        "parent": (repo.parent, "repo"),
        "unrelated cwd": (elsewhere, str(repo)),
    }
    results = {}
    for name, (cwd, path) in runs.items():
        code, document = run_json("--no-cache", path, cwd=cwd)
        assert code == 1, name
        results[name] = _findings(document, cwd)
    assert len({frozenset(found) for found in results.values()}) == 1, results
    found = results["root"]
    paths = {os.path.relpath(path, repo) for path, _, _ in found}
    assert paths == {"app/main.py", "tools/helper.py", "scratch.py"}  # no build/, no venv/, no .env
    # the ignored .env neither reports its key nor makes app/implicit.py a Gemini route
    assert not any(path.endswith("implicit.py") or path.endswith(".env") for path, _, _ in found)


@needs_git
def test_discovered_files_match_git_ls_files(repo):
    listed = set(_git("ls-files", "-co", "--exclude-standard", cwd=repo).split("\n")) - {""}
    expected = {path for path in listed if path.split("/")[0] not in SKIP_DIRS}  # untracked venv/ is a default exclude
    result = run([str(repo)], Config(), jobs=1)
    assert {os.path.relpath(path, repo) for path in result.scanned} == expected
    assert "venv/lib/site.py" in listed and "tools/pyvenv.cfg" in expected


@needs_git
def test_tracked_files_are_checked_in_default_excluded_folders(repo):
    write_tree(repo, {"build/keep.py": GEMINI_CLIENT, "node_modules/pkg/x.py": GEMINI_CLIENT})
    _git("add", "-f", "build/keep.py", cwd=repo)  # tracked although ignored and default-excluded
    _, document = run_json("--no-cache", ".", cwd=repo)
    paths = {d["path"] for d in document["diagnostics"]}
    assert "build/keep.py" in paths
    assert not any(path.startswith(("build/lib", "node_modules")) for path in paths)


@needs_git
def test_no_respect_gitignore_checks_ignored_files_and_lets_them_feed_routes(repo):
    _, document = run_json("--no-cache", "--no-respect-gitignore", ".", cwd=repo)
    paths = {d["path"] for d in document["diagnostics"]}
    assert "out/app/main.py" in paths and "build/lib/app/main.py" not in paths  # build/ stays a default exclude
    assert ("RL301", "app/implicit.py") in {(d["code"], d["path"]) for d in document["diagnostics"]}
    assert ".env" not in paths  # a key in a git-ignored .env is where keys belong
    (repo / "pyproject.toml").write_text("[tool.routelint]\nrespect-gitignore = false\n", encoding="utf-8")
    _, configured = run_json("--no-cache", ".", cwd=repo)
    assert _findings(configured, repo) == _findings(document, repo)


@needs_git
def test_a_named_ignored_file_is_checked_with_a_warning_unless_force_exclude(repo):
    result = run_cli("check", "--format", "concise", "--no-cache", "build/lib/app/main.py", cwd=repo)
    assert result.exit_code == 1
    assert "build/lib/app/main.py:5:" in result.stdout
    assert result.stderr == ("routelint: warning: build/lib/app/main.py is ignored by git; checked because it was "
                             "named (--force-exclude skips it)\n")
    forced = run_cli("check", "--format", "concise", "--no-cache", "--force-exclude", "build/lib/app/main.py", cwd=repo)
    assert forced.exit_code == 0 and forced.stderr == ""
    assert forced.stdout.startswith("All checks passed (0 files")
    folder = run_cli("check", "--format", "concise", "--no-cache", "build", cwd=repo)  # a named ignored folder
    assert "build/lib/app/main.py:5:" in folder.stdout and "build is ignored by git" in folder.stderr


@needs_git
def test_named_files_do_not_read_a_git_ignored_env_file(repo):
    """pre-commit passes app/implicit.py: the developer's ignored .env must not change the verdict."""
    code, document = run_json("--no-cache", "app/implicit.py", cwd=repo)
    assert code == 0 and document["diagnostics"] == []
    code, document = run_json("--no-cache", "--no-respect-gitignore", "app/implicit.py", cwd=repo)
    assert ("RL301", "app/implicit.py") in {(d["code"], d["path"]) for d in document["diagnostics"]}


@needs_git
def test_a_nested_repository_follows_its_own_ignore_rules(repo):
    nested = write_tree(repo / "vendor" / "lib", {".gitignore": "gen/\n", "gen/x.py": GEMINI_CLIENT, "ok.py": GEMINI_CLIENT})
    _git("init", "-q", cwd=nested)
    _, document = run_json("--no-cache", ".", cwd=repo)
    paths = {d["path"] for d in document["diagnostics"]}
    assert "vendor/lib/ok.py" in paths and "vendor/lib/gen/x.py" not in paths


def test_gitignore_outside_a_repository_with_nesting_and_negation(tmp_path):
    root = write_tree(tmp_path, {
        ".gitignore": "out/\n*.gen.py\n",
        "a.gen.py": GEMINI_CLIENT,
        "out/app.py": GEMINI_CLIENT,
        "pkg/.gitignore": "!keep.gen.py\nlocal_*.py\n",
        "pkg/keep.gen.py": GEMINI_CLIENT,
        "pkg/local_x.py": GEMINI_CLIENT,
        "pkg/app.py": GEMINI_CLIENT,
        "dist/app.py": GEMINI_CLIENT,  # default exclude
    })
    _, document = run_json("--no-cache", ".", cwd=root)
    assert {d["path"] for d in document["diagnostics"]} == {"pkg/keep.gen.py", "pkg/app.py"}
    _, sub = run_json("--no-cache", ".", cwd=root / "pkg")  # the parent's .gitignore still applies
    assert {d["path"] for d in sub["diagnostics"]} == {"keep.gen.py", "app.py"}


def test_an_empty_pyvenv_cfg_is_not_a_virtualenv(tmp_path):
    root = write_tree(tmp_path, {"tools/pyvenv.cfg": "", "tools/app.py": GEMINI_CLIENT,
                                 "env2/pyvenv.cfg": "home = /usr/bin\n", "env2/lib/app.py": GEMINI_CLIENT})
    _, document = run_json("--no-cache", ".", cwd=root)
    assert {d["path"] for d in document["diagnostics"]} == {"tools/app.py"}


def test_discovery_warnings_reach_the_result(tmp_path):
    root = write_tree(tmp_path, {"pyproject.toml": '[tool.routelint]\nextend-exclude = ["gen"]\n', "gen/app.py": GEMINI_CLIENT})
    from routelint.config import ConfigSet

    with working_directory(root):
        configs = ConfigSet()
        result = run(["gen/app.py"], configs.for_path("gen/app.py"), configs=configs, jobs=1, discovery=Discovery())
    assert result.scanned == ["gen/app.py"]
    assert result.warnings == ["gen/app.py is excluded by the configuration; checked because it was named "
                               "(--force-exclude skips it)"]


def test_fix_passes_keep_force_exclude(tmp_path):
    """The pre-commit fix hook: a second --fix pass must not pick up the excluded files it was given."""
    root = write_tree(tmp_path, {"pyproject.toml": '[tool.routelint]\nextend-exclude = ["gen"]\n',
                                 "gen/app.py": GEMINI_CLIENT, "app.py": GEMINI_CLIENT})
    result = run_cli("check", "--no-cache", "--force-exclude", "--fix", "--unsafe-fixes", "gen/app.py", "app.py", cwd=root)
    assert result.exit_code in (0, 1), result.output
    assert (root / "app.py").read_text(encoding="utf-8") != GEMINI_CLIENT  # fixed
    assert (root / "gen/app.py").read_text(encoding="utf-8") == GEMINI_CLIENT  # excluded: never touched
    assert "gen/app.py" not in result.output

"""Shared helpers: run the real CLI in-process, build small trees on disk."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from routelint.cli import cli

REPO = Path(__file__).resolve().parent.parent
DEMO_APP = REPO / "fixtures" / "demo-app"
# the fixture trees tests run on, named here rather than listed from disk: a stray folder written
# into fixtures/ (a cache) must fail a test, not become a new parametrized case
FIXTURE_TREES = ("config", "cross-module", "demo-app")

# Fake keys with a real key's shape and entropy (generated once, never valid anywhere)
GEMINI_KEY = "AIza84ekLPCLn0SFqZYVVA-jEnTYGUHe1Ldw6Rx"
OPENROUTER_KEY = "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"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def write_example(root: Path, example) -> None:
    """A rule example on disk: its files plus a pyproject.toml holding its [tool.routelint] config."""
    config = "[tool.routelint]\n" + (example.config.strip() + "\n" if example.config.strip() else "")
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    for relative, text in example.files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def assert_fixed_texts(code: str, example, texts: dict[str, str]) -> None:
    """After `--fix --unsafe-fixes` on an invalid example: every file the fix changed has its expected
    text stated in the example (`fixed` is mandatory wherever a fix is emitted), and it matches."""
    changed = sorted(name for name, text in texts.items() if text != example.files[name])
    unstated = [name for name in changed if name not in example.fixed]
    assert not unstated, (f"{code} {example.name!r}: the fix changes {', '.join(unstated)}; state the fixed text "
                          f"(`fixed`) in rules/checks/{code}.toml after reviewing it")
    for name, expected in example.fixed.items():
        assert texts[name] == expected, f"{code} {example.name!r}: fixed text of {name}"


@contextmanager
def working_directory(cwd: Path | None) -> Iterator[None]:
    """The one place the suite changes the working directory, for in-process runs whose relative paths
    (arguments, printed paths, config discovery) start there; always restored. Subprocesses get `cwd=`
    instead, and nothing runs with a working directory inside the repository's fixtures/."""
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(old)


def run_cli(*args: str, cwd: Path | None = None, input: bytes | str | None = None):
    with working_directory(cwd):
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def run_json(*args: str, cwd: Path | None = None) -> tuple[int, dict]:
    result = run_cli("check", "--format", "json", *args, cwd=cwd)
    return result.exit_code, json.loads(result.stdout)  # warnings go to stderr


def pytest_addoption(parser) -> None:
    parser.addoption("--update-snapshots", action="store_true", default=False,
                     help="rewrite tests/snapshots/<CODE>.txt from what routelint prints now (review the diff)")


@pytest.fixture(autouse=True, scope="session")
def _user_cache(tmp_path_factory):
    """The CLI caches facts in the per-user cache directory: the suite uses its own, never the home's."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


def _tree_state(root: Path) -> dict[str, tuple[int, int]]:
    return {str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in root.rglob("*") if path.is_file() or path.is_symlink()}


@pytest.fixture(autouse=True, scope="session")
def _read_only_repository_data():
    """The suite writes nothing into fixtures/ or rules/ (no cache, no fixed file, no stray folder):
    tests work on copies in tmp_path. Checked once around the whole session."""
    roots = [REPO / "fixtures", REPO / "rules"]
    before = [_tree_state(root) for root in roots]
    yield
    for root, state in zip(roots, before):
        after = _tree_state(root)
        changed = sorted(set(before_key for before_key in state if state[before_key] != after.get(before_key))
                         | (set(after) - set(state)))
        assert not changed, f"the test session wrote into {root.name}/: {changed[:10]}"


@pytest.fixture
def tree(tmp_path: Path):
    def make(files: dict[str, str | bytes]) -> Path:
        return write_tree(tmp_path, files)

    return make

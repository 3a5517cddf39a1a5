"""Find the files to check and classify each by kind.

Directories are walked without following symlinks (no loops, nothing outside the tree); files named
explicitly (as pre-commit passes them) are taken as given. `.env*` files are hidden files: they are
included on purpose.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Optional, Sequence

# Directories nobody wants linted (the same spirit as Ruff's default excludes)
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".routelint_cache", "site-packages", ".eggs",
    "__pypackages__", "_build", "buck-out", ".direnv", ".ipynb_checkpoints",
})

PYTHON = "python"
DOTENV = "dotenv"
YAML = "yaml"
TOML = "toml"
JSON = "json"
NOTEBOOK = "notebook"  # Jupyter .ipynb: code cells are Python, the rest is scanned for keys
TEXT = "text"  # any other text file: scanned for keys only
ANALYSED_KINDS = (PYTHON, DOTENV, YAML, TOML, JSON, NOTEBOOK)


def file_kind(path: str) -> str:
    name = posixpath.basename(path)
    lower = name.lower()
    if lower.endswith((".py", ".pyw")):
        return PYTHON
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        return DOTENV
    if lower.endswith((".yml", ".yaml")):
        return YAML
    if lower.endswith(".toml"):
        return TOML
    if lower.endswith(".json"):
        return JSON
    if lower.endswith(".ipynb"):
        return NOTEBOOK
    return _named_kinds().get(name, TEXT)


@lru_cache(maxsize=1)
def _named_kinds() -> dict[str, str]:
    """Configuration files known by their exact name only (`config_files` in rules/sdks/)."""
    from routelint.sdks import shipped_sdks

    return shipped_sdks().config_files


@dataclass(frozen=True)
class SourceFile:
    path: str  # as shown to the user: given prefix + relative part, '/' separators
    kind: str
    explicit: bool = False


def _display(prefix: str, relative: str) -> str:
    joined = posixpath.join(prefix.replace(os.sep, "/"), relative.replace(os.sep, "/")) if relative else prefix
    while joined.startswith("./"):
        joined = joined[2:]
    return joined


def matches_any(path: str, patterns: Sequence[str]) -> bool:
    """gitignore-like matching: a pattern matches the path, its basename, or any parent folder."""
    if not patterns:
        return False
    parts = path.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, "*/" + pattern):
            return True
        if "/" not in pattern and any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


# excluded(display path, name, named explicitly?) -> skip it
Excluded = Callable[[str, str, bool], bool]


def discover(paths: Iterable[str], exclude: Sequence[str] = (), excluded: Optional[Excluded] = None) -> Iterator[SourceFile]:
    """Yield each file once, in a stable order. Missing paths raise FileNotFoundError.

    `excluded`, when given, replaces matching `exclude` against every path (routelint check passes
    each file's own configuration through it)."""
    seen: set[str] = set()
    skip: Excluded = excluded or (lambda display, name, named: matches_any(display, exclude))
    for given in paths:
        if not os.path.lexists(given):
            raise FileNotFoundError(given)
        if os.path.isfile(given):
            display = _display(given, "")
            if display not in seen and not skip(display, posixpath.basename(display), True):
                seen.add(display)
                yield SourceFile(display, file_kind(display), explicit=True)
            continue
        yield from _walk(given, skip, seen)


def _walk(root: str, skip: Excluded, seen: set[str]) -> Iterator[SourceFile]:
    stack = [""]
    while stack:
        relative = stack.pop()
        directory = os.path.join(root, relative) if relative else root
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            rel = posixpath.join(relative, entry.name) if relative else entry.name
            display = _display(root, rel)
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in SKIP_DIRS or skip(display, entry.name, False):
                        continue
                    if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                        continue  # a virtual environment under another name
                    subdirs.append(rel)
                elif entry.is_file(follow_symlinks=False):
                    if display in seen or skip(display, entry.name, False):
                        continue
                    seen.add(display)
                    yield SourceFile(display, file_kind(display))
            except OSError:
                continue
        stack.extend(reversed(subdirs))


def find_upward(start: str, names: Sequence[str], stop: Optional[str] = None) -> Iterator[str]:
    """Yield existing files named `names` in `start` and each parent folder."""
    current = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        for name in names:
            candidate = os.path.join(current, name)
            if os.path.isfile(candidate):
                yield candidate
        parent = os.path.dirname(current)
        if parent == current or current == stop:
            return
        current = parent

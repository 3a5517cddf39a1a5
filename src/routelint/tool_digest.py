"""A digest of the analysis itself: routelint's own code, its shipped `rules/` data, the interpreter
and the parsers it runs on.

The facts cache keys every entry by it, so facts computed by other code are never reused: after a
change to a frontend (a contributor's editable install, an upgrade that kept the version number, a
new Python whose `ast` reads a file differently) a cached run reports what `--no-cache` reports.

It hashes the name, size and modification time (nanoseconds) of every file of the installed package
and of the rules folder, and of each parser library's entry file: a `stat` each, about 160 of them,
computed at most once per process and only by runs that use the cache. Any edit, checkout or
reinstall changes a file's modification time, so no changed file keeps its old entry; reading every
byte instead (a content hash) costs far more on each run and would catch only a change made with its
timestamp put back by hand. The cache is per user and per machine (see `routelint.cache`), so a
digest that differs between two checkouts of the same files costs a cold run, nothing else."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from routelint.data import rules_dir

PACKAGE = Path(__file__).resolve().parent
_SKIPPED_DIRS = frozenset({"__pycache__"})
# the libraries that read the checked files (their import names): an upgrade can change what they parse
PARSERS = ("yaml", "dotenv", "tomli", "libcst", "tree_sitter", "tree_sitter_javascript", "tree_sitter_typescript")


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, folders, names in os.walk(root):
        folders[:] = sorted(name for name in folders if name not in _SKIPPED_DIRS and not name.startswith("."))
        found.extend(Path(directory, name) for name in sorted(names) if not name.endswith((".pyc", ".pyo")))
    return found


def digest_files(roots: Sequence[Path]) -> str:
    """SHA-256 over the relative name, size and modification time of every file under `roots`."""
    digest = hashlib.sha256()
    for root in roots:
        digest.update(b"root\0")
        for path in _files(root):
            try:
                info = path.stat()
                stamp = b"%d:%d" % (info.st_size, info.st_mtime_ns)
            except OSError:
                stamp = b"unreadable"
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + stamp + b"\0")
    return digest.hexdigest()


def _parser_stamps() -> bytes:
    """Name, size and modification time of each parser library's entry file: a reinstall (another
    version) writes it anew. Found without importing the library (`find_spec` of a top-level name)."""
    stamps = []
    for name in PARSERS:
        try:
            spec = importlib.util.find_spec(name)
            info = os.stat(spec.origin) if spec is not None and spec.origin else None
        except (ImportError, ValueError, OSError):
            info = None
        stamps.append(f"{name}:{info.st_size}:{info.st_mtime_ns}" if info is not None else f"{name}:absent")
    return "\0".join(stamps).encode()


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """The digest of the analysis this process runs (computed once)."""
    runtime = f"{sys.implementation.name} {sys.version}".encode()
    own = digest_files([PACKAGE, rules_dir()]).encode()
    return hashlib.sha256(runtime + b"\0" + _parser_stamps() + b"\0" + own).hexdigest()

"""A content-keyed cache of per-file facts, so a re-run over an unchanged tree is nearly free.

An entry is valid for one file content (its BLAKE2 digest) under one *salt*: the tool version, the
catalog and SDK data digest, and the configuration in use. Any of them changing invalidates it.

A cache is input routelint did not check, so it is trusted only when this user on this machine wrote
it for this folder:
- by default it lives outside the scanned tree, in the per-user cache directory
  (`$XDG_CACHE_HOME/routelint/projects/<hash of the project's absolute root>`, `~/Library/Caches` on
  macOS, `%LOCALAPPDATA%` on Windows), like other linters' global caches;
- every cache file carries an HMAC of its content, its salt and its folder, keyed by a random key
  created on first use in the per-user cache directory (mode 0600, never in the tree). A cache
  shipped in a repository, copied from another machine or another folder, edited, or written by
  another user fails the check and is ignored (and rebuilt), so it can never hide a finding;
- facts of a file that holds key text are never stored: keys are found again on every run (the cheap
  part), so the cache never holds a key at rest.

Stored as JSON (never pickle), read as a bounded regular file, written atomically
(`routelint.textio.write_atomic`: temp file + rename, the temp removed on every failure path, never
through a symlink out of the cache folder).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import re
import secrets as _random
import stat
import sys
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from routelint import facts as facts_module

FORMAT = 2
KEY_FILE = "hmac.key"
MISSING = object()
KEEP_FILES = 4  # older salts' files beyond this are removed

_TYPES = {
    cls.__name__: cls
    for cls in (
        facts_module.Span,
        facts_module.Location,
        facts_module.Value,
        facts_module.RouteSite,
        facts_module.EndpointCall,
        facts_module.SecretCandidate,
        facts_module.EnvDefinition,
        facts_module.ProblemFact,
        facts_module.Suppression,
        facts_module.FileFacts,
        facts_module.FactoryTemplate,
        facts_module.FactoryCall,
    )
}


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        encoded = {"__t": type(value).__name__}
        for field in dataclasses.fields(value):
            encoded[field.name] = _encode(getattr(value, field.name))
        return encoded
    if isinstance(value, tuple):
        return {"__tuple": [_encode(item) for item in value]}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {"__dict": [[_encode(key), _encode(item)] for key, item in value.items()]}
    return value


def _hook(value: dict) -> Any:
    """json's object hook: rebuild tuples, dicts with non-string keys and our dataclasses while the
    C parser reads the file. Anything else marked as a type is refused (the whole file is dropped)."""
    if "__tuple" in value:
        return tuple(value["__tuple"])
    if "__dict" in value:
        return {key if not isinstance(key, list) else tuple(key): item for key, item in value["__dict"]}
    if "__t" in value:
        cls = _TYPES[value.pop("__t")]  # KeyError: not one of ours
        return cls(**value)
    return value


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def user_cache_root() -> Optional[Path]:
    """The per-user cache directory for routelint, or None where there is none."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "routelint" if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "routelint"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "routelint"
    try:
        return Path.home() / ".cache" / "routelint"
    except RuntimeError:  # no home directory
        return None


def project_root(paths: Sequence[str]) -> str:
    """The absolute root a run's cache is keyed by: the repository holding the first path, else the
    first path's folder."""
    start = os.path.abspath(paths[0] if paths else ".")
    folder = start if os.path.isdir(start) else os.path.dirname(start)
    current = folder
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return folder
        current = parent


def default_cache_dir(paths: Sequence[str]) -> Optional[str]:
    root = user_cache_root()
    if root is None:
        return None
    digest = hashlib.sha256(os.path.realpath(project_root(paths)).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return str(root / "projects" / digest)


def _own_regular_file(info: os.stat_result) -> bool:
    """A regular file this user owns (a cache another user could have written is never trusted)."""
    if not stat.S_ISREG(info.st_mode):
        return False
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def machine_key(root: Optional[Path] = None) -> Optional[bytes]:
    """The HMAC key of this user's caches, created on first use (None: no place to keep one)."""
    root = root or user_cache_root()
    if root is None:
        return None
    path = root / KEY_FILE
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(_random.token_bytes(32))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)
            if not _own_regular_file(info) or (hasattr(os, "getuid") and info.st_mode & 0o077):
                return None  # someone else's, or readable by others: a key others know proves nothing
            key = os.read(fd, 64)
        finally:
            os.close(fd)
    except OSError:
        return None
    return key if len(key) == 32 else None


_HEADER = re.compile(r'\{"format":(\d+),"mac":"([0-9a-f]{64})","files":')


class FactsCache:
    def __init__(self, directory: Path, salt: str, key: Optional[bytes] = None,
                 holds_key: Optional[Callable[[str], bool]] = None) -> None:
        self.directory = directory
        self.salt = hashlib.blake2b(salt.encode(), digest_size=12).hexdigest()
        self.path = directory / f"facts-{self.salt}.json"
        self.key = key if key is not None else machine_key()
        self.holds_key = holds_key
        self.entries: dict[str, list] = {}  # path -> [content digest, forced, facts or None]
        self.dirty = False
        self.usable = self.key is not None and not os.path.islink(directory)
        if self.usable:
            self._load()

    def _mac(self, body: bytes) -> str:
        assert self.key is not None
        where = os.path.abspath(self.directory).encode("utf-8", "surrogateescape")
        return hmac.new(self.key, b"\0".join((self.salt.encode(), where, body)), hashlib.sha256).hexdigest()

    def _load(self) -> None:
        from routelint.textio import MAX_STATE_BYTES, read_bounded

        try:
            if not _own_regular_file(os.lstat(self.path)):
                return  # a symlink, a device, another user's file: not ours
            text = read_bounded(str(self.path), MAX_STATE_BYTES).decode("utf-8")
        except (OSError, ValueError):
            return  # missing, unreadable or damaged: start afresh
        header = _HEADER.match(text)
        if header is None or int(header.group(1)) != FORMAT or not text.endswith("}"):
            return
        body = text[header.end():-1]
        if not hmac.compare_digest(header.group(2), self._mac(body.encode("utf-8"))):
            return  # written by someone else, elsewhere, or edited: never trusted
        try:
            files = json.loads(body, object_hook=_hook)
        except (ValueError, KeyError, TypeError, RecursionError):
            return
        if isinstance(files, dict):
            self.entries = files

    def get(self, path: str, digest: str, forced: bool) -> Any:
        """The cached facts (possibly None: a skipped file), or MISSING."""
        entry = self.entries.get(path)
        if not entry or entry[0] != digest or (forced and not entry[1]):
            return MISSING
        return entry[2]

    def put(self, path: str, digest: str, forced: bool, value: Optional[facts_module.FileFacts]) -> None:
        """Remember a file's facts, unless they hold key text (those are found again on every run)."""
        if value is not None and value.secrets:
            return
        if self.holds_key is not None and value is not None and self.holds_key(json.dumps(_encode(value), ensure_ascii=False)):
            return
        self.entries[path] = [digest, forced, value]
        self.dirty = True

    def save(self) -> None:
        from routelint.textio import write_atomic

        if not self.dirty or not self.usable:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            if os.path.islink(self.directory):
                return
            ignore = self.directory / ".gitignore"
            if not os.path.lexists(ignore):
                write_atomic(str(ignore), b"# routelint's cache: safe to delete, never commit\n*\n", within=str(self.directory))
            body = json.dumps({path: [digest, forced, _encode(value)] for path, (digest, forced, value) in self.entries.items()},
                              separators=(",", ":"))
            mac = self._mac(body.encode("utf-8"))
            document = f'{{"format":{FORMAT},"mac":"{mac}","files":{body}}}'
            write_atomic(str(self.path), document.encode("utf-8"), within=str(self.directory), mode=0o600)
            self._prune()
        except OSError:
            pass  # a cache that cannot be written only costs speed
        self.dirty = False

    def _prune(self) -> None:
        """Keep the newest KEEP_FILES cache files of this folder; only our own regular files are removed."""
        files = []
        for item in self.directory.glob("facts-*.json"):
            try:
                info = os.lstat(item)
            except OSError:
                continue
            if _own_regular_file(info):
                files.append((info.st_mtime, item))
        for _, stale in sorted(files, reverse=True)[KEEP_FILES:]:
            try:
                stale.unlink()
            except OSError:
                pass

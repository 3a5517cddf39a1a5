"""A content-keyed cache of per-file facts, so a re-run over an unchanged tree is nearly free.

An entry is valid for one file content (its BLAKE2 digest) under one *salt*: the tool version, the
catalog and SDK data digest, and the configuration in use. Any of them changing invalidates it.

Stored as JSON (never pickle: a cache folder inside a checked-out repository is untrusted input),
written atomically (temporary file + rename), so concurrent runs never leave a corrupt file; a
damaged or foreign file is ignored and rebuilt. The folder carries its own `.gitignore`, because
facts include key text found in the scanned files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Optional

from routelint import facts as facts_module

FORMAT = 1
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


class FactsCache:
    def __init__(self, directory: Path, salt: str) -> None:
        self.directory = directory
        self.salt = hashlib.blake2b(salt.encode(), digest_size=12).hexdigest()
        self.path = directory / f"facts-{self.salt}.json"
        self.entries: dict[str, list] = {}  # path -> [content digest, forced, facts or None]
        self.dirty = False
        self._load()

    def _load(self) -> None:
        try:
            with open(self.path, encoding="utf-8") as handle:
                document = json.load(handle, object_hook=_hook)
        except (OSError, ValueError, KeyError, TypeError):
            return  # missing, damaged or foreign: start afresh
        if isinstance(document, dict) and document.get("format") == FORMAT and isinstance(document.get("files"), dict):
            self.entries = document["files"]

    def get(self, path: str, digest: str, forced: bool) -> Any:
        """The cached facts (possibly None: a skipped file), or MISSING."""
        entry = self.entries.get(path)
        if not entry or entry[0] != digest or (forced and not entry[1]):
            return MISSING
        return entry[2]

    def put(self, path: str, digest: str, forced: bool, value: Optional[facts_module.FileFacts]) -> None:
        self.entries[path] = [digest, forced, value]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# routelint's cache: safe to delete, never commit\n*\n", encoding="utf-8")
            handle, temporary = tempfile.mkstemp(prefix=".facts-", suffix=".tmp", dir=self.directory)
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"format": FORMAT, "files": {path: [digest, forced, _encode(value)]
                                                      for path, (digest, forced, value) in self.entries.items()}},
                          out, separators=(",", ":"))
            os.replace(temporary, self.path)
            self._prune()
        except OSError:
            pass  # a cache that cannot be written only costs speed
        self.dirty = False

    def _prune(self) -> None:
        files = sorted(self.directory.glob("facts-*.json"), key=lambda item: item.stat().st_mtime, reverse=True)
        for stale in files[KEEP_FILES:]:
            try:
                stale.unlink()
            except OSError:
                pass

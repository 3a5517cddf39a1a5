"""Baselines and fingerprints: recognise a finding again without its line number or its secret.

A finding's identity is its path, its code and a hash of `Diagnostic.identity` (the normalised
offending text: the URL, the model ID, the hash of a key, ...). Line numbers never take part, so
inserting a line above a finding changes nothing; the raw identity is never written anywhere, only
its hash, so a key cannot leak through a baseline or a SARIF fingerprint.

The baseline file is sorted JSON with no timestamps, paths relative to the baseline's own folder, so
it merges cleanly and works from any working directory. Entries that no longer match anything are
reported, so the baseline only shrinks.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from typing import Any, Iterable, Optional

from routelint.diagnostics import Diagnostic

BASELINE_VERSION = 1
_LINE_NUMBERS = re.compile(r"\b(line|lines|column|col|offset)\s+\d+", re.IGNORECASE)


class BaselineError(ValueError):
    """Shown as one line and exit code 2."""


def normalised_identity(diagnostic: Diagnostic) -> str:
    text = " ".join(diagnostic.identity.split())
    return _LINE_NUMBERS.sub(lambda match: match.group(1), text)


def identity_hash(diagnostic: Diagnostic) -> str:
    return "sha256:" + hashlib.sha256(normalised_identity(diagnostic).encode("utf-8")).hexdigest()[:32]


def fingerprints(diagnostics: Iterable[Diagnostic], path_of=lambda diagnostic: diagnostic.path) -> list[str]:
    """A stable fingerprint per diagnostic: hash of path, code, identity and, for findings that share
    all three, their order among themselves (which moving lines does not change)."""
    seen: Counter = Counter()
    result = []
    for diagnostic in diagnostics:
        key = (path_of(diagnostic), diagnostic.code, normalised_identity(diagnostic))
        occurrence = seen[key]
        seen[key] += 1
        material = "\0".join((*key, str(occurrence)))
        result.append(hashlib.sha256(material.encode("utf-8")).hexdigest()[:32])
    return result


def _relative(path: str, base: str) -> str:
    relative = os.path.relpath(os.path.abspath(path), base)
    return relative.replace(os.sep, "/")


def entries(diagnostics: Iterable[Diagnostic], base: str) -> list[dict[str, Any]]:
    counts: Counter = Counter()
    names: dict[tuple[str, str, str], str] = {}
    for diagnostic in diagnostics:
        key = (_relative(diagnostic.path, base), diagnostic.code, identity_hash(diagnostic))
        counts[key] += 1
        names[key] = diagnostic.name
    return [
        {"path": path, "code": code, "name": names[(path, code, digest)], "identity": digest, "count": counts[(path, code, digest)]}
        for path, code, digest in sorted(counts)
    ]


def dumps(diagnostics: Iterable[Diagnostic], baseline_path: str) -> str:
    base = os.path.dirname(os.path.abspath(baseline_path))
    document = {"version": BASELINE_VERSION, "tool": "routelint", "entries": entries(diagnostics, base)}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_baseline(diagnostics: list[Diagnostic], baseline_path: str) -> int:
    """Write through a temporary file and os.replace (`routelint.textio.write_atomic`), so a reader
    never sees half a baseline; only a regular file or a new path is replaced. BaselineError (one line)
    when the path cannot be written."""
    from routelint.textio import describe_error, write_atomic

    text = dumps(diagnostics, baseline_path)
    try:
        write_atomic(baseline_path, text.encode("utf-8"))
    except OSError as exc:
        raise BaselineError(describe_error(baseline_path, exc)) from None
    return sum(entry["count"] for entry in json.loads(text)["entries"])


def load(baseline_path: str) -> list[dict[str, Any]]:
    from routelint.textio import UnsafePath, read_bounded

    try:
        document = json.loads(read_bounded(baseline_path).decode("utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{baseline_path}: baseline file not found (create it with --write-baseline)") from None
    except UnsafePath as exc:
        raise BaselineError(str(exc)) from None
    except (OSError, ValueError, RecursionError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise BaselineError(f"{baseline_path}: not a routelint baseline: {reason}") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION or not isinstance(document.get("entries"), list):
        raise BaselineError(f"{baseline_path}: not a routelint baseline (expected version {BASELINE_VERSION} with entries)")
    for entry in document["entries"]:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(key), str) for key in ("path", "code", "identity")):
            raise BaselineError(f"{baseline_path}: malformed entry in entries: each must be an object with string path, code and identity")
        count = entry.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise BaselineError(f"{baseline_path}: entries: count must be a positive integer")
        if not isinstance(entry.get("name", ""), str):
            raise BaselineError(f"{baseline_path}: entries: name must be a string")
    return document["entries"]


def apply_baseline(result, baseline_path: str, scanned: Optional[Iterable[str]] = None) -> dict[str, Any]:
    """Keep only findings the baseline does not know. Sets and returns `result.baseline`:
    {"file", "matched", "new", "stale": [entries that matched nothing, with the count missing]}.

    An entry is stale only when its file was checked in this run (or no longer exists): a run on a
    few files (pre-commit) does not call the rest of the baseline stale.
    """
    base = os.path.dirname(os.path.abspath(baseline_path))
    known: Counter = Counter()
    names: dict[tuple[str, str, str], str] = {}
    for entry in load(baseline_path):
        key = (entry["path"], entry["code"], entry["identity"])
        known[key] += entry.get("count", 1)
        names[key] = entry.get("name", "")
    remaining = Counter(known)
    kept: list[Diagnostic] = []
    matched = 0
    for diagnostic in result.diagnostics:
        key = (_relative(diagnostic.path, base), diagnostic.code, identity_hash(diagnostic))
        if remaining[key] > 0:
            remaining[key] -= 1
            matched += 1
        else:
            kept.append(diagnostic)
    checked = {_relative(path, base) for path in (scanned if scanned is not None else result.scanned)}
    stale = []
    for (path, code, digest), missing in sorted(remaining.items()):
        if missing <= 0:
            continue
        if path in checked or not os.path.exists(os.path.join(base, path)):
            stale.append({"path": path, "code": code, "name": names[(path, code, digest)], "identity": digest, "count": missing})
    result.diagnostics = kept
    result.baseline = {"file": baseline_path, "matched": matched, "new": len(kept), "stale": stale}
    return result.baseline


def stale_line(report: dict[str, Any]) -> Optional[str]:
    count = sum(entry["count"] for entry in report["stale"])
    if not count:
        return None
    noun = "entry no longer matches" if count == 1 else "entries no longer match"
    return (f"routelint: {count} baseline {noun} a finding in {report['file']}; "
            f"shrink it with --write-baseline {report['file']}")

"""Every file under `rules/` is checked against its JSON Schema (`rules/schema/<kind>.schema.json`)
when it is loaded.

Why: knowledge is data, and data with a typo used to fail silently — `api_kye` in an SDK file dropped
a finding, `fixd` in a rule's example left its test green. A schema names every key a file may hold
and the type of its value, so a typo stops the run with one line that names the file, the key and
what is allowed (the CLI prints it and exits 2), and the test suite validates every shipped file.

`jsonschema` is imported on first use and each schema is compiled once per process. Validating the
whole of `rules/` costs more than a pre-commit run may spend (importing jsonschema alone ~0.2 s), so
a successful validation leaves an empty *stamp* in the per-user cache directory named by the SHA-256
of the schemas and every data file's bytes: a later process that finds the stamp for the same bytes
skips validation and never imports jsonschema. Any edit to any file changes the digest, so an edited
file is always validated before it is used. A stamp says only "these exact bytes passed", so it
cannot change a finding.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from routelint.data import rules_dir, tomllib

# the data files under a rules folder, each kind with its schema in rules/schema/<kind>.schema.json
FILES = (
    ("providers", "providers/*.toml"),
    ("sdks", "sdks/*.toml"),
    ("checks", "checks/*.toml"),
    ("checklist", "audit/checklist.toml"),
    ("catalog", "catalog.toml"),
    ("vocabulary", "vocabulary.toml"),
)
KINDS = tuple(kind for kind, _ in FILES)
MAX_STAMPS = 16  # stamps kept (several checkouts or versions of routelint on one machine)


class RulesDataError(ValueError):
    """A file under rules/ (or a provider table of a user's config) does not match its schema.
    The message is one line: where, which key, what is allowed."""


def schema_path(kind: str) -> Path:
    return rules_dir() / "schema" / f"{kind}.schema.json"


@lru_cache(maxsize=None)
def _validator(kind: str):
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_path(kind).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)  # the schemas themselves are checked by the test suite


def _location(path: Iterable[Union[str, int]]) -> str:
    """`sinks[2].api_key` from the path jsonschema reports."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _allowed(schema: dict) -> str:
    names = sorted(schema.get("properties", {}))
    return ", ".join(names) if names else "none"


def _type_name(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array",
            dict: "a table"}.get(type(value), type(value).__name__)


_EXAMPLE: dict[str, Any] = {"integer": 0, "string": "", "object": {}, "array": [], "number": 0.0, "boolean": False}


def _explain(error) -> str:
    """One sentence for the most relevant schema violation."""
    where = _location(error.absolute_path)
    prefix = f"{where}: " if where else ""
    instance, schema, validator = error.instance, error.schema, error.validator
    if validator == "additionalProperties" and isinstance(instance, dict):
        unknown = sorted(set(instance) - set(schema.get("properties", {})))
        if unknown and schema.get("additionalProperties") is False:
            return f"{prefix}unknown key {unknown[0]!r} (allowed: {_allowed(schema)})"
    if validator == "required":
        missing = [name for name in error.validator_value if name not in instance]
        return f"{prefix}{missing[0]!r} is required" if missing else f"{prefix}{error.message}"
    if validator in ("enum", "const"):
        allowed = error.validator_value if validator == "enum" else [error.validator_value]
        return f"{prefix}{instance!r} is not allowed (allowed: {', '.join(map(str, allowed))})"
    if validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else "/".join(error.validator_value)
        return f"{prefix}must be {_type_name(_EXAMPLE.get(wanted, wanted))}, not {_type_name(instance)}"
    if validator == "pattern":
        return f"{prefix}{instance!r} must match {error.validator_value}"
    if validator == "oneOf" and isinstance(instance, dict) and "code" in instance and "files" in instance:
        return f"{prefix}give either 'code' or 'files', not both"
    if validator == "oneOf" and isinstance(instance, dict) and any("required" in branch for branch in error.validator_value):
        return f"{prefix}needs 'code' (one file) or 'files' (a table of path = text)"
    branches = error.validator_value if validator in ("oneOf", "anyOf") else []
    if branches and all("type" in branch for branch in branches):
        kinds = " or ".join(_type_name(_EXAMPLE.get(branch["type"], branch["type"])) for branch in branches)
        return f"{prefix}must be {kinds}, not {instance!r}"
    return f"{prefix}{error.message}"


def validate(kind: str, data: Any, where: str, error: type[ValueError] = RulesDataError) -> None:
    """Raise `error` with one line naming `where`, the key and what is allowed, if `data` breaks the schema."""
    from jsonschema.exceptions import best_match

    found = best_match(_validator(kind).iter_errors(data))
    if found is not None:
        raise error(f"{where}: {_explain(found)}")


def load_rules_toml(path: Path, kind: str) -> dict:
    """Parse one data file and validate it against the schema of its kind."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulesDataError(f"{path}: invalid TOML: {exc}") from None
    validate(kind, data, str(path))
    return data


def data_files(root: Path) -> list[tuple[str, Path]]:
    """(kind, path) of every data file under a rules folder, in a fixed order."""
    return [(kind, path) for kind, pattern in FILES for path in sorted(root.glob(pattern))]


def _stamp(digest: str) -> Optional[Path]:
    from routelint.cache import user_cache_root

    base = user_cache_root()
    return base / "rules-valid" / digest if base is not None else None


def _leave_stamp(stamp: Path) -> None:
    """Best effort: a read-only or missing cache directory only means validating again next time."""
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
        old = sorted(stamp.parent.iterdir(), key=lambda path: path.stat().st_mtime, reverse=True)[MAX_STAMPS:]
        for path in old:
            path.unlink()
    except OSError:
        pass


@lru_cache(maxsize=8)
def ensure_valid(root: Path) -> None:
    """Validate every data file under `root` against its schema, once per content (see the module
    docstring); raises RulesDataError naming the first bad file and key."""
    digest = hashlib.sha256()
    for kind in KINDS:
        digest.update(schema_path(kind).read_bytes())
    files = data_files(root)
    for kind, path in files:
        digest.update(f"\0{kind}\0{path.relative_to(root).as_posix()}\0".encode() + path.read_bytes())
    stamp = _stamp(digest.hexdigest())
    if stamp is not None and stamp.is_file():
        return
    for kind, path in files:
        load_rules_toml(path, kind)
    if stamp is not None:
        _leave_stamp(stamp)


__all__ = ["FILES", "KINDS", "RulesDataError", "data_files", "ensure_valid", "load_rules_toml", "schema_path", "validate"]

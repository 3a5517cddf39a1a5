"""`[tool.routelint]` in pyproject.toml, or routelint.toml / .routelint.toml, found upward.

Unknown keys and bad values are errors that name the file, the key and what is allowed: a typo in a
linter's configuration must never silently switch a rule off.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

from routelint.data import load_toml, tomllib

CONFIG_FILES = ("routelint.toml", ".routelint.toml", "pyproject.toml")
SEVERITIES = ("error", "warning")


class ConfigError(ValueError):
    """Shown as one line and exit code 2."""


@dataclass
class Config:
    path: Optional[str] = None  # the file it came from
    select: tuple[str, ...] = ("RL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)
    fail_on: str = "warning"
    allowed_routes: tuple[str, ...] = ()
    pinned: dict[str, tuple[str, ...]] = field(default_factory=dict)
    providers: list[dict[str, Any]] = field(default_factory=list)
    fix_env: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # key -> where its value came from

    def enabled(self, code: str, path: Optional[str] = None) -> bool:
        selected = self.select + self.extend_select
        if not _matches(code, selected) or _matches(code, self.ignore):
            return False
        if path is not None and self.per_file_ignores:
            from routelint.discover import matches_any

            for pattern, codes in self.per_file_ignores.items():
                if matches_any(path, [pattern]) and _matches(code, codes):
                    return False
        return True

    @property
    def excludes(self) -> tuple[str, ...]:
        return self.exclude + self.extend_exclude


def _matches(code: str, prefixes: Sequence[str]) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def _codes(where: str, key: str, value: Any) -> tuple[str, ...]:
    from routelint.rules_docs import all_rules

    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: {key} must be a list of rule codes or prefixes such as \"RL2\"")
    known = all_rules()
    for item in value:
        if item.upper() != "ALL" and not any(code.startswith(item.upper()) for code in known):
            raise ConfigError(f"{where}: {key}: {item!r} matches no rule (rules: {', '.join(sorted(known))})")
    return tuple("RL" if item.upper() == "ALL" else item.upper() for item in value)


def _strings(where: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _load_models_file(where: str, base: Path, name: str) -> tuple[str, ...]:
    path = (base / name).resolve()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{where}: models-file {name!r} cannot be read as JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        ids = [item.get("id") for item in data["data"] if isinstance(item, dict)]
    elif isinstance(data, list):
        ids = [item if isinstance(item, str) else (item.get("id") if isinstance(item, dict) else None) for item in data]
    else:
        raise ConfigError(f"{where}: models-file {name!r} must be a JSON list of IDs or a GET /v1/models response")
    return tuple(item for item in ids if isinstance(item, str))


KEYS = {
    "select", "extend-select", "ignore", "exclude", "extend-exclude", "per-file-ignores", "severity", "fail-on",
    "allowed-routes", "catalog", "providers", "fix-env", "root",
}


def parse_config(table: dict[str, Any], where: str, base: Path) -> Config:
    from routelint.catalog import load_catalog
    from routelint.catalog.loader import CatalogError, provider_from_table

    config = Config(path=where)
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} in [tool.routelint] (allowed: {', '.join(sorted(KEYS))})")
    if "select" in table:
        config.select = _codes(where, "select", table["select"])
    if "extend-select" in table:
        config.extend_select = _codes(where, "extend-select", table["extend-select"])
    if "ignore" in table:
        config.ignore = _codes(where, "ignore", table["ignore"])
    if "exclude" in table:
        config.exclude = _strings(where, "exclude", table["exclude"])
    if "extend-exclude" in table:
        config.extend_exclude = _strings(where, "extend-exclude", table["extend-exclude"])
    if "per-file-ignores" in table:
        raw = table["per-file-ignores"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: per-file-ignores must be a table of glob = [codes]")
        config.per_file_ignores = {pattern: _codes(where, f"per-file-ignores.{pattern}", codes) for pattern, codes in raw.items()}
    if "severity" in table:
        raw = table["severity"]
        if not isinstance(raw, dict) or any(value not in SEVERITIES for value in raw.values()):
            raise ConfigError(f"{where}: severity must map rule codes to one of {', '.join(SEVERITIES)}")
        _codes(where, "severity", list(raw))
        config.severity = {code.upper(): value for code, value in raw.items()}
    if "fail-on" in table:
        if table["fail-on"] not in SEVERITIES:
            raise ConfigError(f"{where}: fail-on must be one of {', '.join(SEVERITIES)}, not {table['fail-on']!r}")
        config.fail_on = table["fail-on"]
    if "providers" in table:
        raw = table["providers"]
        if not isinstance(raw, list):
            raise ConfigError(f"{where}: providers must be an array of tables ([[tool.routelint.providers]])")
        for index, entry in enumerate(raw):
            try:
                provider_from_table(entry, f"{where}: providers #{index + 1}")
            except CatalogError as exc:
                raise ConfigError(str(exc)) from None
        config.providers = list(raw)
    shipped = load_catalog()
    known_ids = set(shipped.providers) | {entry["id"] for entry in config.providers}
    if "allowed-routes" in table:
        config.allowed_routes = _strings(where, "allowed-routes", table["allowed-routes"])
        for provider_id in config.allowed_routes:
            if provider_id not in known_ids:
                raise ConfigError(f"{where}: allowed-routes: unknown provider {provider_id!r} (known: {', '.join(sorted(known_ids))})")
    if "catalog" in table:
        raw = table["catalog"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: catalog must be a table of [tool.routelint.catalog.<provider-id>]")
        for provider_id, pin in raw.items():
            if provider_id not in known_ids:
                raise ConfigError(f"{where}: catalog.{provider_id}: unknown provider (known: {', '.join(sorted(known_ids))})")
            if not isinstance(pin, dict) or set(pin) - {"models", "models-file"} or not pin:
                raise ConfigError(f"{where}: catalog.{provider_id} takes models = [...] and/or models-file = \"path\"")
            models = _strings(where, f"catalog.{provider_id}.models", pin.get("models", []))
            if "models-file" in pin:
                models += _load_models_file(f"{where}: catalog.{provider_id}", base, pin["models-file"])
            config.pinned[provider_id] = models
    if "fix-env" in table:
        raw = table["fix-env"]
        if not isinstance(raw, dict) or not all(isinstance(value, str) for value in raw.values()):
            raise ConfigError(f"{where}: fix-env must map provider ids to env var names")
        config.fix_env = dict(raw)
    config.sources = {key: where for key in table}
    return config


def read_table(path: Path) -> Optional[dict[str, Any]]:
    try:
        data = load_toml(path)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    if path.name == "pyproject.toml":
        return data.get("tool", {}).get("routelint")
    return data.get("tool", {}).get("routelint", data)


def discover_config(start: str, explicit: Optional[str] = None) -> Config:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        table = read_table(path) or {}
        return parse_config(table, str(path), path.parent)
    from routelint.discover import find_upward

    for candidate in find_upward(start, CONFIG_FILES):
        path = Path(candidate)
        table = read_table(path)
        if table is not None:
            return parse_config(table, os.path.relpath(path), path.parent)
    return Config()

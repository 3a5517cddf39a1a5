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

from routelint.data import tomllib

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
    fix_env: dict[str, Any] = field(default_factory=dict)  # provider id -> base-URL var or {base-url, key}
    sources: dict[str, str] = field(default_factory=dict)  # key -> where its value came from
    root: bool = False  # `root = true`: configuration files further up do not apply
    respect_gitignore: bool = True  # false: files git ignores are checked and feed routes too
    base: Optional[str] = None  # absolute folder of the outermost config file: patterns are relative to it

    def enabled(self, code: str, path: Optional[str] = None) -> bool:
        selected = self.select + self.extend_select
        if not _matches(code, selected) or _matches(code, self.ignore):
            return False
        if path is not None and self.per_file_ignores:
            for pattern, codes in self.per_file_ignores.items():
                if self.matches(path, [pattern]) and _matches(code, codes):
                    return False
        return True

    @property
    def excludes(self) -> tuple[str, ...]:
        return self.exclude + self.extend_exclude

    def matches(self, path: str, patterns: Sequence[str]) -> bool:
        """A glob matches the path as shown, or the path relative to the folder of the config file."""
        from routelint.discover import matches_any

        if matches_any(path, patterns):
            return True
        if self.base is None:
            return False
        relative = os.path.relpath(os.path.abspath(path), self.base).replace(os.sep, "/")
        return not relative.startswith("../") and relative != ".." and matches_any(relative, patterns)

    def excluded(self, path: str) -> bool:
        """For a file named explicitly (as pre-commit passes them): any pattern on its whole path."""
        return bool(self.excludes) and self.matches(path, self.excludes)

    def excludes_entry(self, path: str, name: str) -> bool:
        """For a file or folder met while walking a folder that was named: a pattern without '/'
        matches the entry's own name (the folders above it were checked as the walk entered them, and
        the folder you name is never excluded by its own name); a pattern with '/' matches the path."""
        import fnmatch

        for pattern in self.excludes:
            pattern = pattern.rstrip("/")
            if "/" not in pattern:
                if fnmatch.fnmatchcase(name, pattern):
                    return True
            elif self.matches(path, [pattern]):
                return True
        return False


def _matches(code: str, prefixes: Sequence[str]) -> bool:
    return any(code.startswith(prefix) for prefix in prefixes)


def _codes(where: str, key: str, value: Any) -> tuple[str, ...]:
    from routelint.rules_docs import rule_meta

    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: {key} must be a list of rule codes or prefixes such as \"RL2\"")
    known = rule_meta()
    for item in value:
        if item.upper() != "ALL" and not any(code.startswith(item.upper()) for code in known):
            raise ConfigError(f"{where}: {key}: {item!r} matches no rule (rules: {', '.join(sorted(known))})")
    return tuple("RL" if item.upper() == "ALL" else item.upper() for item in value)


def _strings(where: str, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def _load_models_file(where: str, base: Path, name: Any) -> tuple[str, ...]:
    from routelint.textio import read_bounded

    if not isinstance(name, str) or not name:
        raise ConfigError(f"{where}: models-file: must be a path (a string) to a JSON file, not {_shape(name)}")
    path = (base / name).resolve()
    try:
        data = json.loads(read_bounded(str(path)).decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{where}: models-file {name!r} cannot be read: {getattr(exc, 'why', None) or exc.strerror or exc}") from None
    except (ValueError, RecursionError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"{where}: models-file {name!r} cannot be read as JSON: {reason}") from None
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        ids = [item.get("id") for item in data["data"] if isinstance(item, dict)]
    elif isinstance(data, list):
        ids = [item if isinstance(item, str) else (item.get("id") if isinstance(item, dict) else None) for item in data]
    else:
        raise ConfigError(f"{where}: models-file {name!r} must be a JSON list of IDs or a GET /v1/models response")
    return tuple(item for item in ids if isinstance(item, str))


def _shape(value: Any) -> str:
    """How a wrong value is named in an error: its TOML type, never its text (it may hold a key)."""
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array",
             dict: "a table"}
    return names.get(type(value), "a " + type(value).__name__)


@dataclass(frozen=True)
class ConfigKey:
    """One key of `[tool.routelint]`: the schema the README's configuration reference is generated from."""

    name: str
    type: str
    default: str
    description: str
    example: str


SCHEMA: tuple[ConfigKey, ...] = (
    ConfigKey("root", "bool", "false", "Configuration files further up do not apply (a monorepo service with its own settings).",
              "root = true"),
    ConfigKey("select", "list of codes or prefixes", '["RL"]', 'Rules to enable; "ALL" is every rule. A nearer file\'s '
              "`select` starts over (drops inherited `extend-select`).", 'select = ["RL1", "RL2"]'),
    ConfigKey("extend-select", "list of codes or prefixes", "[]", "Rules to enable on top of `select`; adds to what outer files set.",
              'extend-select = ["RL302"]'),
    ConfigKey("ignore", "list of codes or prefixes", "[]", "Rules to disable.", 'ignore = ["RL101"]'),
    ConfigKey("per-file-ignores", "table: glob -> list of codes", "{}", "Rules to disable in files matching a glob "
              "(relative to the project's outermost config file).", 'per-file-ignores = { "tests/*" = ["RL202"] }'),
    ConfigKey("exclude", "list of globs", "[]", "Files and folders not to check (replaces inherited excludes). A file named "
              "on the command line is still checked, with a warning, unless `--force-exclude`.", 'exclude = ["tests/fixtures"]'),
    ConfigKey("extend-exclude", "list of globs", "[]", "More files and folders not to check; adds to what outer files set.",
              'extend-exclude = ["generated"]'),
    ConfigKey("respect-gitignore", "bool", "true", "Skip files git ignores (tracked files are always checked); false also "
              "checks them and lets them feed routes, for an audit of a local setup.", "respect-gitignore = false"),
    ConfigKey("severity", "table: code -> error | warning", "{}", "Change a rule's severity.", 'severity = { RL302 = "error" }'),
    ConfigKey("fail-on", "error | warning", '"warning"', "The lowest severity that makes `routelint check` exit 1.",
              'fail-on = "error"'),
    ConfigKey("allowed-routes", "list of provider ids", "[]", "Where LLM traffic may go; any other provider is RL103. Empty: "
              "no policy.", 'allowed-routes = ["flatkey"]'),
    ConfigKey("catalog", "table: provider id -> { models, models-file }", "{}", "Pin a router's model catalog (RL302): IDs, "
              "and/or a JSON list or saved `GET /v1/models` response.",
              '[tool.routelint.catalog.flatkey]\nmodels = ["gpt-5.5"]\nmodels-file = "flatkey-models.json"'),
    ConfigKey("providers", "array of tables", "[]", "Extra providers (a company gateway), in the format of "
              "`rules/providers/*.toml`.", '[[tool.routelint.providers]]\nid = "acme-gateway"\nname = "ACME LLM gateway"\n'
              'kind = "router"\nbase_url = { hosts = ["llm.acme.example"], env = ["ACME_LLM_BASE_URL"] }'),
    ConfigKey("fix-env", "table: provider id -> VAR or { base-url, key }", "{}", "The environment variables fixes write "
              "for a provider (a string names the base-URL variable).",
              'fix-env = { flatkey = { base-url = "LLM_BASE_URL", key = "LLM_API_KEY" } }'),
)
KEYS = {key.name for key in SCHEMA}


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
            if not isinstance(entry, dict):
                raise ConfigError(f"{where}: providers #{index + 1}: must be a table ([[tool.routelint.providers]]), "
                                  f"not {_shape(entry)}")
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
    if "root" in table and not isinstance(table["root"], bool):
        raise ConfigError(f"{where}: root must be true or false, not {table['root']!r}")
    config.root = table.get("root") is True
    if "respect-gitignore" in table:
        if not isinstance(table["respect-gitignore"], bool):
            raise ConfigError(f"{where}: respect-gitignore must be true or false, not {_shape(table['respect-gitignore'])}")
        config.respect_gitignore = table["respect-gitignore"]
    if "fix-env" in table:
        raw = table["fix-env"]

        def _names(value: Any) -> bool:  # "BASE_URL_VAR", or { base-url = "...", key = "..." }
            return isinstance(value, str) or (isinstance(value, dict) and bool(value) and set(value) <= {"base-url", "key"}
                                              and all(isinstance(name, str) for name in value.values()))

        if not isinstance(raw, dict) or not all(_names(value) for value in raw.values()):
            raise ConfigError(f"{where}: fix-env must map provider ids to a base-URL env var name or to "
                              "{ base-url = \"VAR\", key = \"VAR\" }")
        config.fix_env = dict(raw)
    config.sources = {key: where for key in table}
    return config


def read_table(path: Path) -> Optional[dict[str, Any]]:
    """The routelint table of a config file, or None (a pyproject.toml without one). Any shape the
    file has (bad encoding, deep nesting, huge numbers, `tool = 1`) is a one-line ConfigError."""
    from routelint.textio import MAX_INPUT_BYTES, UnsafePath, read_bounded

    try:
        data = tomllib.loads(read_bounded(str(path), MAX_INPUT_BYTES).decode("utf-8-sig"))  # a BOM is harmless
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except UnsafePath as exc:
        raise ConfigError(f"{path}: {exc.why}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}): "
                          "a TOML file must be UTF-8") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    except ValueError as exc:  # an integer past Python's 4,300-digit limit
        raise ConfigError(f"{path}: invalid TOML: {str(exc).split(';')[0]}") from None
    tool = data.get("tool")
    if tool is not None and not isinstance(tool, dict):
        raise ConfigError(f"{path}: tool: must be a table ([tool]), not {_shape(tool)}")
    table = (tool or {}).get("routelint")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.routelint: must be a table ([tool.routelint]), not {_shape(table)}")
    if path.name == "pyproject.toml":
        return table
    return table if table is not None else data


def discover_config(start: str, explicit: Optional[str] = None) -> Config:
    """The effective configuration for `start` (a file or folder): layered, or the explicit file."""
    return ConfigSet(explicit).for_path(start)


# --------------------------------------------------------------------------- layering


@dataclass(frozen=True)
class Layer:
    """One configuration file that applies to a folder and everything below it."""

    path: str  # as shown to users
    directory: str  # absolute
    config: Config  # this file's own values (validated); config.sources holds the keys it sets


# how each key of an inner (nearer) file combines with what the outer files said
_REPLACE = {"select": "select", "ignore": "ignore", "exclude": "exclude", "fail-on": "fail_on",
            "allowed-routes": "allowed_routes", "respect-gitignore": "respect_gitignore"}
_EXTEND = {"extend-select": "extend_select", "extend-exclude": "extend_exclude"}
_UPDATE = {"per-file-ignores": "per_file_ignores", "severity": "severity", "catalog": "pinned", "fix-env": "fix_env"}
ORDER = ("root", "select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude", "severity",
         "fail-on", "allowed-routes", "catalog", "providers", "fix-env", "respect-gitignore")
DEFAULT = "default"
COMMAND_LINE = "command line"


def merge_layers(layers: Sequence[Layer]) -> Config:
    """Outermost first; the nearest file wins key by key. `extend-*` keys add to what they inherit,
    table keys (`severity`, `per-file-ignores`, `catalog`, `fix-env`) merge entry by entry, and
    `providers` merge by id."""
    merged = Config()
    sources: dict[str, str] = {}
    for layer in layers:
        own = layer.config
        for key in own.sources:
            if key in _REPLACE:
                setattr(merged, _REPLACE[key], getattr(own, _REPLACE[key]))
                sources[key] = layer.path
                if key == "select":  # a new selection starts over, as in Ruff
                    merged.extend_select = ()
                    sources.pop("extend-select", None)
            elif key in _EXTEND:
                attribute = _EXTEND[key]
                setattr(merged, attribute, getattr(merged, attribute) + getattr(own, attribute))
                sources[key] = f"{sources[key]}, {layer.path}" if key in sources else layer.path
            elif key in _UPDATE:
                attribute = _UPDATE[key]
                table = dict(getattr(merged, attribute))
                table.update(getattr(own, attribute))
                setattr(merged, attribute, table)
                for entry in getattr(own, attribute):
                    sources[f"{key}.{entry}"] = layer.path
            elif key == "providers":
                by_id = {entry["id"]: entry for entry in merged.providers}
                by_id.update({entry["id"]: entry for entry in own.providers})
                merged.providers = list(by_id.values())
                for entry in own.providers:
                    sources[f"providers.{entry['id']}"] = layer.path
            elif key == "root":
                sources[key] = layer.path
    if layers:
        merged.path = layers[-1].path
        merged.base = layers[0].directory
        merged.root = layers[0].config.root
    merged.sources = sources
    return merged


class ConfigSet:
    """The configuration of every file of a run: `--config FILE` for all, or discovered upward from
    each file's folder, layered (outer files first, the nearest wins) up to a file with `root = true`.

    Results are cached per folder, so asking for thousands of files costs one lookup each.
    """

    def __init__(self, explicit: Optional[str] = None, *, select: Optional[Sequence[str]] = None,
                 ignore: Optional[Sequence[str]] = None, fixed: Optional[Config] = None,
                 extend_select: Optional[Sequence[str]] = None) -> None:
        self.explicit = explicit
        self._fixed = fixed
        self._select = select
        self._ignore = ignore
        self._layer_in: dict[str, Optional[Layer]] = {}
        self._chains: dict[str, tuple[Layer, ...]] = {}
        self._merged: dict[tuple[str, ...], Config] = {}
        self._by_path: dict[str, Config] = {}  # a run asks about the same paths many times
        self._explicit_layer: Optional[Layer] = None
        if explicit:
            path = Path(explicit)
            if not path.exists():
                raise ConfigError(f"{explicit}: config file not found")
            table = read_table(path) or {}
            self._explicit_layer = Layer(str(explicit), str(path.resolve().parent), parse_config(table, str(explicit), path.parent))
        if select is not None:
            self._select = _codes("--select", "--select", list(select))
        if ignore is not None:
            self._ignore = _codes("--ignore", "--ignore", list(ignore))
        self._extend_select = _codes("--extend-select", "--extend-select", list(extend_select)) if extend_select else None

    @classmethod
    def of(cls, config: Config) -> "ConfigSet":
        """Every file gets this one configuration (callers that built a Config themselves)."""
        return cls(fixed=config)

    # ------------------------------------------------------------------ discovery
    def _own_layer(self, directory: str) -> Optional[Layer]:
        if directory in self._layer_in:
            return self._layer_in[directory]
        found = None
        for name in CONFIG_FILES:
            candidate = Path(directory) / name
            if not candidate.is_file():
                continue
            table = read_table(candidate)
            if table is None:  # a pyproject.toml without [tool.routelint]
                continue
            shown = os.path.relpath(candidate)
            shown = str(candidate) if shown.startswith(".." + os.sep + "..") else shown
            found = Layer(shown.replace(os.sep, "/"), directory, parse_config(table, shown.replace(os.sep, "/"), candidate.parent))
            break
        self._layer_in[directory] = found
        return found

    def _chain(self, directory: str) -> tuple[Layer, ...]:
        """Layers for a folder, outermost first. Walks up iteratively and caches every folder it passes."""
        pending: list[str] = []
        inherited: tuple[Layer, ...] = ()
        current = directory
        while True:
            if current in self._chains:
                inherited = self._chains[current]
                break
            pending.append(current)
            own = self._own_layer(current)
            parent = os.path.dirname(current)
            if (own is not None and own.config.root) or parent == current:
                break
            current = parent
        for folder in reversed(pending):
            own = self._own_layer(folder)
            if own is not None and own.config.root:
                inherited = (own,)
            elif own is not None:
                inherited = inherited + (own,)
            self._chains[folder] = inherited
        return self._chains[directory]

    def layers(self, path: str) -> tuple[Layer, ...]:
        if self._fixed is not None:
            return ()
        if self._explicit_layer is not None:
            return (self._explicit_layer,)
        absolute = os.path.abspath(path)
        directory = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        return self._chain(directory)

    def for_path(self, path: str) -> Config:
        if self._fixed is not None:
            return self._fixed
        known = self._by_path.get(path)
        if known is not None:
            return known
        layers = self.layers(path)
        key = tuple(layer.path for layer in layers)
        config = self._merged.get(key)
        if config is None:
            config = merge_layers(layers)
            if self._explicit_layer is not None:
                config.sources = {name: f"--config {source}" for name, source in config.sources.items()}
            if self._select is not None:
                config.select, config.extend_select = self._select, ()
                config.sources["select"] = f"{COMMAND_LINE} (--select)"
                config.sources.pop("extend-select", None)
            if self._extend_select is not None:
                config.extend_select = config.extend_select + self._extend_select
                config.sources["extend-select"] = ", ".join(filter(None, (config.sources.get("extend-select"),
                                                                          f"{COMMAND_LINE} (--extend-select)")))
            if self._ignore is not None:
                config.ignore = config.ignore + self._ignore
                config.sources["ignore"] = ", ".join(filter(None, (config.sources.get("ignore"), f"{COMMAND_LINE} (--ignore)")))
            self._merged[key] = config
        self._by_path[path] = config
        return config

    def configs(self) -> list[Config]:
        """Every distinct configuration handed out so far."""
        if self._fixed is not None:
            return [self._fixed]
        return list(self._merged.values())


def project_settings(configs: Sequence[Config]) -> Config:
    """The catalog is one per run: user providers and pinned catalogs of every configuration in use,
    combined. The same provider id defined differently in two files is an error."""
    combined = Config()
    providers: dict[str, dict[str, Any]] = {}
    owner: dict[str, str] = {}
    for config in configs:
        for entry in config.providers:
            known = providers.get(entry["id"])
            if known is not None and known != entry:
                raise ConfigError(
                    f"{config.sources.get('providers.' + entry['id'], config.path)}: providers: id {entry['id']!r} is also "
                    f"defined differently in {owner[entry['id']]}; define a provider once (in the outermost config)"
                )
            providers[entry["id"]] = entry
            owner.setdefault(entry["id"], config.sources.get("providers." + entry["id"], config.path or "?"))
        for provider_id, models in config.pinned.items():
            current = combined.pinned.get(provider_id, ())
            combined.pinned[provider_id] = current + tuple(model for model in models if model not in current)
    combined.providers = list(providers.values())
    return combined


def describe(config: Config) -> list[tuple[str, Any, str]]:
    """(key, value, where it came from) for every key, in a fixed order, for `routelint config`."""
    rows: list[tuple[str, Any, str]] = []
    sources = config.sources

    def source(key: str) -> str:
        return sources.get(key, DEFAULT)

    for key in ORDER:
        if key == "root":
            rows.append((key, config.root, source(key)))
        elif key in _REPLACE:
            value = getattr(config, _REPLACE[key])
            rows.append((key, list(value) if isinstance(value, tuple) else value, source(key)))
        elif key in _EXTEND:
            rows.append((key, list(getattr(config, _EXTEND[key])), source(key)))
        elif key in _UPDATE:
            table = getattr(config, _UPDATE[key])
            if not table:
                rows.append((key, {}, DEFAULT))
            for entry, value in sorted(table.items()):
                rows.append((f"{key}.{entry}", list(value) if isinstance(value, tuple) else value, source(f"{key}.{entry}")))
        elif key == "providers":
            if not config.providers:
                rows.append((key, [], DEFAULT))
            for entry in config.providers:
                rows.append((f"providers.{entry['id']}", entry, source(f"providers.{entry['id']}")))
    return rows

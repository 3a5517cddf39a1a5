"""Turn a run's routes into inventory rows: where each route is set up, where its base URL, key and
model IDs come from, which endpoint features it uses, what to smoke-test before moving it, and (with
a target provider) what would break if it moved there.

Every string that leaves this module has passed through `redact()`; key text is never shown, only
`mask()`ed.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Optional

from routelint.catalog.keys import is_placeholder, looks_like_env_var_name
from routelint.catalog.model import Catalog, Provider
from routelint.catalog.models import judge_model
from routelint.catalog.ownership import key_owner
from routelint.checks.models import rule_code
from routelint.data import load_toml, rules_dir
from routelint.facts import ENV, LITERAL, ORIGIN_CONFIG, ORIGIN_ENV_FILE, UNKNOWN, Location, Value
from routelint.project import Route
from routelint.redact import mask, redact
from routelint.run_result import RunResult
from routelint.schema import ensure_valid



# ---------------------------------------------------------------------------- checklist rules (data)
@dataclass(frozen=True)
class Feature:
    id: str
    label: str
    endpoints: tuple[str, ...]
    flags: tuple[str, ...]
    markers: tuple[str, ...]
    items: tuple[str, ...]


@dataclass(frozen=True)
class ChecklistRules:
    always: tuple[str, ...]
    features: tuple[Feature, ...]

    def feature(self, feature_id: str) -> Optional[Feature]:
        for feature in self.features:
            if feature.id == feature_id:
                return feature
        return None


@lru_cache(maxsize=1)
def checklist_rules() -> ChecklistRules:
    ensure_valid(rules_dir())
    data = load_toml(rules_dir() / "audit" / "checklist.toml")
    features = tuple(
        Feature(
            id=feature_id,
            label=str(spec.get("label", feature_id)),
            endpoints=tuple(spec.get("endpoints", ())),
            flags=tuple(spec.get("flags", ())),
            markers=tuple(spec.get("markers", ())),
            items=tuple(spec.get("items", ())),
        )
        for feature_id, spec in data.get("features", {}).items()
    )
    return ChecklistRules(always=tuple(data.get("always", ())), features=features)


# ---------------------------------------------------------------------------- rows
@dataclass
class Source:
    """Where one of a route's values comes from."""

    kind: str  # literal | env | env-file | config | sdk-default | unknown
    description: str
    env_var: Optional[str] = None
    path: Optional[str] = None
    line: Optional[int] = None

    def to_dict(self) -> dict:
        return {"kind": self.kind, "description": self.description, "env_var": self.env_var, "path": self.path, "line": self.line}


@dataclass
class ModelUse:
    id: Optional[str]  # None: not statically known
    where: str
    source: str

    def to_dict(self) -> dict:
        return {"id": self.id, "where": self.where, "source": self.source}


@dataclass
class EndpointUse:
    endpoint: str
    where: str
    features: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"endpoint": self.endpoint, "where": self.where, "features": list(self.features)}


@dataclass
class TargetEvaluation:
    """The route as if it moved to `provider`."""

    provider_id: str
    provider_name: str
    already_there: bool
    base_url: Optional[str]  # what to set, None when nothing changes
    models: list[dict] = field(default_factory=list)  # {id, where, reason, suggestion}
    key: Optional[dict] = None  # {owner, reason, set_env}
    endpoints: list[dict] = field(default_factory=list)  # {endpoint, where, pattern}

    @property
    def changes(self) -> int:
        return (1 if self.base_url else 0) + len(self.models) + (1 if self.key else 0) + len(self.endpoints)

    def to_dict(self) -> dict:
        return {
            "provider": {"id": self.provider_id, "name": self.provider_name},
            "already_there": self.already_there,
            "base_url": self.base_url,
            "models_to_map": self.models,
            "key_to_replace": self.key,
            "unsupported_endpoints": self.endpoints,
        }


@dataclass
class InventoryRow:
    id: str
    path: str
    line: int
    column: int
    sdk: str
    in_code: bool
    provider_id: Optional[str]
    provider_name: str
    provider_kind: Optional[str]
    base_url: Optional[str]
    base_source: Source
    key_source: Source
    key_owner: Optional[str]
    models: list[ModelUse]
    endpoints: list[EndpointUse]
    features: list[str]  # feature ids, checklist order
    checklist: list[dict]  # {feature, label, item}
    target: Optional[TargetEvaluation] = None
    cell: str = ""  # notebooks: "cell 3, line 7" (line and column are the .ipynb file's JSON text's)

    @property
    def location(self) -> str:
        """`path:line:column`, and the notebook cell where there is one: what a reader looks up."""
        return f"{self.position} ({self.cell})" if self.cell else self.position

    @property
    def position(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def feature_labels(self) -> list[str]:
        rules = checklist_rules()
        return [(rules.feature(feature).label if rules.feature(feature) else feature) for feature in self.features]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "location": self.position,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "cell": self.cell or None,
            "sdk": self.sdk,
            "in_code": self.in_code,
            "provider": {"id": self.provider_id, "name": self.provider_name, "kind": self.provider_kind}
            if self.provider_id else None,
            "base_url": {"value": self.base_url, "source": self.base_source.to_dict()},
            "key": {"source": self.key_source.to_dict(), "owner": self.key_owner},
            "models": [model.to_dict() for model in self.models],
            "endpoints": [endpoint.to_dict() for endpoint in self.endpoints],
            "features": list(self.features),
            "checklist": self.checklist,
            "target": self.target.to_dict() if self.target else None,
        }


def _where(loc: Optional[Location]) -> Optional[str]:
    return f"{loc.path}:{loc.span.line}" if loc is not None else None


def describe_source(value: Value, *, is_key: bool = False) -> Source:
    """Human text for where a value comes from. Key text is never included."""
    where = _where(value.loc)
    path = value.loc.path if value.loc else None
    line = value.loc.span.line if value.loc else None
    name = value.env_var
    if value.origin == ORIGIN_ENV_FILE and value.text is not None:
        return Source("env-file", f"env file {where} ({name})" if name else f"env file {where}", name, path, line)
    if value.origin == ORIGIN_CONFIG and value.text is not None:
        return Source("config", f"config file {where}", name, path, line)
    if value.kind == ENV and name:
        if value.text is not None:
            shown = "a default" if is_key else "default"
            at = f" at {where}" if where else ""
            return Source("env", f"env var {name} ({shown}{at})", name, path, line)
        if value.implicit:
            return Source("sdk-default", f"env var {name} (the SDK's implicit default; not set in the project)", name, path, line)
        return Source("env", f"env var {name} (no default; not set in the project)", name, path, line)
    if value.kind == LITERAL and value.text is not None:
        constant = f" (constant {value.identifier})" if value.identifier else ""
        return Source("literal", f"literal at {where}{constant}" if where else f"literal{constant}", None, path, line)
    return Source("unknown", "unknown (computed at run time or a parameter)", name, path, line)


def _key_source(catalog: Catalog, key: Value, secrets: set[str]) -> Source:
    source = describe_source(key, is_key=True)
    if key.text is not None and key.kind == LITERAL and key.origin not in (ORIGIN_ENV_FILE, ORIGIN_CONFIG):
        if looks_like_env_var_name(key.text.strip()):
            shown = f"the variable name {key.text.strip()} passed as the key"
        elif is_placeholder(catalog, key.text):
            shown = f"placeholder {mask(key.text)}"
        else:
            shown = f"hardcoded {mask(key.text)}"
        source.description = f"literal key, {shown}" + (f", at {_where(key.loc)}" if key.loc else "")
    elif key.text is not None and key.origin in (ORIGIN_ENV_FILE, ORIGIN_CONFIG) and not is_placeholder(catalog, key.text):
        source.description += f", value {mask(key.text)}"
    # key text only ever appears through mask() above; redact() catches anything else the run knows is secret
    source.description = redact(source.description, secrets)
    return source


# ---------------------------------------------------------------------------- features
class SourceLines:
    """The lines of each source file the audit quotes, read once per file (None: unreadable)."""

    def __init__(self) -> None:
        self.cache: dict[str, Optional[list[str]]] = {}

    def lines(self, path: str) -> Optional[list[str]]:
        if path not in self.cache:
            from routelint.scan import read_text  # decoded as the scan decoded it (UTF-16/32 too)

            text = read_text(path)
            self.cache[path] = text.splitlines() if text is not None else None
        return self.cache[path]

    def excerpt(self, path: str, first: int, last: int) -> str:
        lines = self.lines(path)
        if not lines:
            return ""
        return "\n".join(lines[max(0, first - 1) : min(len(lines), last)])


def _matches(endpoint: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(endpoint, pattern) for pattern in patterns)


def features_of(endpoint: str, flags: Iterable[str], call_text: str = "") -> list[str]:
    """Feature ids of one endpoint call, in checklist order."""
    flags = set(flags)
    found = []
    for feature in checklist_rules().features:
        if (
            _matches(endpoint, feature.endpoints)
            or flags.intersection(feature.flags)
            or (call_text and any(marker in call_text for marker in feature.markers))
        ):
            found.append(feature.id)
    return found


def _ordered(ids: Iterable[str]) -> list[str]:
    wanted = set(ids)
    return [feature.id for feature in checklist_rules().features if feature.id in wanted]


def checklist_for(features: Iterable[str]) -> list[dict]:
    rules = checklist_rules()
    items = []
    for feature_id in _ordered(features):
        feature = rules.feature(feature_id)
        if feature is None:
            continue
        for item in feature.items:
            items.append({"feature": feature.id, "label": feature.label, "item": item})
    for item in rules.always:
        items.append({"feature": "always", "label": "always", "item": item})
    return items


# ---------------------------------------------------------------------------- target evaluation
def evaluate_target(catalog: Catalog, route: Route, row: "InventoryRow", target: Provider) -> TargetEvaluation:
    here = route.provider
    already = here is not None and here.id == target.id
    base = None
    if not already:
        base = target.canonical_base_url or f"{target.name}'s base URL"
        if target.fix_base_url_env:
            base = f"{base} (env var {target.fix_base_url_env})"
    models = []
    for model in row.models:
        if model.id is None:
            models.append({"id": None, "where": model.where, "reason": "model ID not statically known: check it by hand",
                           "suggestion": None})
            continue
        verdict = judge_model(catalog, target, model.id)
        if verdict is not None:
            models.append({"id": model.id, "where": model.where, "reason": verdict.reason, "suggestion": verdict.suggestion,
                           "code": rule_code(verdict)})
    owner = row.key_owner
    key = None
    set_env = target.fix_key_env or (target.key_env[0] if target.key_env else None)
    if not target.is_local:
        if owner is None:
            if route.key.kind == UNKNOWN or (route.key.text is None and not route.key.env_var):
                key = {"owner": None, "reason": "key source unknown: make sure a key for the target is supplied",
                       "set_env": set_env}
            elif route.key.text is not None and route.key.kind == LITERAL and route.key.origin not in (ORIGIN_ENV_FILE, ORIGIN_CONFIG):
                key = {"owner": None, "reason": "literal key whose owner is unknown: replace it with a key for the target read from the environment",
                       "set_env": set_env}
            elif not already:
                key = {"owner": None, "reason": "key owner unknown: confirm the variable holds a key for the target",
                       "set_env": set_env}
        elif owner != target.id and owner not in target.accepts_key_from:
            key = {"owner": owner, "reason": f"{catalog.name(owner)} key; {target.name} needs its own key", "set_env": set_env}
    endpoints = []
    calls = [(endpoint.endpoint, endpoint.where) for endpoint in row.endpoints]
    for endpoint, where in calls:
        pattern = target.unsupported(endpoint)
        if pattern is not None:
            endpoints.append({"endpoint": endpoint, "where": where, "pattern": pattern})
    return TargetEvaluation(target.id, target.name, already, base, models, key, endpoints)


# ---------------------------------------------------------------------------- building
def build_row(result: RunResult, route: Route, sources: Optional[SourceLines] = None, target: Optional[Provider] = None) -> InventoryRow:
    catalog = result.catalog
    secrets = set(result.secrets)
    sources = sources or SourceLines()
    site = route.site
    provider = route.provider
    base_source = describe_source(route.base)
    base_source.description = redact(base_source.description, secrets)
    key_src = _key_source(catalog, route.key, secrets)
    models: list[ModelUse] = []
    seen_models = set()

    def add_model(value: Optional[Value], fallback: str) -> None:
        if value is None:
            return
        where = _where(value.loc) or fallback
        text = value.text
        if value.kind == UNKNOWN or text is None:
            item = (None, where)
            if item not in seen_models:
                seen_models.add(item)
                models.append(ModelUse(None, where, describe_source(value).description))
            return
        item = (text, where)
        if item in seen_models:
            return
        seen_models.add(item)
        models.append(ModelUse(redact(text, secrets), where, redact(describe_source(value).description, secrets)))

    site_where = f"{site.path}:{site.span.line}"
    add_model(route.model, site_where)
    endpoints: list[EndpointUse] = []
    feature_ids: set[str] = set()
    for call, model in route.calls:
        where = f"{call.path}:{call.span.line}"
        add_model(model, where)
        text = sources.excerpt(call.path, call.span.line, call.span.end_line)
        found = features_of(call.endpoint, call.features, text)
        feature_ids.update(found)
        endpoints.append(EndpointUse(call.endpoint, where, tuple(found)))
    for endpoint in (site.endpoint, site.default_endpoint):
        if endpoint and not any(use.endpoint == endpoint for use in endpoints):
            found = features_of(endpoint, ())
            feature_ids.update(found)
            endpoints.append(EndpointUse(endpoint, site_where, tuple(found)))
    features = _ordered(feature_ids)
    row = InventoryRow(
        id=site.id,
        path=site.path,
        line=site.span.line,
        column=site.span.column,
        cell=result.cell_label(site.path, site.span.line, site.span.column),
        sdk=site.sdk,
        in_code=site.in_code,
        provider_id=provider.id if provider else None,
        provider_name=provider.name if provider else "unknown",
        provider_kind=provider.kind if provider else None,
        base_url=redact(route.base.text, secrets) if route.base.text is not None else None,
        base_source=base_source,
        key_source=key_src,
        key_owner=key_owner(catalog, route.key, provider, route.base).provider,
        models=models,
        endpoints=endpoints,
        features=features,
        checklist=checklist_for(features),
    )
    if target is not None:
        row.target = evaluate_target(catalog, route, row, target)
    return row


def build_inventory(result: RunResult, target: Optional[str] = None) -> list[InventoryRow]:
    """One row per route, sorted by location. `target` is a catalog provider id (KeyError if unknown)."""
    target_provider = None
    if target is not None:
        target_provider = result.catalog.get(target)
        if target_provider is None:
            raise KeyError(target)
    sources = SourceLines()
    rows = [build_row(result, route, sources, target_provider) for route in result.routes]
    rows.sort(key=lambda row: (row.path, row.line, row.column, row.id))
    return rows


def by_provider(rows: Iterable[InventoryRow]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.provider_name] = counts.get(row.provider_name, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def by_rule(result: RunResult) -> list[tuple[str, str, int]]:
    counts: dict[tuple[str, str], int] = {}
    for diagnostic in result.diagnostics:
        key = (diagnostic.code, diagnostic.name)
        counts[key] = counts.get(key, 0) + 1
    return [(code, name, count) for (code, name), count in sorted(counts.items())]


def redact_tree(data: Any, secrets: set[str]) -> Any:
    """Belt and braces: redact every string of a JSON-able structure."""
    if isinstance(data, str):
        return redact(data, secrets)
    if isinstance(data, dict):
        return {key: redact_tree(value, secrets) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact_tree(value, secrets) for value in data]
    return data

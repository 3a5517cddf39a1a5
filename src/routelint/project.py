"""Connect per-file facts into routes: follow imports across the tree, fill env lookups from the
project's env files, and classify each route's provider with the catalog."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace
from typing import Iterable, Optional

from routelint.catalog.model import Catalog, Provider
from routelint.catalog.urls import provider_for_url
from routelint.compose import compose
from routelint.modules import stem_index, targets
from routelint.facts import (
    ENV,
    LITERAL,
    METHOD_CALL,
    ORIGIN_ENV_FILE,
    REF,
    UNKNOWN_VALUE,
    EndpointCall,
    EnvDefinition,
    FileFacts,
    Location,
    RouteSite,
    Span,
    Value,
)

MAX_HOPS = 12


class ModuleIndex:
    """Find the scanned file behind a module reference (`mod:app.config` or `path:pkg/config`)."""

    def __init__(self, files: Iterable[FileFacts]) -> None:
        self.by_path: dict[str, FileFacts] = {facts.path: facts for facts in files if facts.kind == "python"}
        self.by_stem = stem_index(self.by_path)

    def find(self, reference: str, near: Optional[str] = None) -> Optional[FileFacts]:
        candidates = list(targets(self.by_stem, reference))
        if not candidates:
            return None
        if near and len(candidates) > 1:
            here = posixpath.dirname(near)
            candidates = sorted(candidates, key=lambda path: (not path.startswith(here), len(path)))
        return self.by_path[candidates[0]]


class ProjectEnv:
    """Values of env-style files; a file applies to its directory and below, the nearest wins."""

    def __init__(self, definitions: Iterable[EnvDefinition]) -> None:
        self.by_dir: dict[str, dict[str, EnvDefinition]] = {}
        for definition in definitions:
            directory = posixpath.dirname(definition.path)
            bucket = self.by_dir.setdefault(directory, {})
            current = bucket.get(definition.name)
            # `.env` wins over `.env.example`-style templates in the same directory
            if current is None or (current.template and not definition.template):
                bucket[definition.name] = definition

    def lookup(self, name: str, code_path: str) -> Optional[EnvDefinition]:
        directory = posixpath.dirname(code_path)
        while True:
            bucket = self.by_dir.get(directory)
            if bucket and name in bucket:
                return bucket[name]
            if not directory:
                return None
            parent = posixpath.dirname(directory)
            directory = "" if parent == directory else parent


@dataclass
class Route:
    site: RouteSite
    base: Value
    key: Value
    model: Optional[Value]
    provider: Optional[Provider]
    base_candidates: list[Value] = field(default_factory=list)  # every known value the base URL can take
    calls: list[tuple[EndpointCall, Optional[Value]]] = field(default_factory=list)


class Resolver:
    def __init__(self, files: list[FileFacts], catalog: Catalog) -> None:
        self.catalog = catalog
        self.modules = ModuleIndex(files)
        self.env = ProjectEnv(definition for facts in files for definition in facts.env)

    # ------------------------------------------------------------------ values
    def resolve(self, value: Optional[Value], code_path: str, depth: int = 0) -> Optional[Value]:
        if value is None:
            return None
        hops = 0
        while value.kind == REF and hops < MAX_HOPS and value.ref is not None:
            value = self._follow(value, code_path)
            hops += 1
        if value.kind == REF and value.pieces and depth < MAX_HOPS:  # a string built from other modules' names
            parts = [piece if isinstance(piece, str) else self.resolve(piece, code_path, depth + 1) or UNKNOWN_VALUE
                     for piece in value.pieces]
            return compose(parts, value.loc or Location(code_path, Span.at_line(1)))
        if value.kind == REF:
            return UNKNOWN_VALUE
        if value.kind == ENV and value.env_var:
            return self._env(value, code_path)
        return value

    def _follow(self, value: Value, code_path: str) -> Value:
        module_ref, name = value.ref  # type: ignore[misc]
        target = self.modules.find(module_ref, near=code_path)
        if target is not None:
            if name not in target.exports and "()." in name:
                name = name.replace("().", ".", 1)  # `Config().base_url`: the class attribute
            if name in target.exports:
                found = target.exports[name]
                return found if found.identifier else found.with_(identifier=name.rsplit(".", 1)[-1])
            head, _, rest = name.partition(".")
            if head in target.client_imports:
                module, member = target.client_imports[head]
                return Value(REF, ref=(module, f"{member}.{rest}" if rest else member), identifier=value.identifier)
        if "." in name:  # `from pkg import config` then `config.X`: a submodule
            head, _, rest = name.partition(".")
            kind, _, base = module_ref.partition(":")
            joined = f"{base}.{head}" if kind == "mod" else posixpath.join(base, head)
            sub = self.modules.find(f"{kind}:{joined}", near=code_path)
            if sub is not None:
                return Value(REF, ref=(f"{kind}:{joined}", rest), identifier=value.identifier)
        return UNKNOWN_VALUE

    def _env(self, value: Value, code_path: str, depth: int = 0) -> Value:
        definition = self.env.lookup(value.env_var or "", code_path)
        if definition is None or depth > MAX_HOPS:
            return value
        found = definition.value
        if found.kind == ENV and found.text is None and found.env_var and found.env_var != value.env_var:
            # `OPENAI_API_KEY=${OPENROUTER_API_KEY}`: keep following, remember the name it points at
            chained = self._env(found, definition.path, depth + 1)
            if chained.text is not None:
                return chained.with_(via=value.via + ((value.loc,) if value.loc else ()))
            return found.with_(via=(value.loc,) if value.loc else ())
        if not found.text:
            return value  # `KEY=` (empty, as in templates) sets nothing worth judging
        return Value(
            ENV if value.kind == ENV else LITERAL,
            text=found.text,
            loc=found.loc,
            env_var=value.env_var,
            implicit=value.implicit,
            identifier=value.identifier,
            partial=found.partial,
            origin=ORIGIN_ENV_FILE,
            via=value.via + ((value.loc,) if value.loc else ()),
        )

    # ------------------------------------------------------------------ routes
    def route_for_ref(self, ref: tuple[str, str], code_path: str) -> Optional[str]:
        module_ref, name = ref
        for _ in range(MAX_HOPS):
            target = self.modules.find(module_ref, near=code_path)
            if target is None:
                return None
            if name in target.client_exports:
                return target.client_exports[name]
            head = name[:-2] if name.endswith("()") else name
            if head in target.client_imports:
                module_ref, member = target.client_imports[head]
                name = member + ("()" if name.endswith("()") else "")
                code_path = target.path
                continue
            return None
        return None

    def build_routes(self, files: list[FileFacts]) -> list[Route]:
        routes: dict[str, Route] = {}
        for facts in files:
            for site in facts.routes:
                base = self.resolve(site.base_url, site.path) or UNKNOWN_VALUE
                candidates = [base]
                if base.origin == ORIGIN_ENV_FILE and site.base_url.kind == ENV and site.base_url.text is not None:
                    candidates.append(site.base_url)  # the code default still matters when the env file is absent
                provider = self.provider_of(base, site)
                routes[site.id] = Route(
                    site=site,
                    base=base,
                    key=self.resolve(site.api_key, site.path) or UNKNOWN_VALUE,
                    model=self.resolve(site.model, site.path),
                    provider=provider,
                    base_candidates=[value for value in candidates if value.text is not None],
                )
        for facts in files:
            for call in facts.calls:
                route_id = call.route_id
                if route_id is None and call.route_ref is not None:
                    route_id = self.route_for_ref(call.route_ref, call.path)
                route = routes.get(route_id or "")
                if route is not None and call.endpoint.startswith(METHOD_CALL):  # `llm.invoke(...)` elsewhere
                    endpoint = dict(route.site.methods).get(call.endpoint[len(METHOD_CALL):])
                    call = replace(call, endpoint=endpoint) if endpoint else None
                if route is not None and call is not None:
                    route.calls.append((call, self.resolve(call.model, call.path)))
        return list(routes.values())

    def provider_of(self, base: Value, site: RouteSite) -> Optional[Provider]:
        if base.text is not None:
            provider = provider_for_url(self.catalog, base.text)
            if provider is not None:
                return provider
            return None
        if site.implied_provider:
            return self.catalog.get(site.implied_provider)
        return None


__all__ = ["Resolver", "Route", "ProjectEnv", "ModuleIndex"]

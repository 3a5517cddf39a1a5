"""Connect per-file facts into routes: follow imports across the tree, fill env lookups from the
project's env files, and classify each route's provider with the catalog."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator, Optional, TypeVar

from routelint.catalog.model import Catalog, Provider
from routelint.catalog.urls import provider_for_url
from routelint.compose import compose
from routelint.factory_sites import instantiate
from routelint.modules import JS_KINDS, stem_index, targets
from routelint.versions import major
from routelint.facts import (
    ENV,
    LITERAL,
    ORIGIN_ENV_FILE,
    REF,
    UNKNOWN_VALUE,
    EndpointCall,
    EnvDefinition,
    FactoryTemplate,
    FileFacts,
    Location,
    RouteSite,
    Span,
    Value,
)

MAX_HOPS = 12
T = TypeVar("T")


class ModuleIndex:
    """Find the scanned file behind a module reference (`mod:app.config` or `path:pkg/config`)."""

    def __init__(self, files: Iterable[FileFacts]) -> None:
        files = list(files)
        self.by_path: dict[str, FileFacts] = {facts.path: facts for facts in files if facts.kind == "python"}
        self.by_stem = stem_index(self.by_path)
        self.js = JsModules([facts for facts in files if facts.kind in JS_KINDS])

    def find(self, reference: str, near: Optional[str] = None) -> Optional[FileFacts]:
        if reference.startswith("js"):
            return self.js.find(reference, near)
        candidates = list(targets(self.by_stem, reference))
        if not candidates:
            return None
        if near and len(candidates) > 1:
            here = posixpath.dirname(near)
            candidates = sorted(candidates, key=lambda path: (not path.startswith(here), len(path)))
        return self.by_path[candidates[0]]


class JsModules:
    """JS/TS files by module path: `js:lib/ai` is `lib/ai.ts` (any JS/TS suffix) or `lib/ai/index.ts`;
    `jsalias:lib/ai` (a path alias such as `@/lib/ai`) is the nearest file whose path ends that way."""

    def __init__(self, files: list[FileFacts]) -> None:
        self.by_path = {facts.path: facts for facts in files}
        self.paths = JsPaths(self.by_path)

    def find(self, reference: str, near: Optional[str] = None) -> Optional[FileFacts]:
        path = self.paths.find(reference, near)
        return self.by_path[path] if path is not None else None


class JsPaths:
    """The path lookup behind JsModules, also used by the engine before the files are parsed."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.by_stem: dict[str, str] = {}
        for path in sorted(paths):
            stem = posixpath.splitext(path)[0]
            self.by_stem.setdefault(stem, path)
            if posixpath.basename(stem) == "index":
                self.by_stem.setdefault(posixpath.dirname(stem), path)

    def find(self, reference: str, near: Optional[str] = None) -> Optional[str]:
        kind, _, stem = reference.partition(":")
        if kind == "js":
            return self.by_stem.get(stem)
        if kind != "jsalias":
            return None
        matches = [key for key in self.by_stem if key == stem or key.endswith("/" + stem)]
        if not matches:
            return None
        here = posixpath.dirname(near or "")
        matches.sort(key=lambda key: (-len(posixpath.commonprefix([key, here])), len(key)))
        return self.by_stem[matches[0]]


class PackageIndex:
    """Versions from package.json / lockfiles; a manifest applies to its folder and below, the nearest
    wins, and within one folder a lockfile's exact version wins over package.json's range."""

    def __init__(self, files: Iterable[FileFacts]) -> None:
        self.by_dir: dict[str, dict[str, str]] = {}
        for facts in sorted(files, key=lambda facts: not facts.path.endswith("package.json")):
            if facts.packages:
                self.by_dir.setdefault(posixpath.dirname(facts.path), {}).update(facts.packages)

    def version(self, package: str, code_path: str) -> Optional[str]:
        directory = posixpath.dirname(code_path)
        while True:
            found = self.by_dir.get(directory, {}).get(package)
            if found is not None:
                return found
            if not directory:
                return None
            parent = posixpath.dirname(directory)
            directory = "" if parent == directory else parent


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
        self.packages = PackageIndex(files)

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
                if member == "*":  # `import * as cfg` then `cfg.X`, or `export * as cfg from`
                    return Value(REF, ref=(module, rest), identifier=value.identifier) if rest else UNKNOWN_VALUE
                return Value(REF, ref=(module, f"{member}.{rest}" if rest else member), identifier=value.identifier)
            barrel = self._barrel(target, head, code_path)
            if barrel is not None:
                return Value(REF, ref=(barrel, name), identifier=value.identifier)
        if "." in name:  # `from pkg import config` then `config.X`: a submodule
            head, _, rest = name.partition(".")
            kind, _, base = module_ref.partition(":")
            joined = f"{base}.{head}" if kind == "mod" else posixpath.join(base, head)
            sub = self.modules.find(f"{kind}:{joined}", near=code_path)
            if sub is not None:
                return Value(REF, ref=(f"{kind}:{joined}", rest), identifier=value.identifier)
        return UNKNOWN_VALUE

    def _barrel(self, target: FileFacts, name: str, code_path: str) -> Optional[str]:
        """`export * from "./m"` (a barrel file): the re-exported module that defines `name`."""
        for key, (module, member) in target.client_imports.items():
            if not key.startswith("*") or member != "*":
                continue
            found = self.modules.find(module, near=code_path)
            if found is not None and (name in found.exports or name in found.client_exports
                                      or name in found.client_imports or any(k.startswith(name + ".") for k in found.exports)):
                return module
        return None

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
        return self._exported(ref, code_path, lambda target, name: target.client_exports.get(name))

    def template_for_ref(self, ref: tuple[str, str], code_path: str) -> Optional[FactoryTemplate]:
        return self._exported(ref, code_path, lambda target, name: target.factories.get(name))

    def _exported(self, ref: tuple[str, str], code_path: str, pick: Callable[[FileFacts, str], Optional[T]]) -> Optional[T]:
        """What `pick` finds under an imported name, followed through re-exports and barrels."""
        module_ref, name = ref
        for _ in range(MAX_HOPS):
            target = self.modules.find(module_ref, near=code_path)
            if target is None:
                return None
            found = pick(target, name)
            if found is not None:
                return found
            head = name[:-2] if name.endswith("()") else name
            if head in target.client_imports or name in target.client_imports:
                module_ref, member = target.client_imports[name if name in target.client_imports else head]
                name = member + ("()" if name.endswith("()") and not member.endswith("()") else "")
                code_path = target.path
                continue
            barrel = self._barrel(target, name, code_path)
            if barrel is not None:
                module_ref, code_path = barrel, target.path
                continue
            return None
        return None

    def factory_sites(self, files: list[FileFacts]) -> Iterator[RouteSite]:
        """The routes other modules' factories set up at this tree's calls of them."""
        for facts in files:
            for call in facts.factory_calls:
                template = self.template_for_ref(call.ref, call.path)
                if template is not None:
                    yield from instantiate(template, call)

    def build_routes(self, files: list[FileFacts]) -> list[Route]:
        routes: dict[str, Route] = {}
        for sites in ([site for facts in files for site in facts.routes], self.factory_sites(files)):
            for site in sites:
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
        alternatives = _alternatives(routes)
        for facts in files:
            for call in facts.calls:
                route_id = call.route_id
                if (route_id is None or route_id not in alternatives) and call.route_ref is not None:
                    route_id = self.route_for_ref(call.route_ref, call.path)  # (another module's factory set none up here)
                model: Optional[Value] = None
                resolved = False
                # a client built on `if/else` branches is each of its alternatives: the call goes to every one
                for route in alternatives.get(route_id or "", ()):
                    made = self._call_on(route, call)
                    if made is None:
                        continue
                    if not resolved:
                        model, resolved = self.resolve(call.model, call.path), True
                    route.calls.append((made, model))
        return list(routes.values())

    def _call_on(self, route: Route, call: EndpointCall) -> Optional[EndpointCall]:
        """The call as `route` serves it (a method of the route's SDK named), or None when it is none of its calls."""
        if call.method is None:
            return call
        # `provider(id)`, `provider.chat(id)` (JS/TS), `llm.invoke(...)` on a client of another module
        endpoint = self.method_endpoint(route.site, call.method)
        return replace(call, endpoint=endpoint) if endpoint is not None else None  # None: not a request method

    def method_endpoint(self, site: RouteSite, method: str) -> Optional[str]:
        """The endpoint `obj.method(...)` calls on the object a route's sink returns, after the package
        version switch: AI SDK 5's `provider(model)` calls the Responses API, AI SDK 4's chat completions."""
        endpoint = site.call_methods.get(method)
        if endpoint is None or site.endpoint_version is None:
            return endpoint
        package, first_major, below, applies_to = site.endpoint_version
        if method not in applies_to:
            return endpoint
        version = self.packages.version(package, site.path)
        found = major(version) if version is not None else None
        return below if found is not None and found < first_major else endpoint

    def provider_of(self, base: Value, site: RouteSite) -> Optional[Provider]:
        if base.text is not None:
            provider = provider_for_url(self.catalog, base.text)
            if provider is not None:
                return provider
            return None
        if site.implied_provider:
            return self.catalog.get(site.implied_provider)
        return None


def _alternatives(routes: dict[str, Route]) -> dict[str, list[Route]]:
    """Route id -> the route and its branch alternatives (`<id>|2`, `<id>|3`, ... from `if/else` values)."""
    found: dict[str, list[Route]] = {route_id: [route] for route_id, route in routes.items()}
    for route_id, route in routes.items():
        base, bar, number = route_id.rpartition("|")
        if bar and number.isdigit() and base in found:
            found[base].append(route)
    return found


__all__ = ["Resolver", "Route", "ProjectEnv", "ModuleIndex"]

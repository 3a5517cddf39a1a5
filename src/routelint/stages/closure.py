"""Stage 3, import closure: the modules a route depends on that the prefilter skipped.

The prefilter parses only files that mention a provider, a key or an SDK. A route's values often live
elsewhere (`from app.settings import BASE_URL`), and a client defined in one module is called in
another (`from app.llm import client` then `client.files.create(...)`). This stage asks the analysis
for those modules' facts (parsed in full), for a bounded number of rounds, and hands back the facts
of every file with them in place."""

from __future__ import annotations

from typing import Callable, Iterator, Optional, Sequence

from routelint.catalog.model import Catalog
from routelint.catalog.urls import provider_for_url
from routelint.discover import PYTHON, SourceFile
from routelint.facts import FactoryCall, FileFacts
from routelint.modules import JS_KINDS, stem_index, targets

MAX_IMPORT_ROUNDS = 4

# the analysis stage's answer for more files, parsed whatever the prefilter says
ParseMore = Callable[[Sequence[SourceFile]], list[Optional[FileFacts]]]


def close_imports(files: list[FileFacts], analysed: Sequence[SourceFile], catalog: Catalog,
                  parse_more: ParseMore) -> list[FileFacts]:
    """`files` with the facts of every module a route imports (up to MAX_IMPORT_ROUNDS deep) parsed."""
    by_path = {source.path: source for source in analysed}
    parsed = {facts.path for facts in files if facts.parsed or facts.problems}
    needs: dict[str, set[str]] = {}
    for _ in range(MAX_IMPORT_ROUNDS):
        wanted = _more_to_parse(files, parsed, needs, by_path, catalog)
        if not wanted:
            break
        extra = parse_more([by_path[path] for path in wanted])
        replaced = {facts.path: facts for facts in extra if facts is not None}
        files = [replaced.get(facts.path, facts) for facts in files]
        parsed.update(wanted)
    return files


def _more_to_parse(files: list[FileFacts], parsed: set[str], needs: dict[str, set[str]],
                   by_path: dict[str, SourceFile], catalog: Catalog) -> list[str]:
    """Python files the prefilter skipped that a route still depends on: the modules that hold the
    imported names a route's values or calls use (constants, settings, clients, factories), followed
    through re-exports, and the modules that import a module defining a route, a client or a route
    constant (`from app.llm import client` then `client.files.create(...)`).

    `needs` (file -> names other files need from it) carries over between rounds."""
    wanted_js = _more_js(files, parsed, needs, by_path, catalog)
    python = {path for path, source in by_path.items() if source.kind == PYTHON}
    unparsed = python - parsed
    if not unparsed:
        return wanted_js
    index = stem_index(python)
    factories = {facts.path: facts.factories for facts in files if facts.factories}
    for facts in files:
        if facts.path not in parsed:
            continue
        for reference, member in [*_needed_names(facts, needs.get(facts.path, set())), *_passed_names(facts, factories, index)]:
            for path in targets(index, reference, member):
                # `from pkg import name`: the name lives in pkg/__init__.py, or is the submodule pkg/name.py
                needs.setdefault(path, set()).add(member)
    wanted = {path for path in needs if path in unparsed}
    route_modules = [facts.path for facts in files if facts.path in parsed
                     and (_defines_route(facts, catalog) or any(_found_factory(call, factories, index) for call in facts.factory_calls))]
    if route_modules:
        route_index = stem_index(route_modules)
        reaches: dict[tuple[str, str], bool] = {}  # the same imports recur across a tree: ask once

        def imports_route(item: tuple[str, str]) -> bool:
            if item not in reaches:
                reaches[item] = next(targets(route_index, *item), None) is not None
            return reaches[item]

        for facts in files:
            if facts.path in unparsed and any(imports_route(item) for item in facts.imports):
                wanted.add(facts.path)
    return sorted(wanted | set(wanted_js))


def _more_js(files: list[FileFacts], parsed: set[str], needs: dict[str, set[str]],
             by_path: dict[str, SourceFile], catalog: Catalog) -> list[str]:
    """`_more_to_parse` for JS/TS: modules holding names a route uses (`import { MODEL } from "./config"`),
    and modules importing a module that defines a route or a client."""
    from routelint.project import JsPaths

    js = {path for path, source in by_path.items() if source.kind in JS_KINDS}
    unparsed = js - parsed
    if not unparsed:
        return []
    paths = JsPaths(js)
    wanted: set[str] = set()
    for facts in files:
        if facts.path not in parsed or facts.kind not in JS_KINDS:
            continue
        for reference, member in _needed_names(facts, needs.get(facts.path, set())):
            path = paths.find(reference, facts.path)
            if path is not None:
                needs.setdefault(path, set()).add(member)
                if path in unparsed:
                    wanted.add(path)
    route_modules = {facts.path for facts in files if facts.path in parsed and facts.kind in JS_KINDS and _defines_route(facts, catalog)}
    for facts in files:
        if facts.path in unparsed and any(paths.find(reference, facts.path) in route_modules for reference, _ in facts.imports):
            wanted.add(facts.path)
    return sorted(wanted)


def _needed_names(facts: FileFacts, asked: set[str]) -> Iterator[tuple[str, str]]:
    """Imported names this file depends on, as (module reference, member): those its routes' values
    and calls use, and where the names other files `asked` of it come from (re-exports)."""
    values = [value for site in facts.routes for value in (site.base_url, site.api_key, site.model)]
    values += [call.model for call in facts.calls]
    values += [facts.exports[name] for name in asked if name in facts.exports]
    for value in values:
        for module, name in value.refs() if value is not None else ():
            yield module, name.split(".")[0]
    for call in facts.calls:
        if call.route_ref is not None:
            yield call.route_ref[0], call.route_ref[1].split(".")[0].removesuffix("()")
    for name in asked:
        if name in facts.client_imports:
            yield facts.client_imports[name]


def _passed_names(facts: FileFacts, factories: dict[str, dict], index: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    """Imported names a module passes to a factory of another module (`make_client(base_url=GROQ_URL)`),
    for the calls whose factory was found (a factory sets up routes: its module is parsed already)."""
    for call in facts.factory_calls:
        if _found_factory(call, factories, index):
            for value in (*call.args, *call.keywords.values()):
                for module, name in value.refs():
                    yield module, name.split(".")[0]


def _found_factory(call: FactoryCall, factories: dict[str, dict], index: dict[str, list[str]]) -> bool:
    return any(call.ref[1] in factories.get(path, ()) for path in targets(index, *call.ref))


def _defines_route(facts: FileFacts, catalog: Catalog) -> bool:
    made_elsewhere = {call.id for call in facts.factory_calls}  # a client of another module's factory, maybe none
    if facts.routes or any(route not in made_elsewhere for route in facts.client_exports.values()):
        return True
    return any(value.text and provider_for_url(catalog, value.text) is not None for value in facts.exports.values())

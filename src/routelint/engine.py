"""The pipeline: discover -> prefilter/frontends (per file, in a process pool) -> resolve -> checks."""

from __future__ import annotations

import hashlib
import os
import posixpath
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Sequence

from routelint.catalog import load_catalog
from routelint.catalog.model import Catalog
from routelint.checks import run_checks
from routelint.checks.base import CheckContext
from routelint.config import Config, ConfigSet, project_settings
from routelint.diagnostics import Diagnostic
from routelint.discover import DOTENV, PYTHON, Discovery, SourceFile, discover, file_kind
from routelint.facts import REF, FileFacts
from routelint.catalog.urls import provider_for_url
from routelint.modules import JS_KINDS, stem_index, targets
from routelint.prefilter import build_prefilter
from routelint.profiling import RunClock
from routelint.project import Resolver, Route
from routelint.scan import Pending, ScanContext, analyze_file, finish_file, over_budget, prepare_file
from routelint.sdks import shipped_sdks

# A process pool starts once the candidates found so far (files a frontend must parse) reach this many
# bytes; below it every file is analysed in-process, exactly as with `-j 1`, however many files the
# tree has. Measured, not guessed (`python benchmarks/run.py`, the "pool crossover" table of
# benchmarks/results.md): on the 2-core reference machine, trees of litellm's candidate modules checked
# with `-j 1` and with a forced 2-worker pool, alternating, best of 3, under a load average of ~13 from
# other work: the pool lost or tied up to 2 MB (0.25 MB: 1.13x, 1 MB: 1.32x, 2 MB: 1.06x the -j 1 time)
# and won from 4 MB (0.90x); on the whole of litellm (36 MB of candidates) the default run took 0.63x.
POOL_BYTES = 4_000_000
MAX_IMPORT_ROUNDS = 4

_WORKER_CTX: Optional[ScanContext] = None


def _init_worker(ctx: ScanContext) -> None:
    global _WORKER_CTX
    _WORKER_CTX = ctx


def _finish_work(pending: Pending) -> FileFacts:
    assert _WORKER_CTX is not None
    return finish_file(pending, _WORKER_CTX)


def _analyze_work(item: tuple[SourceFile, bool]) -> Optional[FileFacts]:
    assert _WORKER_CTX is not None
    return analyze_file(item[0], _WORKER_CTX, item[1])


@dataclass
class RunResult:
    diagnostics: list[Diagnostic]
    routes: list[Route]
    files: list[FileFacts]
    catalog: Catalog
    files_seen: int = 0
    files_parsed: int = 0
    secrets: set[str] = field(default_factory=set)
    suppressed: int = 0  # findings hidden by suppression comments
    scanned: list[str] = field(default_factory=list)  # the files checked (not the env files read for context)
    configs: Optional[ConfigSet] = None  # each file's configuration
    baseline: Optional[dict] = None  # set by routelint.baseline.apply_baseline
    warnings: list[str] = field(default_factory=list)  # discovery's notes (a named file that is excluded)
    overlay: dict[str, bytes] = field(default_factory=dict)  # text read from stdin (--stdin-filename)
    discovery: Optional[Discovery] = None  # how the files were found (a fix pass runs again the same way)

    def source_bytes(self, path: str) -> Optional[bytes]:
        """The bytes of `path` as this run analysed them: stdin's text for --stdin-filename, else disk."""
        if path in self.overlay:
            return self.overlay[path]
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError:
            return None


def make_catalog(config: Config) -> Catalog:
    from routelint.redact import register_prefixes

    catalog = load_catalog(extra_providers=config.providers, pinned=config.pinned)
    register_prefixes(pattern.prefix for provider in catalog.providers.values() for pattern in provider.key_patterns)
    return catalog


class Workers:
    """The run's process pool: started on first need (`pool()`), shared by every analysis stage."""

    def __init__(self, ctx: ScanContext, jobs: int) -> None:
        self.ctx, self.jobs = ctx, jobs
        self.started: Optional[ProcessPoolExecutor] = None

    def pool(self) -> ProcessPoolExecutor:
        if self.started is None:
            self.started = _start_pool(self.ctx, self.jobs)
        return self.started

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        if self.started is not None:
            self.started.shutdown(cancel_futures=True)
            self.started = None

    def degrade(self) -> None:
        """The pool could not start or broke: stop what is left of it (no worker stays behind) and
        let a later stage try again with half as many workers."""
        if self.started is not None:
            processes = list((getattr(self.started, "_processes", None) or {}).values())
            self.started.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                if process.is_alive():
                    process.terminate()
            self.started = None
        self.jobs //= 2


def worker_count(requested: int) -> int:
    """No more worker processes than the CPUs this process may use: `-j 400` on 2 cores runs 2."""
    try:
        machine = len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        machine = os.cpu_count() or 1
    return max(1, min(requested, machine))


def _analyze_all(items: list[tuple[SourceFile, bool]], ctx: ScanContext, workers: Workers,
                 progress: Optional[Callable[[int], None]]) -> list[Optional[FileFacts]]:
    """Facts for each item, in order.

    Files are read and prefiltered here, one by one; candidates wait. If their bytes reach POOL_BYTES,
    the pool takes the waiting candidates and every file not read yet (whole, in chunks: the prefilter
    and key scan of a large tree are worth sharing too); otherwise the waiting candidates are analysed
    here at the end, exactly as with `-j 1`. A pool an earlier stage started takes everything at once."""
    results: list[Optional[FileFacts]] = [None] * len(items)
    waiting: list[tuple[int, Pending]] = []
    waiting_bytes = 0
    rest = 0 if workers.started is not None else len(items)  # items[rest:] go to the pool
    for index in range(rest):
        source, force = items[index]
        step = prepare_file(source, ctx, force)
        if not isinstance(step, Pending):
            results[index] = step
            if progress:
                progress(1)
            continue
        waiting.append((index, step))
        waiting_bytes += step.size
        if workers.jobs > 1 and waiting_bytes >= POOL_BYTES:
            rest = index + 1
            break
    if rest == len(items) and workers.started is None:  # the candidates stayed below the threshold
        for at, pending in waiting:
            results[at] = finish_file(pending, ctx)
            if progress:
                progress(1)
        return results
    done: set[int] = set()
    try:
        pool = workers.pool()
        finished = [(at, pool.submit(_finish_work, pending)) for at, pending in waiting]
        later = items[rest:]
        chunk = max(1, min(64, len(later) // (workers.jobs * 8) or 1))
        for at, future in finished:
            results[at] = future.result()
            done.add(at)
            if progress:
                progress(1)
        for offset, facts in enumerate(pool.map(_analyze_work, later, chunksize=chunk)):
            results[rest + offset] = facts
            done.add(rest + offset)
            if progress:
                progress(1)
    except (OSError, BrokenProcessPool):  # no pool (process limit) or a dead worker: this process goes on
        workers.degrade()
        for at, pending in waiting:
            if at not in done:
                results[at] = finish_file(pending, ctx)
                done.add(at)
                if progress:
                    progress(1)
        for index in range(rest, len(items)):
            if index not in done:
                results[index] = analyze_file(items[index][0], ctx, items[index][1])
                if progress:
                    progress(1)
    return results


def _start_pool(ctx: ScanContext, jobs: int) -> ProcessPoolExecutor:
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method), initializer=_init_worker, initargs=(ctx,))


def _analyze_cached(items: list[tuple[SourceFile, bool]], ctx: ScanContext, workers: Workers,
                    progress: Optional[Callable[[int], None]], cache) -> list[Optional[FileFacts]]:
    """`_analyze_all` for the files whose content (under this run's salt) is not cached yet."""
    if cache is None:
        return _analyze_all(items, ctx, workers, progress)
    from routelint.cache import MISSING, file_digest

    results: list[Optional[FileFacts]] = [None] * len(items)
    todo: list[tuple[int, Optional[str]]] = []
    for index, (source, forced) in enumerate(items):
        data, _ = ctx.read(source.path)
        digest = file_digest(data) if data is not None else None
        hit = cache.get(source.path, digest, forced) if digest else MISSING
        if hit is MISSING:
            todo.append((index, digest))
            continue
        results[index] = hit
        if progress:
            progress(1)
    fresh = _analyze_all([items[index] for index, _ in todo], ctx, workers, progress)
    for (index, digest), facts in zip(todo, fresh):
        results[index] = facts
        if digest and not over_budget(facts):
            cache.put(items[index][0].path, digest, items[index][1], facts)
    return results


def open_cache(directory: Optional[str], catalog: Catalog, configs: Sequence[Config]):
    """The facts cache for this tool version, catalog, SDK data and configuration; None when off."""
    if not directory:
        return None
    from pathlib import Path

    from routelint import __version__
    from routelint.cache import FactsCache
    from routelint.catalog.keys import find_keys

    sdks = shipped_sdks()
    salt = "\0".join([__version__, catalog.digest, hashlib.sha256(b"".join(sdks.digest_parts)).hexdigest(),
                       *sorted(repr(config) for config in configs)])
    return FactsCache(Path(directory), salt, holds_key=lambda text: bool(find_keys(catalog, text)))


def run(
    paths: Sequence[str],
    config: Config,
    *,
    jobs: int = 0,
    catalog: Optional[Catalog] = None,
    progress: Optional[Callable[[str, int, int], None]] = None,
    configs: Optional[ConfigSet] = None,
    ignore_suppressions: bool = False,
    cache_dir: Optional[str] = None,
    discovery: Optional[Discovery] = None,
    overlay: Optional[dict[str, bytes]] = None,
) -> RunResult:
    """Check `paths`. `config` applies to every file unless `configs` gives each file its own
    (layered discovery, as `routelint check` does); its providers and pinned catalogs count either way.
    `discovery` says how files are found (git-aware by default); `overlay` maps a path to the text
    to analyse instead of the file's (stdin)."""
    configs = configs or ConfigSet.of(config)
    stages = RunClock()  # ROUTELINT_PROFILE: wall time per stage, to stderr
    overlay = dict(overlay or {})
    discovery = discovery or Discovery()
    discovery.virtual = discovery.virtual | frozenset(overlay)

    def excluded(display: str, name: str, named: bool) -> bool:  # each entry by its own folder's configuration
        own = configs.for_path(posixpath.dirname(display) or ".")
        return own.excluded(display) if named else own.excludes_entry(display, name)

    sources = list(discover(paths, excluded=excluded, options=discovery))
    context = project_env_files(sources, configs, discovery)
    context_paths = {source.path for source in context}
    analysed = sources + context
    per_file = _distinct(configs.for_path(source.path) for source in analysed)
    catalog = catalog or make_catalog(project_settings(_distinct([config, *per_file])))
    sdks = shipped_sdks()
    ctx = ScanContext(catalog, sdks, build_prefilter(catalog, sdks), overlay)
    jobs = worker_count(jobs or os.cpu_count() or 1)
    stages.lap("discover")
    done = [0]

    def tick(count: int) -> None:
        done[0] += count
        if progress:
            progress("analysing", done[0], len(analysed))

    cache = open_cache(cache_dir, catalog, _distinct([config, *per_file]))
    with Workers(ctx, jobs) as workers:  # one pool at most, shared by both stages, started by candidate bytes
        results = _analyze_cached([(source, False) for source in analysed], ctx, workers, tick if progress else None, cache)
        stages.lap("analyse")
        files = [facts for facts in results if facts is not None]
        by_path = {source.path: source for source in analysed}
        # second stage: modules the parsed files import from the scanned tree, which the prefilter skipped
        parsed = {facts.path for facts in files if facts.parsed or facts.problems}
        needs: dict[str, set[str]] = {}
        for _ in range(MAX_IMPORT_ROUNDS):
            wanted = _more_to_parse(files, parsed, needs, by_path, catalog)
            if not wanted:
                break
            extra = _analyze_cached([(by_path[path], True) for path in wanted], ctx, workers, None, cache)
            replaced = {facts.path: facts for facts in extra if facts is not None}
            files = [replaced.get(facts.path, facts) for facts in files]
            parsed.update(wanted)
    if cache is not None:
        cache.save()
    stages.lap("imports")
    resolver = Resolver(files, catalog)
    routes = resolver.build_routes(files)
    stages.lap("resolve")
    # keys in a file git ignores (a local .env, checked when named or with --no-respect-gitignore) belong there
    ignored_paths = frozenset(facts.path for facts in files if facts.secrets and discovery.ignored(facts.path))
    # checks run once per distinct allowed-routes policy (usually one); every other setting is per file
    groups: dict[tuple[str, ...], list[Config]] = {}
    for member in per_file or [config]:
        groups.setdefault(member.allowed_routes, []).append(member)
    diagnostics: list[Diagnostic] = []
    for allowed, members in groups.items():
        check_ctx = CheckContext(
            catalog=catalog,
            routes=routes,
            files=files,
            allowed_routes=allowed,
            ignored_paths=ignored_paths,
            fix_env=lambda path: configs.for_path(path).fix_env,  # issue 5: names the fixes write
        )
        for diagnostic in run_checks(check_ctx, lambda code: any(member.enabled(code) for member in members)):
            own = configs.for_path(diagnostic.path)
            if len(groups) > 1 and own.allowed_routes != allowed:
                continue
            if own.enabled(diagnostic.code, diagnostic.path):
                diagnostic.severity = own.severity.get(diagnostic.code, diagnostic.severity)
                diagnostics.append(diagnostic)
    if context_paths:  # an env file read for context is reported only where a checked file's route uses it
        used = _locations_used(routes, context_paths)
        diagnostics = [d for d in diagnostics if d.path not in context_paths or (d.path, d.span) in used]
    stages.lap("checks")
    suppressed = 0
    if not ignore_suppressions:
        diagnostics, suppressed = _apply_suppressions(diagnostics, files, configs, context_paths)
    diagnostics.sort(key=Diagnostic.sort_key)
    stages.lap("suppressions")
    secrets = {text for facts in files for secret in facts.secrets for text in (secret.text, secret.encoded) if text}
    secrets.update(text for diagnostic in diagnostics for text in diagnostic.secrets)
    return RunResult(
        diagnostics=diagnostics,
        routes=routes,
        files=files,
        catalog=catalog,
        files_seen=len(sources),
        files_parsed=sum(1 for facts in files if facts.parsed),
        secrets=secrets,
        suppressed=suppressed,
        scanned=[source.path for source in sources],
        configs=configs,
        warnings=discovery.warnings,
        overlay=overlay,
        discovery=discovery,
    )


def _distinct(configs: Iterable[Config]) -> list[Config]:
    seen: dict[int, Config] = {}
    for config in configs:
        seen.setdefault(id(config), config)
    return list(seen.values())


def _apply_suppressions(
    diagnostics: list[Diagnostic], files: list[FileFacts], configs: ConfigSet, context_paths: set[str]
) -> tuple[list[Diagnostic], int]:
    """Drop what suppression comments hide; report the comments that hide nothing (RL002)."""
    from routelint.rules_docs import rule_meta
    from routelint.suppressions import UNUSED_CODE, apply, unused_message

    suppressions = [suppression for facts in files for suppression in facts.suppressions]
    if not suppressions:
        return diagnostics, 0
    rules = rule_meta()
    applied = apply(
        diagnostics,
        suppressions,
        lambda code, path: path not in context_paths and configs.for_path(path).enabled(code, path),
        rules,
    )
    kept = applied.kept
    doc = rules[UNUSED_CODE]
    for suppression, idle, unknown in applied.unused:
        kept.append(
            Diagnostic(
                code=UNUSED_CODE,
                name=doc.name,
                severity=configs.for_path(suppression.path).severity.get(UNUSED_CODE, doc.severity),
                message=unused_message(idle, unknown, suppression.malformed),
                path=suppression.path,
                span=suppression.span,
                identity="suppression:" + ",".join(suppression.codes or ("*",)),
            )
        )
    return kept, applied.suppressed


def _locations_used(routes: list[Route], context_paths: set[str]) -> set[tuple[str, object]]:
    """(path, span) of every value that a route set up outside the context files depends on."""
    used: set[tuple[str, object]] = set()
    for route in routes:
        if route.site.path in context_paths:
            continue
        values = [route.base, route.key, route.model, *route.base_candidates, *(model for _, model in route.calls)]
        for value in values:
            if value is None:
                continue
            for loc in ((value.loc,) if value.loc else ()) + tuple(value.via):
                used.add((loc.path, loc.span))
    return used


def project_env_files(sources: Sequence[SourceFile], configs: ConfigSet, discovery: Discovery) -> list[SourceFile]:
    """Env-style files (`.env`, `.env.*`, `*.env`) beside each explicitly named file and in every
    parent folder up to the repository root (or the current folder outside a repository).

    pre-commit passes only the changed files; their routes still read the project's env files, so
    those are analysed as context: they fill env lookups but are not checked themselves. An env file
    git ignores (a developer's own `.env`) is not read unless discovery does not respect git.
    """
    named = {source.path for source in sources}
    found: list[SourceFile] = []
    visited: set[str] = set()
    for source in sources:
        if not source.explicit:
            continue
        start = os.path.dirname(os.path.abspath(source.path))
        limit = discovery.git.root_of(start) or os.path.abspath(".")
        directory = posixpath.dirname(source.path)
        while directory not in visited:
            visited.add(directory)
            real = directory or "."
            try:
                names = sorted(os.listdir(real))
            except OSError:
                names = []
            for name in names:
                shown = posixpath.join(directory, name) if directory else name
                if shown in named or file_kind(name) != DOTENV or not os.path.isfile(os.path.join(real, name)):
                    continue
                if configs.for_path(shown).excluded(shown):
                    continue
                if discovery.respect_gitignore and discovery.ignored(shown):
                    continue
                named.add(shown)
                found.append(SourceFile(shown, DOTENV))
            absolute = os.path.abspath(real)
            if absolute == limit or not absolute.startswith(limit.rstrip(os.sep) + os.sep):
                break
            parent = posixpath.dirname(directory)
            if parent == directory:
                break
            directory = parent
    return found


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
    for facts in files:
        if facts.path not in parsed:
            continue
        for reference, member in _needed_names(facts, needs.get(facts.path, set())):
            for path in targets(index, reference, member):
                # `from pkg import name`: the name lives in pkg/__init__.py, or is the submodule pkg/name.py
                needs.setdefault(path, set()).add(member)
    wanted = {path for path in needs if path in unparsed}
    route_modules = [facts.path for facts in files if facts.path in parsed and _defines_route(facts, catalog)]
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


def _defines_route(facts: FileFacts, catalog: Catalog) -> bool:
    if facts.routes or facts.client_exports:
        return True
    return any(value.text and provider_for_url(catalog, value.text) is not None for value in facts.exports.values())

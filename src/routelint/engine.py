"""The pipeline: discover -> prefilter/frontends (per file, in a process pool) -> resolve -> checks."""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Sequence

from routelint.catalog import load_catalog
from routelint.catalog.model import Catalog
from routelint.checks import run_checks
from routelint.checks.base import CheckContext
from routelint.config import Config
from routelint.diagnostics import Diagnostic
from routelint.discover import PYTHON, SourceFile, discover
from routelint.facts import FileFacts
from routelint.prefilter import build_prefilter
from routelint.project import Resolver, Route
from routelint.scan import ScanContext, analyze_file
from routelint.sdks import shipped_sdks

POOL_THRESHOLD = 24  # fewer files than this are faster in-process than through a pool
MAX_IMPORT_ROUNDS = 4

_WORKER_CTX: Optional[ScanContext] = None


def _init_worker(ctx: ScanContext) -> None:
    global _WORKER_CTX
    _WORKER_CTX = ctx


def _work(item: tuple[SourceFile, bool]) -> Optional[FileFacts]:
    assert _WORKER_CTX is not None
    source, force = item
    return analyze_file(source, _WORKER_CTX, force)


@dataclass
class RunResult:
    diagnostics: list[Diagnostic]
    routes: list[Route]
    files: list[FileFacts]
    catalog: Catalog
    files_seen: int = 0
    files_parsed: int = 0
    secrets: set[str] = field(default_factory=set)


def make_catalog(config: Config) -> Catalog:
    from routelint.redact import register_prefixes

    catalog = load_catalog(extra_providers=config.providers, pinned=config.pinned)
    register_prefixes(pattern.prefix for provider in catalog.providers.values() for pattern in provider.key_patterns)
    return catalog


def _analyze_all(items: list[tuple[SourceFile, bool]], ctx: ScanContext, jobs: int, progress: Optional[Callable[[int], None]]) -> list[Optional[FileFacts]]:
    if jobs <= 1 or len(items) < POOL_THRESHOLD:
        results = []
        for item in items:
            results.append(analyze_file(item[0], ctx, item[1]))
            if progress:
                progress(1)
        return results
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    chunk = max(1, min(64, len(items) // (jobs * 8) or 1))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method), initializer=_init_worker, initargs=(ctx,)) as pool:
        results = []
        for result in pool.map(_work, items, chunksize=chunk):
            results.append(result)
            if progress:
                progress(1)
        return results


def git_ignored(paths: Sequence[str]) -> frozenset[str]:
    """Which of these files git ignores (a local .env). Outside a repository: none."""
    if not paths:
        return frozenset()
    try:
        completed = subprocess.run(
            ["git", "check-ignore", "--no-index", "--stdin", "-z"],
            input="\0".join(paths).encode(),
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    if completed.returncode not in (0, 1):
        return frozenset()
    return frozenset(item for item in completed.stdout.decode(errors="replace").split("\0") if item)


def run(
    paths: Sequence[str],
    config: Config,
    *,
    jobs: int = 0,
    catalog: Optional[Catalog] = None,
    progress: Optional[Callable[[str, int, int], None]] = None,
) -> RunResult:
    catalog = catalog or make_catalog(config)
    sdks = shipped_sdks()
    ctx = ScanContext(catalog, sdks, build_prefilter(catalog, sdks))
    sources = list(discover(paths, config.excludes))
    jobs = jobs or os.cpu_count() or 1
    done = [0]

    def tick(count: int) -> None:
        done[0] += count
        if progress:
            progress("analysing", done[0], len(sources))

    results = _analyze_all([(source, False) for source in sources], ctx, jobs, tick if progress else None)
    files = [facts for facts in results if facts is not None]
    by_path = {source.path: source for source in sources}
    # second stage: modules the parsed files import from the scanned tree, which the prefilter skipped
    parsed = {facts.path for facts in files if facts.parsed or facts.problems}
    for _ in range(MAX_IMPORT_ROUNDS):
        wanted = _imported_unparsed(files, parsed, by_path)
        if not wanted:
            break
        extra = _analyze_all([(by_path[path], True) for path in wanted], ctx, jobs, None)
        replaced = {facts.path: facts for facts in extra if facts is not None}
        files = [replaced.get(facts.path, facts) for facts in files]
        parsed.update(wanted)
    resolver = Resolver(files, catalog)
    routes = resolver.build_routes(files)
    check_ctx = CheckContext(
        catalog=catalog,
        routes=routes,
        files=files,
        allowed_routes=config.allowed_routes,
        ignored_paths=git_ignored([facts.path for facts in files if facts.secrets]),
        severity_overrides=config.severity,
    )
    diagnostics = [
        diagnostic for diagnostic in run_checks(check_ctx, config.enabled) if config.enabled(diagnostic.code, diagnostic.path)
    ]
    diagnostics.sort(key=Diagnostic.sort_key)
    secrets = {secret.text for facts in files for secret in facts.secrets}
    secrets.update(text for diagnostic in diagnostics for text in diagnostic.secrets)
    return RunResult(
        diagnostics=diagnostics,
        routes=routes,
        files=files,
        catalog=catalog,
        files_seen=len(sources),
        files_parsed=sum(1 for facts in files if facts.parsed),
        secrets=secrets,
    )


def _imported_unparsed(files: Iterable[FileFacts], parsed: set[str], by_path: dict[str, SourceFile]) -> list[str]:
    """Python files of the tree that parsed files import but the prefilter did not keep."""
    python_paths = [path for path, source in by_path.items() if source.kind == PYTHON and path not in parsed]
    if not python_paths:
        return []
    stems: dict[str, list[str]] = {}
    for path in python_paths:
        stem = path[:-3]
        if stem.endswith("/__init__"):
            stem = stem[: -len("/__init__")]
        parts = stem.split("/")
        for index in range(len(parts)):
            stems.setdefault("/".join(parts[index:]), []).append(path)
    wanted: set[str] = set()
    for facts in files:
        if not facts.parsed:
            continue
        for module, member in facts.client_imports.values():
            kind, _, name = module.partition(":")
            stem = name if kind == "path" else name.replace(".", "/")
            for candidate in (stem, f"{stem}/{member.split('.')[0]}"):
                for path in stems.get(candidate, []):
                    if kind != "path" or path in (candidate + ".py", candidate + "/__init__.py"):
                        wanted.add(path)
    return sorted(wanted)

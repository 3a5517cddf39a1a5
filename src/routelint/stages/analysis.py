"""Stage 2, analyse: facts for each file, read once and prefiltered here, parsed by its frontend
in this process or, once the candidates are big enough to pay for it, in a process pool; facts of
unchanged files come from the cache.

`Analysis` is what the engine hands the import-closure stage: a way to get more files' facts through
the same pool and cache."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Optional, Sequence

from routelint.catalog.model import Catalog
from routelint.config import Config
from routelint.discover import SourceFile
from routelint.facts import FileFacts
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
    """The facts cache for this tool version and code (`tool_digest`: routelint's own files, rules
    data, interpreter and parsers), catalog, SDK data and configuration; None when off."""
    if not directory:
        return None
    from pathlib import Path

    from routelint import __version__
    from routelint.cache import FactsCache
    from routelint.catalog.keys import find_keys
    from routelint.tool_digest import tool_digest

    sdks = shipped_sdks()
    salt = "\0".join([__version__, tool_digest(), catalog.digest, hashlib.sha256(b"".join(sdks.digest_parts)).hexdigest(),
                       *sorted(repr(config) for config in configs)])
    return FactsCache(Path(directory), salt, holds_key=lambda text: bool(find_keys(catalog, text)))


class Analysis:
    """The run's analysis: one context, one pool (started on need), one cache, for every stage that
    needs facts."""

    def __init__(self, ctx: ScanContext, workers: Workers, cache) -> None:
        self.ctx, self.workers, self.cache = ctx, workers, cache

    def facts(self, sources: Sequence[SourceFile], *, forced: bool = False,
              progress: Optional[Callable[[int], None]] = None) -> list[Optional[FileFacts]]:
        """Facts of `sources`, in order (None for a file that vanished). `forced`: parse even what the
        prefilter would skip (a module another file's route imports)."""
        return _analyze_cached([(source, forced) for source in sources], self.ctx, self.workers, progress, self.cache)

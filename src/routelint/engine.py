"""One run: the stages of `routelint.stages`, composed.

    paths, RunOptions
      -> inputs.gather        Inputs            files to check, env files for context, configs
      -> analysis             list[FileFacts]   per file, in-process or in a pool, cached
      -> closure              list[FileFacts]   + the modules routes import that the prefilter skipped
      -> project.Resolver     list[Route]
      -> checking.check       list[Diagnostic]
      -> postprocess.finish   Findings          severities, suppressions, order, secrets
    = RunResult

Each stage is timed with ROUTELINT_PROFILE (wall time per stage, to stderr)."""

from __future__ import annotations

import os
from typing import Callable, Optional, Sequence, Union

from routelint.catalog import load_catalog
from routelint.catalog.model import Catalog
from routelint.config import Config, project_settings
from routelint.discover import Discovery
from routelint.facts import FileFacts
from routelint.options import RunOptions
from routelint.prefilter import build_prefilter
from routelint.profiling import RunClock
from routelint.project import Resolver
from routelint.run_result import RunResult
from routelint.scan import ScanContext
from routelint.sdks import shipped_sdks
from routelint.stages.analysis import Analysis, Workers, open_cache, worker_count
from routelint.stages.checking import check
from routelint.stages.closure import close_imports
from routelint.stages.inputs import Inputs, distinct, gather
from routelint.stages.postprocess import finish

Progress = Callable[[str, int, int], None]  # (phase, done, total)


def make_catalog(config: Config) -> Catalog:
    from routelint.redact import register_prefixes

    catalog = load_catalog(extra_providers=config.providers, pinned=config.pinned)
    register_prefixes(pattern.prefix for provider in catalog.providers.values() for pattern in provider.key_patterns)
    return catalog


def run(
    paths: Sequence[str],
    options: Union[RunOptions, Config],
    *,
    catalog: Optional[Catalog] = None,
    progress: Optional[Progress] = None,
    discovery: Optional[Discovery] = None,
    overlay: Optional[dict[str, bytes]] = None,
    **settings,
) -> RunResult:
    """Check `paths` as `options` say (a command builds them once and passes them to each of its runs).

    A caller holding one `Config` may pass it instead, with any `RunOptions` field by keyword
    (`run(paths, config, jobs=1)`). `discovery` carries an earlier run's state into a fix pass (its
    git listing); `overlay` maps a path to the text to analyse instead of the file's (stdin)."""
    if isinstance(options, Config):
        options = RunOptions.of(options, **settings)
    elif settings:
        raise TypeError(f"run() takes RunOptions or a Config with settings, not both: {sorted(settings)}")
    clock = RunClock()
    config = options.config(paths)
    inputs = gather(paths, options.configs, discovery or options.discovery(config), dict(overlay or {}))
    in_play = distinct([config, *inputs.per_file])
    catalog = catalog or make_catalog(project_settings(in_play))
    sdks = shipped_sdks()
    ctx = ScanContext(catalog, sdks, build_prefilter(catalog, sdks), inputs.overlay)
    clock.lap("discover")
    files = _analyse(inputs, ctx, open_cache(options.cache_dir, catalog, in_play), options.jobs, progress, clock)
    clock.lap("imports")
    routes = Resolver(files, catalog).build_routes(files)
    clock.lap("resolve")
    diagnostics = check(routes, files, catalog, inputs.configs, inputs.per_file or [config], inputs.context_paths,
                        inputs.discovery.ignored)
    clock.lap("checks")
    findings = finish(diagnostics, files, inputs.configs, inputs.context_paths,
                      ignore_suppressions=options.ignore_suppressions)
    clock.lap("suppressions")
    return RunResult(
        diagnostics=findings.diagnostics,
        routes=routes,
        files=files,
        catalog=catalog,
        files_seen=len(inputs.sources),
        files_parsed=sum(1 for facts in files if facts.parsed),
        secrets=findings.secrets,
        suppressed=findings.suppressed,
        scanned=[source.path for source in inputs.sources],
        configs=inputs.configs,
        warnings=inputs.discovery.warnings,
        overlay=inputs.overlay,
        discovery=inputs.discovery,
    )


def _analyse(inputs: Inputs, ctx: ScanContext, cache, jobs: int, progress: Optional[Progress],
             clock: RunClock) -> list[FileFacts]:
    """Stages 2 and 3 share one pool (started by candidate bytes, at most once) and one cache."""
    analysed = inputs.analysed
    done = [0]

    def tick(count: int) -> None:
        done[0] += count
        if progress:
            progress("analysing", done[0], len(analysed))

    with Workers(ctx, worker_count(jobs or os.cpu_count() or 1)) as workers:
        analysis = Analysis(ctx, workers, cache)
        files = [facts for facts in analysis.facts(analysed, progress=tick if progress else None) if facts is not None]
        clock.lap("analyse")
        files = close_imports(files, analysed, ctx.catalog, lambda sources: analysis.facts(sources, forced=True))
    if cache is not None:
        cache.save()
    return files

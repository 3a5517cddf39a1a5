"""Stage 5, check: every enabled rule over the resolved routes, as each file's configuration selects.

Checks run once per distinct `allowed-routes` policy (usually one); every other setting is per file.
Findings in an env file read only for context are kept where a checked file's route uses that line."""

from __future__ import annotations

from typing import Callable

from routelint.catalog.model import Catalog
from routelint.checks import run_checks
from routelint.checks.base import CheckContext
from routelint.config import Config, ConfigSet
from routelint.diagnostics import Diagnostic
from routelint.facts import FileFacts
from routelint.project import Route


def check(routes: list[Route], files: list[FileFacts], catalog: Catalog, configs: ConfigSet,
          policies: list[Config], context_paths: set[str], ignored: Callable[[str], bool]) -> list[Diagnostic]:
    """The diagnostics each file's configuration enables, in check order (severities not applied yet).

    `policies`: the configurations in play (one per distinct allowed-routes is run); `ignored(path)`:
    git ignores the file (keys in a local `.env` belong there)."""
    ignored_paths = frozenset(facts.path for facts in files if facts.secrets and ignored(facts.path))
    groups: dict[tuple[str, ...], list[Config]] = {}
    for member in policies:
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
                diagnostics.append(diagnostic)
    if context_paths:  # an env file read for context is reported only where a checked file's route uses it
        used = _locations_used(routes, context_paths)
        diagnostics = [d for d in diagnostics if d.path not in context_paths or (d.path, d.span) in used]
    return diagnostics


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

"""Checks: pure functions from resolved routes and facts to diagnostics. They never read files."""

from __future__ import annotations

from typing import Callable, Iterable

from routelint.checks.base import CheckContext
from routelint.checks.browser import key_exposed_to_browser
from routelint.checks.endpoints import unsupported_endpoint
from routelint.checks.files import unparseable_file
from routelint.checks.keys import env_var_name_as_key, hardcoded_api_key, key_route_mismatch
from routelint.checks.models import model_checks
from routelint.checks.urls import hardcoded_base_url, malformed_base_url, route_bypasses_policy
from routelint.diagnostics import Diagnostic

Check = Callable[[CheckContext], Iterable[Diagnostic]]

# each check and the codes it can emit (for --select: a check whose codes are all off is not run)
CHECKS: tuple[tuple[Check, tuple[str, ...]], ...] = (
    (unparseable_file, ("RL001",)),
    (hardcoded_base_url, ("RL101",)),
    (malformed_base_url, ("RL102",)),
    (route_bypasses_policy, ("RL103",)),
    (key_route_mismatch, ("RL201",)),
    (hardcoded_api_key, ("RL202",)),
    (env_var_name_as_key, ("RL203",)),
    (key_exposed_to_browser, ("RL204",)),
    (model_checks, ("RL301", "RL302")),
    (unsupported_endpoint, ("RL401",)),
)


def run_checks(ctx: CheckContext, enabled: Callable[[str], bool]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check, codes in CHECKS:
        if any(enabled(code) for code in codes):
            found.extend(diagnostic for diagnostic in check(ctx) if enabled(diagnostic.code))
    return found

"""RL101 hardcoded-base-url, RL102 malformed-base-url, RL103 route-bypasses-policy."""

from __future__ import annotations

from typing import Iterator

from routelint.catalog.urls import parse_url, provider_for_url, sdk_base_url_problems
from routelint.checks.base import CheckContext, diagnostic, snippet
from routelint.diagnostics import Diagnostic
from routelint.facts import CONSUMER_HTTP, LITERAL, ORIGIN_CODE, Location


def hardcoded_base_url(ctx: CheckContext) -> Iterator[Diagnostic]:
    seen = set()
    for route in ctx.routes:
        value = route.base
        if not route.site.in_code or value.kind != LITERAL or value.origin != ORIGIN_CODE or value.loc is None:
            continue
        if value.text is None or not parse_url(value.text).is_url:
            continue
        if route.site.consumer == CONSUMER_HTTP and (route.provider is None or route.provider.is_local):
            continue  # raw HTTP to the app's own backend or an unknown host is not an LLM route
        key = (value.loc.path, value.loc.span)
        if key in seen:
            continue
        seen.add(key)
        provider = route.provider
        variable = (provider.fix_base_url_env if provider else None) or "LLM_BASE_URL"
        yield diagnostic(
            ctx,
            "RL101",
            f"base URL {snippet(value.text)!r} is hardcoded; read it from configuration, "
            f"e.g. os.environ.get({variable!r}, ...)",
            value.loc.path,
            value.loc.span,
            provider=provider.id if provider else None,
            identity=value.text,
        )


def malformed_base_url(ctx: CheckContext) -> Iterator[Diagnostic]:
    seen = set()
    for route in ctx.routes:
        if route.site.consumer not in ("sdk", "root"):
            continue
        for value in route.base_candidates:
            if value.loc is None or value.text is None:
                continue
            key = (value.loc.path, value.loc.span)
            if key in seen:
                continue
            seen.add(key)
            provider = provider_for_url(ctx.catalog, value.text)
            problems = sdk_base_url_problems(ctx.catalog, value.text, provider)
            if route.site.consumer == "root":
                problems = [problem for problem in problems if "is missing" not in problem.message]
            if not problems:
                continue
            reasons = "; ".join(problem.message for problem in problems)
            suggestion = next((problem.suggestion for problem in problems if problem.suggestion), None)
            hint = f"; use {suggestion!r}" if suggestion else ""
            note, related = "", []
            if value.loc.path != route.site.path:
                site = Location(route.site.path, route.site.span)
                note, related = f" (used by the client at {site.path}:{site.span.line})", [("client at", site)]
            yield diagnostic(
                ctx,
                "RL102",
                f"base URL {snippet(value.text)!r} {reasons}{hint}{note}",
                value.loc.path,
                value.loc.span,
                provider=provider.id if provider else None,
                related=related,
                identity=value.text,
            )


def route_bypasses_policy(ctx: CheckContext) -> Iterator[Diagnostic]:
    if not ctx.allowed_routes:
        return
    seen = set()
    for route in ctx.routes:
        provider = route.provider
        value = route.base
        if provider is None or provider.is_local or provider.id in ctx.allowed_routes or value.loc is None:
            continue  # local servers keep traffic on the machine: the policy is about where it leaves to
        key = (value.loc.path, value.loc.span)
        if key in seen:
            continue
        seen.add(key)
        allowed = ", ".join(ctx.allowed_routes)
        yield diagnostic(
            ctx,
            "RL103",
            f"this route goes to {provider.name}, but allowed-routes permits only {allowed}",
            value.loc.path,
            value.loc.span,
            provider=provider.id,
            identity=f"{provider.id}:{value.text}",
        )

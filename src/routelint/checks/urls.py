"""RL101 hardcoded-base-url, RL102 malformed-base-url, RL103 route-bypasses-policy."""

from __future__ import annotations

from typing import Iterator

from routelint.catalog.urls import native_root_problems, parse_url, provider_for_url, sdk_base_url_problems
from routelint.checks.base import CheckContext, diagnostic, provenance, site_of, snippet
from routelint.checks import config_fixes, fixes
from routelint.diagnostics import Diagnostic
from routelint.facts import CONSUMER_HTTP, CONSUMER_NATIVE, LITERAL, ORIGIN_CODE, ORIGIN_ENV_FILE


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
        variable = fixes.base_url_env(ctx, provider, value.loc.path) or "LLM_BASE_URL"
        fix = None
        if _only_sdk_consumers(ctx, key):  # a raw HTTP call's URL is a full endpoint, not a base URL
            # safe while nothing is likely to set the variable; unsafe when the project already reads or
            # defines it, or an SDK reads it on its own (OPENAI_BASE_URL): then the URL really changes
            applicability = fixes.UNSAFE if fixes.likely_set(ctx, variable) else fixes.SAFE
            fix = fixes.env_default_fix(ctx, value, variable, applicability)
        yield diagnostic(
            ctx,
            "RL101",
            f"base URL {snippet(value.written or value.text)!r} is hardcoded; read it from configuration, "
            f"e.g. {fixes.env_hint(value.loc.path, variable)}",
            value.loc.path,
            value.loc.span,
            provider=provider.id if provider else None,
            identity=value.text,
            fix=fix,
        )


def _consumers(ctx: CheckContext, key: tuple) -> set[str]:
    """The kinds of consumer (sdk, root, http, native) of every route the base-URL value at `key` feeds."""
    def build() -> dict[tuple, set[str]]:
        consumers: dict[tuple, set[str]] = {}
        for route in ctx.routes:
            for value in (route.base, *route.base_candidates):
                if value.loc is not None:
                    consumers.setdefault((value.loc.path, value.loc.span), set()).add(route.site.consumer)
        return consumers

    return ctx.derived("consumers_by_base", build).get(key, set())


def _only_sdk_consumers(ctx: CheckContext, key: tuple) -> bool:
    return _consumers(ctx, key) <= {"sdk", "root"}


def _one_consumer_kind(ctx: CheckContext, key: tuple) -> bool:
    """Every route the value feeds wants the same shape: SDK bases (sdk/root), or a native API's root."""
    consumers = _consumers(ctx, key)
    return bool(consumers) and (consumers <= {"sdk", "root"} or consumers == {CONSUMER_NATIVE})


def malformed_base_url(ctx: CheckContext) -> Iterator[Diagnostic]:
    seen = set()
    for route in ctx.routes:
        if route.site.consumer not in ("sdk", "root", CONSUMER_NATIVE):
            continue
        for value in route.base_candidates:
            if value.loc is None or value.text is None:
                continue
            key = (value.loc.path, value.loc.span)
            if (key, value.text) in seen:
                continue
            # with its text: strings built from one constant (`${BASE}/v1`, `${BASE}/v1/chat/completions`)
            # are all placed at the constant's literal, and each may be malformed in its own way
            seen.add((key, value.text))
            provider = provider_for_url(ctx.catalog, value.text)
            if route.site.consumer == CONSUMER_NATIVE:
                problems = native_root_problems(value.text, route.site.native_label or "a provider's native API")
            else:
                problems = sdk_base_url_problems(ctx.catalog, value.text, provider)
            if route.site.consumer == "root":
                problems = [problem for problem in problems if "is missing" not in problem.message]
            if not problems:
                continue
            reasons = "; ".join(problem.message for problem in problems)
            suggestion = next((problem.suggestion for problem in problems if problem.suggestion), None)
            hint = f"; use {suggestion!r}" if suggestion else ""
            note, related = provenance(value.loc.path, ("client", site_of(route)))
            fix = None
            if suggestion and value.origin != ORIGIN_ENV_FILE and _one_consumer_kind(ctx, key):
                # SDK bases only, or a native API's root only (LiteLLM's ollama/): never a mix of both shapes
                fix = fixes.replace_literal(ctx, value, suggestion, fixes.SAFE, f"Use the base URL {suggestion!r}")
            if suggestion and fix is None and _one_consumer_kind(ctx, key):
                # a config file or env file: the URL's text is replaced where it is written
                fix = config_fixes.replace_value(ctx, value, suggestion, fixes.SAFE, f"Use the base URL {suggestion!r}")
            yield diagnostic(
                ctx,
                "RL102",
                f"base URL {snippet(value.text)!r} {reasons}{hint}{note}",
                value.loc.path,
                value.loc.span,
                provider=provider.id if provider else None,
                related=related,
                identity=value.text,
                fix=fix,
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

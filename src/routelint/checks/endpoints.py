"""RL401 unsupported-endpoint-on-route."""

from __future__ import annotations

from typing import Iterator

from routelint.checks.base import CheckContext, diagnostic, provenance
from routelint.diagnostics import Diagnostic
from routelint.facts import CONSUMER_NATIVE


def unsupported_endpoint(ctx: CheckContext) -> Iterator[Diagnostic]:
    seen: set[tuple[str, str, object, str]] = set()  # a call on branches that reach one provider: once
    for route in ctx.routes:
        provider = route.provider
        if provider is None or provider.is_local or route.site.consumer == CONSUMER_NATIVE:
            continue  # a native API (LiteLLM's gemini/) is not the OpenAI-compatible layer the catalog describes
        sites = [(call.endpoint, call.path, call.span) for call, _ in route.calls]
        for endpoint in (route.site.endpoint, route.site.default_endpoint):
            if endpoint:
                sites.append((endpoint, route.site.path, route.site.span))
        for endpoint, path, span in sites:
            if provider.unsupported(endpoint) is None or (provider.id, path, span, endpoint) in seen:
                continue
            seen.add((provider.id, path, span, endpoint))
            note, related = provenance(path, ("base URL", route.base))
            family = endpoint.rsplit(".", 1)[0] if "." in endpoint else endpoint
            yield diagnostic(
                ctx,
                "RL401",
                f"{provider.name} does not serve {endpoint} (the {family} API) on its OpenAI-compatible endpoint{note}",
                path,
                span,
                provider=provider.id,
                related=related,
                identity=f"{provider.id}:{endpoint}",
            )

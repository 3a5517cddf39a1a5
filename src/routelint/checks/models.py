"""RL301 model-not-on-route and RL302 unconfirmed-router-model."""

from __future__ import annotations

from typing import Iterator

from routelint.catalog.models import judge_model
from routelint.checks.base import CheckContext, diagnostic, provenance
from routelint.diagnostics import Diagnostic


def model_checks(ctx: CheckContext) -> Iterator[Diagnostic]:
    seen = set()
    for route in ctx.routes:
        provider = route.provider
        if provider is None:
            continue
        models = ([route.model] if route.model is not None else []) + [model for _, model in route.calls if model is not None]
        for model in models:
            if model.text is None or model.partial or model.loc is None:
                continue
            verdict = judge_model(ctx.catalog, provider, model.text)
            if verdict is None:
                continue
            key = (model.loc.path, model.loc.span, provider.id)
            if key in seen:
                continue
            seen.add(key)
            note, related = provenance(model.loc.path, ("base URL", route.base))
            suggestion = f"; use {verdict.suggestion!r}" if verdict.suggestion and verdict.code == "RL301" else ""
            yield diagnostic(
                ctx,
                verdict.code,
                f"{verdict.reason}{suggestion}{note}",
                model.loc.path,
                model.loc.span,
                provider=provider.id,
                related=related,
                identity=f"{provider.id}:{model.text}",
            )

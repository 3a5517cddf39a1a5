"""RL301 model-not-on-route (cannot be served) and RL302 unconfirmed-model (not confirmed)."""

from __future__ import annotations

from typing import Iterator

from routelint.catalog.models import NOT_SERVED, UNCONFIRMED, ModelVerdict, judge_model
from routelint.checks.base import CheckContext, diagnostic, provenance
from routelint.checks import config_fixes, fixes
from routelint.diagnostics import Diagnostic

CODES = {NOT_SERVED: "RL301", UNCONFIRMED: "RL302"}  # the catalog's verdict -> the rule that reports it


def rule_code(verdict: ModelVerdict) -> str:
    """The code of the rule that reports a model verdict."""
    return CODES[verdict.kind]


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
            if (key, model.text) in seen:
                continue
            seen.add((key, model.text))  # IDs built from one prefix (`P + "3-opus"`) share the prefix's place
            note, related = provenance(model.loc.path, ("base URL", route.base))
            suggestion = f"; use {verdict.suggestion!r}" if verdict.suggestion and verdict.kind == NOT_SERVED else ""
            fix = None
            renamed = _same_model_id(ctx, provider, model.text, verdict)
            if renamed and fixes.providers_by_loc(ctx, "model").get(key[:2], set()) == {provider.id}:
                # unsafe: a different ID is requested. Only when every route this literal feeds is this provider's
                fix = (fixes.replace_literal(ctx, model, renamed, fixes.UNSAFE, f"Request {renamed!r}")
                       # config (LiteLLM `openrouter/<id>`: only the ID part after the prefix is replaced)
                       or config_fixes.replace_value(ctx, model, renamed, fixes.UNSAFE, f"Request {renamed!r}"))
            yield diagnostic(
                ctx,
                rule_code(verdict),
                f"{verdict.reason}{suggestion}{note}",
                model.loc.path,
                model.loc.span,
                provider=provider.id,
                related=related,
                identity=f"{provider.id}:{model.text}",
                fix=fix,
            )


def _tail(model_id: str) -> str:
    return model_id.strip().rsplit("/", 1)[-1]


def _same_model_id(ctx, provider, model: str, verdict):
    """The ID this route serves for the *same* model, when naming rules or the pinned catalog make it unambiguous.

    RL301's suggestion comes from naming rules (`gpt-4o-mini` -> `openai/gpt-4o-mini`). For RL302 only a pinned
    catalog ID that names the same model (`gemini-2.5-flash` -> `google/gemini-2.5-flash`) counts: the closest
    *other* model (a typo or an older version) is a guess, listed in the message, never applied.
    """
    if verdict.kind != UNCONFIRMED:
        return verdict.suggestion
    pinned = ctx.catalog.pinned.get(provider.id) or ()
    same = sorted({item for item in pinned if _tail(item) == _tail(model)})
    return same[0] if len(same) == 1 and same[0] != model.strip() else None

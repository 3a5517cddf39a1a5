"""Judge a model ID against the route's provider: naming rules (cannot be served) and catalogs, closed
model lists and own namespaces (not confirmed). The verdicts are facts about the catalog; which rule
reports them is the checks' business (`checks/models.py` maps them to codes)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Optional

from routelint.catalog.model import Catalog, Provider
from routelint.wording import with_article

NOT_SERVED = "not-served"  # the provider's naming rules rule the ID out
UNCONFIRMED = "unconfirmed"  # the ID has the provider's shape, but nothing confirms it is served


@dataclass(frozen=True)
class ModelVerdict:
    kind: str  # NOT_SERVED | UNCONFIRMED
    reason: str
    suggestion: Optional[str] = None  # an ID the route serves, when unambiguous
    closest: tuple[str, ...] = ()


def normalise(model_id: str, provider: Optional[Provider] = None) -> str:
    value = model_id.strip()
    if value.startswith("models/"):
        value = value[len("models/"):]
    if provider and provider.strip_prefix and value.startswith(provider.strip_prefix):
        value = value[len(provider.strip_prefix):]
    return value


def _owner(catalog: Catalog, model_id: str, provider: Provider, *, everywhere: bool) -> Optional[Provider]:
    for other in catalog.providers.values():
        if other.id == provider.id:
            continue
        patterns = other.owned_everywhere if everywhere else other.owned
        if any(pattern.search(model_id) for pattern in patterns):
            return other
    return None


def vendor_form(catalog: Catalog, model_id: str, provider: Provider) -> Optional[str]:
    """`gpt-4o-mini` -> `openai/gpt-4o-mini` for routers that name models `vendor/model`."""
    bare = normalise(model_id)
    owner = _owner(catalog, bare, provider, everywhere=False)
    vendor = None
    if owner is not None:
        vendor = owner.model_vendor
    if vendor is None:
        return None
    candidate = f"{vendor}/{bare}"
    if any(pattern.fullmatch(candidate) for pattern in provider.serves):
        return candidate
    return None


def judge_model(catalog: Catalog, provider: Optional[Provider], model_id: str) -> Optional[ModelVerdict]:
    """None when the ID can be served (or nothing can be said); else the verdict.

    NOT_SERVED means the provider's naming rules rule the ID out ("cannot be served"); UNCONFIRMED means
    the ID has the provider's shape but nothing confirms it: a router's catalog, a provider's closed
    model list, or a provider's own namespace ("not confirmed").
    """
    if provider is None or provider.is_local or not model_id.strip():
        return None
    model = model_id.strip()
    owner = _owner(catalog, model, provider, everywhere=True)
    if owner is not None and not any(pattern.search(model) for pattern in provider.serves):
        return ModelVerdict(NOT_SERVED, f"{model!r} uses {owner.name}'s own naming, which {provider.name} does not accept",
                            suggestion=_rename_for(catalog, model, provider))
    if provider.namespace and model.startswith(provider.namespace):
        return _judge_namespace(catalog, provider, model)
    if provider.serves_any:
        return None
    if provider.serves and not any(pattern.search(model) for pattern in provider.serves):
        hint = f" ({provider.model_hint})" if provider.model_hint else ""
        return ModelVerdict(NOT_SERVED, f"{provider.name} does not serve {model!r}{hint}",
                            suggestion=_rename_for(catalog, model, provider))
    if not provider.is_router:
        owner = _owner(catalog, model, provider, everywhere=False)
        if owner is not None and not any(pattern.search(model) for pattern in provider.serves):
            return ModelVerdict(NOT_SERVED, f"{model!r} is {with_article(owner.name)} model; {provider.name} does not serve it")
        if provider.closed_list:
            return _judge_listed(catalog, provider, model)
        return None
    return _judge_listed(catalog, provider, model)


def _rename_for(catalog: Catalog, model: str, provider: Provider) -> Optional[str]:
    if provider.is_router:
        return vendor_form(catalog, model, provider)
    bare = normalise(model, provider)
    if bare != model and any(pattern.search(bare) for pattern in provider.serves):
        return bare
    return None


def _judge_namespace(catalog: Catalog, provider: Provider, model: str) -> Optional[ModelVerdict]:
    """An ID under the provider's own namespace (`openrouter/...`): its own products only.

    Another vendor's model there (`openrouter/gpt-4o-mini`, `openrouter/openai/gpt-4o-mini`) is a
    routing prefix of LiteLLM-style SDKs that a plain client sent as is: not served. Anything else under the
    namespace is the provider's own product only if its list (or the user's pinned catalog) says so.
    """
    if _listed(catalog, provider, model):
        return None
    rest = model[len(provider.namespace):]
    inner = rest if "/" in rest and any(pattern.search(rest) for pattern in provider.serves) else None
    owner = None if inner else _owner(catalog, rest, provider, everywhere=False)
    if inner or owner is not None:
        what = f"{owner.name}'s {rest!r}" if owner is not None else repr(rest)
        if inner and inner.startswith(provider.namespace) and not _listed(catalog, provider, inner):
            inner = None  # a doubled prefix around an unknown product: no rename to offer
        return ModelVerdict(
            NOT_SERVED,
            f"{model!r} puts {what} in {provider.namespace}, {provider.name}'s own namespace (its own models only): "
            "a LiteLLM-style routing prefix, sent here as part of the ID",
            suggestion=inner or vendor_form(catalog, rest, provider),
        )
    return _judge_listed(catalog, provider, model, scope=f"{provider.namespace} is its own namespace")


def _listed(catalog: Catalog, provider: Provider, model: str) -> bool:
    pinned = catalog.pinned.get(provider.id)
    wanted = normalise(model, provider)
    if pinned is not None:
        return wanted in {normalise(item, provider) for item in pinned}
    return wanted in provider.known_models


def _judge_listed(catalog: Catalog, provider: Provider, model: str, scope: str = "") -> Optional[ModelVerdict]:
    """Unconfirmed unless a pinned catalog, the documented list or (routers) the documented ID style confirms the ID."""
    wanted = normalise(model, provider)
    pinned = catalog.pinned.get(provider.id)
    if pinned is not None:
        ids = {normalise(item, provider) for item in pinned}
        if wanted in ids:
            return None
        closest = tuple(difflib.get_close_matches(wanted, sorted(ids), n=3, cutoff=0.5))
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        return ModelVerdict(UNCONFIRMED, f"{model!r} is not in the pinned {provider.name} catalog{hint}",
                            suggestion=closest[0] if len(closest) == 1 else None, closest=closest)
    if wanted in provider.known_models:
        return None
    pin = f"pin it in [tool.routelint.catalog.{provider.id}]"
    if scope or provider.closed_list:  # the documented list is short: it is the hint
        why = scope or f"{provider.name} documents a closed list of models"
        return ModelVerdict(
            UNCONFIRMED,
            f"{model!r} is not confirmed on {provider.name}: {why} ({', '.join(provider.known_models)}); "
            f"if its GET /v1/models lists the ID, {pin}",
        )
    if any(pattern.fullmatch(wanted) for pattern in provider.confirm):
        return None
    return ModelVerdict(
        UNCONFIRMED,
        f"{model!r} is not confirmed on {provider.name}: its model IDs come from its own catalog "
        f"(GET /v1/models); {pin}",
    )

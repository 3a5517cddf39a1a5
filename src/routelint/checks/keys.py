"""RL201 key-route-mismatch, RL202 hardcoded-api-key, RL203 env-var-name-as-key."""

from __future__ import annotations

import hashlib
from typing import Iterator, Optional

from routelint.catalog.keys import is_placeholder, key_provider, looks_like_env_var_name, provider_for_key_env
from routelint.checks.base import CheckContext, diagnostic, provenance
from routelint.diagnostics import Diagnostic
from routelint.facts import ENV, LITERAL, Location, ORIGIN_ENV_FILE
from routelint.project import Route
from routelint.redact import mask

GENERIC_PROVIDER = "openai"  # OPENAI_API_KEY + OPENAI_BASE_URL is the generic "compatible slot"


def secret_identity(text: str) -> str:
    """Stable identity of a key without the key: its hash."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:24]


def _key_owner(ctx: CheckContext, route: Route) -> tuple[Optional[str], str]:
    """Who the key belongs to, judged by value first, then by the variable it is read from."""
    key = route.key
    provider = route.provider
    if key.text is not None and not key.partial:
        if is_placeholder(ctx.catalog, key.text) or looks_like_env_var_name(key.text):
            return None, ""
        owner = key_provider(ctx.catalog, key.text, provider.id if provider else None)
        if owner is not None:
            return owner, f"a {ctx.catalog.name(owner)} key ({mask(key.text)})"
    name = key.env_var if key.kind == ENV or key.env_var else key.identifier
    if not name:
        return None, ""
    owner = provider_for_key_env(ctx.catalog, name)
    if owner == GENERIC_PROVIDER and route.base.env_var:
        generic = ctx.catalog.get(GENERIC_PROVIDER)
        if generic and route.base.env_var in generic.base_url_env:
            return None, ""  # key and URL from the same generic OPENAI_* slot: deliberate
    return owner, f"the key from {name}"


def key_route_mismatch(ctx: CheckContext) -> Iterator[Diagnostic]:
    seen = set()
    for route in ctx.routes:
        provider = route.provider
        if provider is None or provider.is_local:
            continue
        owner, described = _key_owner(ctx, route)
        if owner is None or owner == provider.id or owner in provider.accepts_key_from:
            continue
        key = route.key
        if key.loc is not None and not key.implicit:
            where = key.loc
        elif key.implicit and key.origin == ORIGIN_ENV_FILE and key.loc is not None:
            where = key.loc
        else:
            where = Location(route.site.path, route.site.span)
        if (where.path, where.span) in seen:
            continue
        seen.add((where.path, where.span))
        implicit = " (the SDK reads it because no api_key is passed)" if key.implicit else ""
        note, related = provenance(where.path, ("base URL", route.base), ("key", key))
        expected = ", ".join(provider.key_env) or "its own key"
        yield diagnostic(
            ctx,
            "RL201",
            f"{described} is sent to {provider.name}{implicit}; {provider.name} expects {expected}{note}",
            where.path,
            where.span,
            provider=provider.id,
            related=related,
            identity=f"{owner}->{provider.id}",
            secrets=(key.text,) if key.text else (),
        )


def hardcoded_api_key(ctx: CheckContext) -> Iterator[Diagnostic]:
    for facts in ctx.files:
        template = _is_template(facts.path)
        if facts.path in ctx.ignored_paths and not template:
            continue  # a git-ignored local .env is where keys belong
        for secret in facts.secrets:
            name = ctx.catalog.name(secret.provider)
            where = " in a comment" if secret.in_comment else ""
            yield diagnostic(
                ctx,
                "RL202",
                f"{name} API key {mask(secret.text)} is hardcoded{where}; rotate it and read it from the environment",
                secret.path,
                secret.span,
                provider=secret.provider,
                identity=secret_identity(secret.text),
                secrets=(secret.text,),
            )


def _is_template(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return any(word in name for word in ("example", "template", "sample", "dist", "defaults"))


def env_var_name_as_key(ctx: CheckContext) -> Iterator[Diagnostic]:
    seen = set()
    for route in ctx.routes:
        key = route.key
        if key.kind != LITERAL and key.origin != ORIGIN_ENV_FILE:
            continue
        if key.text is None or key.loc is None or not looks_like_env_var_name(key.text.strip()):
            continue
        if (key.loc.path, key.loc.span) in seen:
            continue
        seen.add((key.loc.path, key.loc.span))
        yield diagnostic(
            ctx,
            "RL203",
            f"the key is the literal text {key.text!r}, the name of a variable, not its value; "
            f"read it with os.environ[{key.text!r}]",
            key.loc.path,
            key.loc.span,
            provider=route.provider.id if route.provider else None,
            identity=key.text,
        )

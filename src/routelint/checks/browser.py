"""RL204 key-exposed-to-browser: a provider key that code running in the browser can read.

Three ways a key reaches a browser, each decided from facts (checks never read files):
- the key is read from a variable behind a framework prefix (`NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`, ...),
  which the bundler inlines into client code;
- a client built with `dangerouslyAllowBrowser: true` gets a key from the project (a literal or an env
  variable) rather than from the user at run time;
- a key literal sits in a module bundled for the browser (a `"use client"` module, a public assets folder).
"""

from __future__ import annotations

from typing import Iterator

from routelint.catalog.keys import is_placeholder, provider_for_key_env, public_prefix
from routelint.checks.base import CheckContext, diagnostic, site_of
from routelint.checks.keys import secret_identity
from routelint.diagnostics import Diagnostic
from routelint.facts import ENV, LITERAL, ORIGIN_ENV_FILE
from routelint.redact import mask

CODE = "RL204"


def key_exposed_to_browser(ctx: CheckContext) -> Iterator[Diagnostic]:
    seen: set[tuple[str, object]] = set()
    for route in ctx.routes:
        key, site = route.key, route.site
        name = key.env_var or ""
        prefix = public_prefix(ctx.catalog, name) if name else ""
        where = key.via[0] if key.origin == ORIGIN_ENV_FILE and key.via else key.loc
        if where is None or key.implicit:
            where = site_of(route)
        owner = provider_for_key_env(ctx.catalog, name) if name else None
        provider = route.provider.id if route.provider else owner
        if prefix and (owner is not None or (route.provider is not None and not route.provider.is_local)):
            if (where.path, where.span) not in seen:
                seen.add((where.path, where.span))
                yield diagnostic(
                    ctx, CODE,
                    f"the key is read from {name}: the {prefix} prefix makes the bundler inline it into "
                    f"browser code, where every visitor can read it; call the provider from server code",
                    where.path, where.span, provider=provider, identity=f"public-env:{name}",
                )
            continue
        if site.exposure and _project_key(ctx, key) and (site.path, site.span) not in seen:
            seen.add((site.path, site.span))
            source = f"{key.env_var}" if key.kind == ENV and key.env_var else "a key written in the code"
            yield diagnostic(
                ctx, CODE,
                f"{site.exposure} ships this client's key ({source}) to the browser; pass a key the user "
                f"enters, or call the provider from server code",
                site.path, site.span, provider=provider, identity=f"browser-client:{source}",
                related=[("key from", where)] if where.path != site.path else (),
            )
    browser = {facts.path: facts.browser for facts in ctx.files if facts.browser}
    for facts in ctx.files:
        if facts.path not in browser:
            continue
        for secret in facts.secrets:
            if secret.in_comment or (secret.path, secret.span) in seen:
                continue
            seen.add((secret.path, secret.span))
            yield diagnostic(
                ctx, CODE,
                f"{ctx.catalog.name(secret.provider)} API key {mask(secret.text)} is in {browser[facts.path]}, "
                f"which is bundled for the browser; rotate it and call the provider from server code",
                secret.path, secret.span, provider=secret.provider, identity="bundled:" + secret_identity(secret.text),
                secrets=(secret.text,),
            )


def _project_key(ctx: CheckContext, key) -> bool:
    """A key the project supplies (an env variable, a real literal), not one the user types in at run time."""
    if key.kind == ENV and key.env_var:
        return True
    return key.kind == LITERAL and key.text is not None and not key.partial and not is_placeholder(ctx.catalog, key.text)


__all__ = ["key_exposed_to_browser"]

"""RL201 key-route-mismatch, RL202 hardcoded-api-key, RL203 env-var-name-as-key."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Iterator, Optional

from routelint.catalog.keys import fits_context_pattern, is_template_text, looks_like_env_var_name, public_prefix
from routelint.catalog.ownership import KeyOwner, key_owner
from routelint.checks.base import CheckContext, diagnostic, provenance, site_of
from routelint.checks import config_fixes, fixes
from routelint.diagnostics import Diagnostic
from routelint.facts import ENV, LITERAL, Location, ORIGIN_ENV_FILE, SecretCandidate
from routelint.project import Route
from routelint.redact import mask
from routelint.wording import one_of, with_article

UNKNOWN_PROVIDER = "unknown"  # RL202's provider for a key of no known format feeding no known route


def secret_identity(text: str) -> str:
    """Stable identity of a key without the key: its hash."""
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:24]


def _describe(ctx: CheckContext, route: Route, owner: KeyOwner) -> str:
    """How the message names the key: by its format (masked) or by the variable it is read from."""
    if owner.by_value:
        return f"{with_article(ctx.catalog.name(owner.provider))} key ({mask(route.key.text or '')})"
    return f"the key from {owner.variable}"


def key_route_mismatch(ctx: CheckContext) -> Iterator[Diagnostic]:
    seen = set()
    for route in ctx.routes:
        provider = route.provider
        if provider is None or provider.is_local:
            continue
        verdict = key_owner(ctx.catalog, route.key, provider, route.base)
        owner, by_value = verdict.provider, verdict.by_value
        if owner is None or owner == provider.id or owner in provider.accepts_key_from:
            continue
        described = _describe(ctx, route, verdict)
        key = route.key
        if key.loc is not None and not key.implicit:
            # a lookup filled from the project's env files: the key argument is the lookup in code (via[0])
            defined = key.via[0] if key.origin == ORIGIN_ENV_FILE and key.via else key.loc
        elif key.implicit and key.origin == ORIGIN_ENV_FILE and key.loc is not None:
            defined = key.loc
        else:
            defined = Location(route.site.path, route.site.span)
        # reported where the key meets the route (the key argument, the splatted dict's entry, the
        # header), so a constant feeding a right and a wrong client points at the wrong call
        where = _use_site(route) or defined
        if (where.path, where.span) in seen:
            continue
        seen.add((where.path, where.span))
        implicit = " (the SDK reads it because no api_key is passed)" if key.implicit else ""
        # name the file that supplied the key only when its value decided the verdict
        note, related = provenance(where.path, ("base URL", route.base),
                                   ("key", key if by_value else defined if defined != where else None),
                                   ("client", site_of(route)))
        if defined != where and all(loc != defined for _, loc in related):
            related.insert(0, ("key at", defined))  # the definition in this file: still where to look
        expected = one_of(provider.key_env) or "its own key"
        fix = _route_key_fix(ctx, route, defined)
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
            fix=fix,
        )


def _use_site(route: Route) -> Optional[Location]:
    """Where the key meets the route in code, when it is passed there (not read implicitly by the SDK)."""
    site = route.site
    if site.api_key_span is None or site.api_key.implicit:
        return None
    return Location(site.path, site.api_key_span)


def _route_key_fix(ctx: CheckContext, route: Route, where: Location):
    """RL201: read the key from the route provider's variable (unsafe: another variable is read)."""
    key, provider = route.key, route.provider
    variable = fixes.key_env(ctx, provider, where.path)  # `fix-env` of the file, else the catalog's
    if provider is not None and variable and key.implicit and key.origin != ORIGIN_ENV_FILE \
            and route.site.key_arg_insert is not None and where == Location(route.site.path, route.site.span):
        # the SDK reads its implicit variable (OPENAI_API_KEY): pass the provider's key explicitly
        span, before, param, after = route.site.key_arg_insert
        added = fixes.env_key_fix(ctx, route.site.path, span, variable,
                                  f"Pass the key from {variable}", route.base.quote)  # the file's quotes
        if added is None:
            return None
        *imports, edit = added.edits
        edit = fixes.Edit(edit.path, edit.span, f"{before}{param}{edit.content}{after}")
        return fixes.Fix(added.applicability, added.message, (*imports, edit))
    code_key = route.site.api_key
    if key.origin == ORIGIN_ENV_FILE and code_key.kind == ENV and code_key.text is None and code_key.loc == where:
        key = code_key  # an env file only supplied the value: fix the lookup as written in code
    if provider is None or not variable or key.implicit or key.loc is None or key.loc != where:
        return None
    if fixes.providers_by_loc(ctx, "key").get((where.path, where.span), set()) != {provider.id}:
        return None  # the key expression feeds routes of several providers: no single right variable
    if key.kind == LITERAL and key.quote is not None and fixes.python_string(key.text or "", key.quote) is not None:
        pass  # a plain literal: replace it, quotes included
    elif not (key.kind == ENV and key.text is None and key.origin != ORIGIN_ENV_FILE):
        return None  # an env lookup without default: `where` is the whole lookup expression
    elif key.env_var == variable:
        return None  # already the provider's variable: the value it holds is wrong, not the name
    # a framework's public prefix stays (`import.meta.env.VITE_...`: without it the bundle reads nothing)
    variable = public_prefix(ctx.catalog, key.env_var or "") + variable
    if key.name_literal is not None and key.name_literal[0].path == where.path:
        # keep the lookup's form (getenv, environ.get, decouple...): change only the variable name
        name_loc, quote = key.name_literal
        renamed = fixes.replace_literal(ctx, fixes.Value(fixes.LITERAL, text=key.env_var, loc=name_loc, quote=quote),
                                        variable, fixes.UNSAFE, f"Read the key from {variable}")
        if renamed is None:  # a config file: `${GEMINI_API_KEY}`, `os.environ/X`, `api_key_env = "X"`
            renamed = config_fixes.rename_variable(ctx, key.name_literal, variable, f"Read the key from {variable}")
        if renamed is not None:
            return renamed
    return fixes.env_key_fix(ctx, where.path, where.span, variable,
                             f"Read the key from {variable}", key.quote)


def hardcoded_api_key(ctx: CheckContext) -> Iterator[Diagnostic]:
    for facts in ctx.files:
        template = _is_template(facts.path)
        if facts.path in ctx.ignored_paths and not template:
            continue  # a git-ignored local .env is where keys belong
        for secret in facts.secrets:
            provider = secret.provider or _generic_key_provider(ctx, secret)
            what = f"{ctx.catalog.name(provider)} API key" if provider else "API key (provider unknown)"
            where = " in a comment" if secret.in_comment else ""
            fix = _hardcoded_key_fix(ctx, secret if secret.provider or not provider else replace(secret, provider=provider))
            yield diagnostic(
                ctx,
                "RL202",
                f"{what} {mask(secret.text)} is hardcoded{where}; rotate it and read it from the environment",
                secret.path,
                secret.span,
                provider=provider or UNKNOWN_PROVIDER,
                identity=secret_identity(secret.text),
                secrets=(secret.text,),
                fix=fix,
            )


def _generic_key_provider(ctx: CheckContext, secret: SecretCandidate) -> Optional[str]:
    """Whose key is a key of no known format (or a prefix-less one found without context)? The provider
    of the routes it feeds, when they agree; else the provider of the file's routes whose prefix-less
    pattern the key fits (DeepSeek's `sk-` + 32 hex in a file that calls DeepSeek)."""
    by_text = ctx.derived("route_providers_by_key", lambda: _route_providers_by_key(ctx))
    fed = by_text.get(secret.text, set())
    if len(fed) == 1:
        return next(iter(fed))
    in_file = ctx.derived("route_providers_by_path", lambda: _route_providers_by_path(ctx)).get(secret.path, set())
    fitting = sorted(provider for provider in in_file | fed if fits_context_pattern(ctx.catalog, secret.text, provider))
    return fitting[0] if len(fitting) == 1 else None


def _route_providers_by_key(ctx: CheckContext) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for route in ctx.routes:
        if route.provider is not None:
            for value in (route.key, route.site.api_key):
                if value.text:
                    found.setdefault(value.text.strip(), set()).add(route.provider.id)
    return found


def _route_providers_by_path(ctx: CheckContext) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for route in ctx.routes:
        if route.provider is not None:
            found.setdefault(route.site.path, set()).add(route.provider.id)
    return found


def _hardcoded_key_fix(ctx: CheckContext, secret):
    """RL202: `"<key>"` -> `os.environ["<PROVIDER>_API_KEY"]` in Python (unsafe); a key in a comment: advice only."""
    if secret.in_comment:
        return fixes.display_only("Rotate the key and delete it from the comment; no automatic fix")
    found = fixes.key_literal(ctx, secret.path, secret.span, secret.text)
    config = found is None and config_fixes.config_file(ctx, secret.path) is not None
    if found is None and not config:
        return None
    literal, quote = found if found is not None else (secret.span, None)
    owner = ctx.catalog.get(secret.provider)
    variable = fixes.key_env(ctx, owner, secret.path) if owner else None
    # the key of a route: the route's provider decides the variable (so RL201 and RL202 agree on one edit)
    routes = fixes.providers_by_loc(ctx, "key").get((secret.path, literal), set())
    if len(routes) == 1:
        route_provider = ctx.catalog.get(next(iter(routes)))
        route_variable = fixes.key_env(ctx, route_provider, secret.path) if route_provider is not None else None
        if route_provider is not None and not route_provider.is_local and route_provider.fix_key_env and route_variable:
            variable = route_variable
    if config:
        return config_fixes.hardcoded_key_fix(ctx, secret, variable)
    if not variable:
        return None
    fix = fixes.env_key_fix(ctx, secret.path, literal, variable,
                            f"Read the key from {variable} (and rotate the exposed key)", quote)
    template = config_fixes.template_addition(ctx, secret.path, variable) if fix is not None else None
    if fix is not None and template is not None:  # `VAR=` added to the repo's .env.example as well
        fix = fixes.Fix(fix.applicability, f"{fix.message}; add {variable}= to {template.path}", (*fix.edits, template))
    return fix


def _is_template(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return any(word in name for word in ("example", "template", "sample", "dist", "defaults"))


def real_variable_names(ctx: CheckContext) -> frozenset[str]:
    """Names that are real environment variables: the catalog's, those the project's env files define,
    and those code or config reads anywhere in the run (`os.getenv("X")`, `${X}`). Template text is none."""
    names: set[str] = set()
    for provider in ctx.catalog.providers.values():
        names.update(provider.key_env)
        names.update(provider.base_url_env)
    for facts in ctx.files:
        names.update(definition.name for definition in facts.env)
        names.update(facts.env_reads)
        values = [value for site in facts.routes for value in (site.base_url, site.api_key, site.model) if value]
        values += list(facts.exports.values())
        names.update(value.env_var for value in values if value.env_var)
    return frozenset(name for name in names if not is_template_text(name))


def env_var_name_as_key(ctx: CheckContext) -> Iterator[Diagnostic]:
    seen = set()
    real_names = ctx.derived("real_variable_names", lambda: real_variable_names(ctx))
    for route in ctx.routes:
        key = route.key
        if key.kind != LITERAL and key.origin != ORIGIN_ENV_FILE:
            continue
        if key.text is None or key.loc is None or not looks_like_env_var_name(key.text.strip()):
            continue
        if key.text.strip() not in real_names:
            continue  # `YOUR_API_KEY`, `API_KEY_HERE`: template text, not a variable anyone defines or reads
        if (key.loc.path, key.loc.span) in seen:
            continue
        seen.add((key.loc.path, key.loc.span))
        fix = None
        if key.kind == LITERAL and key.quote is not None and fixes.python_string(key.text, key.quote) is not None:
            name = key.text.strip()
            fix = fixes.env_key_fix(ctx, key.loc.path, key.loc.span, name, f"Read the key from {name}", key.quote)
        yield diagnostic(
            ctx,
            "RL203",
            f"the key is the literal text {key.text!r}, the name of a variable, not its value; "
            f"read it with {fixes.env_hint(key.loc.path, key.text.strip(), default=False)}",
            key.loc.path,
            key.loc.span,
            provider=route.provider.id if route.provider else None,
            identity=key.text,
            fix=fix,
        )

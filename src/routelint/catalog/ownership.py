"""Whose key a route sends: the one judgement of key ownership.

RL201 (key sent to the wrong provider) and the audit's inventory and `routes --target` both ask who a
key belongs to. They used to ask two copies of this logic, which drifted apart (the audit's copy lacked
the generic `OPENAI_*` slot exception and reported "replace the key" where the check was clean). The
answer lives here, once; callers turn it into their own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from routelint.catalog.generic_keys import looks_random
from routelint.catalog.keys import is_placeholder, key_provider, looks_like_env_var_name, provider_for_key_env
from routelint.catalog.model import Catalog, Provider
from routelint.facts import ENV, LITERAL, Value

GENERIC_PROVIDER = "openai"  # OPENAI_API_KEY + OPENAI_BASE_URL is the generic "compatible slot"


@dataclass(frozen=True)
class KeyOwner:
    """The verdict: `provider` owns the key (None: nothing can be said). `by_value` says the key's own
    text decided (its format); otherwise `variable` is the name it was judged by."""

    provider: Optional[str] = None
    by_value: bool = False
    variable: str = ""


UNKNOWN_OWNER = KeyOwner()


def key_owner(catalog: Catalog, key: Value, provider: Optional[Provider], base: Optional[Value] = None) -> KeyOwner:
    """Who the key belongs to, judged by value first, then by the variable it is read from.

    `provider` is the route's provider (prefix-less key formats count only for it); `base` is the route's
    base URL value: a key and a base URL from the same generic slot say nothing about the key's owner.
    """
    if key.text is not None and not key.partial:
        if is_placeholder(catalog, key.text) or looks_like_env_var_name(key.text):
            if not (key.kind == ENV and key.env_var):
                return UNKNOWN_OWNER
            # `os.getenv("GEMINI_API_KEY", "")`: the fallback is a placeholder, the key is the variable's value
        else:
            owner = key_provider(catalog, key.text, provider.id if provider else None)
            if owner is not None:
                return KeyOwner(owner, by_value=True)
            if key.kind == LITERAL and looks_random(catalog, key.text.strip()):
                # value first: a literal key of no known format says nothing about its owner, whatever the
                # constant holding it is called
                return UNKNOWN_OWNER
    name = key.env_var if key.kind == ENV or key.env_var else key.identifier
    if not name:
        return UNKNOWN_OWNER
    owner = provider_for_key_env(catalog, name)
    if owner == GENERIC_PROVIDER and base is not None and base.env_var:
        generic = catalog.get(GENERIC_PROVIDER)
        if generic and base.env_var in generic.base_url_env:
            return UNKNOWN_OWNER  # key and URL from the same generic OPENAI_* slot: deliberate
    return KeyOwner(owner, variable=name)

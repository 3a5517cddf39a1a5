"""The one way key text reaches any output.

`redact(text, secrets)` masks every secret the run found, plus anything that starts with a key
prefix from the catalog, keeping four characters at each end of long keys (`AIza…Xy4Q`) so a user
can still tell keys apart. Masking more than strictly needed is the safe direction for output.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

_registered: set[str] = set()


def mask(secret: str) -> str:
    if len(secret) >= 16:
        return f"{secret[:4]}…{secret[-4:]}"
    return "…" * 3


def register_prefixes(prefixes: Iterable[str]) -> None:
    """Add key prefixes (from user-defined providers) to what redaction masks."""
    new = {prefix for prefix in prefixes if len(prefix) >= 3} - _registered
    if new:
        _registered.update(new)
        _prefix_pattern.cache_clear()


@lru_cache(maxsize=1)
def _shipped_prefixes() -> frozenset[str]:
    from routelint.catalog import load_catalog

    try:
        catalog = load_catalog()
    except Exception:  # redaction must work even when the catalog is broken
        return frozenset({"sk-", "AIza", "AQ."})
    return frozenset(
        pattern.prefix for provider in catalog.providers.values() for pattern in provider.key_patterns if len(pattern.prefix) >= 3
    ) | {"sk-"}


@lru_cache(maxsize=1)
def _prefix_pattern() -> Optional[re.Pattern[str]]:
    prefixes = sorted(_shipped_prefixes() | _registered, key=len, reverse=True)
    if not prefixes:
        return None
    alternatives = "|".join(re.escape(prefix) for prefix in prefixes)
    return re.compile(rf"(?<![\w-])(?:{alternatives})[\w.-]{{12,}}")


_PREPARED: dict[int, tuple[object, int, dict[str, list[str]]]] = {}


def _by_head(secrets: Iterable[str]) -> dict[str, list[str]]:
    """The secrets indexed by their first four characters (longest first), prepared once per set a run
    passes again and again: checking every secret against every message was quadratic."""
    if isinstance(secrets, (set, frozenset)):
        known = _PREPARED.get(id(secrets))
        if known is not None and known[0] is secrets and known[1] == len(secrets):
            return known[2]
    index: dict[str, list[str]] = {}
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= 4:
            index.setdefault(secret[:4], []).append(secret)
        elif secret:
            index.setdefault("", []).append(secret)
    if isinstance(secrets, (set, frozenset)):
        _PREPARED.clear()
        _PREPARED[id(secrets)] = (secrets, len(secrets), index)
    return index


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    if not text:
        return text
    index = _by_head(secrets)
    if index:
        for secret in index.get("", ()):  # short ones (never real keys): the plain way
            text = text.replace(secret, mask(secret))
        heads = {text[at:at + 4] for at in range(len(text) - 3)} & index.keys()
        for secret in sorted((secret for head in heads for secret in index[head]), key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, mask(secret))
    pattern = _prefix_pattern()
    if pattern is None:
        return text
    return pattern.sub(lambda match: mask(match.group(0)) if "…" not in match.group(0) else match.group(0), text)

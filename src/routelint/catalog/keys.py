"""Recognise API keys: by pattern and entropy in raw text, and by environment-variable name.

False-positive filters are small pure functions (placeholder words, entropy floor, context for
prefix-less patterns), in the spirit of detect-secrets' heuristics and gitleaks' entropy floors.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Optional

from routelint.catalog.model import Catalog, KeyPattern, Provider
from routelint.trie import compiled_trie

_ENV_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*(?:API_KEY|_KEY|_TOKEN|_SECRET|APIKEY)$")
# Template text people write where a key goes: `YOUR_API_KEY`, `API_KEY_HERE`, `INSERT_KEY`, `<key>`
_TEMPLATE_WORD = re.compile(
    r"(?i)(?:^|[_\-.\s])(?:your|here|insert|replace|enter|put|changeme|change|placeholder|example|sample|"
    r"dummy|fake|todo|fixme|tbd|xxx+)(?=$|[_\-.\s])"
)
CONTEXT_LINES = 3  # a prefix-less pattern's provider word may be this many lines above or below the key
CONTEXT_CHARS = 240  # ...and within this many characters of it on each line (the key's own line: on each side)


def shannon_entropy(text: str) -> float:
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(count / total * math.log2(count / total) for count in counts.values())


def looks_like_env_var_name(text: str) -> bool:
    return bool(_ENV_NAME_RE.match(text))


def is_template_text(text: str) -> bool:
    """`YOUR_API_KEY`, `YOUR_OPENROUTER_API_KEY_HERE`, `API_KEY_HERE`, `<OPENAI_API_KEY>`, `INSERT_KEY`:
    text that stands where a key goes. Not a key, and not the name of a variable either."""
    value = text.strip()
    if value.startswith(("<", "[", "{")) and value.endswith((">", "]", "}")):
        return True
    return _TEMPLATE_WORD.search(value) is not None


def is_placeholder(catalog: Catalog, text: str) -> bool:
    """`sk-...`, `your-key`, `<key>`, `${VAR}`, `changeme`, `not-needed`, low-entropy text: not a key."""
    value = text.strip()
    if len(value) < 8 or is_template_text(value):
        return True
    lowered = value.lower()
    if any(mark in value for mark in ("...", "…", "<", ">", "${", "{{", "$(", "*")):
        return True
    if looks_like_env_var_name(value):
        return True
    if any(word in lowered for word in catalog.placeholder_words):
        return True
    body = re.sub(r"^[a-z]+[-_](?:[a-z0-9]+[-_])?", "", lowered)
    if len(set(body)) <= 3 or re.fullmatch(r"(x|0|1|a|\-|_)+", body):
        return True
    return False


@dataclass(frozen=True)
class KeyMatch:
    start: int
    end: int
    text: str
    provider: Optional[str]  # None: a generic key (no known format)
    pattern: str


@dataclass(frozen=True)
class _Gated:
    """A key pattern and the cheap test that must pass before its regex runs on a text: its literal
    prefix occurs (`AIza`), or, for prefix-less patterns, a context word does (`deepseek`)."""

    provider: Provider
    pattern: KeyPattern
    prefix: str
    context: tuple[str, ...]

    def may_match(self, text: str, lowered: "_Lowered") -> bool:
        if self.pattern.needs_context:
            return any(word in lowered.text for word in self.context)
        return not self.prefix or self.prefix in text


class _Lowered:
    """`text.lower()`, computed only when a prefix-less pattern needs it."""

    def __init__(self, text: str) -> None:
        self._source = text
        self._lower: Optional[str] = None

    @property
    def text(self) -> str:
        if self._lower is None:
            self._lower = self._source.lower()
        return self._lower


@lru_cache(maxsize=8)
def _gated(catalog: Catalog) -> tuple[_Gated, ...]:
    return tuple(
        _Gated(provider, pattern, pattern.prefix if len(pattern.prefix) >= 2 else "", _context_words(provider, pattern))
        for provider in catalog.providers.values()
        for pattern in provider.key_patterns
    )


def _body_entropy_ok(pattern: KeyPattern, text: str) -> bool:
    """The part after the prefix is random enough; a prefix-less key also holds digits (32 random
    base62 characters lack two digits once in about 500 tries), so a long identifier such as
    `ChatCompletionChoiceFinishReason` next to the word Mistral is not a Mistral key."""
    body = text[len(pattern.prefix):] if pattern.prefix and text.startswith(pattern.prefix) else text
    if pattern.needs_context and sum(ch.isdigit() for ch in body) < 2:
        return False
    return shannon_entropy(body) >= pattern.min_entropy


def _context_words(provider: Provider, pattern: KeyPattern) -> tuple[str, ...]:
    words = list(pattern.context) + [provider.id.lower()] + [name.lower() for name in provider.key_env]
    words += [host.lstrip("*.-") for host in provider.hosts]
    return tuple(word for word in words if word)


def key_gate_words(catalog: Catalog) -> Optional[frozenset[str]]:
    """Every key prefix and every context word (in the spellings code uses: lower, UPPER,
    Capitalised): a text holding none of them cannot hold a key. None: some pattern has neither, so
    every text must be tried."""
    words: set[str] = set()
    for gated in _gated(catalog):
        if gated.pattern.needs_context:
            words.update(variant for word in gated.context for variant in (word, word.upper(), word.capitalize()))
        elif gated.prefix:
            words.add(gated.prefix)
        else:
            return None
    return frozenset(words)


@lru_cache(maxsize=8)
def _gate_pattern(catalog: Catalog) -> Optional[re.Pattern[str]]:
    words = key_gate_words(catalog)
    return compiled_trie(words) if words is not None else None


def may_hold_key(catalog: Catalog, text: str) -> bool:
    """Cheap: could any key pattern match? (one search for prefixes and context words)"""
    gate = _gate_pattern(catalog)
    if gate is not None:
        return gate.search(text) is not None
    lowered = _Lowered(text)
    return any(gated.may_match(text, lowered) for gated in _gated(catalog))


def find_keys(catalog: Catalog, text: str) -> list[KeyMatch]:
    """Every real-looking key in `text`; one span gives one finding (longest match wins)."""
    found: list[KeyMatch] = []
    lowered = _Lowered(text)
    for gated in _gated(catalog):
        if not gated.may_match(text, lowered):
            continue
        provider, pattern = gated.provider, gated.pattern
        for match in pattern.regex.finditer(text):
            value = match.group(0)
            if is_placeholder(catalog, value) or not _body_entropy_ok(pattern, value):
                continue
            if _cut_from_base64(text, match.start(), match.end()):
                continue
            if pattern.needs_context:
                # the window of the text itself, lowered: lowering may change lengths ('İ' is two characters)
                window = _context_window(text, match.start(), match.end()).lower()
                if not any(word in window for word in gated.context):
                    continue
            found.append(KeyMatch(match.start(), match.end(), value, provider.id, pattern.id))
    return _non_overlapping(found)


def _cut_from_base64(text: str, start: int, end: int) -> bool:
    """Is text[start:end] a run cut out of base64 data (an image inlined in minified JS)? Base64 puts `+`
    and `/` between alphanumeric runs; a key is never written with `+` against it on one side and `+`,
    `/` or `=` on the other."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return (before == "+" and after in ("+", "/", "=")) or (after == "+" and before in ("+", "/"))


def _context_window(text: str, start: int, end: int, lines: int = CONTEXT_LINES, reach: int = CONTEXT_CHARS) -> str:
    """The lines around text[start:end]: `lines` above, the key's own line, `lines` below, each cut to
    the `reach` characters nearest the key. The work per key stays bounded: on a minified one-line file
    with thousands of key-shaped runs, a window of whole lines was the whole file for every run. A line
    cut short ends the window on its side (the lines beyond it are farther than `reach`)."""
    low, high = _line_start(text, start, reach), _line_end(text, end, reach)
    for _ in range(lines):
        if low == 0 or text[low - 1] != "\n":
            break
        low = _line_start(text, low - 1, reach)
    for _ in range(lines):
        if high >= len(text) or text[high] != "\n":
            break
        high = _line_end(text, high + 1, reach)
    return text[low:high]


def _line_start(text: str, position: int, reach: int) -> int:
    """Where the line holding `position` starts, looking back `reach` characters at most."""
    floor = max(0, position - reach)
    newline = text.rfind("\n", floor, position)
    return newline + 1 if newline >= 0 else floor


def _line_end(text: str, position: int, reach: int) -> int:
    """Where the line holding `position` ends (its newline), looking ahead `reach` characters at most."""
    ceiling = min(len(text), position + reach)
    newline = text.find("\n", position, ceiling)
    return newline if newline >= 0 else ceiling


def fits_context_pattern(catalog: Catalog, text: str, provider_id: Optional[str]) -> bool:
    """Does `text` have the shape of a prefix-less (context-gated) key of this provider?"""
    provider = catalog.get(provider_id)
    return provider is not None and any(
        pattern.needs_context and pattern.regex.fullmatch(text) and _body_entropy_ok(pattern, text)
        for pattern in provider.key_patterns
    )


def _non_overlapping(matches: list[KeyMatch]) -> list[KeyMatch]:
    matches.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[KeyMatch] = []
    for match in matches:
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept


def key_provider(catalog: Catalog, text: str, route_provider: Optional[str] = None) -> Optional[str]:
    """The provider whose key format `text` has. Prefix-less formats count only for the route's own provider."""
    value = text.strip()
    candidates = []
    for gated in _gated(catalog):
        provider, pattern = gated.provider, gated.pattern
        if pattern.regex.fullmatch(value):
            if pattern.needs_context and provider.id != route_provider:
                continue
            candidates.append((len(pattern.prefix), provider.id))
    if not candidates:
        return None
    candidates.sort(reverse=True)
    return candidates[0][1]


def public_prefix(catalog: Catalog, name: str) -> str:
    """The JS framework prefix (`NEXT_PUBLIC_`, `VITE_`) that ships `name` to the browser, or ""."""
    return next((prefix for prefix in catalog.public_env_prefixes if name.startswith(prefix) and len(name) > len(prefix)), "")


def provider_for_key_env(catalog: Catalog, name: str) -> Optional[str]:
    """Whose key a variable holds, by its name; a framework prefix is stripped first
    (`VITE_GROQ_API_KEY` is GROQ_API_KEY)."""
    names = (name, name[len(public_prefix(catalog, name)):])
    for candidate in dict.fromkeys(names):
        for provider in catalog.providers.values():
            if candidate in provider.key_env:
                return provider.id
    return None


def provider_for_base_env(catalog: Catalog, name: str) -> Optional[str]:
    for provider in catalog.providers.values():
        if name in provider.base_url_env:
            return provider.id
    return None


def iter_key_env_names(catalog: Catalog) -> Iterator[str]:
    for provider in catalog.providers.values():
        yield from provider.key_env

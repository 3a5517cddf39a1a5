"""Keys without a known format, found by their context: a random-looking value given to a key-like name.

This is the shape of gitleaks' generic rule (key-like name, assignment syntax, a value that looks
random) with more filters against false positives, each a small pure function in the spirit of
detect-secrets' heuristics: the name must *end* in a key word (`OPENAI_API_KEY`, `apiKey`, `token`,
`client_secret`; not `monkey`, `cache_key` or `public_key`), and the value must look random: at
least 20 characters, letters and at least two digits, an entropy floor, and not a placeholder, URL,
UUID, hash, path, dotted name or run of words.

Works on raw text of any file kind (comments included): Python keyword arguments and targets, dict
keys, `.env` and shell assignments, YAML/TOML/JSON keys, `Authorization: Bearer ...` headers.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional

from routelint.catalog.keys import is_placeholder, shannon_entropy
from routelint.catalog.model import Catalog
from routelint.trie import occurrences

GENERIC_PATTERN = "generic-key"
MIN_LENGTH = 20
MAX_LENGTH = 300
MIN_ENTROPY = 3.5  # bits/char: random alphanumerics of 20+ characters score about 4
MIN_ENTROPY_HEX = 3.0  # hex-only values (16 symbols) score lower; they must also be 32+ characters long
MIN_LENGTH_HEX = 32

# `NAME<quote?>] <sep> <quote?>VALUE<quote?>`: anchored on the key word that ends the name; the rest of
# the name is read backwards from there (`_name_before`), so the regex never backtracks over identifiers
_VALUE_CHARS = r"[A-Za-z0-9_\-+/=.~]"
_ASSIGNMENT = re.compile(
    r"(?i)(?:key|token|secret)s?"
    r"(?P<close>[\"'`]?\]?)[ \t]*"
    # `=`, `:=`, `=>`, `:`; `NAME: str = ...` (an annotated Python target)
    r"(?:(?::[ \t]*[A-Za-z_][\w.\[\]|, ]{0,40}?)?[ \t]*=(?![=~])>?|:=|:(?![:/]))[ \t]*"
    r"(?:[rRuUbB]{0,2}(?P<quote>[\"'`])(?P<quoted>" + _VALUE_CHARS + r"{1,300})(?P=quote)"
    r"|(?P<bare>" + _VALUE_CHARS + r"{1,300})(?=$|[\s,;#)\]}\"'`]))",
    re.MULTILINE,
)
_KEY_WORDS = ("key", "token", "secret")
_BEARER = re.compile(r"(?i)\bbearer[ \t]+(?P<bare>" + _VALUE_CHARS + r"{20,300})(?![\w\-+/=.~])")

# Name endings that make a key-like name (compared lower-case), and words that make a name *not* a secret
_KEY_ENDINGS = ("api_key", "apikey", "api-key", "_key", "-key", ".key", "_token", "-token", ".token",
                "_secret", "-secret", ".secret", "_secrets")
_BARE_NAMES = {"token", "secret", "apikey", "api_key", "secret_key", "access_token", "auth_token", "bearer"}
_NOT_SECRET_WORDS = (
    "public", "publishable", "pub_", "cache", "sort", "primary", "foreign", "partition", "idempotency",
    "hash", "sha1", "sha256", "_sha", "md5", "digest", "checksum", "commit", "uuid", "page", "cursor",
    "next_", "csrf", "xsrf", "event", "max_", "min_", "num_", "_count", "length", "size", "field",
    "column", "prefix", "suffix", "_env", "_name", "_path", "_file", "_url", "_type", "_id_",
)
_UUID = re.compile(r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?")
_HEX = re.compile(r"[0-9a-fA-F]+")
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:\(\))?")
_PATH = re.compile(r"[\w.-]+(?:/[\w.-]+)+/?")
_HASH_PREFIX = re.compile(r"(?i)(?:sha(?:1|224|256|384|512)|md5|blake2b?)[-:=]")


def key_like_name(name: str) -> bool:
    """`OPENAI_API_KEY`, `apiKey`, `client_secret`, `token`, `Authorization`... (not `monkey`, `cache_key`)."""
    name = name.strip("\"'`$@[].-").rsplit(".", 1)[-1]
    if not name:
        return False
    lower = name.lower()
    if lower in _BARE_NAMES:
        return True
    if any(word in lower for word in _NOT_SECRET_WORDS):
        return False
    if lower.endswith(_KEY_ENDINGS):
        return True
    # camelCase: apiKey, openaiKey, authToken, clientSecret
    return bool(re.search(r"[a-z0-9](?:Key|Token|Secret|KEY|TOKEN|SECRET)s?$", name))


def looks_random(catalog: Catalog, value: str) -> bool:
    """Could `value` be a key? Long enough, letters and digits, high entropy, and none of the things that
    look random but are not keys (placeholders, URLs, UUIDs, hashes, paths, dotted names, words)."""
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        return False
    if is_placeholder(catalog, value):
        return False
    digits = sum(ch.isdigit() for ch in value)
    letters = sum(ch.isalpha() for ch in value)
    if digits < 2 or letters < 4:
        return False
    if _UUID.fullmatch(value) or _HASH_PREFIX.match(value) or _DOTTED.fullmatch(value):
        return False
    if value.startswith(("/", "./", "../", "~/", "http", "www.")) or "://" in value:
        return False
    if "/" in value and _PATH.fullmatch(value) and _wordy_path(value):
        return False
    if _HEX.fullmatch(value):
        return len(value) >= MIN_LENGTH_HEX and shannon_entropy(value) >= MIN_ENTROPY_HEX
    if _wordy(value):
        return False
    return shannon_entropy(value) >= MIN_ENTROPY


def _wordy(value: str) -> bool:
    """Words joined by separators (`text-embedding-3-large-2024-01-25`, `my_service_token_v2`)."""
    parts = [part for part in re.split(r"[_\-.]", value) if part]
    if len(parts) > 1 and all(part.isdigit() or len(part) <= 3 or _word(part) for part in parts):
        return True  # words and numbers only: a model name, a date, a slug
    return sum(len(part) for part in parts if len(part) >= 3 and _word(part)) >= 0.6 * len(value)


def _word(part: str) -> bool:
    return part.isalpha() and (part.islower() or part.isupper() or part.istitle())


def _wordy_path(value: str) -> bool:
    return any(len(part) >= 3 and part.isalpha() and part.islower() for part in value.split("/"))


def _name_before(text: str, end: int) -> str:
    start = end
    limit = max(0, end - 120)
    while start > limit and (text[start - 1].isalnum() or text[start - 1] in "_.$@-"):
        start -= 1
    return text[start:end]


def _assignments(text: str) -> Iterator[re.Match[str]]:
    """`_ASSIGNMENT` matches in text order. The key words are found with `str.find` on the lower-cased
    text and the regex is only tried there: several times faster than a case-insensitive scan."""
    last_end = -1
    for start, _ in occurrences(text, _KEY_WORDS, ignore_case=True):
        if start < last_end:
            continue
        match = _ASSIGNMENT.match(text, start)
        if match is not None:
            last_end = match.end()
            yield match


def generic_keys(catalog: Catalog, text: str, *, bare_values: bool) -> Iterator[tuple[int, int, str]]:
    """(start, end, value) of every random-looking value given to a key-like name in `text`, and of
    every `Bearer <token>`. `bare_values`: unquoted values count (env files, YAML, shell, Markdown); in
    Python, TOML and JSON only string literals do."""
    for match in _assignments(text):
        group = "quoted" if match.group("quoted") is not None else "bare"
        if group == "bare" and not bare_values:
            continue
        name = _name_before(text, match.end("close") - len(match.group("close")))
        if not key_like_name(name):
            continue
        value = match.group(group)
        if looks_random(catalog, value):
            yield match.start(group), match.end(group), value
    for match in (_BEARER.finditer(text) if "earer" in text or "EARER" in text else ()):
        value = match.group("bare")
        if looks_random(catalog, value):
            yield match.start("bare"), match.end("bare"), value


def generic_value_is_key(catalog: Catalog, name: Optional[str], value: str) -> bool:
    """A decoded value (a route's key, a constant, an env default) bound to `name`: a generic key?
    `name` None: the value is a route's key parameter itself."""
    if name is not None and not key_like_name(name):
        return False
    return looks_random(catalog, value.strip())

"""Find the keys of one file's text: raw text, escaped string literals, and the values frontends decoded.

Three sources, one result (`SecretCandidate`s, one per span):
  * the raw text, comments included: provider patterns (`find_keys`) and generic keys by context
    (`generic_keys`); `${VAR:-<key>}` reference defaults are read as if the operator were a space;
  * string literals holding escape sequences (`"\\x41Iza..."`, `"\\u0041..."` in JSON/TOML, octal,
    `\\N{...}`), decoded the way Python, JSON, TOML, YAML and JavaScript decode them: the key is reported
    at the literal, and the literal *as written* is kept as `encoded` so redaction masks that too;
  * the decoded values a frontend produced (a route's key, a module constant, an env definition):
    whatever the raw text did not show (concatenations, escapes the literal scan missed).

Every candidate's text (and its written form) is what the run redacts before any output is written.
Also here: the names of environment variables a file reads (`os.getenv("X")`), which tell RL203 that
a literal `"X"` is a real variable name.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from typing import Iterable, Iterator, Optional

from routelint.catalog.generic_keys import GENERIC_PATTERN, generic_keys, generic_value_is_key
from routelint.catalog.keys import CONTEXT_CHARS, CONTEXT_LINES, KeyMatch, find_keys, looks_like_env_var_name
from routelint.catalog.model import Catalog
from routelint.discover import DOTENV, JSON, NOTEBOOK, TEXT, YAML
from routelint.facts import FileFacts, SecretCandidate, Span, Value
from routelint.filekinds import line_comment_start
from routelint.textio import LineIndex
from routelint.trie import occurrences

BARE_VALUE_KINDS = (DOTENV, YAML, TEXT)  # kinds whose unquoted values are strings

# `${NAME:-default}`, `${NAME-default}`, `${NAME:=default}`: the operator is read as a space, so a key
# written as the default starts at a word boundary like any other (offsets stay the same)
_REFERENCE_DEFAULT = re.compile(r"(\$\{[A-Za-z_][A-Za-z0-9_]*:?)[-=]")
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|N\{[^}\n]{1,80}\})")
# JSON strings that hold code or config (a notebook's cells, a JSON-encoded setting): `\"` counts too
_JSON_ESCAPE = re.compile(_ESCAPE.pattern + r'|\\"')
_ANY_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|N\{[^}\n]{1,80}\}|.)")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\\n]|\\.)*`')
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "a": "\a", "0": "\0"}

# env reads in code and config: os.getenv("X"), os.environ["X"], environ.get("X"), decouple config("X"),
# environs env("X") / env.str("X"), process.env.X, ${X} references, LiteLLM os.environ/X
_ENV_READ = re.compile(
    r"(?:getenv|environ\.get|environ\.setdefault|environ\.pop|\benv(?:\.\w+)?|\bconfig)\(\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']"
    r"|environ\[\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']\s*\]"
    r"|process\.env(?:\.|\[\s*[\"'])([A-Za-z_][A-Za-z0-9_]*)"
    r"|\$\{\{?\s*(?:env\.|secrets\.|env:)?([A-Za-z_][A-Za-z0-9_]*)"
    r"|os\.environ/([A-Za-z_][A-Za-z0-9_]*)"
)
_ENV_READ_GATE = ("environ", "getenv", "env(", "env.", "config(", "${")
_ENV_NAME_ENDINGS = ("_KEY", "_TOKEN", "_SECRET", "APIKEY")
_READ_REACH = 160  # characters either side of a key-like name that an env read of it can span


def unescape(body: str) -> str:
    """A string literal's body with its escape sequences resolved (the common subset of Python, JSON,
    TOML, YAML double-quoted strings and JavaScript); an unknown escape keeps its character."""

    def one(match: re.Match[str]) -> str:
        escape = match.group(0)
        code = escape[1]
        if code in "xuU":
            return chr(int(escape[2:], 16))
        if code == "N":
            try:
                return unicodedata.lookup(escape[3:-1])
            except KeyError:
                return escape
        if code in "01234567" and len(escape) > 2:
            return chr(int(escape[1:], 8))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ANY_ESCAPE.sub(one, body)


def find_secrets(path: str, kind: str, text: str, catalog: Catalog, *, known_gate: bool = True) -> list[SecretCandidate]:
    """Every key in a file's text. `known_gate`: the prefilter saw a key prefix or provider word (when
    False the provider patterns cannot match and are skipped)."""
    matches = _text_matches(catalog, kind, text, known_gate)
    lines = LineIndex(text) if matches else None  # most files hold no key: their lines are never indexed
    secrets = [_candidate(path, kind, text, match, lines=lines) for match in matches]
    escape = _JSON_ESCAPE if kind in (JSON, NOTEBOOK) else _ESCAPE
    if escape.search(text):
        secrets += _escaped_secrets(path, kind, text, catalog, secrets, escape)
    return secrets


def _text_matches(catalog: Catalog, kind: str, text: str, known_gate: bool = True) -> list[KeyMatch]:
    scanned = _REFERENCE_DEFAULT.sub(lambda match: match.group(1) + " ", text) if "${" in text else text
    found: list[KeyMatch] = find_keys(catalog, scanned) if known_gate else []
    found += [KeyMatch(start, end, value, None, GENERIC_PATTERN)
              for start, end, value in generic_keys(catalog, scanned, bare_values=kind in BARE_VALUE_KINDS)]
    return _first_wins(found)


def _first_wins(matches: list[KeyMatch]) -> list[KeyMatch]:
    """One finding per span: provider patterns before generic ones, then the longer match."""
    ordered = sorted(matches, key=lambda m: (m.pattern == GENERIC_PATTERN, -(m.end - m.start), m.start))
    kept: list[KeyMatch] = []
    starts: list[int] = []  # kept matches never overlap: sorted by start, only the neighbours can collide
    for match in ordered:
        index = bisect.bisect_left(starts, match.start)
        before = kept[index - 1] if index > 0 else None
        after = kept[index] if index < len(kept) else None
        if (before is not None and before.end > match.start) or (after is not None and after.start < match.end):
            continue
        kept.insert(index, match)
        starts.insert(index, match.start)
    return kept


def _candidate(path: str, kind: str, text: str, match: KeyMatch, *, encoded: Optional[str] = None,
               start: Optional[int] = None, end: Optional[int] = None, lines: Optional[LineIndex] = None) -> SecretCandidate:
    start = match.start if start is None else start
    end = match.end if end is None else end
    lines = lines or LineIndex(text)
    line = lines.line(start)
    line_start = lines.starts[line - 1]
    column = start - line_start + 1
    end_line = lines.line(end)
    end_column = end - lines.starts[end_line - 1] + 1
    return SecretCandidate(
        path=path,
        span=Span(line, column, end_line, end_column),
        text=match.text,
        provider=match.provider,
        pattern=match.pattern,
        in_comment=_in_comment(kind, text[line_start:start]),
        encoded=encoded,
    )


def _in_comment(kind: str, before: str) -> bool:
    """Is the text after `before` (same line) inside a comment? JSON has none; a notebook's frontend
    marks the hits in its code cells' comments."""
    return line_comment_start(kind, before) is not None


def _escaped_secrets(path: str, kind: str, text: str, catalog: Catalog, known: list[SecretCandidate],
                     escape: re.Pattern[str]) -> list[SecretCandidate]:
    """Keys inside string literals that hold escape sequences, found in the decoded literal.

    Each literal is searched in a window of bounded size (its decoded text, CONTEXT_CHARS characters
    of its line either side, CONTEXT_LINES lines around it, each cut to CONTEXT_CHARS): the work stays
    linear in the file, whatever its shape. A minified 4 MB tokenizer JSON on one line, with thousands of
    escapes, once made every literal's window the whole line and took tens of CPU minutes."""
    found: list[SecretCandidate] = []
    index_of_lines = LineIndex(text)
    lines = text.split("\n")
    seen_lines = sorted({index_of_lines.line(match.start()) - 1 for match in escape.finditer(text)})
    for index in seen_lines:
        line = lines[index]
        before = "\n".join(other[-CONTEXT_CHARS:] for other in lines[max(0, index - CONTEXT_LINES) : index])
        after = "\n".join(other[:CONTEXT_CHARS] for other in lines[index + 1 : index + 1 + CONTEXT_LINES])
        for literal in _STRING.finditer(line):
            raw = literal.group(0)[1:-1]
            if not escape.search(raw):
                continue
            decoded = unescape(raw)
            opening = literal.start() + 1
            head = (before + "\n" if before else "") + line[max(0, opening - CONTEXT_CHARS) : opening]
            closing = literal.end() - 1
            window = head + decoded + line[closing : closing + CONTEXT_CHARS] + ("\n" + after if after else "")
            for match in _text_matches(catalog, kind, window):
                if not len(head) <= match.start < len(head) + len(decoded):
                    continue
                if any(other.span.line == index + 1 and other.text == match.text for other in known + found):
                    continue
                start = index_of_lines.starts[index] + opening
                found.append(_candidate(path, kind, text, match, encoded=raw, start=start, end=start + len(raw),
                                        lines=index_of_lines))
    return found


def value_secrets(facts: FileFacts, text: str, catalog: Catalog) -> list[SecretCandidate]:
    """Keys in the values a frontend decoded (a route's key, constants, env definitions) that the text
    scan did not already report at that place: reported at the value's literal, its written form kept."""
    lines = text.split("\n")
    found: list[SecretCandidate] = []
    by_line = _by_line(facts.secrets)
    for name, value in _named_values(facts):
        if not value.text or value.partial or value.loc is None or value.loc.path != facts.path:
            continue
        key, provider, pattern = _value_key(catalog, name, value.text)
        if key is None:
            continue
        span = value.loc.span
        near = [other for line in range(span.line, span.end_line + 1) for other in by_line.get(line, ())]
        if any(_overlaps(other.span, span) or (other.text == key and other.span.line == span.line) for other in near):
            continue
        written = _text_at(lines, span)
        secret = SecretCandidate(path=facts.path, span=span, text=key, provider=provider, pattern=pattern,
                                 encoded=written if written and written != key else None)
        found.append(secret)
        by_line.setdefault(span.line, []).append(secret)
    return found


def _by_line(secrets: list[SecretCandidate]) -> dict[int, list[SecretCandidate]]:
    """Secrets by every line their span covers (overlap tests stay linear in a file with many keys)."""
    index: dict[int, list[SecretCandidate]] = {}
    for secret in secrets:
        for line in range(secret.span.line, secret.span.end_line + 1):
            index.setdefault(line, []).append(secret)
    return index


def _named_values(facts: FileFacts) -> Iterator[tuple[Optional[str], Value]]:
    """(name the value is bound to, value); the name is None for a route's key parameter itself."""
    for site in facts.routes:
        yield None, site.api_key
    for name, value in facts.exports.items():
        yield value.identifier or name, value
    for definition in facts.env:
        yield definition.name, definition.value


def _value_key(catalog: Catalog, name: Optional[str], text: str) -> tuple[Optional[str], Optional[str], str]:
    matches = find_keys(catalog, text)
    if matches:
        return matches[0].text, matches[0].provider, matches[0].pattern
    if generic_value_is_key(catalog, name, text):
        return text.strip(), None, GENERIC_PATTERN
    return None, None, GENERIC_PATTERN


def merge_secrets(raw: list[SecretCandidate], decoded: list[SecretCandidate]) -> list[SecretCandidate]:
    """Raw-text keys plus the keys a frontend decoded (base64 Secret data); a generic raw match at the
    place of a decoded key of a known format is that key as written, not a second one."""
    by_line = _by_line(decoded)
    kept = [secret for secret in raw if not (secret.pattern == GENERIC_PATTERN and any(
        _overlaps(secret.span, other.span) for line in range(secret.span.line, secret.span.end_line + 1)
        for other in by_line.get(line, ())))]
    return kept + decoded


def _overlaps(a: Span, b: Span) -> bool:
    return (a.line, a.column) < (b.end_line, b.end_column) and (b.line, b.column) < (a.end_line, a.end_column)


def _text_at(lines: list[str], span: Span) -> str:
    if not 0 < span.line <= span.end_line <= len(lines):
        return ""
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1 : span.end_column - 1]
    parts = [lines[span.line - 1][span.column - 1 :], *lines[span.line : span.end_line - 1],
             lines[span.end_line - 1][: span.end_column - 1]]
    return "\n".join(parts)


def env_reads(text: str) -> tuple[str, ...]:
    """Names of key variables the text reads (sorted, unique): only names RL203 can be about
    (`*_API_KEY`, `*_KEY`, `*_TOKEN`, `*_SECRET`, `*APIKEY`), so a text holding none is done at once."""
    if not any(marker in text for marker in _ENV_NAME_ENDINGS) or not any(marker in text for marker in _ENV_READ_GATE):
        return ()
    names: set[str] = set()
    for start, end in _windows(text, _ENV_NAME_ENDINGS, _READ_REACH):
        names.update(name for match in _ENV_READ.finditer(text, start, end) for name in match.groups()
                     if name and looks_like_env_var_name(name))
    return tuple(sorted(names))


def _windows(text: str, words: Iterable[str], reach: int) -> Iterator[tuple[int, int]]:
    """The stretches of `text` within `reach` characters of an occurrence of any of `words`, merged
    where they overlap: each character is searched once at most, however dense the words (a 4 MB
    one-line tokenizer JSON was searched whole, once per word)."""
    window: Optional[list[int]] = None
    for index, after in occurrences(text, words):
        if window is not None and index - reach <= window[1]:
            window[1] = max(window[1], min(len(text), after + reach))  # overlaps: extend
            continue
        if window is not None:
            yield window[0], window[1]
        window = [max(0, index - reach), min(len(text), after + reach)]
    if window is not None:
        yield window[0], window[1]


def redaction_texts(secrets: Iterable[SecretCandidate]) -> set[str]:
    """Every text of these keys that output must never show: the key, and how it is written."""
    return {text for secret in secrets for text in (secret.text, secret.encoded) if text}

"""`.env`, `.env.*` and `*.env` files, parsed with python-dotenv's own parser.

python-dotenv (`dotenv.parser.parse_stream`) does the parsing: `export`, single and double quotes,
escapes, inline comments, multi-line quoted values. Its bindings tile the file (each `original`
is the exact text from the end of the previous binding), so the offset of every binding is known;
the value's exact span inside a binding is found by re-reading the binding's own text and checked
against the value python-dotenv returned. `${VAR}` / `${VAR:-default}` interpolation is read with
python-dotenv's `parse_variables`, as `load_dotenv` would expand it.

Each `NAME=value` becomes an EnvDefinition (the project environment that fills env lookups of code in
this directory and below); a base-URL variable set next to its key/model variables is also a config
route site, so the same rules judge the file itself.

Interpolation has a size budget (`ExpansionBudget`): a value may grow to MAX_VALUE characters and all
expanded text of a file together to a few times the file's own size. A value past the budget is
unknown and the file gets RL001 naming the line, so `A1=${A0}${A0}`, `A2=${A1}${A1}`, ... (27 lines
that would expand to gigabytes) costs what its 430 bytes cost.
"""

from __future__ import annotations

import io
import re
from typing import Optional

from routelint.catalog.model import Catalog
from routelint.facts import ENV, LITERAL, UNKNOWN, EnvDefinition, FileFacts, Span, Value
from routelint.frontends.config_routes import (
    Entry,
    LineIndex,
    RouteCollector,
    Text,
    is_url_placeholder,
    parse_reference,
    problem,
)
from routelint.sdks import SdkCatalog
from routelint.vocabulary import is_template_path

# Only used to find *where* python-dotenv's value is written inside one binding's text; the value
# itself always comes from python-dotenv and the located text is verified against it.
_LEAD = re.compile(r"\s*")
_EXPORT = re.compile(r"(?:export[^\S\r\n]+)?")
_QUOTED_KEY = re.compile(r"'([^']+)'")
_UNQUOTED_KEY = re.compile(r"([^=\#\s]+)")
_SPACE = re.compile(r"[^\S\r\n]*")
_EQUALS = re.compile(r"=[^\S\r\n]*")
_SINGLE = re.compile(r"'((?:\\'|[^'])*)'")
_DOUBLE = re.compile(r'"((?:\\"|[^"])*)"')
_UNQUOTED = re.compile(r"[^\r\n]*")

MAX_VALUE = 64 * 1024  # characters one expanded value may reach
MIN_TOTAL = 1024 * 1024  # expanded characters a file may produce: this, or EXPANSION_FACTOR x its size
EXPANSION_FACTOR = 4


class ExpansionBudget:
    """Resolves `${VAR}` from earlier values while counting what the expansion costs."""

    def __init__(self, size: int) -> None:
        self.total_limit = max(MIN_TOTAL, EXPANSION_FACTOR * size)
        self.total = 0
        self.current = 0
        self.exceeded = False  # the value being read went past the budget
        self.first_line: Optional[int] = None  # where a value first went past it
        self.values: dict[str, str] = {}

    def start(self) -> None:
        self.current = 0
        self.exceeded = False

    def lookup(self, name: str) -> Optional[str]:
        value = self.values.get(name)
        if value is None:
            return None
        if self.current + len(value) > MAX_VALUE or self.total + len(value) > self.total_limit:
            self.exceeded = True
            return None
        self.current += len(value)
        self.total += len(value)
        return value


def _locate(original: str, key: str, value: str) -> Optional[tuple[tuple[int, int], tuple[int, int], bool]]:
    """(key span, value span, exact) as offsets inside the binding text, or None if it cannot be verified."""
    pos = _LEAD.match(original).end()  # type: ignore[union-attr]
    pos = _EXPORT.match(original, pos).end()  # type: ignore[union-attr]
    match = (_QUOTED_KEY if original[pos : pos + 1] == "'" else _UNQUOTED_KEY).match(original, pos)
    if match is None or match.group(1) != key:
        return None
    key_span = match.span(1)
    pos = _SPACE.match(original, match.end()).end()  # type: ignore[union-attr]
    equals = _EQUALS.match(original, pos)
    if equals is None:
        return None
    pos = equals.end()
    quote = original[pos : pos + 1]
    if quote in ("'", '"'):
        match = (_SINGLE if quote == "'" else _DOUBLE).match(original, pos)
        if match is None:
            return None
        start, end = match.span(1)
        return key_span, (start, end), original[start:end] == value
    match = _UNQUOTED.match(original, pos)
    part = match.group(0) if match else ""
    if not part.startswith(value):
        return None
    return key_span, (pos, pos + len(value)), True


def analyze_dotenv(path: str, text: str, catalog: Catalog, sdks: SdkCatalog) -> FileFacts:
    facts = FileFacts(path=path, kind="dotenv")
    try:
        from dotenv.parser import parse_stream
    except ImportError:  # a declared dependency; without it say so instead of failing the run
        return problem(facts, "cannot be analysed: python-dotenv is not installed")
    lines = LineIndex(text)
    template = is_template_path(path)
    collector = RouteCollector(facts, catalog, sdks, lines)
    entries: dict[str, Entry] = {}
    budget = ExpansionBudget(len(text))  # values defined so far, for `${VAR}` inside a later value
    literals = budget.values
    errors: list[int] = []
    offset = 0
    for binding in parse_stream(io.StringIO(text, newline="")):
        original = binding.original.string
        start = offset
        offset += len(original)
        if binding.error:
            lead = len(original) - len(original.lstrip())
            errors.append(lines.point(start + lead)[0])
            continue
        if binding.key is None:
            continue
        key, raw = binding.key, binding.value
        located = _locate(original, key, raw) if raw is not None else None
        if located is not None:
            (key_start, key_end), (value_start, value_end), exact = located
            name_span = lines.span(start + key_start, start + key_end)
        else:
            name_span = lines.line_span(binding.original.line)
            value_start, value_end, exact = 0, 0, False
        if raw is None:  # `NAME` alone: python-dotenv defines it as None (unset)
            entries.pop(key, None)
            continue
        if located is None:  # not verified: the whole line stands for the value
            where = Text(raw, path, lines, _offset(lines, name_span), _offset_end(lines, name_span), False)
        else:
            before = original[value_start - 1 : value_start] if value_start else ""
            quote = before if before in ("'", '"') else ""  # for fixes: the value's delimiter
            where = Text(raw, path, lines, start + value_start, start + value_end, exact, quote)
        budget.start()
        value = parse_reference(where, identifier=key, slot=key, lookup=budget.lookup)
        if budget.exceeded:  # past the budget the value is unknown
            value = Value(UNKNOWN, loc=value.loc, identifier=key)
            if budget.first_line is None:
                budget.first_line = name_span.line
        var = collector.vocab.base_var(key)
        if template and var is not None and value.kind == LITERAL and value.text is not None and is_url_placeholder(value.text):
            value = Value(UNKNOWN, loc=value.loc, identifier=key)  # a hint for the user, not a URL
        entries.pop(key, None)  # the last definition wins, as in python-dotenv
        entries[key] = Entry(key, name_span, value)
        if value.kind == LITERAL and value.text is not None and not value.partial:
            literals[key] = value.text
        elif value.kind == ENV and value.text is not None:
            literals[key] = value.text
    if offset != len(text):  # the bindings did not tile the text: positions cannot be trusted
        return problem(FileFacts(path=path, kind="dotenv"), "cannot be analysed: python-dotenv did not read the whole file")
    for name, entry in entries.items():
        facts.env.append(EnvDefinition(name=name, value=entry.value, path=path, template=template))
    collector.env_routes(entries, "dotenv")
    if budget.first_line is not None:
        problem(facts, f"has `${{VAR}}` interpolation past its size budget ({MAX_VALUE // 1024} KiB per value, "
                       f"{budget.total_limit // 1024} KiB per file): the values from this line on that exceed it are unknown",
                lines.line_span(budget.first_line))
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        problem(facts, f"has a line python-dotenv cannot parse and skips{more}", lines.line_span(errors[0]))
    return facts


def _offset(lines: LineIndex, span: Span) -> int:
    return lines.starts[span.line - 1] + span.column - 1


def _offset_end(lines: LineIndex, span: Span) -> int:
    return lines.starts[span.end_line - 1] + span.end_column - 1


__all__ = ["analyze_dotenv"]

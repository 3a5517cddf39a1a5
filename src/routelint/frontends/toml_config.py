"""TOML files: any table with route-like keys (`[llm]`, `[tool.x]`, nested and inline tables, arrays
of tables), and env-style tables (`[env]` with `OPENAI_BASE_URL = ...`).

tomllib (tomli before Python 3.11) decides validity and every value. It reports no positions, so a
small scanner walks the (already validated) text once, tracking `[table]` / `[[array]]` headers,
dotted and quoted keys, inline tables and arrays, and records where each string value is written under
its full key path. A recorded token is used only if tomllib itself decodes it to the very value it
parsed at that path (`tomllib.loads("v = " + token)`), so a position is never guessed: a value whose
position cannot be verified has none, and its route site falls back to the key's line.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from routelint.catalog.model import Catalog
from routelint.data import tomllib
from routelint.facts import FileFacts, Span
from routelint.frontends.config_routes import (
    LineIndex,
    Mapping,
    Node,
    RouteCollector,
    Scalar,
    Sequence,
    Text,
    problem,
)
from routelint.sdks import SdkCatalog

MAX_SCAN_DEPTH = 100
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ERROR_AT = re.compile(r"\(at line (\d+), column (\d+)\)")
_SCALAR = re.compile(r"[^,\]\}\r\n#]*")

Path = tuple  # key path: strings for keys, ints for array indices


class _GiveUp(Exception):
    pass


class TomlPositions:
    """Where each string value and each key of a valid TOML document is written, by key path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.strings: dict[Path, tuple[int, int]] = {}  # path -> token span (quotes included)
        self.keys: dict[Path, tuple[int, int]] = {}  # path -> span of the last key segment
        self.arrays: dict[Path, int] = {}  # array-of-tables path -> tables seen so far

    # ------------------------------------------------------------ lexing helpers
    def _skip_space(self, newlines: bool) -> None:
        text, n = self.text, len(self.text)
        while self.i < n:
            char = text[self.i]
            if char in " \t" or (newlines and char in "\r\n"):
                self.i += 1
            elif char == "#":
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
            else:
                return

    def _expect(self, token: str) -> None:
        if not self.text.startswith(token, self.i):
            raise _GiveUp(f"expected {token!r} at {self.i}")
        self.i += len(token)

    def _string_end(self, start: int) -> int:
        text = self.text
        for quote in ('"""', "'''"):
            if text.startswith(quote, start):
                j = start + 3
                while True:
                    k = text.find(quote, j)
                    if k < 0:
                        raise _GiveUp("unterminated string")
                    if quote == '"""' and _escaped(text, k):
                        j = k + 1
                        continue
                    end = k + 3
                    while end < len(text) and text[end] == quote[0] and end - k < 5:
                        end += 1  # up to two quotes may sit right before the closing delimiter
                    return end
        quote = text[start]
        j = start + 1
        while j < len(text):
            char = text[j]
            if quote == '"' and char == "\\":
                j += 2
                continue
            if char == quote:
                return j + 1
            if char == "\n":
                break
            j += 1
        raise _GiveUp("unterminated string")

    def _key(self) -> tuple[str, tuple[int, int]]:
        start = self.i
        char = self.text[start : start + 1]
        if char in ('"', "'"):
            end = self._string_end(start)
            raw = self.text[start:end]
            self.i = end
            decoded = tomllib.loads(f"{raw} = 0")
            return next(iter(decoded)), (start, end)
        match = _BARE_KEY.match(self.text, start)
        if match is None:
            raise _GiveUp(f"no key at {start}")
        self.i = match.end()
        return match.group(0), match.span()

    def _dotted_key(self) -> tuple[list[str], tuple[int, int]]:
        parts: list[str] = []
        while True:
            self._skip_space(False)
            name, span = self._key()
            parts.append(name)
            self._skip_space(False)
            if self.text.startswith(".", self.i):
                self.i += 1
                continue
            return parts, span

    def _resolve(self, parts: list[str], array: bool) -> Path:
        path: Path = ()
        for index, part in enumerate(parts):
            path += (part,)
            last = index == len(parts) - 1
            if last and array:
                count = self.arrays.get(path, 0)
                self.arrays[path] = count + 1
                path += (count,)
            elif path in self.arrays:
                path += (self.arrays[path] - 1,)
        return path

    # ------------------------------------------------------------ document
    def scan(self) -> "TomlPositions":
        text, n = self.text, len(self.text)
        table: Path = ()
        while True:
            self._skip_space(True)
            if self.i >= n:
                return self
            if text.startswith("[[", self.i):
                self.i += 2
                parts, span = self._dotted_key()
                self._expect("]]")
                table = self._resolve(parts, array=True)
                self.keys[table] = span
            elif text[self.i] == "[":
                self.i += 1
                parts, span = self._dotted_key()
                self._expect("]")
                table = self._resolve(parts, array=False)
                self.keys.setdefault(table, span)
            else:
                parts, span = self._dotted_key()
                self._expect("=")
                path = table + tuple(parts)
                self.keys[path] = span
                self._skip_space(False)
                self._value(path, 0)

    def _skip_nested(self) -> None:
        """Step over an array or inline table nested beyond MAX_SCAN_DEPTH without recording it."""
        text, n, depth = self.text, len(self.text), 0
        while self.i < n:
            char = text[self.i]
            if char in ('"', "'"):
                self.i = self._string_end(self.i)
                continue
            if char == "#":
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
                continue
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth <= 0:
                    self.i += 1
                    return
            self.i += 1

    def _value(self, path: Path, depth: int) -> None:
        text = self.text
        if depth > MAX_SCAN_DEPTH and text[self.i : self.i + 1] in ("[", "{"):
            self._skip_nested()
            return
        char = text[self.i : self.i + 1]
        if char in ('"', "'"):
            end = self._string_end(self.i)
            self.strings[path] = (self.i, end)
            self.i = end
        elif char == "[":
            self.i += 1
            index = 0
            while True:
                self._skip_space(True)
                if text.startswith("]", self.i):
                    self.i += 1
                    return
                self._value(path + (index,), depth + 1)
                index += 1
                self._skip_space(True)
                if text.startswith(",", self.i):
                    self.i += 1
        elif char == "{":
            self.i += 1
            while True:
                self._skip_space(True)
                if text.startswith("}", self.i):
                    self.i += 1
                    return
                parts, span = self._dotted_key()
                self._expect("=")
                self.keys[path + tuple(parts)] = span
                self._skip_space(False)
                self._value(path + tuple(parts), depth + 1)
                self._skip_space(True)
                if text.startswith(",", self.i):
                    self.i += 1
        else:  # number, boolean, date-time: up to a delimiter
            match = _SCALAR.match(text, self.i)
            if match is None or match.end() == self.i:
                raise _GiveUp(f"no value at {self.i}")
            self.i = match.end()


def _escaped(text: str, index: int) -> bool:
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


class _Builder:
    def __init__(self, path: str, lines: LineIndex, positions: Optional[TomlPositions]) -> None:
        self.path = path
        self.lines = lines
        self.positions = positions

    def key_span(self, keys: Path) -> Span:
        if self.positions is not None:
            for length in range(len(keys), 0, -1):
                found = self.positions.keys.get(keys[:length])
                if found is not None:
                    return self.lines.span(*found)
        return Span.at_line(1)

    def text_for(self, keys: Path, value: str) -> Optional[Text]:
        if self.positions is None or keys not in self.positions.strings:
            return None
        start, end = self.positions.strings[keys]
        token = self.lines.text[start:end]
        try:
            if tomllib.loads("v = " + token)["v"] != value:
                return None
        except (tomllib.TOMLDecodeError, KeyError):
            return None
        width = 3 if token.startswith(('"""', "'''")) else 1
        inner_start, inner_end = start + width, end - width
        if width == 3:
            if self.lines.text.startswith("\r\n", inner_start):
                inner_start += 2
            elif self.lines.text.startswith("\n", inner_start):
                inner_start += 1
        exact = self.lines.text[inner_start:inner_end] == value
        return Text(value, self.path, self.lines, inner_start, inner_end, exact, token[:width])

    def build(self, data: Any, keys: Path, depth: int = 0) -> Node:
        if depth > MAX_SCAN_DEPTH:
            return None
        if isinstance(data, dict):
            result = Mapping(self.key_span(keys) if keys else Span.at_line(1))
            for key, value in data.items():
                result.put(str(key), self.key_span(keys + (key,)), self.build(value, keys + (key,), depth + 1))
            return result
        if isinstance(data, list):
            return Sequence(self.key_span(keys), [self.build(item, keys + (index,), depth + 1) for index, item in enumerate(data)])
        if isinstance(data, str):
            text = self.text_for(keys, data)
            if text is None:  # no verified position: the key's place stands for the value
                span = self.key_span(keys)
                start = self.lines.starts[span.line - 1] + span.column - 1
                end = self.lines.starts[span.end_line - 1] + span.end_column - 1
                text = Text(data, self.path, self.lines, start, end, False)
            return Scalar(data, text, "str")
        if isinstance(data, bool):
            return Scalar(str(data).lower(), None, "bool")
        if isinstance(data, (int, float)):
            return Scalar(str(data), None, "int" if isinstance(data, int) else "float")
        return Scalar(str(data), None, "other")


def analyze_toml(path: str, text: str, catalog: Catalog, sdks: SdkCatalog) -> FileFacts:
    facts = FileFacts(path=path, kind="toml")
    lines = LineIndex(text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _ERROR_AT.search(message)
        span = None
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            span = Span(line, column, line, column)
        reason = _ERROR_AT.sub("", message).strip().rstrip(".") or "syntax error"
        return problem(facts, f"is not valid TOML: {reason}", span)
    except RecursionError:
        return problem(facts, "cannot be analysed: TOML nested too deeply")
    except ValueError as exc:  # tomllib's int() of a number past Python's 4,300-digit limit
        return problem(facts, f"cannot be analysed: {str(exc).split(';')[0]}")
    try:
        positions: Optional[TomlPositions] = TomlPositions(text).scan()
    except (_GiveUp, ValueError, RecursionError, IndexError, StopIteration):
        positions = None
    root = _Builder(path, lines, positions).build(data, ())
    RouteCollector(facts, catalog, sdks, lines).document(root, "toml")
    return facts


__all__ = ["analyze_toml", "TomlPositions"]

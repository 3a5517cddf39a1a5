"""Positions and literal text of one module, read from CPython's `ast`.

`ast` gives each node `lineno`/`col_offset`/`end_lineno`/`end_col_offset`, with columns counted in
UTF-8 *bytes*; facts use 1-based *character* columns (what editors, SARIF and the fixer count). Lines
are split the way CPython's tokenizer splits them (`\\r\\n`, `\\r`, `\\n`), so line numbers agree.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from itertools import accumulate
from typing import Optional

from routelint.facts import Location, Span

_NEWLINE = re.compile(r"\r\n|\r|\n")
_QUOTE = re.compile(r"([rRuU]{0,2})('''|\"\"\"|'|\")")


class SourceText:
    """The analysed text with a line index: spans in characters, source segments, literal quotes."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        if "\r" in text:
            self.starts = [0]
            self.starts.extend(match.end() for match in _NEWLINE.finditer(text))
        else:  # the common case, split at C speed
            self.starts = list(accumulate((len(line) + 1 for line in text.split("\n")[:-1]), initial=0))

    def _line(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[start:end]

    def column(self, line: int, byte_offset: int) -> int:
        """0-based character column of a UTF-8 byte offset on `line`."""
        if line < 1 or line > len(self.starts):
            return byte_offset
        text = self._line(line)
        if text.isascii():
            return byte_offset
        return len(text.encode("utf-8", "surrogatepass")[:byte_offset].decode("utf-8", "ignore"))

    def span(self, node: ast.AST) -> Span:
        line, end_line = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        start = self.column(line, node.col_offset)  # type: ignore[attr-defined]
        end = self.column(end_line, node.end_col_offset if node.end_col_offset is not None else node.col_offset)  # type: ignore[attr-defined]
        return Span(line, start + 1, end_line, end + 1)

    def loc(self, node: ast.AST) -> Location:
        return Location(self.path, self.span(node))

    def offset(self, line: int, column: int) -> int:
        """Absolute character offset of a 1-based (line, character column)."""
        return self.starts[line - 1] + column - 1

    def segment(self, span: Span) -> str:
        return self.text[self.offset(span.line, span.column):self.offset(span.end_line, span.end_column)]

    def quote(self, node: ast.AST) -> Optional[str]:
        """Prefix + delimiter (`"`, `r'`, `\"\"\"`) when `node` is exactly one plain string literal,
        None for an implicit concatenation, f-string or bytes (fixes can only rewrite a single token)."""
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return None
        text = self.segment(self.span(node))
        match = _QUOTE.match(text)
        if match is None:
            return None
        delimiter = match.group(2)
        inner = text[match.end():]
        if not inner.endswith(delimiter) or len(inner) < len(delimiter):
            return None
        inner = inner[: -len(delimiter)]
        raw = "r" in match.group(1).lower()
        index = 0
        while index < len(inner):
            char = inner[index]
            if char == "\\" and not raw:
                index += 2
                continue
            if char == "\\" and raw:  # a raw string still cannot end its token on an escaped quote
                index += 2
                continue
            if inner.startswith(delimiter, index):
                return None  # the token ends here: more tokens follow (implicit concatenation)
            index += 1
        return match.group(0)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, character column) of an absolute character offset."""
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

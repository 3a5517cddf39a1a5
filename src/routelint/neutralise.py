"""Text from scanned files, made harmless for each output.

A URL, a model ID, a file name or a source line comes from a repository routelint does not trust; what
it may hold depends on where it is shown:
- a terminal (`full`, `concise`, GitHub annotations, the routes table): control characters (an
  `ESC [` sequence rewrites the screen or the title, a `\\r` hides text), Unicode bidirectional
  overrides (text that reads differently than it is) and undecodable bytes of a file name are shown
  as escapes (`\\x1b`, `\\u202e`, `\\xe9`);
- JSON and SARIF: the JSON encoder escapes control characters; undecodable bytes of a file name (lone
  surrogates, which no UTF-8 output can hold) are shown as `\\xNN`;
- CSV: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to a
  spreadsheet: it gets a leading `'` (OWASP's advice);
- Markdown: table and inline syntax (`|`, `` ` ``, `*`, `_`, `[`, `<`, ...) is escaped, so a model
  string cannot become a link, an image or HTML;
- HTML: `html.escape`.
"""

from __future__ import annotations

import re
from typing import Any

_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """`text` with every character that could act on a terminal (or hide text) escaped."""
    return _TERMINAL.sub(_escape, text) if text else text


def data(text: str) -> str:
    """`text` encodable as UTF-8: bytes of a non-UTF-8 file name become `\\xNN`."""
    return _SURROGATE.sub(_escape, text) if text else text


def data_tree(value: Any) -> Any:
    """`data()` applied to every string (keys included) of a JSON-shaped document."""
    if isinstance(value, str):
        return data(value)
    if isinstance(value, dict):
        return {data_tree(key): data_tree(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [data_tree(item) for item in value]
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = data(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


_MARKDOWN = re.compile(r"([\\`*\[\]<>|~])")  # `_` inside a word is literal in GitHub Markdown


def markdown(text: str) -> str:
    """Inline Markdown (a table cell or a list item): one line; code spans, emphasis, links, images,
    HTML and table syntax escaped."""
    return _MARKDOWN.sub(r"\\\1", terminal(text.replace("\r\n", " ").replace("\n", " ")))


__all__ = ["csv_cell", "data", "data_tree", "markdown", "terminal"]

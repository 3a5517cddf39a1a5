"""JSON files: app settings and editor/devcontainer configs with route-like keys or env maps.

The json module decides validity (and reports the error position); it has no positions for values,
so a small tokenizer walks the validated text once, reading every string with the json module's own
`scanstring` (escapes decoded exactly as `json.loads` does) and recording where it is written. Files
that editors read as JSON with comments (`.vscode/`, `.devcontainer/`, `tsconfig*.json`, ...) may hold
`//` and `/* */` comments and trailing commas: those are blanked out first, keeping every offset.

A saved `GET /v1/models` response (`{"data": [{"id": ...}]}`) is catalog input, not a route site.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring

from routelint.catalog.model import Catalog
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
from routelint.vocabulary import config_vocabulary

MAX_TREE_DEPTH = 100
_ATOM = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")
_WHITESPACE = re.compile(r"[ \t\n\r]*")


def allows_comments(path: str) -> bool:
    """Files their tools read as JSON with comments (VS Code's `jsonc`; the list: rules/vocabulary.toml)."""
    name = path.rsplit("/", 1)[-1].lower()
    jsonc = config_vocabulary()
    return (any(part in "/" + path for part in jsonc.jsonc_dirs) or name in jsonc.jsonc_names
            or name.startswith(jsonc.jsonc_name_prefixes))


def blank_comments(text: str) -> str:
    """`//` and `/* */` comments and trailing commas replaced by spaces (newlines kept): same offsets."""
    out = list(text)
    i, n = 0, len(text)
    last = -1  # the last significant character outside strings and comments
    while i < n:
        char = text[i]
        if char == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            last = min(j, n - 1)
            i = j + 1
            continue
        if text.startswith("//", i) or text.startswith("/*", i):
            if text.startswith("//", i):
                end = text.find("\n", i)
                end = n if end < 0 else end
            else:
                end = text.find("*/", i + 2)
                end = n if end < 0 else end + 2
            for k in range(i, end):
                if out[k] not in "\r\n":
                    out[k] = " "
            i = end
            continue
        if char in "]}" and last >= 0 and out[last] == ",":
            out[last] = " "  # a trailing comma
        if char not in " \t\r\n":
            last = i
        i += 1
    return "".join(out)


class _Reader:
    """Values of valid JSON text with positions; strings through json's own scanstring."""

    def __init__(self, path: str, text: str, lines: LineIndex) -> None:
        self.path = path
        self.text = text
        self.lines = lines

    def _space(self, i: int) -> int:
        return _WHITESPACE.match(self.text, i).end()  # type: ignore[union-attr]

    def _skip(self, i: int) -> int:
        """The end of the value at `i`, without building it (parts nested beyond MAX_TREE_DEPTH)."""
        depth = 0
        text, n = self.text, len(self.text)
        while i < n:
            char = text[i]
            if char == '"':
                _, i = scanstring(text, i + 1)
                if depth == 0:
                    return i
                continue
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return i + 1
            elif depth == 0 and char not in " \t\r\n":
                match = _ATOM.match(text, i)
                return match.end() if match else i + 1
            i += 1
        return i

    def value(self, i: int, depth: int) -> tuple[Node, int]:
        i = self._space(i)
        text = self.text
        char = text[i]
        if depth > MAX_TREE_DEPTH:
            return None, self._skip(i)
        if char == '"':
            value, end = scanstring(text, i + 1)
            exact = text[i + 1 : end - 1] == value
            return Scalar(value, Text(value, self.path, self.lines, i + 1, end - 1, exact, '"'), "str"), end
        if char == "{":
            start = i
            result = Mapping(Span.at_line(1))
            i = self._space(i + 1)
            while text[i] != "}":
                key, end = scanstring(text, i + 1)
                key_span = self.lines.span(i + 1, end - 1)
                i = self._space(end)
                i += 1  # ':'
                child, i = self.value(i, depth + 1)
                result.put(key, key_span, child)
                i = self._space(i)
                if text[i] == ",":
                    i = self._space(i + 1)
            result.span = self.lines.span(start, i + 1)
            return result, i + 1
        if char == "[":
            start = i
            items: list[Node] = []
            i = self._space(i + 1)
            while text[i] != "]":
                child, i = self.value(i, depth + 1)
                items.append(child)
                i = self._space(i)
                if text[i] == ",":
                    i = self._space(i + 1)
            return Sequence(self.lines.span(start, i + 1), items), i + 1
        match = _ATOM.match(text, i)
        if match is None:
            raise ValueError(f"unexpected character at {i}")
        atom = match.group(0)
        kind = "null" if atom == "null" else "bool" if atom in ("true", "false") else "float"
        return Scalar(None if atom == "null" else atom, None, kind), match.end()


def is_models_catalog(data: object) -> bool:
    """A saved `GET /v1/models` response: `{"object": "list", "data": [{"id": ..., "object": "model"}]}`."""
    if not isinstance(data, dict):
        return False
    items = data.get("data")
    return (
        isinstance(items, list)
        and bool(items)
        and all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in items)
        and not any(key in data for key in ("base_url", "api_base", "baseURL", "api_key"))
    )


def _integer(digits: str) -> object:
    """An integer too long for `int()` (Python refuses past 4,300 digits) is kept as its text: only
    strings matter to routes, and one such number must not stop the file, let alone the run."""
    return int(digits) if len(digits) <= 4000 else digits


def analyze_json(path: str, text: str, catalog: Catalog, sdks: SdkCatalog) -> FileFacts:
    facts = FileFacts(path=path, kind="json")
    source = blank_comments(text) if allows_comments(path) else text
    lines = LineIndex(text)
    try:
        data = json.loads(source, parse_int=_integer)
    except json.JSONDecodeError as exc:
        return problem(facts, f"is not valid JSON: {exc.msg}", Span(exc.lineno, exc.colno, exc.lineno, exc.colno))
    except RecursionError:
        return problem(facts, "cannot be analysed: JSON nested too deeply")
    if is_models_catalog(data):
        return facts  # catalog input (a pinned model list), not configuration
    try:
        root, _ = _Reader(path, source, lines).value(0, 0)
    except (ValueError, IndexError, RecursionError):
        return facts
    RouteCollector(facts, catalog, sdks, lines).document(root, "json")
    return facts


__all__ = ["analyze_json", "allows_comments", "blank_comments", "is_models_catalog"]

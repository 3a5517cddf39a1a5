"""tree-sitter plumbing for the JS/TS frontend: which grammar reads a file, node text, positions.

tree-sitter reports byte offsets and (row, byte column) points; every Span routelint shows is 1-based
and counts characters, so columns are converted per line (free for ASCII lines). The grammars come
from the `tree-sitter-javascript` / `tree-sitter-typescript` wheels: no Node.js, no build step.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache
from typing import Iterator, Optional

from routelint.facts import Span

# suffix -> grammar; `.js` files may hold JSX, which the JavaScript grammar reads
GRAMMARS = {
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
}
MAX_ERRORS_SHOWN = 1


def grammar_for(path: str) -> str:
    suffix = posixpath.splitext(path.lower())[1]
    return GRAMMARS.get(suffix, "javascript")


@lru_cache(maxsize=None)
def parser(grammar: str):
    """One parser per grammar and process (workers build their own after fork)."""
    import tree_sitter

    if grammar == "javascript":
        import tree_sitter_javascript as module

        language = module.language()
    else:
        import tree_sitter_typescript as module

        language = module.language_tsx() if grammar == "tsx" else module.language_typescript()
    return tree_sitter.Parser(tree_sitter.Language(language))


def parse(path: str, data: bytes):
    return parser(grammar_for(path)).parse(data)


class Source:
    """The UTF-8 bytes a tree was parsed from, with byte -> character column conversion."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self.ascii = len(self.data) == len(text)
        self.line_starts = [0]
        index = self.data.find(b"\n")
        while index != -1:
            self.line_starts.append(index + 1)
            index = self.data.find(b"\n", index + 1)

    def node_text(self, node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def _column(self, row: int, byte_column: int) -> int:
        if self.ascii:
            return byte_column + 1
        start = self.line_starts[row] if row < len(self.line_starts) else len(self.data)
        return len(self.data[start:start + byte_column].decode("utf-8", "replace")) + 1

    def span(self, node) -> Span:
        (row, column), (end_row, end_column) = node.start_point, node.end_point
        return Span(row + 1, self._column(row, column), end_row + 1, self._column(end_row, end_column))


def errors(root) -> Iterator:
    """ERROR and MISSING nodes, in document order (only subtrees that contain one are entered)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            yield node
            continue
        if node.has_error:
            stack.extend(reversed(node.children))


def error_count(path: str, text: str) -> int:
    """How many syntax errors tree-sitter finds: the fixer compares it before and after an edit."""
    tree = parse(path, text.encode("utf-8", "surrogatepass"))
    return sum(1 for _ in errors(tree.root_node)) if tree.root_node.has_error else 0


def shape(path: str, text: str) -> Optional[tuple]:
    """The syntax tree without its comments, as nested tuples of (node type, leaf text or children):
    two texts with the same shape mean the same program. None when the text has a syntax error."""
    tree = parse(path, text.encode("utf-8", "surrogatepass"))
    if tree.root_node.has_error:
        return None
    built: list = [[]]  # iterative post-order: deep nesting must not exhaust the interpreter's stack
    stack = [(tree.root_node, False)]
    while stack:
        node, done = stack.pop()
        if node.type == "comment":
            continue
        if not done:
            if node.child_count == 0:
                built[-1].append((node.type, node.text))
                continue
            stack.append((node, True))
            built.append([])
            stack.extend((child, False) for child in reversed(node.children))
            continue
        children = tuple(built.pop())
        built[-1].append((node.type, children))
    return tuple(built[0])


def unwrap(node):
    """The expression inside parentheses, `await`, TypeScript `as`/`satisfies`/`!` and type assertions."""
    while node is not None and node.type in (
        "parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
        "await_expression", "type_assertion",
    ):
        inner = node.named_children
        if not inner:
            return node
        node = inner[-1] if node.type == "type_assertion" else inner[0]
    return node


def field(node, name: str):
    return node.child_by_field_name(name) if node is not None else None


def string_value(source: Source, node) -> Optional[tuple[str, str, bool]]:
    """(text, quote, plain) of a string literal; plain = no escape sequences (its span is its text)."""
    if node is None or node.type != "string":
        return None
    raw = source.node_text(node)
    quote = raw[:1]
    parts = []
    plain = True
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(source.node_text(child))
        elif child.type == "escape_sequence":
            plain = False
            parts.append(_unescape(source.node_text(child)))
    return "".join(parts), quote, plain


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}


def _unescape(sequence: str) -> str:
    body = sequence[1:]
    if not body:
        return ""
    if body[0] == "u" and len(body) >= 5 and body[1] != "{":
        try:
            return chr(int(body[1:5], 16))
        except ValueError:
            return body
    if body[0] == "x" and len(body) == 3:
        try:
            return chr(int(body[1:], 16))
        except ValueError:
            return body
    if body[0] in "\r\n":
        return ""  # a line continuation
    return _ESCAPES.get(body[0], body[0])


def property_name(source: Source, node) -> Optional[str]:
    """The static name of an object key / member property (`a`, `"a"`, `[`a`]` with a plain string)."""
    if node is None:
        return None
    if node.type in ("property_identifier", "identifier", "private_property_identifier", "shorthand_property_identifier"):
        return source.node_text(node)
    if node.type == "string":
        found = string_value(source, node)
        return found[0] if found else None
    if node.type == "number":
        return source.node_text(node)
    if node.type == "computed_property_name" and node.named_children:
        return property_name(source, node.named_children[0]) if node.named_children[0].type == "string" else None
    return None

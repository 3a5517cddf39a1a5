"""Files written for a newer Python than the one running routelint (PEP 701 f-strings, `type`
aliases and type parameters under Python 3.10/3.11): libcst reads them, and the few constructs the
running parser rejects are blanked out *in place* — same length, same line breaks — so CPython's
`ast` parses the result with every other position unchanged and the one analysis reads it.

A blanked f-string becomes `...` (unknown to the evaluator: it never produces a finding); `type X = v`
becomes `X      = v`; type parameters become spaces. Only these rare files pay for libcst here.
"""

from __future__ import annotations

import ast
import re
from typing import Optional

from routelint.frontends.python.source import SourceText


# what a newer grammar may have written: `type X = ...`, `def f[T](...)` / `class C[T]`, f-strings
_NEWER = re.compile(r"^[ \t]*type[ \t]+\w+|\b(?:def|class)[ \t]+\w+[ \t]*\[|\b[fF][rR]?['\"]|\b[rR][fF]['\"]", re.MULTILINE)
MAX_NESTING = 100  # libcst's parser is not handed pathological nesting


def worth_lowering(text: str, message: str) -> bool:
    """Could this syntax error come from newer grammar (and is the file safe to hand to libcst)?"""
    if "nested" in message or _NEWER.search(text) is None:
        return False
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest <= MAX_NESTING


def _blank(text: str, filler: str) -> str:
    """`filler` over `text`, line breaks kept: `(...` + spaces + `)` when it spans lines."""
    spaces = "".join(char if char in "\r\n" else " " for char in text)
    if not filler:
        return spaces
    if "\n" not in text and "\r" not in text:
        return (filler + spaces[len(filler):]) if len(text) >= len(filler) else spaces
    head = "(" + filler
    return head + spaces[len(head):-1] + ")"


def lowered_source(text: str) -> Optional[str]:
    """`text` with the newer-grammar constructs blanked, or None when libcst cannot parse it either."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError, ValueError):
        return None
    source = SourceText("", text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    edits: list[tuple[int, int, str]] = []

    def offsets(node: cst.CSTNode) -> tuple[int, int]:
        where = positions[node]
        return (source.offset(where.start.line, where.start.column + 1),
                source.offset(where.end.line, where.end.column + 1))

    class Blanker(cst.CSTVisitor):
        def visit_TypeAlias(self, node: cst.TypeAlias) -> None:
            start, _ = offsets(node)
            _, name_end = offsets(node.name)
            written = text[start:name_end]
            edits.append((start, name_end, node.name.value + " " * (len(written) - len(node.name.value))))

        def visit_TypeParameters(self, node: cst.TypeParameters) -> None:
            edits.append((*offsets(node), ""))

        def visit_FormattedString(self, node: cst.FormattedString) -> bool:
            start, end = offsets(node)
            try:
                ast.parse("(" + text[start:end] + "\n)", mode="eval")
                return True
            except (SyntaxError, ValueError):
                edits.append((start, end, "..."))
                return False  # the whole f-string is gone: nothing inside it needs an edit

    try:
        wrapper.visit(Blanker())
    except RecursionError:
        return None
    lowered = text
    done: set[tuple[int, int]] = set()
    for start, end, filler in sorted(edits, reverse=True):
        if (start, end) in done:
            continue
        done.add((start, end))
        original = lowered[start:end]
        replacement = _blank(original, filler) if filler in ("", "...") else filler
        lowered = lowered[:start] + replacement + lowered[end:]
    return lowered

"""Fix anchors: the spans checks need to build text edits, recorded as facts (never as tree nodes).

- where an `import os` line can go, and the module-level names of `os.environ`;
- plain string literals that may hold a whole key (RL202's fix replaces the literal, quotes included);
- where a keyword argument can be added to a call (RL201 adds `api_key=...`).

Fixes are applied by the fixer, which parses the edited file with libcst and re-parses the result.
"""

from __future__ import annotations

import ast
from typing import Optional

from routelint.facts import FileFacts, Span
from routelint.frontends.python.source import SourceText

MIN_KEY_LITERAL = 20  # characters of source text, quotes included


def _first_line(statement: ast.stmt) -> int:
    decorators = getattr(statement, "decorator_list", ())
    return min([statement.lineno] + [decorator.lineno for decorator in decorators])


def _after_header(source: SourceText, first_line: int) -> int:
    """The line after the module's top comments (shebang, license): after the last blank line before
    the first statement, so a comment block attached to that statement stays with it."""
    last_blank = 0
    for line in range(1, first_line):
        text = source.text[source.starts[line - 1]:source.starts[line] if line < len(source.starts) else len(source.text)]
        if not text.strip():
            last_blank = line
    return last_blank + 1 if last_blank else 1


def module_anchors(tree: ast.Module, source: SourceText, facts: FileFacts) -> None:
    """`facts.environ_names` and `facts.import_line`."""
    preamble_end = 0  # last line of the module docstring and `from __future__` imports
    insert_at: Optional[int] = None
    lines = len(source.starts)
    for index, statement in enumerate(tree.body):
        docstring = index == 0 and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
            and isinstance(statement.value.value, str)
        future = isinstance(statement, ast.ImportFrom) and statement.module == "__future__" and not statement.level
        if docstring or future:
            preamble_end = statement.end_lineno or statement.lineno
            continue
        if insert_at is None:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                insert_at = statement.lineno
            else:
                insert_at = preamble_end + 1 if preamble_end else _after_header(source, _first_line(statement))
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname is None and alias.name.split(".")[0] == "os":
                    facts.environ_names.append(("os.environ", statement.lineno))
                elif alias.asname is not None and alias.name == "os":
                    facts.environ_names.append((alias.asname + ".environ", statement.lineno))
        elif isinstance(statement, ast.ImportFrom) and statement.module == "os" and not statement.level:
            for alias in statement.names:
                if alias.name == "environ":
                    facts.environ_names.append((alias.asname or "environ", statement.lineno))
    if insert_at is None:
        insert_at = preamble_end + 1 if preamble_end else _after_header(source, lines + 1)
    facts.import_line = insert_at


def key_literal(source: SourceText, node: ast.Constant) -> Optional[tuple[Span, str, str]]:
    """(span incl. quotes, value, prefix + quote) of a plain literal that may be a whole key."""
    if not isinstance(node.value, str) or len(node.value) < MIN_KEY_LITERAL - 2 or node.lineno != node.end_lineno:
        return None
    span = source.span(node)
    if span.end_column - span.column < MIN_KEY_LITERAL:
        return None
    text = source.segment(span)
    if any(char.isspace() for char in text):
        return None
    quote = source.quote(node)
    return (span, node.value, quote) if quote is not None else None


def argument_insert(source: SourceText, call: ast.Call, param: str) -> Optional[tuple[Span, str, str, str]]:
    """Where a keyword argument goes: right after the last argument (after the parentheses around
    it, before its comma if any), on a new line after the trailing comma of a one-per-line call, or
    right before `)` of an empty call. (span, text before, `param=`, text after). None when the call
    splats a dict (`**kwargs`): the argument may arrive through it, and passing it twice is a TypeError."""
    if any(keyword.arg is None for keyword in call.keywords):
        return None
    end = source.span(call)
    items: list[ast.AST] = [*call.args, *call.keywords]
    if not items:
        return Span(end.end_line, end.end_column - 1, end.end_line, end.end_column - 1), "", param + "=", ""
    last = max(items, key=lambda item: (item.end_lineno, item.end_col_offset))  # type: ignore[attr-defined]
    first = source.span(last)
    after = source.offset(first.end_line, first.end_column)
    close = source.offset(end.end_line, end.end_column) - 1  # the call's `)`
    between = source.text[after:close]
    comma: Optional[int] = None
    closed = 0  # characters up to the last `)` that wraps the argument itself
    in_comment = False
    for index, char in enumerate(between):
        if in_comment:
            in_comment = char not in "\r\n"
        elif char == "#":
            in_comment = True
        elif char == ")" and comma is None:
            closed = index + 1
        elif char == "," and comma is None:
            comma = index
    value_end = source.position(after + closed)
    if comma is not None and end.end_line > value_end[0]:
        # one argument per line with a trailing comma: a new line, indented like the last argument
        line, column = source.position(after + comma + 1)
        return Span(line, column, line, column), "\n" + " " * (first.column - 1), param + "=", ","
    line, column = value_end
    return Span(line, column, line, column), ", ", param + "=", ""

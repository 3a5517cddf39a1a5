"""Suppression directives: the comment grammar, and finding directives in one file's comments.

Forms, in a comment (`#`) of Python, .env, YAML, TOML and hash-comment text files (shell, Dockerfile,
INI, ...):

    # routelint: ignore[RL201] reason       only RL201 (codes or prefixes, comma or space separated)
    # routelint: ignore                     every code
    # noqa: RL201                           flake8/Ruff style; non-RL codes in the list are not ours

Directives are strict. One counts only at the start of a comment (`# routelint: ...`) or of a later
`#` part of it (`# noqa: E501 # routelint: ignore[RL101]`), never inside prose. After `ignore` comes
either nothing (every code: exactly `# routelint: ignore`) or `[CODES]`, then the end of the comment
or a space and a reason. Anything else (`ignore [RL202]`, `ignore[RL202`, `ignore-RL202`,
`ignore(RL202)`, `ignore[]`) is malformed: it suppresses nothing and is reported as RL002, so a typo
never silences every code on a line.

A suppression applies to findings reported on its own line; in Python, a suppression on the first
line of a statement applies to the whole statement (a multi-line call, a triple-quoted string).
A bare `# noqa` (no codes) belongs to other tools and is ignored. JSON has no comments: use
`per-file-ignores` or a baseline there.

Finding the comments runs per file in the workers and costs nothing for a file without the word
`routelint` or a `noqa` followed by an RL code on its line: a plain `# noqa: E501` is another tool's,
and reading real comment tokens (Python's pure-Python tokenizer) cost as much as parsing the module,
in every file of a codebase that uses Ruff or flake8. This module knows the grammar and how comments start on a line (`#` with
Python's or a config file's quoting, `//` in JS/TS); it knows no file kinds: `routelint.filekinds`
says which syntax a kind has, `routelint.suppressions` finds, applies and adds suppressions per kind,
and the notebook frontend reads its code cells with it. Applying them (and reporting unused ones as
RL002) happens after the checks.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import Callable, Iterator, Optional

from routelint.facts import Span, Suppression

# each is matched at the start of one `#` part of a comment (bounded text: no rescans)
_ROUTELINT = re.compile(r"routelint\s*:\s*ignore", re.IGNORECASE)
_CODES = re.compile(r"\[([A-Za-z]+[0-9]*(?:(?:\s*,\s*|\s+)[A-Za-z]+[0-9]*)*)\](?=\s|$)")
_NOQA = re.compile(r"noqa\s*:\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*)", re.IGNORECASE)
_CODE_SPLIT = re.compile(r"[\s,]+")
_RL_CODE = re.compile(r"\brl[a-z]*[0-9]")  # in lowered text: a code of ours a `noqa` list may hold (`RL201`, a typo `RLX1`)


def _may_hold_directive(lowered_line: str) -> bool:
    """Could this (lower-cased) line hold one of our directives? One scan of the line at most."""
    if "routelint" in lowered_line:
        return True
    at = lowered_line.find("noqa")
    return at >= 0 and _RL_CODE.search(lowered_line, at) is not None


# ---------------------------------------------------------------------------- where comments start
def _unquoted(line: str, quotes: str, escapes: bool) -> Iterator[int]:
    """Indexes of the characters of `line` outside quoted strings."""
    quote: Optional[str] = None
    escaped = False
    for index, char in enumerate(line):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\" and escapes:
                escaped = True
            elif char == quote:
                quote = None
        elif char in quotes:
            quote = char
        else:
            yield index


def comment_start(line: str, python: bool) -> Optional[int]:
    """Column (0-based) of the '#' that starts a comment on this line, respecting quotes."""
    for index in _unquoted(line, "\"'", python):
        if line[index] == "#" and (python or index == 0 or line[index - 1] in " \t"):
            return index
    return None


def js_comment_start(line: str) -> Optional[int]:
    """Column (0-based) of the `//` that starts a JS/TS line comment, or of a `/*` / `*` comment line,
    respecting quotes and template literals on the line."""
    stripped = line.lstrip()
    if stripped.startswith(("/*", "* ", "*/")) or stripped == "*":
        return len(line) - len(stripped)
    for index in _unquoted(line, "\"'`", True):
        if line[index] == "/" and line[index + 1:index + 2] in ("/", "*"):
            return index
    return None


# ---------------------------------------------------------------------------- directives
def _codes(raw: Optional[str]) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(code.upper() for code in _CODE_SPLIT.split(raw.strip()) if code)


def parse_comment(comment: str) -> list[tuple[int, int, tuple[str, ...], str]]:
    """(start, end, codes, malformed) of each directive in the text of one comment (starting at its
    `#`); codes () = every code; `malformed` says why a `routelint:` directive suppresses nothing.

    The comment is split at each `#` once, and a directive is matched only at the start of a part:
    linear in the comment, whatever it holds."""
    found: list[tuple[int, int, tuple[str, ...], str]] = []
    position = 0
    for part in comment.split("#"):
        start = position + len(part) - len(part.lstrip())
        body = part.strip()
        position += len(part) + 1
        lowered = body[:9].lower()
        if lowered.startswith("routelint"):
            match = _ROUTELINT.match(body)
            if match is None:
                continue  # `routelint` in words of its own: not a directive
            rest = body[match.end():]
            if not rest:
                found.append((start, start + match.end(), (), ""))
                continue
            codes = _CODES.match(rest)
            if codes is not None:
                found.append((start, start + match.end() + codes.end(), _codes(codes.group(1)), ""))
                continue
            found.append((start, start + len(body), (), f"`ignore` must be followed by [CODES] or nothing, not {rest[:20]!r}"))
        elif lowered.startswith("noqa"):
            match = _NOQA.match(body)
            if match is None:
                continue  # a bare `noqa`, or another tool's codes
            ours = tuple(code for code in _codes(match.group("codes")) if code.startswith("RL"))
            if ours:  # a noqa list without RL codes is another tool's business
                found.append((start, start + match.end(), ours, ""))
    return found


def _python_comments(text: str) -> Optional[list[tuple[int, int, str]]]:
    """(line, column0, text) of every real comment token, or None when the file does not tokenize."""
    try:
        return [
            (token.start[0], token.start[1], token.string)
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.COMMENT
        ]
    except (tokenize.TokenError, IndentationError, SyntaxError, ValueError):
        return None


def _first_line(node) -> int:
    """A statement's or handler's first line; a `case` block has none of its own: its pattern's."""
    return node.lineno if hasattr(node, "lineno") else node.pattern.lineno


def statement_extents(text: str) -> dict[int, int]:
    """First line of each Python statement -> its last line (a compound statement: its header only)."""
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    extents: dict[int, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        first = min([node.lineno] + [decorator.lineno for decorator in getattr(node, "decorator_list", [])])
        children = [_first_line(child) for child in ast.iter_child_nodes(node)
                    if isinstance(child, (ast.stmt, ast.excepthandler, getattr(ast, "match_case", ast.stmt)))]
        last = max(first, min(children) - 1) if children else (node.end_lineno or node.lineno)
        extents[first] = max(extents.get(first, first), last)
    return extents


def hash_form(comment: str) -> str:
    """A JS/TS comment (from its `//`, `/*` or `*`) read as a `#` one, column for column: the marker and
    every later `//` become `# `, so `// reviewed // routelint: ignore[RL301]` holds a directive as
    `# reviewed  # routelint: ignore[RL301]` does in Python."""
    return "# " + comment[2:].replace("//", "# ")


def find_directives(path: str, text: str, comment_at: Callable[[str], Optional[int]], *, python: bool = False,
                    slash: bool = False) -> list[Suppression]:
    """Every suppression directive in one file's text. `comment_at(line)` says where a comment starts
    on a line (its kind's syntax); `python`: read real comment tokens and extend a directive over its
    statement; `slash`: comments start with `//`, read as `# ` (same columns)."""
    lowered = text.lower()
    if "routelint" not in lowered and "noqa" not in lowered:  # most files hold neither word
        return []
    lines = text.splitlines()
    marked = {number for number, line in enumerate(lowered.splitlines(), start=1) if _may_hold_directive(line)}
    if not marked:
        return []
    comments: Optional[list[tuple[int, int, str]]] = None
    if python:  # real comment tokens (not `#` inside strings), on the marked lines only
        tokens = _python_comments(text)
        comments = [comment for comment in tokens if comment[0] in marked] if tokens is not None else None
    if comments is None:
        comments = []
        for number in sorted(marked):
            line = lines[number - 1]
            start = comment_at(line)
            if start is None:
                continue
            comments.append((number, start, hash_form(line[start:]) if slash else line[start:]))
    found = [
        (line, column, start, end, codes, malformed)
        for line, column, comment in comments
        for start, end, codes, malformed in parse_comment(comment)
    ]
    extents = statement_extents(text) if python and found else {}
    return [
        Suppression(path=path, line=line, codes=codes, span=Span(line, column + start + 1, line, column + end + 1),
                    end_line=extents.get(line, line), malformed=malformed)
        for line, column, start, end, codes, malformed in found
    ]


def python_directives(path: str, text: str) -> list[Suppression]:
    """`find_directives` for Python source (a module, or a notebook's code cells joined)."""
    return find_directives(path, text, lambda line: comment_start(line, True), python=True)

"""Suppression comments, and `--add-suppressions`.

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

Finding the comments runs per file in the workers and costs nothing for a file without the words
`routelint` or `noqa`. Applying them (and reporting unused ones as RL002) happens after the checks.
"""

from __future__ import annotations

import io
import posixpath
import re
import tokenize
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional, Sequence

from routelint.facts import Span, Suppression
from routelint.filekinds import KINDS, SLASH, comment_start, line_comment_start, same_meaning
from routelint.textio import FileChanged, TextFile

UNUSED_CODE = "RL002"

# each is matched at the start of one `#` part of a comment (bounded text: no rescans)
_ROUTELINT = re.compile(r"routelint\s*:\s*ignore", re.IGNORECASE)
_CODES = re.compile(r"\[([A-Za-z]+[0-9]*(?:(?:\s*,\s*|\s+)[A-Za-z]+[0-9]*)*)\](?=\s|$)")
_NOQA = re.compile(r"noqa\s*:\s*(?P<codes>[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*)", re.IGNORECASE)
_CODE_SPLIT = re.compile(r"[\s,]+")

# text files (no frontend) whose comments start with '#': suppressions work there too
_HASH_COMMENT_SUFFIXES = (
    ".sh", ".bash", ".zsh", ".ksh", ".fish", ".cfg", ".ini", ".conf", ".properties", ".tf", ".tfvars",
    ".hcl", ".rb", ".pl", ".r", ".ps1", ".mk", ".txt", ".envrc",
)
_HASH_COMMENT_NAMES = ("dockerfile", "containerfile", "makefile", "procfile", "gemfile", ".envrc")


def supports_comments(kind: str, path: str) -> bool:
    """Can a file of `kind` hold a suppression? Every kind with a comment syntax (`filekinds`), and text
    files whose format has `#` comments."""
    entry = KINDS.get(kind)
    if entry is not None:
        return entry.comment is not None
    if kind != "text":
        return False
    name = posixpath.basename(path).lower()
    return name.endswith(_HASH_COMMENT_SUFFIXES) or name in _HASH_COMMENT_NAMES or name.startswith("dockerfile")


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


def find_suppressions(kind: str, path: str, text: str) -> list[Suppression]:
    """Every suppression comment in one file's text."""
    if kind == "notebook":  # comments live in the code cells' strings: the notebook frontend finds them
        from routelint.frontends.notebook import suppressions_in

        return suppressions_in(path, text)
    if not supports_comments(kind, path):
        return []
    lowered = text.lower()
    if "routelint" not in lowered and "noqa" not in lowered:  # most files hold neither word
        return []
    lines = text.splitlines()
    marked = {number for number, line in enumerate(lowered.splitlines(), start=1) if "routelint" in line or "noqa" in line}
    if not marked:
        return []
    comments: Optional[list[tuple[int, int, str]]] = None
    python = kind == "python"
    if python:  # real comment tokens (not `#` inside strings), on the marked lines only
        tokens = _python_comments(text)
        comments = [comment for comment in tokens if comment[0] in marked] if tokens is not None else None
    if comments is None:
        comments = []
        slash = kind in KINDS and KINDS[kind].comment == SLASH
        for number in sorted(marked):
            line = lines[number - 1]
            start = line_comment_start(kind, line)
            if start is None:
                continue
            # `// routelint: ...` reads as `#  routelint: ...` (same columns)
            comments.append((number, start, "# " + line[start + 2:] if slash else line[start:]))
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


# --------------------------------------------------------------------------- applying


def _covers(suppression: Suppression, code: str) -> Optional[str]:
    """The suppression code (or "" for a bare one) that covers `code`, if any."""
    if not suppression.codes:
        return ""
    for item in suppression.codes:
        if code.startswith(item):
            return item
    return None


@dataclass
class Applied:
    kept: list = field(default_factory=list)  # diagnostics left
    suppressed: int = 0
    unused: list[tuple[Suppression, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)  # (s, unused, unknown)


def apply(
    diagnostics: Sequence,
    suppressions: Iterable[Suppression],
    enabled: Callable[[str, str], bool],
    known_codes: Iterable[str],
) -> Applied:
    """Drop suppressed diagnostics; collect suppressions (or codes of them) that matched nothing.

    `enabled(code, path)` says whether a code can be reported for a path: a suppression code that is
    switched off there is not judged, and a bare suppression is judged only where every rule is on.
    """
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    every: list[Suppression] = []
    for suppression in suppressions:
        every.append(suppression)
        if suppression.malformed:
            continue  # suppresses nothing
        for line in range(suppression.line, max(suppression.line, suppression.end_line) + 1):
            by_line.setdefault((suppression.path, line), []).append(suppression)
    used: dict[int, set[str]] = {}
    result = Applied()
    for diagnostic in diagnostics:
        hit = False
        for suppression in by_line.get((diagnostic.path, diagnostic.span.line), ()):
            matched = _covers(suppression, diagnostic.code)
            if matched is not None:
                used.setdefault(id(suppression), set()).add(matched)
                hit = True
        if hit:
            result.suppressed += 1
        else:
            result.kept.append(diagnostic)
    known = tuple(known_codes)
    for suppression in every:
        matched = used.get(id(suppression), set())
        if not enabled(UNUSED_CODE, suppression.path):
            continue
        if suppression.malformed:
            result.unused.append((suppression, (), ()))
            continue
        if not suppression.codes:
            if not matched and all(enabled(code, suppression.path) for code in known if code != UNUSED_CODE):
                result.unused.append((suppression, (), ()))
            continue
        unknown = tuple(code for code in suppression.codes if not any(rule.startswith(code) for rule in known))
        idle = tuple(
            code for code in suppression.codes
            if code not in matched and code not in unknown
            and any(enabled(rule, suppression.path) for rule in known if rule.startswith(code))
        )
        if idle or unknown:
            result.unused.append((suppression, idle, unknown))
    return result


def unused_message(idle: tuple[str, ...], unknown: tuple[str, ...], malformed: str = "") -> str:
    if malformed:
        return f"malformed suppression: {malformed}; it suppresses nothing (write `routelint: ignore[CODE]`)"
    parts = []
    if unknown:
        parts.append(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a routelint rule code")
    if idle:
        parts.append(f"no {', '.join(idle)} finding is reported here")
    if not parts:
        parts.append("no finding is reported here")
    return "unused suppression: " + "; ".join(parts) + "; remove it"


# --------------------------------------------------------------------------- adding


@dataclass
class AddReport:
    added: int = 0  # findings now covered by a new or extended comment
    files: int = 0
    skipped: list[tuple[str, int, str, str]] = field(default_factory=list)  # (path, line, code, why)


_LINE_END = re.compile(r"(\r\n|\r|\n)$")


def _split_ending(line: str) -> tuple[str, str]:
    match = _LINE_END.search(line)
    return (line[: match.start()], match.group(1)) if match else (line, "")


def _with_codes(body: str, kind: str, path: str, codes: Sequence[str]) -> str:
    """The line `body` (no line ending) with a suppression for `codes` added or merged in."""
    python = kind == "python"
    start = comment_start(body, python)
    if start is not None:
        comment = body[start:]
        for begin, end, present, malformed in parse_comment(comment):
            if present and not malformed and comment[begin:begin + 9].lower() == "routelint":
                merged = list(present) + [code for code in codes if code not in present]
                replacement = f"routelint: ignore[{', '.join(merged)}]"
                return body[: start + begin] + replacement + body[start + end:]
    tag = f"# routelint: ignore[{', '.join(codes)}]"
    return (body.rstrip() + "  " + tag) if body.strip() else tag


def _covered(kind: str, path: str, text: str, line: int, codes: Sequence[str]) -> bool:
    found = find_suppressions(kind, path, text)
    for code in codes:
        if not any(s.line <= line <= max(s.line, s.end_line) and _covers(s, code) is not None for s in found):
            return False
    return True


def add_suppressions(diagnostics: Iterable, kinds: dict[str, str]) -> AddReport:
    """Write `# routelint: ignore[CODE]` comments for these diagnostics, file by file.

    A comment goes at the end of the reported line or, in Python, of the first line of the statement
    when the reported line cannot take one (inside a triple-quoted string, after a backslash). Each
    edit is kept only if the file still means the same (re-parsed) and the finding is then covered.
    """
    report = AddReport()
    wanted: dict[str, dict[int, list[str]]] = {}
    for diagnostic in diagnostics:
        if diagnostic.code == UNUSED_CODE:
            continue
        codes = wanted.setdefault(diagnostic.path, {}).setdefault(diagnostic.span.line, [])
        if diagnostic.code not in codes:
            codes.append(diagnostic.code)
    for path, lines in sorted(wanted.items()):
        kind = kinds.get(path, "text")
        if kind == "notebook":
            _add_in_notebook(path, lines, report)
            continue
        if not supports_comments(kind, path):
            for line, codes in sorted(lines.items()):
                for code in codes:
                    report.skipped.append((path, line, code, f"{kind} files have no comments: use per-file-ignores or a baseline"))
            continue
        try:
            source = TextFile.read(path)
        except (OSError, UnicodeDecodeError) as exc:
            for line, codes in sorted(lines.items()):
                for code in codes:
                    report.skipped.append((path, line, code, f"cannot be read: {exc}"))
            continue
        text = original = source.text
        extents = statement_extents(text) if kind == "python" else {}
        starts = sorted(extents)
        for line, codes in sorted(lines.items()):
            candidates = [line]
            if kind == "python":
                first = max((start for start in starts if start <= line and extents[start] >= line), default=None)
                if first is not None and first != line:
                    candidates.append(first)
            done = False
            for target in candidates:
                rows = text.splitlines(keepends=True)
                if not 1 <= target <= len(rows):
                    continue
                body, ending = _split_ending(rows[target - 1])
                rows[target - 1] = _with_codes(body, kind, path, codes) + ending
                edited = "".join(rows)
                if not same_meaning(kind, text, edited):
                    continue
                if not _covered(kind, path, edited, line, codes):
                    continue
                text = edited
                report.added += len(codes)
                done = True
                break
            if not done:
                for code in codes:
                    report.skipped.append((path, line, code, "no comment can be placed there without changing the file's meaning"))
        if text != original:
            try:
                source.replace(text)
            except FileChanged:
                for line, codes in sorted(lines.items()):
                    for code in codes:
                        report.skipped.append((path, line, code, "the file changed while routelint was running"))
                continue
            report.files += 1
    return report


def _add_in_notebook(path: str, lines: dict[int, list[str]], report: AddReport) -> None:
    """`add_suppressions` for a notebook: the comment goes at the end of the code-cell line inside its
    JSON string (outputs and markdown take none); kept only when the cells still mean the same."""
    from routelint.frontends.notebook import with_comment

    try:
        source = TextFile.read(path)
    except (OSError, UnicodeDecodeError) as exc:
        report.skipped.extend((path, line, code, f"cannot be read: {exc}") for line, codes in sorted(lines.items()) for code in codes)
        return
    text = original = source.text
    for line, codes in sorted(lines.items()):
        edited = with_comment(text, line, lambda body: _with_codes(body, "python", path, codes))
        if edited is None or not _covered("notebook", path, edited, line, codes):
            report.skipped.extend((path, line, code, "not a line of a code cell that can take a comment (markdown, "
                                   "an output or IPython syntax): use per-file-ignores or a baseline") for code in codes)
            continue
        text = edited
        report.added += len(codes)
    if text == original:
        return
    try:
        source.replace(text)
    except FileChanged:
        report.skipped.extend((path, line, code, "the file changed while routelint was running") for line, codes in sorted(lines.items()) for code in codes)
        return
    report.files += 1

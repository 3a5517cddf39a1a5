"""Suppression comments after the checks: find them in any kind of file, apply them to the findings,
report those that hide nothing (RL002), and write new ones (`--add-suppressions`).

The forms, and how a directive is read from a comment, are in `routelint.directives`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Sequence

from routelint.directives import find_directives, hash_form, parse_comment, statement_extents
from routelint.discover import NOTEBOOK, PYTHON
from routelint.facts import Suppression
from routelint.filekinds import HASH, KINDS, SLASH, line_comment_start, same_meaning
from routelint.textio import TextFile

UNUSED_CODE = "RL002"

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


def find_suppressions(kind: str, path: str, text: str) -> list[Suppression]:
    """Every suppression comment in one file's text, read with its kind's comment syntax."""
    if kind == NOTEBOOK:  # comments live in the code cells' strings: the notebook frontend finds them
        from routelint.frontends.notebook import suppressions_in

        return suppressions_in(path, text)
    if not supports_comments(kind, path):
        return []
    entry = KINDS.get(kind)
    return find_directives(path, text, lambda line: line_comment_start(kind, line), python=kind == PYTHON,
                           slash=entry is not None and entry.comment == SLASH)


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


def _marker(kind: str) -> str:
    """The line-comment marker a suppression is written with in a file of `kind` (`#` for plain text)."""
    entry = KINDS.get(kind)
    return entry.comment if entry is not None and entry.comment else HASH


def _with_codes(body: str, kind: str, path: str, codes: Sequence[str]) -> str:
    """The line `body` (no line ending) with a suppression for `codes` added or merged in."""
    start = line_comment_start(kind, body)
    if start is not None:
        comment = hash_form(body[start:]) if _marker(kind) == SLASH else body[start:]  # same columns
        for begin, end, present, malformed in parse_comment(comment):
            if present and not malformed and comment[begin:begin + 9].lower() == "routelint":
                merged = list(present) + [code for code in codes if code not in present]
                replacement = f"routelint: ignore[{', '.join(merged)}]"
                return body[: start + begin] + replacement + body[start + end:]
    tag = f"{_marker(kind)} routelint: ignore[{', '.join(codes)}]"
    return (body.rstrip() + "  " + tag) if body.strip() else tag


def _covered(kind: str, path: str, text: str, line: int, codes: Sequence[str]) -> bool:
    found = find_suppressions(kind, path, text)
    for code in codes:
        if not any(s.line <= line <= max(s.line, s.end_line) and _covers(s, code) is not None for s in found):
            return False
    return True


def add_suppressions(diagnostics: Iterable, kinds: dict[str, str]) -> AddReport:
    """Write `# routelint: ignore[CODE]` comments (`//` in JS/TS) for these diagnostics, file by file.

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
        text = source.text
        if not same_meaning(kind, path, text, text):  # only a text that does not parse differs from itself
            for line, codes in sorted(lines.items()):
                for code in codes:
                    report.skipped.append((path, line, code, "the file does not parse, so a comment cannot be shown to "
                                           "change nothing: fix its syntax, or use per-file-ignores or a baseline"))
            continue
        placed: dict[int, list[str]] = {}
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
                if not same_meaning(kind, path, text, edited):
                    continue
                if not _covered(kind, path, edited, line, codes):
                    continue
                text = edited
                placed[line] = codes
                done = True
                break
            if not done:
                for code in codes:
                    report.skipped.append((path, line, code, "no comment can be placed there without changing the file's meaning"))
        _write(source, text, placed, report)
    return report


def _write(source: TextFile, text: str, placed: dict[int, list[str]], report: AddReport) -> None:
    """The file with the suppressions `placed` in it (line -> codes), or each of them reported as not
    added, with why (read-only, changed on disk, ...)."""
    if not placed:
        return
    refused = source.try_replace(text)
    if refused is None:
        report.files += 1
        report.added += sum(len(codes) for codes in placed.values())
        return
    report.skipped.extend((source.path, line, code, f"not written: {refused}")
                          for line, codes in sorted(placed.items()) for code in codes)


def _add_in_notebook(path: str, lines: dict[int, list[str]], report: AddReport) -> None:
    """`add_suppressions` for a notebook: the comment goes at the end of the code-cell line inside its
    JSON string (outputs and markdown take none); kept only when the cells still mean the same."""
    from routelint.frontends.notebook import with_comment

    try:
        source = TextFile.read(path)
    except (OSError, UnicodeDecodeError) as exc:
        report.skipped.extend((path, line, code, f"cannot be read: {exc}") for line, codes in sorted(lines.items()) for code in codes)
        return
    text = source.text
    placed: dict[int, list[str]] = {}
    for line, codes in sorted(lines.items()):
        edited = with_comment(text, line, lambda body: _with_codes(body, "python", path, codes))
        if edited is None or not _covered("notebook", path, edited, line, codes):
            report.skipped.extend((path, line, code, "not a line of a code cell that can take a comment (markdown, "
                                   "an output or IPython syntax): use per-file-ignores or a baseline") for code in codes)
            continue
        text = edited
        placed[line] = codes
    _write(source, text, placed, report)

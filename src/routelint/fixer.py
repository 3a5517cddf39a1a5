"""Apply fixes: non-overlapping edits per file, re-parsed before an atomic write.

Safety by construction:
- edits are computed on the text exactly as analysed (decoded by `routelint.textio` as the scan decoded
  it: original newlines, BOM stripped) and applied to that text; a file whose text is not the analysed
  text (its digest differs) is not touched;
- the edits of one pass never overlap; a fix that conflicts with an accepted one waits for the next
  pass, after the engine has run again on the written files (at most MAX_PASSES passes, driven by
  `routelint.fix_passes`, which alone runs the engine: this module applies, it does not analyse);
- every result is parsed again by its kind's parser (`routelint.filekinds`: Python by `ast` and libcst,
  TOML, JSON, YAML, env files, notebooks, JS/TS by theirs); a fix that would make the file unparsable
  is dropped and reported, the others are kept;
- writes are atomic (`routelint.textio`: temporary file in the same directory + os.replace) and keep
  the file mode, the encoding, the BOM and the line endings; a file that changed on disk between
  reading and writing is not written;
- only regular files under the given paths are written: a symlink is never written through.
"""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

from routelint.diagnostics import SAFE, UNSAFE, Diagnostic, Edit, Fix
from routelint.filekinds import parses
from routelint.textio import TextFile, read_only, text_digest

MAX_PASSES = 4

# test hook: called with the path right before the final "unchanged on disk?" check of a write
_before_write: Optional[Callable[[str], None]] = None


def applicable(fix: Optional[Fix], unsafe: bool) -> bool:
    if fix is None or not fix.edits:
        return False
    return fix.applicability == SAFE or (unsafe and fix.applicability == UNSAFE)


@dataclass(frozen=True)
class _Change:
    start: int
    end: int
    content: str


@dataclass
class FixOutcome:
    fixed: int = 0  # diagnostics whose fix was applied (or would be, with --diff)
    changed_files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # dropped fixes and files not written, one line each
    diffs: list[str] = field(default_factory=list)
    passes: int = 0
    result: object = None  # the final RunResult


def _within(path: str, roots: Sequence[str]) -> bool:
    real = os.path.realpath(path)
    for root in roots:
        if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
            return True
    return False


def _changes(source: TextFile, fix: Fix, path: Optional[str] = None) -> Optional[list[_Change]]:
    changes = []
    for edit in fix.edits:
        if path is not None and edit.path != path:
            continue
        start = source.offset(edit.span.line, edit.span.column)
        end = source.offset(edit.span.end_line, edit.span.end_column)
        if start is None or end is None or end < start:
            return None
        content = edit.content
        if edit.path.lower().endswith(".ipynb"):  # the edit lands inside a JSON string
            from routelint.frontends.notebook import json_escape

            content = json_escape(content)
        if source.newline == "\r\n":
            content = content.replace("\r\n", "\n").replace("\n", "\r\n")
        if start == end == len(source.text) and source.text and not source.text.endswith("\n") and content.endswith("\n"):
            content = source.newline + content  # a new line appended to a last line without newline
        changes.append(_Change(start, end, content))
    return changes


def _whole_lines(change: _Change, text: str) -> bool:
    """An insertion of whole lines at a line start (`VAR=` appended to an env template)."""
    return (change.start == change.end and change.content.endswith("\n")
            and (change.start == 0 or text[change.start - 1] == "\n"))


def _conflicts(change: _Change, accepted: list[_Change], text: str = "") -> bool:
    for other in accepted:
        if change == other:
            continue
        if change.start == change.end and other.start == other.end:
            if change.start == other.start and not (_whole_lines(change, text) and _whole_lines(other, text)):
                return True  # two different insertions inside a line: their order would change the meaning
            continue  # whole lines added at one place (template appends): all land, in a fixed order
        if change.start < other.end and other.start < change.end:
            return True
        for insertion, span in ((change, other), (other, change)):
            if insertion.start == insertion.end and span.start < insertion.start < span.end:
                return True
    return False


def _apply(text: str, changes: list[_Change]) -> str:
    unique = sorted(set(changes), key=lambda change: (change.start, change.end, change.content))
    pieces, cursor = [], 0
    for change in unique:
        pieces.append(text[cursor:change.start])
        pieces.append(change.content)
        cursor = change.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _diff(path: str, before: str, after: str) -> str:
    def lines(text: str) -> list[str]:
        parts = text.split("\n")
        out = [part + "\n" for part in parts[:-1]]
        if parts[-1]:
            out.append(parts[-1] + "\n\\ No newline at end of file\n")
        return out

    return "".join(difflib.unified_diff(lines(before), lines(after), fromfile=f"a/{path}", tofile=f"b/{path}"))


def _fix_key(diagnostic: Diagnostic) -> tuple:
    fix = diagnostic.fix
    assert fix is not None
    return (diagnostic.code, tuple((edit.path, edit.span, edit.content) for edit in fix.edits))


def fix_pass(result, roots: Sequence[str], *, unsafe: bool, write: bool, outcome: FixOutcome, dropped: set) -> int:
    """One pass over `result`: apply every non-conflicting fix. Returns how many fixes were applied.

    A fix may edit several files (RL202: the key in code and `VAR=` in the .env.example). Its first
    file (the diagnostic's) is required; edits of another file that cannot be written here (outside the
    checked paths, changed since analysed) are left out and reported. Every file a fix touches must
    parse afterwards, or the whole fix is dropped; a file that then fails to be written is reported,
    with the fixes that were applied only in part.
    """
    digests = {facts.path: facts.digest for facts in result.files}
    sources: dict[str, Optional[TextFile]] = {}
    accepted: list[tuple[Diagnostic, dict[str, list[_Change]]]] = []
    taken: dict[str, list[_Change]] = {}
    for diagnostic in result.diagnostics:
        fix = diagnostic.fix
        if not applicable(fix, unsafe) or _fix_key(diagnostic) in dropped:
            continue
        paths = list(dict.fromkeys(edit.path for edit in fix.edits))
        primary = diagnostic.path if diagnostic.path in paths else paths[0]
        paths.sort(key=lambda path: path != primary)
        per_path: dict[str, list[_Change]] = {}
        for path in paths:
            if path not in sources:
                sources[path] = _load(path, roots, digests.get(path, ""), outcome)
            source = sources[path]
            if source is None:
                if path == primary:
                    break
                outcome.problems.append(f"{path}: not updated by the {diagnostic.code} fix of {primary}")
                continue
            changes = _changes(source, fix, path)
            if changes is None:
                dropped.add(_fix_key(diagnostic))
                outcome.problems.append(f"{path}: {diagnostic.code} fix dropped: its edit is outside the file")
                per_path = {}
                break
            per_path[path] = changes
        if primary not in per_path:
            continue
        if any(_conflicts(change, taken.get(path, []), sources[path].text)  # type: ignore[union-attr]
               for path, changes in per_path.items() for change in changes):
            continue  # deferred to the next pass
        for path, changes in per_path.items():
            taken.setdefault(path, []).extend(changes)
        accepted.append((diagnostic, per_path))

    def text_of(path: str, items) -> str:
        source = sources[path]
        assert source is not None
        return _apply(source.text, [change for _, group in items for change in group.get(path, [])])

    checked: set[str] = set()
    while True:  # drop the fixes that make a file unparsable (all their edits, in every file)
        paths = [path for path in dict.fromkeys(path for _, group in accepted for path in group) if path not in checked]
        if not paths:
            break
        path = paths[0]
        source = sources[path]
        assert source is not None
        mine = [item for item in accepted if path in item[1]]
        if parses(path, text_of(path, mine), source.text) is None:
            checked.add(path)
            continue
        kept: list = []
        for item in mine:
            why = parses(path, text_of(path, kept + [item]), source.text)
            if why is None:
                kept.append(item)
                continue
            diagnostic = item[0]
            dropped.add(_fix_key(diagnostic))
            outcome.problems.append(
                f"{path}:{diagnostic.span.line}:{diagnostic.span.column}: {diagnostic.code} fix dropped: "
                f"the result would not parse ({why})")
            accepted.remove(item)
        checked = set()  # a dropped fix may have edited files already checked
    applied = 0
    failed: set[str] = set()
    unchanged: set[str] = set()
    for path in dict.fromkeys(path for _, group in accepted for path in group):
        source = sources[path]
        assert source is not None
        new_text = text_of(path, [item for item in accepted if path in item[1]])
        if new_text == source.text:
            unchanged.add(path)
            continue
        if write:
            refused = source.try_replace(new_text, before_replace=_before_write)
            if refused is not None:
                outcome.problems.append(f"{path}: not written: {refused}")
                failed.add(path)
                continue
        else:
            outcome.diffs.append(_diff(path, source.text, new_text))
        if path not in outcome.changed_files:
            outcome.changed_files.append(path)
    for diagnostic, group in accepted:
        missing = [path for path in group if path in failed]
        if all(path in unchanged for path in group):
            continue
        if not missing:
            applied += 1
        elif len(missing) < len(group):
            written = ", ".join(path for path in group if path not in failed)
            outcome.problems.append(f"{diagnostic.path}: {diagnostic.code} fix applied only in part: "
                                    f"{written} written, {', '.join(missing)} not")
    outcome.fixed += applied
    return applied


def _load(path: str, roots: Sequence[str], digest: str, outcome: FixOutcome) -> Optional[TextFile]:
    if os.path.islink(path) or not _within(path, roots):
        outcome.problems.append(f"{path}: not written: a symlink or outside the checked paths")
        return None
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        outcome.problems.append(f"{path}: not fixed: cannot be read ({exc.strerror or exc})")
        return None
    if not stat.S_ISREG(mode):
        outcome.problems.append(f"{path}: not fixed: not a regular file")
        return None
    refused = read_only(mode)
    if refused is not None:
        outcome.problems.append(f"{path}: not fixed: {refused}")
        return None
    try:
        source = TextFile.read(path)
    except (OSError, UnicodeDecodeError) as exc:
        outcome.problems.append(f"{path}: not fixed: cannot be read ({exc})")
        return None
    if not digest or text_digest(source.text) != digest:
        outcome.problems.append(f"{path}: not fixed: it changed since it was analysed")
        return None
    if source.text.replace("\r\n", "").find("\r") != -1:
        # a lone CR is a line break to the parser but not to line/column spans: offsets would be wrong
        outcome.problems.append(f"{path}: not fixed: it has lone carriage-return line breaks")
        return None
    return source


__all__ = ["Edit", "FixOutcome", "applicable", "fix_pass", "parses"]

"""`routelint check --stdin-filename PATH - --fix`: fix an editor's buffer in memory.

The buffer is analysed as the file PATH (imports, env files and configuration come from disk), its
applicable fixes are applied to the text only (edits a fix would make to other files, such as a
`VAR=` line in `.env.example`, are left out: nothing on disk is written), each pass is parsed again
and the engine runs again on the result, as `--fix` does for files. The caller prints the fixed text.
"""

from __future__ import annotations

from typing import Optional

from routelint.engine import run
from routelint.fixer import MAX_PASSES, _apply, _changes, _conflicts, applicable, parses
from routelint.options import RunOptions
from routelint.run_result import RunResult
from routelint.textio import TextFile


def _one_pass(path: str, result: RunResult, raw: bytes, unsafe: bool) -> tuple[Optional[bytes], int]:
    """(new bytes, fixes applied) for one pass over `result`; (None, 0) when nothing applies."""
    try:
        source = TextFile.of(path, raw)
    except UnicodeDecodeError:
        return None, 0
    if source.text.replace("\r\n", "").find("\r") != -1:
        return None, 0  # lone CR line breaks: spans and offsets would disagree (as --fix refuses on disk)
    taken: list = []
    applied = 0
    for diagnostic in result.diagnostics:
        if diagnostic.path != path or not applicable(diagnostic.fix, unsafe):
            continue
        changes = _changes(source, diagnostic.fix, path)
        if not changes or any(_conflicts(change, taken) for change in changes):
            continue  # another file's edit only, outside the text, or overlapping: a later pass
        if parses(path, _apply(source.text, taken + changes), source.text) is not None:
            continue
        taken.extend(changes)
        applied += 1
    if not applied:
        return None, 0
    return source.encode(_apply(source.text, taken)), applied


def fix_stdin(path: str, result: RunResult, options: RunOptions, *, diff: bool) -> tuple[RunResult, int, bytes]:
    """(result to report, fixes applied, bytes to print): with `diff`, one pass, its unified diff and
    the original result; else the fixed buffer after up to MAX_PASSES passes and the result for it."""
    from routelint.fixer import _diff

    original = result.overlay[path]
    unsafe = options.unsafe_fixes
    if diff:
        new, applied = _one_pass(path, result, original, unsafe)
        if new is None:
            return result, 0, b""
        before, after = TextFile.of(path, original).text, TextFile.of(path, new).text
        return result, applied, _diff(path, before, after).encode("utf-8")
    raw, fixed = original, 0
    for _ in range(MAX_PASSES):
        new, applied = _one_pass(path, result, raw, unsafe)
        if new is None:
            break
        raw, fixed = new, fixed + applied
        result = run([path], options, overlay={path: raw})  # the command's own options, unchanged
    return result, fixed, raw

"""Shared pieces of the reporters: summary counts and redacted messages."""

from __future__ import annotations

from collections import Counter

from routelint.diagnostics import SAFE, UNSAFE, Diagnostic
from routelint.redact import redact
from routelint.run_result import RunResult
from routelint.wording import plural  # noqa: F401 (reporters and the audit use it from here)


def message(result: RunResult, diagnostic: Diagnostic) -> str:
    return redact(diagnostic.message, result.secrets)


def cell_notes(result: RunResult):
    """A function giving ` (cell 3, line 2)` for a diagnostic in a notebook, "" elsewhere: the human
    formats name the cell, since the line is one of the `.ipynb` file's JSON."""
    def note(diagnostic: Diagnostic) -> str:
        label = result.cell_label(diagnostic.path, diagnostic.span.line, diagnostic.span.column)
        return f" ({label})" if label else ""

    return note


def summary(result: RunResult) -> dict:
    by_code = Counter(diagnostic.code for diagnostic in result.diagnostics)
    by_severity = Counter(diagnostic.severity for diagnostic in result.diagnostics)
    return {
        "files": result.files_seen,
        "files_parsed": result.files_parsed,
        "routes": len(result.routes),
        "diagnostics": len(result.diagnostics),
        "errors": by_severity.get("error", 0),
        "warnings": by_severity.get("warning", 0),
        "by_code": dict(sorted(by_code.items())),
    }


def fixable(diagnostic: Diagnostic, unsafe: bool = False) -> bool:
    """Would `--fix` (with `--unsafe-fixes` when `unsafe`) change something for this finding?"""
    fix = diagnostic.fix
    return fix is not None and bool(fix.edits) and (fix.applicability == SAFE or (unsafe and fix.applicability == UNSAFE))


def marker(diagnostic: Diagnostic, unsafe: bool = False) -> str:
    """Ruff's `[*] ` before a finding `--fix` would fix."""
    return "[*] " if fixable(diagnostic, unsafe) else ""


def summary_line(result: RunResult, unsafe: bool = False) -> str:
    counts = summary(result)
    total = counts["diagnostics"]
    if not total:
        return f"All checks passed ({plural(counts['files'], 'file')}, {plural(counts['routes'], 'route')})."
    line = (f"Found {plural(total, 'finding')} ({plural(counts['errors'], 'error')}, "
            f"{plural(counts['warnings'], 'warning')}) in {plural(counts['files'], 'file')}.")
    return line + fix_hint(result.diagnostics, unsafe)


def fix_hint(diagnostics, unsafe: bool = False) -> str:
    """'\n[*] 3 fixable with `--fix` (2 hidden fixes can be enabled with `--unsafe-fixes`).'"""
    ready = sum(1 for diagnostic in diagnostics if fixable(diagnostic, unsafe))
    hidden = 0 if unsafe else sum(1 for diagnostic in diagnostics if fixable(diagnostic, True)) - ready
    if not ready and not hidden:
        return ""
    hint = f"\n[*] {ready} fixable with `--fix`" if ready else "\nNo fixes available"
    if hidden:
        hint += f" ({plural(hidden, 'hidden fix', 'hidden fixes')} can be enabled with `--unsafe-fixes`)"
    return hint + "."


def fix_note(result: RunResult, diagnostic: Diagnostic) -> str:
    """'fix (safe): Read the base URL from GEMINI_BASE_URL' for --show-fixes."""
    fix = diagnostic.fix
    assert fix is not None
    return f"fix ({fix.applicability}): {redact(fix.message, result.secrets)}"


def notes(result: RunResult, diagnostic: Diagnostic) -> list[str]:
    """The related locations a finding's message does not already name: 'base URL from app/config.py:6'
    is said once, in the message, not again below it."""
    text = message(result, diagnostic)
    shown = []
    for what, loc in diagnostic.related:
        note = f"{what} {loc.path}:{loc.span.line}"
        if note not in text:
            shown.append(redact(note, result.secrets))
    return shown

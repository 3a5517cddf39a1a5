"""Shared pieces of the reporters: summary counts and redacted messages."""

from __future__ import annotations

from collections import Counter

from routelint.diagnostics import Diagnostic
from routelint.engine import RunResult
from routelint.redact import redact


def message(result: RunResult, diagnostic: Diagnostic) -> str:
    return redact(diagnostic.message, result.secrets)


def cell_notes(result: RunResult):
    """A function giving ` (cell 3, line 2)` for a diagnostic in a notebook, "" elsewhere: the human
    formats name the cell, since the line is one of the `.ipynb` file's JSON."""
    cells = {facts.path: facts.cells for facts in result.files if facts.cells}

    def note(diagnostic: Diagnostic) -> str:
        if diagnostic.path not in cells:
            return ""
        from routelint.frontends.notebook import cell_label

        label = cell_label(cells[diagnostic.path], diagnostic.span.line, diagnostic.span.column)
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


def summary_line(result: RunResult) -> str:
    counts = summary(result)
    total = counts["diagnostics"]
    if not total:
        return f"All checks passed ({counts['files']} files, {counts['routes']} routes)."
    return (f"Found {_plural(total, 'finding')} ({_plural(counts['errors'], 'error')}, "
            f"{_plural(counts['warnings'], 'warning')}) in {_plural(counts['files'], 'file')}.")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"

"""`path:line:col: CODE message`, one line per finding (the pre-commit and editor format)."""

from __future__ import annotations

from typing import TextIO

from routelint.engine import RunResult
from routelint.neutralise import terminal
from routelint.reporters.common import cell_notes, message, summary_line


def report(result: RunResult, out: TextIO, options: dict) -> None:
    note = cell_notes(result)
    for diagnostic in result.diagnostics:
        span = diagnostic.span
        out.write(f"{terminal(diagnostic.path)}:{span.line}:{span.column}: {diagnostic.code} "
                  f"{terminal(message(result, diagnostic))}{terminal(note(diagnostic))}\n")
    if options.get("summary", True):
        out.write(summary_line(result) + "\n")

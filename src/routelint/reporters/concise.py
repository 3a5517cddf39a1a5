"""`path:line:col: CODE message`, one line per finding (the pre-commit and editor format)."""

from __future__ import annotations

from typing import TextIO

from routelint.neutralise import terminal
from routelint.reporters.options import ReportOptions
from routelint.reporters.common import cell_notes, fix_note, marker, message, summary_line
from routelint.run_result import RunResult


def report(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    unsafe = options.unsafe
    note = cell_notes(result)
    for diagnostic in result.diagnostics:
        span = diagnostic.span
        out.write(f"{terminal(diagnostic.path)}:{span.line}:{span.column}: {diagnostic.code} {marker(diagnostic, unsafe)}"
                  f"{terminal(message(result, diagnostic))}{terminal(note(diagnostic))}\n")
        if options.show_fixes and diagnostic.fix is not None:
            out.write(f"  {terminal(fix_note(result, diagnostic))}\n")
    if not options.quiet:
        out.write(summary_line(result, unsafe) + "\n")

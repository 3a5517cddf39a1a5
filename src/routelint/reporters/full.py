"""Rich, grouped by file, with the source line and a caret under the finding."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from routelint.neutralise import terminal
from routelint.redact import redact
from routelint.reporters.options import ReportOptions
from routelint.reporters.common import cell_notes, fix_note, marker, message, notes, summary_line
from routelint.run_result import RunResult


def _lines(result: RunResult, path: str) -> list[str]:
    data = result.source_bytes(path)  # stdin's text for --stdin-filename
    if data is None:
        return []
    from routelint.textio import display_text  # decoded as the scan decoded it (UTF-16/32 too)

    return display_text(data).splitlines()


def report(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.text import Text

    from routelint.color import console_options

    console = Console(file=out, highlight=False, soft_wrap=True, **console_options(options.color))
    unsafe = options.unsafe
    note = cell_notes(result)
    for path, group in groupby(result.diagnostics, key=lambda diagnostic: diagnostic.path):
        lines = _lines(result, path)
        console.print(Text(terminal(path), style="bold underline"))
        for diagnostic in group:
            span = diagnostic.span
            style = "bold red" if diagnostic.severity == "error" else "bold yellow"
            console.print(
                f"  [dim]{span.line}:{span.column}{escape(terminal(note(diagnostic)))}[/dim] [{style}]{diagnostic.code}[/{style}] "
                f"{escape(marker(diagnostic, unsafe))}{escape(terminal(message(result, diagnostic)))} [dim]({diagnostic.name})[/dim]"
            )
            if 0 < span.line <= len(lines):
                source = lines[span.line - 1]
                shown = terminal(redact(source, result.secrets))
                if len(shown) > 160:
                    shown = shown[:159] + "…"
                gutter = f"{span.line:>5} │ "
                console.print(Text(gutter, style="dim") + Text(shown))
                width = span.end_column - span.column if span.end_line == span.line else len(source) - span.column + 1
                if shown == source:
                    caret = " " * (span.column - 1) + "^" * max(1, width)
                else:  # redaction or escaping changed the line: point at the start only
                    caret = " " * (min(span.column, len(shown)) - 1) + "^"
                console.print(Text(" " * len(gutter) + caret[:160], style=style))
            for related in notes(result, diagnostic):
                console.print(Text("        " + terminal(related), style="dim"))
            if options.show_fixes and diagnostic.fix is not None:
                console.print(Text("        " + terminal(fix_note(result, diagnostic)), style="cyan"))
        console.print()
    if not options.quiet:
        console.print(Text(summary_line(result, unsafe)), style="bold" if result.diagnostics else "green")

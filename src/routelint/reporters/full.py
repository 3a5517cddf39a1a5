"""Rich, grouped by file, with the source line and a caret under the finding."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from routelint.engine import RunResult
from routelint.neutralise import terminal
from routelint.redact import redact
from routelint.reporters.common import cell_notes, message, summary_line


def _lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError:
        return []


def report(result: RunResult, out: TextIO, options: dict) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.text import Text

    console = Console(file=out, no_color=options.get("no_color", False), highlight=False, soft_wrap=True,
                      force_terminal=options.get("color"))
    note = cell_notes(result)
    for path, group in groupby(result.diagnostics, key=lambda diagnostic: diagnostic.path):
        lines = _lines(path)
        console.print(Text(terminal(path), style="bold underline"))
        for diagnostic in group:
            span = diagnostic.span
            style = "bold red" if diagnostic.severity == "error" else "bold yellow"
            console.print(
                f"  [dim]{span.line}:{span.column}{escape(terminal(note(diagnostic)))}[/dim] [{style}]{diagnostic.code}[/{style}] "
                f"{escape(terminal(message(result, diagnostic)))} [dim]({diagnostic.name})[/dim]"
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
            for what, loc in diagnostic.related:
                console.print(f"        [dim]{escape(terminal(what))} {escape(terminal(loc.path))}:{loc.span.line}[/dim]")
        console.print()
    console.print(summary_line(result), style="bold" if result.diagnostics else "green")

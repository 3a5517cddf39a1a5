"""GitHub Actions workflow commands: one `::error` / `::warning` annotation per finding.

    ::error file=app.py,line=4,col=26,endLine=4,endColumn=84,title=RL201 (key-route-mismatch)::message

Escaping follows GitHub's rules for workflow commands: in the message `%`, `\\r` and `\\n`; in property
values also `:` and `,`. The message ends with a link to the rule's documentation.
"""

from __future__ import annotations

from typing import TextIO

from routelint.neutralise import terminal
from routelint.reporters.options import ReportOptions
from routelint.reporters.common import message
from routelint.rules_docs import DOCS_URL
from routelint.run_result import RunResult


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(result: RunResult, diagnostic) -> str:
    span = diagnostic.span
    command = "error" if diagnostic.severity == "error" else "warning"
    properties = [("file", terminal(diagnostic.path)), ("line", str(span.line)), ("col", str(span.column))]
    if (span.end_line, span.end_column) != (span.line, span.column):
        properties += [("endLine", str(span.end_line)), ("endColumn", str(span.end_column))]
    properties.append(("title", f"{diagnostic.code} ({diagnostic.name})"))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    text = f"{terminal(message(result, diagnostic))}\n\nRule docs: {DOCS_URL.format(code=diagnostic.code)}"
    return f"::{command} {rendered}::{escape_data(text)}"


def report(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    for diagnostic in result.diagnostics:
        out.write(annotation(result, diagnostic) + "\n")

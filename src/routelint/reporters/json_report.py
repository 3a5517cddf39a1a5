"""The versioned JSON contract: {"version": 1, "tool": ..., "diagnostics": [...], "summary": ...}."""

from __future__ import annotations

import json
from typing import Any, Optional, TextIO

from routelint import __version__
from routelint.diagnostics import Diagnostic, Fix
from routelint.redact import redact
from routelint.reporters.options import ReportOptions
from routelint.reporters.common import message, summary
from routelint.rules_docs import DOCS_URL
from routelint.run_result import RunResult

VERSION = 1


def fix_json(result: RunResult, fix: Optional[Fix]) -> Optional[dict[str, Any]]:
    if fix is None:
        return None
    return {
        "applicability": fix.applicability,
        "message": redact(fix.message, result.secrets),
        "edits": [
            {
                "path": edit.path,
                "line": edit.span.line,
                "column": edit.span.column,
                "end_line": edit.span.end_line,
                "end_column": edit.span.end_column,
                "content": redact(edit.content, result.secrets),
            }
            for edit in fix.edits
        ],
    }


def diagnostic_json(result: RunResult, diagnostic: Diagnostic) -> dict[str, Any]:
    span = diagnostic.span
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity,
        "message": message(result, diagnostic),
        "path": diagnostic.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "provider": diagnostic.provider,
        "fix": fix_json(result, diagnostic.fix),
        "related": [
            {"message": what, "path": loc.path, "line": loc.span.line, "column": loc.span.column}
            for what, loc in diagnostic.related
        ],
        "url": DOCS_URL.format(code=diagnostic.code),
    }


def document(result: RunResult) -> dict[str, Any]:
    counts = summary(result)
    counts["suppressed"] = result.suppressed  # hidden by suppression comments
    if result.baseline is not None:  # --baseline: what it matched and its stale entries
        counts["baseline"] = result.baseline
    return {
        "version": VERSION,
        "tool": {"name": "routelint", "version": __version__},
        "diagnostics": [diagnostic_json(result, diagnostic) for diagnostic in result.diagnostics],
        "summary": counts,
    }


def report(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    from routelint.neutralise import data_tree

    json.dump(data_tree(document(result)), out, indent=2, ensure_ascii=False)
    out.write("\n")

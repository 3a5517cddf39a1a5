"""`routelint check --statistics`: how many findings of each code, instead of the findings."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from routelint.reporters.options import ReportOptions
from routelint.reporters.common import fixable, summary_line
from routelint.rules_docs import DOCS_URL, rule_meta
from routelint.run_result import RunResult


def rows(result: RunResult, unsafe: bool = False) -> list[dict]:
    counts = Counter(diagnostic.code for diagnostic in result.diagnostics)
    fixes = Counter(diagnostic.code for diagnostic in result.diagnostics if fixable(diagnostic, unsafe))
    rules = rule_meta()
    severities: dict[str, set[str]] = {}
    for diagnostic in result.diagnostics:
        severities.setdefault(diagnostic.code, set()).add(diagnostic.severity)
    return [
        {
            "code": code,
            "name": rules[code].name if code in rules else "",
            "severity": "/".join(sorted(severities[code])),
            "count": count,
            "fixable": fixes.get(code, 0),
            "url": DOCS_URL.format(code=code),
        }
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def report(result: RunResult, out: TextIO, options: ReportOptions, machine: bool = False) -> None:
    """A table (count, code, fixable marker, name, severity), or a JSON array of the rows (`--format
    json`). Ruff's layout: `[*]` when every finding of the code is fixable, `[-]` when some are."""
    unsafe = options.unsafe
    table = rows(result, unsafe)
    if machine:
        json.dump(table, out, indent=2)
        out.write("\n")
        return
    width = max((len(str(row["count"])) for row in table), default=1)
    names = max((len(row["name"]) for row in table), default=0)
    for row in table:
        mark = "[*]" if row["fixable"] == row["count"] else ("[-]" if row["fixable"] else "   ")
        out.write(f"{row['count']:>{width}}  {row['code']}  {mark}  {row['name']:<{names}}  {row['severity']}\n")
    if not options.quiet:
        out.write(summary_line(result, unsafe) + "\n")

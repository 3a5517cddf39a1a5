"""`routelint check --statistics`: how many findings of each code, instead of the findings."""

from __future__ import annotations

import json
from collections import Counter
from typing import TextIO

from routelint.engine import RunResult
from routelint.reporters.common import summary_line
from routelint.rules_docs import DOCS_URL, rule_meta


def rows(result: RunResult) -> list[dict]:
    counts = Counter(diagnostic.code for diagnostic in result.diagnostics)
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
            "url": DOCS_URL.format(code=code),
        }
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def report(result: RunResult, out: TextIO, machine: bool = False) -> None:
    table = rows(result)
    if machine:
        json.dump(table, out, indent=2)
        out.write("\n")
        return
    width = max((len(str(row["count"])) for row in table), default=1)
    names = max((len(row["name"]) for row in table), default=0)
    for row in table:
        out.write(f"{row['count']:>{width}}  {row['code']}  {row['name']:<{names}}  {row['severity']}\n")
    out.write(summary_line(result) + "\n")

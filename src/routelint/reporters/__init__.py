"""Reporters render the same diagnostics in every format. Every string passes through redact()."""

from __future__ import annotations

from typing import Callable, TextIO

from routelint.reporters.options import ReportOptions
from routelint.run_result import RunResult

FORMATS = ("full", "concise", "json", "sarif", "github")

Reporter = Callable[[RunResult, TextIO, ReportOptions], None]


def get_reporter(name: str) -> Reporter:
    if name == "concise":
        from routelint.reporters.concise import report
    elif name == "json":
        from routelint.reporters.json_report import report
    elif name == "full":
        from routelint.reporters.full import report
    elif name == "sarif":
        from routelint.reporters.sarif import report
    elif name == "github":
        from routelint.reporters.github import report
    else:  # pragma: no cover - click validates the choice
        raise ValueError(name)
    return report

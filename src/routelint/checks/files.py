"""RL001 unparseable-file."""

from __future__ import annotations

from typing import Iterator

from routelint.checks.base import CheckContext, diagnostic
from routelint.diagnostics import Diagnostic


def unparseable_file(ctx: CheckContext) -> Iterator[Diagnostic]:
    for facts in ctx.files:
        for problem in facts.problems:
            yield diagnostic(ctx, "RL001", f"file {problem.message}", problem.path, problem.span, identity=problem.message)

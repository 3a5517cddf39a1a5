"""What `check` was asked about showing its findings, handed unchanged to whichever format reports them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReportOptions:
    """How a report is shown, as `check` was asked (formats ignore what they have no use for)."""

    color: bool = False  # full: styles on a terminal (see color.use_color)
    quiet: bool = False  # findings only, no summary line
    show_fixes: bool = False  # each finding's fix below it
    unsafe: bool = False  # --unsafe-fixes: unsafe fixes count as applicable in markers and summaries

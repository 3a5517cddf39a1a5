"""Diagnostics: what checks emit and every reporter renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from routelint.facts import Location, Span

ERROR = "error"
WARNING = "warning"

SAFE = "safe"  # behaviour is kept
UNSAFE = "unsafe"  # behaviour may change
DISPLAY_ONLY = "display-only"  # advice, never applied


@dataclass(frozen=True)
class Edit:
    """Replace the text of `span` in `path` with `content`."""

    path: str
    span: Span
    content: str


@dataclass(frozen=True)
class Fix:
    applicability: str
    message: str
    edits: tuple[Edit, ...] = ()


@dataclass
class Diagnostic:
    code: str
    name: str
    severity: str
    message: str
    path: str
    span: Span
    provider: Optional[str] = None
    fix: Optional[Fix] = None
    related: tuple[tuple[str, Location], ...] = ()  # (what, where): "base URL from", .env:3
    # text that identifies the finding without line numbers (for baselines/fingerprints); never a raw secret
    identity: str = ""
    secrets: tuple[str, ...] = field(default=(), repr=False)  # key text this diagnostic involves, for redaction

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)

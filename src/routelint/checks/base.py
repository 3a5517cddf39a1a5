"""What every check receives and the one way a check builds a diagnostic."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional

from routelint.catalog.model import Catalog
from routelint.diagnostics import Diagnostic, Fix
from routelint.facts import FileFacts, Location, Span, Value
from routelint.project import Route
from routelint.rules_docs import rule_meta


@dataclass
class CheckContext:
    catalog: Catalog
    routes: list[Route]
    files: list[FileFacts]
    allowed_routes: tuple[str, ...] = ()
    ignored_paths: frozenset[str] = frozenset()  # files git ignores (local .env): keys belong there
    # a file's `fix-env` setting (provider id -> "BASE_URL_VAR" or {base-url, key}): the names fixes write
    fix_env: Optional[Callable[[str], dict[str, Any]]] = None
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)

    def derived(self, name: str, build: Callable[[], Any]) -> Any:
        """An index over the routes or files built once per run and shared by every check that asks."""
        if name not in self._derived:
            self._derived[name] = build()
        return self._derived[name]


def diagnostic(
    ctx: CheckContext,
    code: str,
    message: str,
    path: str,
    span: Span,
    *,
    provider: Optional[str] = None,
    related: Iterable[tuple[str, Location]] = (),
    identity: str = "",
    secrets: Iterable[str] = (),
    fix: Optional[Fix] = None,
) -> Diagnostic:
    doc = rule_meta()[code]
    return Diagnostic(
        code=code,
        name=doc.name,
        severity=doc.severity,  # per-file `severity` settings are applied by the engine
        message=message,
        path=path,
        span=span,
        provider=provider,
        related=tuple(related),
        identity=identity,
        secrets=tuple(secrets),
        fix=fix,
    )


def provenance(reported_path: str, *parts: tuple[str, object]) -> tuple[str, list[tuple[str, Location]]]:
    """' (base URL from .env:3; client at app.py:5)' for each thing this diagnostic depends on that
    another file holds: a Value with known text (named by where it is written) or a Location."""
    notes: list[str] = []
    related: list[tuple[str, Location]] = []
    for what, part in parts:
        if isinstance(part, Value):
            where = part.loc if part.text is not None else None
            label = f"{what} from"
        else:
            where, label = part if isinstance(part, Location) else None, f"{what} at"
        if where is None or where.path == reported_path:
            continue
        notes.append(f"{label} {where.path}:{where.span.line}")
        related.append((label, where))
    return ((" (" + "; ".join(notes) + ")") if notes else ""), related


def site_of(route) -> Location:
    """Where a route is set up (the client constructor, the config block)."""
    return Location(route.site.path, route.site.span)


def snippet(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""Strings built from parts (`BASE + "/v1"`, `f"{BASE}/chat/completions"`, `"%s/v1" % BASE`): one
Value for the whole, shared by the Python frontend (parts it knows) and the resolver (parts that are
names of other modules, known once every file is read)."""

from __future__ import annotations

from typing import Sequence, Union

from routelint.catalog.urls import HOLE
from routelint.facts import ENV, LITERAL, ORIGIN_CODE, ORIGIN_DEFAULT, REF, UNKNOWN_VALUE, Location, Value

Piece = Union[str, Value]


def _inside(inner: Location, outer: Location) -> bool:
    a, b = inner.span, outer.span
    return inner.path == outer.path and (a.line, a.column) >= (b.line, b.column) \
        and (a.end_line, a.end_column) <= (b.end_line, b.end_column)


def compose(pieces: Sequence[Piece], loc: Location) -> Value:
    """Unknown parts become holes. The result is placed where its leading part is written when that
    part is a name defined elsewhere (`f"{BASE}/chat/completions"` is reported at BASE's literal, once
    however many strings are built from it); otherwise at the expression itself."""
    values = [piece for piece in pieces if not isinstance(piece, str)]
    if any(value.kind == REF and (value.ref is not None or value.pieces) for value in values):
        return Value(REF, loc=loc, pieces=tuple(pieces), partial=True)
    if not any((piece if isinstance(piece, str) else piece.text or "").strip() for piece in pieces):
        return UNKNOWN_VALUE
    text = "".join(piece if isinstance(piece, str) else (piece.text if piece.text is not None else HOLE) for piece in pieces)
    partial = any(value.text is None or value.partial for value in values)
    env_part = next((value for value in values if value.kind == ENV), None)
    lead = next((piece for piece in pieces if not isinstance(piece, str) or piece), None)
    where, identifier, written = loc, None, None
    if isinstance(lead, Value) and lead.text is not None and lead.loc is not None and not _inside(lead.loc, loc):
        where, identifier = lead.loc, lead.identifier  # the leading part is a name defined elsewhere
        written = lead.written if lead.written is not None else lead.text
    if env_part is not None:
        return Value(ENV, text=text, loc=where, env_var=env_part.env_var, partial=partial, origin=ORIGIN_DEFAULT,
                     identifier=identifier, written=written)
    origin = ORIGIN_DEFAULT if any(value.origin == ORIGIN_DEFAULT for value in values) else ORIGIN_CODE
    return Value(LITERAL, text=text, loc=where, partial=partial, origin=origin, identifier=identifier,
                 via=(loc,) if where != loc else (), written=written)

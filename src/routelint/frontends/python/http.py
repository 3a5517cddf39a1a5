"""Raw HTTP requests (requests, httpx, aiohttp, urllib): the key of an
`Authorization: Bearer ...` header, and the `"model"` of a JSON body.

The header and the body are followed like any value: a dict literal, a name bound to one, `dict(...)`,
`{**base, ...}`; the key inside `f"Bearer {KEY}"` or `"Bearer " + KEY` is `KEY` itself. Providers that
take the key in a header of its own (`x-api-key`, Azure's `api-key`) carry it as the header's whole value.
"""

from __future__ import annotations

import ast
from typing import Optional

from routelint.facts import UNKNOWN_VALUE, Value
from routelint.frontends.python.symbols import Symbols

BEARER = "bearer "
AUTHORIZATION = "authorization"
KEY_HEADERS = ("x-api-key", "api-key")  # headers whose whole value is the key (no "Bearer ")
HEADER_PARAMS = ("headers",)
BODY_PARAMS = ("json", "data", "content")


MAX_NAME_HOPS = 4


def _header(symbols: Symbols, keywords: dict[str, ast.expr]) -> tuple[Optional[str], Optional[ast.expr]]:
    """(lower-case name, value expression) of the header that carries the key, if any."""
    for param in HEADER_PARAMS:
        if param in keywords:
            for key, value in symbols.entries(keywords[param]):
                if key.lower() == AUTHORIZATION:
                    for _ in range(MAX_NAME_HOPS):  # `auth = f"Bearer {KEY}"; headers={"Authorization": auth}`
                        bound = symbols.bound_expression(value)
                        if bound is None or _key_part(value) is not None:
                            break
                        value = bound
                    return AUTHORIZATION, value
                if key.lower() in KEY_HEADERS:
                    return key.lower(), value
    return None, None


def _key_part(value: ast.expr) -> Optional[ast.expr]:
    """`KEY` in `f"Bearer {KEY}"` / `"Bearer " + KEY` / `"Bearer {}".format(KEY)`."""
    if isinstance(value, ast.JoinedStr):
        expressions = [part.value for part in value.values if isinstance(part, ast.FormattedValue)]
        texts = "".join(part.value for part in value.values if isinstance(part, ast.Constant) and isinstance(part.value, str))
        if len(expressions) == 1 and texts.strip().lower() in ("bearer", ""):
            return expressions[0]
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and isinstance(value.left, ast.Constant) \
            and isinstance(value.left.value, str) and value.left.value.lower() == BEARER:
        return value.right
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "format" \
            and isinstance(value.func.value, ast.Constant) and str(value.func.value.value).lower() in ("bearer {}", "bearer {0}") \
            and len(value.args) == 1:
        return value.args[0]
    return None


def bearer_key(symbols: Symbols, keywords: dict[str, ast.expr]) -> tuple[Value, Optional[ast.expr]]:
    """The key a request sends and the expression it is written in (reported there)."""
    name, header = _header(symbols, keywords)
    if header is None:
        return UNKNOWN_VALUE, None
    if name != AUTHORIZATION:  # the whole value is the key: one with unknown parts (`f"token {k}"`) is no key we know
        value = symbols.eval.evaluate(header)
        return (UNKNOWN_VALUE, None) if value.partial else (value, header)
    part = _key_part(header)
    if part is not None:
        return symbols.eval.evaluate(part), part
    evaluated = symbols.eval.evaluate(header)
    if evaluated.text and evaluated.text.lower().startswith(BEARER) and not evaluated.partial:
        # the key is part of the literal: an edit of the literal must not drop "Bearer "
        return evaluated.with_(text=evaluated.text[len(BEARER):], quote=None), header
    return UNKNOWN_VALUE, None


def _body(symbols: Symbols, node: ast.expr) -> ast.expr:
    """`json.dumps({...}).encode()` -> `{...}`: the dict a body is serialised from."""
    for _ in range(3):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "encode":
            node = node.func.value
        elif isinstance(node, ast.Call) and symbols.qualified(node.func) == "json.dumps" and node.args:
            node = node.args[0]
    return node


def json_model(symbols: Symbols, keywords: dict[str, ast.expr]) -> Optional[Value]:
    for param in BODY_PARAMS:
        if param in keywords:
            for key, value in symbols.entries(_body(symbols, keywords[param])):
                if key == "model":
                    return symbols.eval.evaluate(value)
    return None

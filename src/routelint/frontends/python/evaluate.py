"""Turn a Python expression into a Value: literal, env lookup (with default), imported name, or unknown.

The evaluator is deliberately small: string literals, f-strings and concatenation, module and class
constants, `os.environ`/`os.getenv`/python-decouple lookups, `x or "default"`, pydantic-settings
fields. Anything else is unknown — and unknown stays unknown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import libcst as cst

from routelint.catalog.urls import HOLE
from routelint.facts import ENV, LITERAL, ORIGIN_CODE, ORIGIN_DEFAULT, REF, UNKNOWN, UNKNOWN_VALUE, Location, Value, env_value

if TYPE_CHECKING:  # pragma: no cover
    from routelint.frontends.python.visitor import RouteVisitor

ENV_GETTERS = {"os.getenv", "os.environ.get", "decouple.config", "environ.get", "os.environ.setdefault"}
MAX_DEPTH = 40


def string_text(node: cst.BaseExpression) -> Optional[str]:
    """The value of a plain (non-f) string literal, or None."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # malformed escapes
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.ConcatenatedString):
        left, right = string_text(node.left), string_text(node.right)
        if left is not None and right is not None:
            return left + right
    return None


def _join(left: Value, right: Value, loc: Location) -> Value:
    if left.text is None and right.text is None:
        return UNKNOWN_VALUE
    text = (left.text if left.text is not None else HOLE) + (right.text if right.text is not None else HOLE)
    partial = left.partial or right.partial or left.text is None or right.text is None
    env_part = left if left.kind == ENV else right if right.kind == ENV else None
    if env_part is not None:
        return Value(ENV, text=text, loc=loc, env_var=env_part.env_var, partial=partial, origin=ORIGIN_DEFAULT)
    origin = ORIGIN_DEFAULT if ORIGIN_DEFAULT in (left.origin, right.origin) else ORIGIN_CODE
    return Value(LITERAL, text=text, loc=loc, partial=partial, origin=origin,
                 identifier=left.identifier if left.text is not None else right.identifier)


class Evaluator:
    def __init__(self, visitor: "RouteVisitor") -> None:
        self.v = visitor

    def loc(self, node: cst.CSTNode) -> Location:
        return Location(self.v.path, self.v.span(node))

    def evaluate(self, node: Optional[cst.BaseExpression], depth: int = 0) -> Value:
        if node is None or depth > MAX_DEPTH:
            return UNKNOWN_VALUE
        try:
            return self._evaluate(node, depth)
        except RecursionError:
            return UNKNOWN_VALUE

    def _evaluate(self, node: cst.BaseExpression, depth: int) -> Value:
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            text = string_text(node)
            if text is not None:
                quote = node.prefix + node.quote if isinstance(node, cst.SimpleString) else None
                return Value(LITERAL, text=text, loc=self.loc(node), quote=quote)
            if isinstance(node, cst.ConcatenatedString):
                return _join(self.evaluate(node.left, depth + 1), self.evaluate(node.right, depth + 1), self.loc(node))
            return UNKNOWN_VALUE
        if isinstance(node, cst.FormattedString):
            return self._fstring(node, depth)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return _join(self.evaluate(node.left, depth + 1), self.evaluate(node.right, depth + 1), self.loc(node))
        if isinstance(node, cst.Name):
            return self.v.lookup_value(node.value, depth + 1)
        if isinstance(node, cst.Attribute):
            return self._attribute(node, depth)
        if isinstance(node, cst.Subscript):
            return self._subscript(node, depth)
        if isinstance(node, cst.Call):
            return self._call(node, depth)
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            left = self.evaluate(node.left, depth + 1)
            right = self.evaluate(node.right, depth + 1)
            if left.kind == ENV and left.text is None and right.text is not None:
                return env_value(left.env_var or "", right)
            if left.text is not None:
                return left
            return right if right.kind != UNKNOWN else left
        return UNKNOWN_VALUE

    def _fstring(self, node: cst.FormattedString, depth: int) -> Value:
        pieces: list[str] = []
        partial = False
        env_var = None
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append(part.value)
            else:
                inner = self.evaluate(part.expression, depth + 1)
                if inner.text is not None and not part.format_spec:
                    pieces.append(inner.text)
                    partial = partial or inner.partial
                    if inner.kind == ENV:
                        env_var = inner.env_var
                else:
                    pieces.append(HOLE)
                    partial = True
        text = "".join(pieces)
        if text.replace(HOLE, "") == "":
            return UNKNOWN_VALUE
        if env_var:
            return Value(ENV, text=text, loc=self.loc(node), env_var=env_var, partial=partial, origin=ORIGIN_DEFAULT)
        return Value(LITERAL, text=text, loc=self.loc(node), partial=partial)

    def _attribute(self, node: cst.Attribute, depth: int) -> Value:
        dotted = self.v.dotted(node)
        if dotted is None:
            return UNKNOWN_VALUE
        head, _, rest = dotted.partition(".")
        if head == "self":
            return self.v.lookup_self_value(rest, depth + 1)
        return self.v.lookup_dotted_value(dotted, depth + 1)

    def _subscript(self, node: cst.Subscript, depth: int) -> Value:
        qualified = self.v.qualified(node.value)
        if qualified == "os.environ" and len(node.slice) == 1:
            index = node.slice[0].slice
            if isinstance(index, cst.Index):
                key = self.evaluate(index.value, depth + 1)
                if key.text is not None and not key.partial:
                    return _named(self.v.env_lookup(key.text, None, self.loc(node)), index.value, key)
        return UNKNOWN_VALUE

    def _call(self, node: cst.Call, depth: int) -> Value:
        qualified = self.v.qualified(node.func)
        if qualified in ENV_GETTERS or (qualified or "").endswith("decouple.config"):
            if not node.args:
                return UNKNOWN_VALUE
            key = self.evaluate(node.args[0].value, depth + 1)
            if key.text is None or key.partial:
                return UNKNOWN_VALUE
            default_node = None
            for index, arg in enumerate(node.args[1:], start=1):
                if arg.keyword is None and index == 1:
                    default_node = arg.value
                elif arg.keyword is not None and arg.keyword.value == "default":
                    default_node = arg.value
            default = self.evaluate(default_node, depth + 1) if default_node is not None else None
            return _named(self.v.env_lookup(key.text, default, self.loc(node)), node.args[0].value, key)
        if qualified in ("str",) and len(node.args) == 1:
            return self.evaluate(node.args[0].value, depth + 1)
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in ("rstrip", "strip", "lstrip") :
            inner = self.evaluate(node.func.value, depth + 1)
            if inner.text is not None:
                chars = string_text(node.args[0].value) if node.args else None
                method = getattr(str, node.func.attr.value)
                stripped = method(inner.text, chars)
                return inner.with_(text=stripped, quote=inner.quote if stripped == inner.text else None)
            return inner
        return UNKNOWN_VALUE


def _named(value: Value, name_node: cst.BaseExpression, name: Value) -> Value:
    """Remember where an env lookup's variable name is written, when it is a plain literal in the lookup (for fixes)."""
    if value.kind == ENV and value.text is None and isinstance(name_node, cst.SimpleString) and name.quote and name.loc:
        return value.with_(name_literal=(name.loc, name.quote))
    return value


def as_ref(module: str, name: str) -> Value:
    return Value(REF, ref=(module, name), identifier=name.rsplit(".", 1)[-1])

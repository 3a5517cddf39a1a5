"""Turn a Python expression (an `ast` node) into a Value: a literal with its span, an env lookup (with
its default), a name imported from another module, or unknown.

The evaluator follows data the way programs build routes: names through every scope, string building
(`+`, f-strings, `%`, `.format`, `str()`, `.rstrip("/")`, `os.path.join`, `urljoin`), containers
(`{...}["k"]`, `.get(k, default)`), env lookups, `x or default`, class attributes and settings fields,
and what small functions return. It never guesses: whatever it cannot pin is unknown, and unknown
never produces a finding. Names are resolved by the caller's symbol table (`Names`), so this module
depends on no walker.
"""

from __future__ import annotations

import ast
import re
from typing import Optional, Protocol

from routelint.compose import compose
from routelint.facts import ENV, LITERAL, PARAM, REF, UNKNOWN, UNKNOWN_VALUE, Location, Value, env_value
from routelint.frontends.python.scopes import Choice, Known, branch_origin, string_of
from routelint.frontends.python.source import SourceText

ENV_GETTERS = {"os.getenv", "os.environ.get", "decouple.config", "environ.get", "os.environ.setdefault"}
PATH_JOINS = {"os.path.join", "posixpath.join", "urllib.parse.urljoin", "urlparse.urljoin"}
STRIPS = ("rstrip", "strip", "lstrip", "removesuffix", "removeprefix")
MAX_DEPTH = 40
_PERCENT = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdrifaxXoeEgGc%]")
_FORMAT_FIELD = re.compile(r"\{([^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}")

class Names(Protocol):
    """What the evaluator asks of the module's symbol table."""

    source: SourceText

    def qualified(self, node: ast.AST) -> Optional[str]: ...
    def lookup_value(self, name: str, depth: int) -> Value: ...
    def lookup_attribute(self, node: ast.Attribute, depth: int) -> Value: ...
    def env_lookup(self, var: str, default: Optional[Value], loc: Location) -> Value: ...
    def choose(self, origin: int, count: int) -> Optional[int]: ...
    def entries(self, node: ast.AST) -> list[tuple[str, ast.expr]]: ...
    def call_value(self, call: ast.Call, depth: int) -> Value: ...


class Evaluator:
    def __init__(self, names: Names, env_getters: frozenset[str] = frozenset(), passthrough: frozenset[str] = frozenset()) -> None:
        self.names = names
        self.source = names.source
        self.env_getters = ENV_GETTERS | env_getters  # SDK helpers that read the variable arg 0 names (data)
        self.passthrough = passthrough  # secret wrappers that return their first argument (data)

    def loc(self, node: ast.AST) -> Location:
        return self.source.loc(node)

    def evaluate(self, node: Optional[ast.AST], depth: int = 0) -> Value:
        if node is None or depth > MAX_DEPTH:
            return UNKNOWN_VALUE
        try:
            return self._evaluate(node, depth)
        except RecursionError:
            return UNKNOWN_VALUE

    def _evaluate(self, node: ast.AST, depth: int) -> Value:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return Value(LITERAL, text=node.value, loc=self.loc(node), quote=self.source.quote(node))
            if isinstance(node.value, int) and not isinstance(node.value, bool):
                return Value(LITERAL, text=str(node.value), loc=self.loc(node))
            return UNKNOWN_VALUE
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, depth)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Add):
                return compose([self.evaluate(node.left, depth + 1), self.evaluate(node.right, depth + 1)], self.loc(node))
            if isinstance(node.op, ast.Mod) and string_of(node.left) is not None:
                return self._percent(node, depth)
            return UNKNOWN_VALUE
        if isinstance(node, ast.Name):
            return self.names.lookup_value(node.id, depth + 1)
        if isinstance(node, ast.Attribute):
            return self.names.lookup_attribute(node, depth + 1)
        if isinstance(node, ast.Subscript):
            return self._subscript(node, depth)
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return self._or(node, depth)
        if isinstance(node, ast.IfExp):  # alternatives: one per path (see Symbols.paths)
            branch = self.names.choose(branch_origin(node.test), 2)
            return UNKNOWN_VALUE if branch is None else self.evaluate((node.body, node.orelse)[branch], depth + 1)
        if isinstance(node, Choice):
            branch = self.names.choose(node.origin, len(node.options))
            return UNKNOWN_VALUE if branch is None else self.evaluate(node.options[branch], depth + 1)
        if isinstance(node, ast.NamedExpr):
            return self.evaluate(node.value, depth + 1)
        if isinstance(node, Known):
            return node.value
        return UNKNOWN_VALUE

    def _or(self, node: ast.BoolOp, depth: int) -> Value:
        left = self.evaluate(node.values[0], depth + 1)
        for operand in node.values[1:]:
            right = self.evaluate(operand, depth + 1)
            if is_param(left):  # `base_url or DEFAULT` in a factory: the call site decides
                left = left if left.pieces else left.with_(pieces=(right,))
            elif left.kind == ENV and left.text is None and right.text is not None:
                left = env_value(left.env_var or "", right)
            elif left.text is None:
                left = right if right.kind != UNKNOWN else left
        return left

    def _fstring(self, node: ast.JoinedStr, depth: int) -> Value:
        pieces: list = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                pieces.append(part.value)
            elif isinstance(part, ast.FormattedValue):
                if part.format_spec is not None or part.conversion not in (-1, ord("s")):
                    pieces.append(UNKNOWN_VALUE)
                else:
                    pieces.append(self.evaluate(part.value, depth + 1))
        value = compose(pieces, self.loc(node))
        return value

    def _percent(self, node: ast.BinOp, depth: int) -> Value:
        template = string_of(node.left) or ""
        right = node.right
        if isinstance(right, ast.Tuple):
            args = [self.evaluate(element, depth + 1) for element in right.elts]
            named: dict[str, Value] = {}
        elif isinstance(right, ast.Dict):
            args, named = [], {key: self.evaluate(value, depth + 1) for key, value in self.names.entries(right)}
        else:
            args, named = [self.evaluate(right, depth + 1)], {}
        pieces: list = []
        position, index = 0, 0
        for match in _PERCENT.finditer(template):
            pieces.append(template[position:match.start()])
            position = match.end()
            if match.group(0) == "%%":
                pieces.append("%")
            elif match.group(1) is not None:
                pieces.append(named.get(match.group(1), UNKNOWN_VALUE))
            else:
                pieces.append(args[index] if index < len(args) and match.group(0)[-1] in "sd" else UNKNOWN_VALUE)
                index += 1
        pieces.append(template[position:])
        return compose(pieces, self.loc(node))

    def _format(self, call: ast.Call, template: str, depth: int) -> Value:
        args = [self.evaluate(arg, depth + 1) for arg in call.args if not isinstance(arg, ast.Starred)]
        named = {kw.arg: self.evaluate(kw.value, depth + 1) for kw in call.keywords if kw.arg}
        pieces: list = []
        position, auto = 0, 0
        for match in _FORMAT_FIELD.finditer(template.replace("{{", "\0").replace("}}", "\1")):
            pieces.append(template[position:match.start()])
            position = match.end()
            field_name = match.group(1)
            if field_name == "":
                pieces.append(args[auto] if auto < len(args) else UNKNOWN_VALUE)
                auto += 1
            elif field_name.isdigit():
                pieces.append(args[int(field_name)] if int(field_name) < len(args) else UNKNOWN_VALUE)
            else:
                pieces.append(named.get(field_name, UNKNOWN_VALUE))
        pieces.append(template[position:])
        pieces = [piece.replace("\0", "{").replace("\1", "}") if isinstance(piece, str) else piece for piece in pieces]
        return compose(pieces, self.loc(call))

    def _subscript(self, node: ast.Subscript, depth: int) -> Value:
        qualified = self.names.qualified(node.value)
        index = node.slice
        key = self.evaluate(index, depth + 1)
        if key.text is None or key.partial:
            return UNKNOWN_VALUE
        if qualified == "os.environ":
            return _named(self.names.env_lookup(key.text, None, self.loc(node)), index, key)
        for name, value in self.names.entries(node.value):
            if name == key.text:
                return self.evaluate(value, depth + 1)
        return UNKNOWN_VALUE

    def _call(self, node: ast.Call, depth: int) -> Value:
        qualified = self.names.qualified(node.func) or ""
        if qualified in self.env_getters or qualified.endswith("decouple.config"):
            return self._env_call(node, depth)
        if qualified in self.passthrough and node.args:
            return self.evaluate(node.args[0], depth + 1)
        if qualified == "str" and len(node.args) == 1:
            return self.evaluate(node.args[0], depth + 1)
        if qualified in PATH_JOINS and node.args and not node.keywords:
            return self._join_path(node, qualified, depth)
        if isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in STRIPS and len(node.args) <= 1:
                inner = self.evaluate(node.func.value, depth + 1)
                if inner.text is not None and not inner.partial:
                    chars = string_of(node.args[0]) if node.args else None
                    if method.startswith("remove") and chars is None:
                        return inner
                    stripped = getattr(str, method)(inner.text, chars)
                    return inner.with_(text=stripped, quote=inner.quote if stripped == inner.text else None)
                return inner
            template = string_of(node.func.value)
            if method == "format" and template is not None:
                return self._format(node, template, depth)
            if method == "get" and node.args and qualified != "os.environ.get":
                key = self.evaluate(node.args[0], depth + 1)
                entries = self.names.entries(node.func.value)
                for name, value in entries:
                    if key.text is not None and name == key.text:
                        return self.evaluate(value, depth + 1)
                if len(node.args) > 1 and (entries or key.text is not None):
                    default = self.evaluate(node.args[1], depth + 1)
                    # a key missing from a dict literal: the default is what the lookup returns
                    return default if entries and key.text is not None else UNKNOWN_VALUE
                return UNKNOWN_VALUE
        return self.names.call_value(node, depth + 1)

    def _env_call(self, node: ast.Call, depth: int) -> Value:
        if not node.args:
            return UNKNOWN_VALUE
        key = self.evaluate(node.args[0], depth + 1)
        if key.text is None or key.partial:
            return UNKNOWN_VALUE
        default_node = node.args[1] if len(node.args) > 1 else None
        for keyword in node.keywords:
            if keyword.arg == "default":
                default_node = keyword.value
        default = self.evaluate(default_node, depth + 1) if default_node is not None else None
        return _named(self.names.env_lookup(key.text, default, self.loc(node)), node.args[0], key)

    def _join_path(self, node: ast.Call, qualified: str, depth: int) -> Value:
        parts = [self.evaluate(arg, depth + 1) for arg in node.args]
        if qualified.endswith("urljoin"):
            if len(parts) != 2 or parts[1].text is None or "://" in parts[1].text:
                return UNKNOWN_VALUE
            base, tail = parts
            if base.text is not None and not base.partial and tail.text is not None and not tail.text.startswith("/"):
                # urljoin drops the base's last segment unless it ends with "/"
                head = base.text if base.text.endswith("/") else base.text.rsplit("/", 1)[0] + "/"
                return compose([base.with_(text=head), tail.text], self.loc(node))
            return UNKNOWN_VALUE
        pieces: list = []
        for index, part in enumerate(parts):
            if index:
                pieces.append("/")
            if part.text is not None and index:
                if part.text.startswith("/"):
                    return UNKNOWN_VALUE  # an absolute part replaces everything before it
                pieces.append(part)
            elif part.text is not None and len(parts) > 1 and part.text.endswith("/"):
                pieces.append(part.with_(text=part.text.rstrip("/")))
            else:
                pieces.append(part)
        return compose(pieces, self.loc(node))


def _named(value: Value, name_node: ast.AST, name: Value) -> Value:
    """Remember where an env lookup's variable name is written, when it is a plain literal in the lookup (for fixes)."""
    if value.kind == ENV and value.text is None and isinstance(name_node, ast.Constant) and name.quote and name.loc:
        return value.with_(name_literal=(name.loc, name.quote))
    return value


def is_param(value: Value) -> bool:
    """A factory's parameter, filled at each call site of another module."""
    return value.kind == REF and value.ref is not None and value.ref[0] == PARAM


def as_ref(module: str, name: str) -> Value:
    return Value(REF, ref=(module, name), identifier=name.rsplit(".", 1)[-1])

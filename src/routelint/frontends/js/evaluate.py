"""What a JS/TS expression evaluates to, as a facts `Value` (literal, env lookup, import, unknown).

Followed like the Python frontend follows values: constants through `const`/`let`, object literals and
spreads (a later property wins), properties written later (`cfg.baseURL = ...`), class fields, template
literals and `+` concatenation (unknown parts become holes), `||`/`??` defaults (configurable, so not a
hardcoded value), and the environment in every runtime's spelling: `process.env.X`, `process.env["X"]`,
`import.meta.env.X`, `Bun.env.X`, `Deno.env.get("X")`, and a Workers `env.X` binding. Every walk is
bounded by depth; anything else is unknown.
"""

from __future__ import annotations

from typing import Optional

from routelint.compose import Piece, compose
from routelint.facts import (
    ENV,
    LITERAL,
    ORIGIN_DEFAULT,
    REF,
    UNKNOWN,
    UNKNOWN_VALUE,
    Location,
    Value,
    env_value,
)
from routelint.frontends.js.scope import (
    CLASS,
    FUNCTION,
    IMPORT,
    MEMBER,
    NAMESPACE,
    PARAM,
    VALUE,
    Binding,
    Scope,
    require_module,
)
from routelint.frontends.js.syntax import Source, field, property_name, string_value, unwrap
from routelint.modules import js_module_ref

MAX_DEPTH = 24
ENV_OBJECTS = ("process.env", "import.meta.env", "Bun.env")


class Evaluator:
    def __init__(self, path: str, source: Source) -> None:
        self.path = path
        self.source = source

    def loc(self, node) -> Location:
        return Location(self.path, self.source.span(node))

    # ------------------------------------------------------------------ objects
    def props(self, node, scope: Scope, depth: int = 0) -> list[tuple[str, object, Scope]]:
        """Static properties of an object expression, in order (a later one wins), spreads expanded."""
        node = unwrap(node)
        if node is None or depth > MAX_DEPTH:
            return []
        if node.type == "object":
            found: list[tuple[str, object, Scope]] = []
            for item in node.named_children:
                if item.type == "pair":
                    name = property_name(self.source, field(item, "key"))
                    value = field(item, "value")
                    if name is not None and value is not None:
                        found.append((name, value, scope))
                elif item.type == "shorthand_property_identifier":
                    found.append((self.source.node_text(item), item, scope))
                elif item.type == "spread_element" and item.named_children:
                    found.extend(self.props(item.named_children[0], scope, depth + 1))
            return found
        if node.type == "identifier":
            name = self.source.node_text(node)
            binding = scope.lookup(name)
            found = []
            if binding is not None and binding.kind == VALUE:
                found = self.props(binding.node, binding.scope, depth + 1)
            elif binding is not None and binding.kind == MEMBER:
                inner = self.prop(binding.node, binding.export, binding.scope, depth + 1)
                found = self.props(inner[0], inner[1], depth + 1) if inner else []
            owner = binding.scope if binding is not None else scope
            found.extend((prop, value, owner) for (target, prop), value in owner.writes.items() if target == name)
            return found
        if node.type == "member_expression":
            name = property_name(self.source, field(node, "property"))
            inner = self.prop(field(node, "object"), name, scope, depth + 1) if name else None
            return self.props(inner[0], inner[1], depth + 1) if inner else []
        return []

    def prop(self, node, path: str, scope: Scope, depth: int = 0) -> Optional[tuple[object, Scope]]:
        """The expression at a property path (`configuration.baseURL`) of an object expression."""
        current: Optional[tuple[object, Scope]] = (node, scope)
        for part in path.split("."):
            if current is None:
                return None
            found = [(value, owner) for name, value, owner in self.props(current[0], current[1], depth + 1) if name == part]
            current = found[-1] if found else None
        return current

    # ------------------------------------------------------------------ values
    def value(self, node, scope: Scope, depth: int = 0) -> Value:
        if node is None or depth > MAX_DEPTH:
            return UNKNOWN_VALUE
        try:
            return self._value(node, scope, depth)
        except RecursionError:
            return UNKNOWN_VALUE

    def _value(self, node, scope: Scope, depth: int) -> Value:
        node = unwrap(node)
        kind = node.type
        if kind == "string":
            text, quote, plain = string_value(self.source, node)  # type: ignore[misc]
            return Value(LITERAL, text=text, loc=self.loc(node), quote=quote if plain else None)
        if kind == "template_string":
            return self._template(node, scope, depth)
        if kind in ("identifier", "shorthand_property_identifier"):
            return self._name(self.source.node_text(node), scope, depth)
        if kind == "member_expression":
            return self._member(node, scope, depth)
        if kind == "subscript_expression":
            return self._subscript(node, scope, depth)
        if kind == "call_expression":
            return self._call(node, scope, depth)
        if kind == "binary_expression":
            return self._binary(node, scope, depth)
        return UNKNOWN_VALUE

    def _template(self, node, scope: Scope, depth: int) -> Value:
        """A template literal: its parts composed as Python's f-strings are (`${BASE}/v1` is reported
        where BASE is written)."""
        pieces: list[Piece] = []
        for part in node.named_children:
            if part.type == "string_fragment":
                pieces.append(self.source.node_text(part))
            elif part.type == "escape_sequence":  # the text is known up to here, not what follows
                return compose([*pieces, UNKNOWN_VALUE], self.loc(node)) if pieces else UNKNOWN_VALUE
            elif part.type == "template_substitution":
                pieces.append(self.value(part.named_children[0], scope, depth + 1) if part.named_children else UNKNOWN_VALUE)
        if all(isinstance(piece, str) for piece in pieces):
            return Value(LITERAL, text="".join(pieces), loc=self.loc(node), quote="`")  # type: ignore[arg-type]
        return compose(pieces, self.loc(node))

    def _name(self, name: str, scope: Scope, depth: int) -> Value:
        binding = scope.lookup(name)
        if binding is None or binding.kind in (PARAM, FUNCTION, CLASS, NAMESPACE):
            return UNKNOWN_VALUE
        if binding.kind == IMPORT:
            reference = js_module_ref(self.path, binding.module)
            if reference is None:
                return UNKNOWN_VALUE
            return Value(REF, ref=(reference, binding.export), identifier=name)
        if binding.kind == MEMBER:
            found = self.prop(binding.node, binding.export, binding.scope, depth + 1)
            if found is None:
                env = self._env_object(binding.node, binding.scope)
                if env is not None:  # `const { OPENAI_API_KEY } = process.env`
                    return Value(ENV, env_var=binding.export, loc=self.loc(binding.node), origin=ORIGIN_DEFAULT, identifier=name)
                return self._member_of_ref(binding.node, binding.export, binding.scope, depth, name)
            value = self.value(found[0], found[1], depth + 1)
            return value if value.identifier else value.with_(identifier=name)
        value = self.value(binding.node, binding.scope, depth + 1)
        return value if value.identifier else value.with_(identifier=name)

    def _member_of_ref(self, node, prop: str, scope: Scope, depth: int, name: Optional[str] = None) -> Value:
        base = self.value(node, scope, depth + 1) if unwrap(node) is not None and unwrap(node).type == "identifier" else UNKNOWN_VALUE
        if base.kind == REF and base.ref is not None:
            return Value(REF, ref=(base.ref[0], f"{base.ref[1]}.{prop}"), identifier=name or prop)
        return UNKNOWN_VALUE

    def _env_object(self, node, scope: Scope) -> Optional[str]:
        """`process.env`-like objects: the runtime's environment, or a Workers `env` binding."""
        node = unwrap(node)
        if node is None:
            return None
        text = self.source.node_text(node)
        if text in ENV_OBJECTS:
            return text
        if node.type == "identifier" and text == "env":
            binding = scope.lookup("env")
            if binding is None or binding.kind in (PARAM, MEMBER):
                return text
        return None

    def _member(self, node, scope: Scope, depth: int) -> Value:
        target = field(node, "object")
        prop = property_name(self.source, field(node, "property"))
        if prop is None:
            return UNKNOWN_VALUE
        if self._env_object(target, scope) is not None:
            return Value(ENV, env_var=prop, loc=self.loc(node), origin=ORIGIN_DEFAULT)
        inner = unwrap(target)
        if inner is not None and inner.type == "identifier":
            binding = scope.lookup(self.source.node_text(inner))
            if binding is not None and binding.kind == NAMESPACE:
                reference = js_module_ref(self.path, binding.module)
                return Value(REF, ref=(reference, prop), identifier=prop) if reference else UNKNOWN_VALUE
            if binding is not None and binding.kind == IMPORT:
                return self._member_of_ref(inner, prop, scope, depth)
        module = require_module(self.source, target)
        if module is not None:
            reference = js_module_ref(self.path, module)
            return Value(REF, ref=(reference, prop), identifier=prop) if reference else UNKNOWN_VALUE
        found = self.prop(target, prop, scope, depth + 1)
        if found is None and inner is not None and inner.type == "this":
            cls = scope.class_scope()
            written = cls.writes.get(("this", prop)) if cls is not None else None
            found = (written, cls) if written is not None else None
        if found is None:
            return UNKNOWN_VALUE
        value = self.value(found[0], found[1], depth + 1)
        return value if value.identifier else value.with_(identifier=prop)

    def _subscript(self, node, scope: Scope, depth: int) -> Value:
        target, index = field(node, "object"), field(node, "index")
        key = string_value(self.source, unwrap(index)) if index is not None else None
        if key is None:
            return UNKNOWN_VALUE
        if self._env_object(target, scope) is not None:
            return Value(ENV, env_var=key[0], loc=self.loc(node), origin=ORIGIN_DEFAULT)
        found = self.prop(target, key[0], scope, depth + 1)
        return self.value(found[0], found[1], depth + 1) if found else UNKNOWN_VALUE

    def _call(self, node, scope: Scope, depth: int) -> Value:
        function = field(node, "function")
        arguments = field(node, "arguments")
        args = arguments.named_children if arguments is not None else []
        if function is not None and self.source.node_text(function) == "Deno.env.get" and args:
            key = string_value(self.source, unwrap(args[0]))
            if key is not None:
                return Value(ENV, env_var=key[0], loc=self.loc(node), origin=ORIGIN_DEFAULT)
        if function is not None and self.source.node_text(function) == "String" and len(args) == 1:
            return self.value(args[0], scope, depth + 1)
        return UNKNOWN_VALUE

    def _binary(self, node, scope: Scope, depth: int) -> Value:
        operator = field(node, "operator")
        op = self.source.node_text(operator) if operator is not None else ""
        left = self.value(field(node, "left"), scope, depth + 1)
        right = self.value(field(node, "right"), scope, depth + 1)
        if op == "+":
            return compose([left, right], self.loc(node))
        if op in ("||", "??"):
            if left.kind == ENV and left.text is None and right.text is not None:
                return env_value(left.env_var or "", right)
            if left.text is not None:
                return left
            if right.text is not None and right.kind == LITERAL:
                return right.with_(origin=ORIGIN_DEFAULT)  # a fallback after a configurable value
            return right if right.kind != UNKNOWN else left
        return UNKNOWN_VALUE



__all__ = ["Evaluator", "Binding"]

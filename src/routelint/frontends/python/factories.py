"""Factories across modules: `make_client(base_url=...)` defined in one module and called in another.

A module-level function whose sink calls use its parameters, or a client subclass whose
`super().__init__(...)` does, becomes a `FactoryTemplate`: the routes it sets up, evaluated with each
parameter standing for a `(PARAM, name)` placeholder. A call with arguments of a function or class
imported from another module becomes a `FactoryCall` holding its arguments' Values. The resolver joins
the two once every file is read (routelint.factories): the routes are set up at the call site, the
caller's values winning over the parameters' defaults, as a call site in the defining module does
(sinks.bound_route). Both sides are bounded: templates per module, sink calls per function, and only
calls passing something known.
"""

from __future__ import annotations

import ast
import sys
from typing import Optional

from routelint.facts import LITERAL, ORIGIN_DEFAULT, PARAM, REF, UNKNOWN, FactoryCall, FactoryTemplate, Value
from routelint.frontends.python.scopes import Known, Scope
from routelint.frontends.python.sinks import MAX_CLIENT_DEPTH, Sinks
from routelint.sdks import Sink

MAX_TEMPLATES = 32  # factories exported per module
TEMPLATE_KINDS = ("client", "call")
EXCEPTION_SUFFIXES = ("Error", "Exception")  # PEP 8 names exceptions so; `raise X(...)` is never recorded either
STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))  # `json.dumps("x")` is nobody's factory


def _templatable(sink: Sink) -> bool:
    """Sinks whose site the resolver can fill without the SDK's knowledge of model prefixes or headers."""
    return sink.kind in TEMPLATE_KINDS and not sink.model_prefixes and not sink.provider_param


class Factories:
    def __init__(self, sinks: Sinks) -> None:
        self.sinks = sinks
        self.sym = sinks.sym
        self.calls: dict[int, Optional[str]] = {}  # id(call) -> the call site's route id, None: not recorded

    # ------------------------------------------------------------------ the defining module
    def templates(self) -> dict[str, FactoryTemplate]:
        sym, sinks = self.sym, self.sinks
        found: dict[str, FactoryTemplate] = {}
        for name, callee in sym.functions.items():
            if callee.node is None or id(callee.node) not in sinks.sink_calls:
                continue
            inner = [(call, sink) for call, sink in sinks.parametrised_sinks(callee) if _templatable(sink)]
            if inner:
                returned = [item for item in inner if sinks.route_of_call.get(id(item[0])) == callee.returns_client]
                found[name] = self._template(callee, returned + [item for item in inner if item not in returned], False)
            if len(found) >= MAX_TEMPLATES:
                return found
        for name, cls in sym.classes.items():
            callee, call, sink = cls.super_scope, cls.super_call, cls.sink
            if cls.scope is None or cls.scope.parent is not sym.module or callee is None or call is None \
                    or sink is None or not _templatable(sink) or not sinks.uses_params(call, callee):
                continue
            found[name] = self._template(callee, [(call, sink)], True)
            if len(found) >= MAX_TEMPLATES:
                break
        return found

    def _template(self, callee: Scope, inner: list[tuple[ast.Call, Sink]], skip_self: bool) -> FactoryTemplate:
        sym, sinks = self.sym, self.sinks
        params = tuple(name for name in callee.params if not (skip_self and name == "self"))
        template = FactoryTemplate(params=params)
        with sym.inside(callee.parent or sym.module):  # defaults are evaluated where the function is defined
            for name in params:
                default = callee.params[name]
                value = sym.eval.evaluate(default) if default is not None else None
                if value is not None and value.kind != UNKNOWN:
                    template.defaults[name] = value.with_(origin=ORIGIN_DEFAULT) if value.kind == LITERAL else value
        placeholders = {name: (Known(Value(REF, ref=(PARAM, name))), sym.module) for name in params}
        with sym.inside(callee.bound(placeholders)):
            for index, (call, sink) in enumerate(inner):
                keywords, positional = sinks.arguments(call)
                template.sites += sinks.alternatives(call, sink, keywords, positional, sinks.span(call), "'" * index, True)
                if index == 0 and sinks.forwards_kwargs(callee, call):
                    for part, names, position in (("base_url", sink.base_url, sink.base_url_position),
                                                  ("api_key", sink.api_key, None), ("model", sink.model, sink.model_position)):
                        if names and sinks.param(names, position, keywords, positional) is None:
                            template.forwards[part] = names
        return template

    # ------------------------------------------------------------------ the calling module
    def call(self, call: ast.Call) -> Optional[str]:
        """Record a call of another module's function or class that passes something known; returns the
        route id its routes get (the client it returns), or None."""
        key = id(call)
        if key in self.calls:
            return self.calls[key]
        self.calls[key] = None
        if not (call.args or call.keywords):
            return None
        ref = self._target(call.func)
        if ref is None or ref[1].endswith(EXCEPTION_SUFFIXES) or self.sinks.sink_for(call)[0] is not None:
            return None  # (a sink's own call is a route of this module, never another module's factory)
        sym, sinks = self.sym, self.sinks
        keywords, positional = sinks.arguments(call)
        paths = sym.paths()  # one pass with no branch assumed, leaving the state of a route being built alone
        next(paths)
        try:
            args = tuple(sym.eval.evaluate(argument) for argument in positional)
            named = {name: sym.eval.evaluate(argument) for name, argument in keywords.items()}
        finally:
            paths.close()
        if all(value.kind == UNKNOWN for value in (*args, *named.values())):
            return None  # nothing known to put in: the factory's own route says as much
        span = sinks.span(call)
        route_id = f"{sym.path}:{span.line}:{span.column}"
        sinks.facts.factory_calls.append(FactoryCall(
            id=route_id, path=sym.path, span=span, ref=ref, args=args, keywords=named,
            arg_spans=tuple(sinks.span(argument) for argument in positional),
            keyword_spans={name: sinks.span(argument) for name, argument in keywords.items()}))
        self.calls[key] = route_id
        return route_id

    def skip(self, node: ast.Raise) -> None:
        """`raise Error(...)`: what is raised is no client."""
        if isinstance(node.exc, ast.Call):
            self.calls[id(node.exc)] = None

    def _target(self, func: ast.expr) -> Optional[tuple[str, str]]:
        """(module, name) of `name(...)` imported with `from m import name`, or `m.name(...)` of `import m`."""
        sym = self.sym
        if isinstance(func, ast.Name):
            head, rest = func.id, ""
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            head, rest = func.value.id, func.attr
        else:
            return None
        reference = sym.module_refs.get(head)
        if reference is None or head in sym.functions or head in sym.classes or sym.bound_locally(head):
            return None
        module, hashed, member = reference.partition("#")
        if module.startswith("mod:") and module[4:].split(".")[0] in STDLIB:
            return None
        if hashed:
            return (module, member) if not rest else None
        return (module, rest) if rest else None

    def route_of(self, node: Optional[ast.AST]) -> Optional[str]:
        """The call-site route id of the factory call an expression stands for (a name or `self.<attr>`
        bound to one), recording the call if the walk has not reached it yet."""
        sym = self.sym
        for _ in range(MAX_CLIENT_DEPTH):
            if isinstance(node, ast.Await):
                node = node.value
            if isinstance(node, ast.Call):
                return self.call(node)
            if isinstance(node, ast.Name):
                node = sym.bound_expression(node)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self" \
                    and sym.scope.cls is not None and node.attr in sym.scope.cls.self_values:
                node = sym.scope.cls.self_values[node.attr][0]
            else:
                return None
        return None


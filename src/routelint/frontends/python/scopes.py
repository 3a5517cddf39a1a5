"""Scopes and symbols of one module: what each name is bound to, by scope, while the walk goes on.

A scope keeps the *expressions* names are bound to (evaluated lazily, when a route needs them), the
clients made in it, the settings/class instances, and a function's parameters with their defaults.
Scopes are plain objects that outlive the walk of their body, so a function's return value or a
method's `self.x` can later be evaluated in the scope it was written in.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Iterator, Optional

from routelint.sdks import Sink


@dataclass
class ClassInfo:
    name: str
    bases: list[str]
    attrs: dict[str, ast.expr] = field(default_factory=dict)
    settings: bool = False  # a pydantic-settings class: fields are env lookups
    enum: bool = False  # an Enum: `Member.value` is the attribute's value
    env_prefix: str = ""
    field_env: dict[str, str] = field(default_factory=dict)  # field -> env var (alias)
    sink: Optional[Sink] = None
    super_route: Optional[str] = None  # route created at super().__init__(...)
    # the super().__init__(...) call and __init__'s scope: each `Sub(...)` call site binds them again
    super_call: Optional[ast.Call] = None
    super_scope: Optional["Scope"] = None
    self_clients: dict[str, str] = field(default_factory=dict)
    # `self.x = <expression>` in any method, with the method's scope to evaluate it in
    self_values: dict[str, tuple[ast.expr, "Scope"]] = field(default_factory=dict)
    scope: Optional["Scope"] = None  # the class body's scope


@dataclass
class Scope:
    kind: str  # module, class, function
    parent: Optional["Scope"]
    values: dict[str, ast.expr] = field(default_factory=dict)
    clients: dict[str, str] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)  # name -> class name (settings objects)
    params: dict[str, Optional[ast.expr]] = field(default_factory=dict)
    cls: Optional[ClassInfo] = None
    returns_client: Optional[str] = None
    _returns: Optional[list[ast.expr]] = None  # what the function returns (small factories), when asked
    star_kwargs: Optional[str] = None
    # a function evaluated for one call site: parameter -> (argument expression, the caller's scope)
    bindings: dict[str, tuple[ast.expr, "Scope"]] = field(default_factory=dict)
    node: Optional[ast.AST] = None  # the function's definition

    def bound(self, bindings: dict[str, tuple[ast.expr, "Scope"]]) -> "Scope":
        """This function's scope as seen from one call site: same names, parameters bound."""
        return Scope(self.kind, self.parent, values=self.values, clients=self.clients, instances=self.instances,
                     params=self.params, cls=self.cls, _returns=self._returns, star_kwargs=self.star_kwargs,
                     bindings=bindings, node=self.node)

    @property
    def returns(self) -> list[ast.expr]:
        """The values the function returns (not those of functions nested in it), found on first use:
        most functions are never asked."""
        if self._returns is None:
            self._returns = []
            stack = list(ast.iter_child_nodes(self.node)) if self.node is not None else []
            while stack:
                child = stack.pop()
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                    continue
                if isinstance(child, ast.Return):
                    if child.value is not None:
                        self._returns.append(child.value)
                    continue
                if isinstance(child, ast.stmt):
                    stack.extend(ast.iter_child_nodes(child))
        return self._returns

    def chain(self) -> Iterator["Scope"]:
        """This scope, then the enclosing ones Python's name lookup sees (class bodies are skipped
        from inside their methods)."""
        scope: Optional[Scope] = self
        first = True
        while scope is not None:
            if first or scope.kind != "class":
                yield scope
            first = False
            scope = scope.parent


class Choice(ast.expr):
    """A name bound differently on the branches of one `if` (kept apart, never merged): `options[i]`
    is its expression on branch i (None: not bound there). `origin` identifies the `if`."""

    _fields = ("options",)

    def __init__(self, options: list[Optional[ast.expr]], origin: int) -> None:
        super().__init__()
        self.options = options
        self.origin = origin


class Known(ast.expr):
    """An expression whose Value is already known: a factory's parameter stands for whatever a call site
    of another module passes (a `(PARAM, name)` placeholder, see facts.FactoryTemplate)."""

    _fields = ()

    def __init__(self, value) -> None:
        super().__init__()
        self.value = value


def branch_origin(test: ast.expr) -> int:
    """One identity for branch points that test the same condition (`if PROVIDER == "gemini":` twice, or
    `A if c else B` beside `KA if c else KB`): they take the same branch on one path. Kept on the node:
    a conditional expression is asked again each time a value through it is evaluated."""
    origin = getattr(test, "_routelint_origin", None)
    if origin is None:
        origin = test._routelint_origin = hash(ast.dump(test))  # type: ignore[attr-defined]
    return origin


def dotted(node: ast.AST) -> Optional[str]:
    """`a.b.c` for a chain of names, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def string_of(node: Optional[ast.AST]) -> Optional[str]:
    """The value of a string constant, or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def keyword_arguments(call: ast.Call) -> dict[str, ast.expr]:
    return {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg is not None}

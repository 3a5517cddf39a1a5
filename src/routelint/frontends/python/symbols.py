"""The symbol table of one module: imports, scopes, classes and functions, and the name lookups the
evaluator asks for (`Names` in evaluate.py).

Lookups are lazy: a name is bound to its expression, which is evaluated only when a route needs it,
in the scope it was written in. Cycles (`a = b; b = a`) and depth are bounded: past a bound a value
is unknown.
"""

from __future__ import annotations

import ast
from contextlib import contextmanager
from typing import Iterator, Optional

from routelint.facts import ENV, LITERAL, ORIGIN_DEFAULT, REF, UNKNOWN_VALUE, Location, Value, env_value
from routelint.frontends.python.evaluate import Evaluator, as_ref
from routelint.frontends.python.scopes import ClassInfo, Scope, dotted, string_of
from routelint.frontends.python.source import SourceText
from routelint.modules import module_ref

MAX_ENTRIES_DEPTH = 8
MAX_PATHS = 8  # branch combinations tried per route: past it, the branch-dependent parts are unknown
FIELD_FACTORIES = ("Field", "field")


class Symbols:
    def __init__(self, path: str, source: SourceText, env_getters: frozenset[str] = frozenset(),
                 passthrough: frozenset[str] = frozenset()) -> None:
        self.path = path
        self.source = source
        self.imports: dict[str, str] = {}  # local name -> qualified dotted name
        self.module_refs: dict[str, str] = {}  # local name -> module reference for the resolver
        self.module = Scope("module", None)
        self.scope = self.module
        self.classes: dict[str, ClassInfo] = {}
        self.functions: dict[str, Scope] = {}  # module-level functions, known before their bodies are walked
        self.env_writes: dict[str, Value] = {}
        self.eval = Evaluator(self, env_getters, passthrough)
        self._evaluating: set[tuple[int, str]] = set()
        self.assumed: dict[int, int] = {}  # branch taken at each `if` / conditional expression, on this path
        self.met: dict[int, int] = {}  # branch points met while evaluating with no assumption: id -> branches

    # ------------------------------------------------------------------ branches
    def choose(self, origin: int, count: int) -> Optional[int]:
        """The branch assumed at a branch point, or None (then the value is unknown on this pass)."""
        if origin in self.assumed:
            return self.assumed[origin]
        self.met[origin] = count
        return None

    def paths(self) -> Iterator[int]:
        """Evaluate a route once per combination of the branches its values depend on, so a key and a
        URL pair up only when they can meet on one path. Yields the path's index; the caller
        evaluates in the loop body. Bounded: past MAX_PATHS combinations, one pass with them unknown."""
        saved = self.met, self.assumed  # a route built while another is evaluated keeps the outer path
        try:
            self.met, self.assumed = {}, {}
            yield 0
            points = dict(self.met)
            combinations: list[dict[int, int]] = [{}] if points else []
            for origin, count in points.items():
                combinations = [{**done, origin: branch} for done in combinations for branch in range(count)]
                if len(combinations) > MAX_PATHS:
                    return
            for index, assumed in enumerate(combinations, start=1):
                self.met, self.assumed = {}, assumed
                yield index
        finally:
            self.met, self.assumed = saved

    # ------------------------------------------------------------------ names
    def qualified(self, node: ast.AST) -> Optional[str]:
        name = dotted(node)
        if name is None:
            return None
        head, dot, rest = name.partition(".")
        if head in self.imports:
            return self.imports[head] + (dot + rest if rest else "")
        return name

    def module_reference(self, module: str, level: int) -> str:
        return module_ref(self.path, module, level)

    def add_import(self, node: ast.Import) -> None:
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            target = alias.name if alias.asname else alias.name.split(".")[0]
            self.imports[local] = target
            self.module_refs[local] = "mod:" + target

    def add_import_from(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            if alias.name == "*":
                continue
            local = alias.asname or alias.name
            if not node.level:
                self.imports[local] = f"{module}.{alias.name}" if module else alias.name
            self.module_refs[local] = self.module_reference(module, node.level) + "#" + alias.name

    @contextmanager
    def inside(self, scope: Scope) -> Iterator[None]:
        """Evaluate in another scope (a function's return value, a method's `self.x`)."""
        saved, self.scope = self.scope, scope
        try:
            yield
        finally:
            self.scope = saved

    def binding_of(self, node: ast.AST) -> Optional[ast.expr]:
        """The call-site argument a parameter name stands for here, if bound (reported there)."""
        if isinstance(node, ast.Name):
            for scope in self.scope.chain():
                if node.id in scope.bindings and node.id not in scope.values:
                    return scope.bindings[node.id][0]
                if node.id in scope.values or node.id in scope.params:
                    return None
        return None

    def bound_expression(self, node: ast.AST) -> Optional[ast.expr]:
        """The expression a plain name is bound to in the scopes visible here, if any."""
        if isinstance(node, ast.Name):
            for scope in self.scope.chain():
                if node.id in scope.values:
                    return scope.values[node.id]
                if node.id in scope.params:
                    return None
        return None

    def bound_locally(self, name: str) -> bool:
        return any(name in scope.values or name in scope.clients or name in scope.params for scope in self.scope.chain())

    # ------------------------------------------------------------------ lookups (the evaluator's Names)
    def lookup_value(self, name: str, depth: int) -> Value:
        for scope in self.scope.chain():
            if name in scope.bindings and name not in scope.values:
                expression, caller = scope.bindings[name]  # the argument a call site passes
                with self.inside(caller):
                    return self.eval.evaluate(expression, depth)
            if name in scope.params and scope.kind == "function" and name not in scope.values:
                default = scope.params[name]
                if default is not None:
                    value = self.eval.evaluate(default, depth)
                    # a parameter default is overridable by the caller: configurable, not hardcoded
                    return value.with_(origin=ORIGIN_DEFAULT) if value.kind == LITERAL else value
                return UNKNOWN_VALUE
            if name in scope.values:
                key = (id(scope), name)
                if key in self._evaluating:
                    return UNKNOWN_VALUE
                self._evaluating.add(key)
                try:
                    value = self.eval.evaluate(scope.values[name], depth)
                finally:
                    self._evaluating.discard(key)
                if value.kind in (LITERAL, ENV) and value.identifier is None:
                    value = value.with_(identifier=name)
                return value
        if name in self.module_refs and "#" in self.module_refs[name]:
            module, _, member = self.module_refs[name].partition("#")
            return as_ref(module, member)
        return UNKNOWN_VALUE

    def lookup_attribute(self, node: ast.Attribute, depth: int) -> Value:
        if isinstance(node.value, ast.Call):  # `get_settings().base_url`, `Config().base_url`
            cls = self.classes.get(self.instance_class(node.value) or "")
            if cls is not None:
                return self.class_value(cls, node.attr, depth) if node.attr in cls.attrs else UNKNOWN_VALUE
            name = dotted(node.value.func)
            if name and name in self.module_refs and "#" in self.module_refs[name] and not self.bound_locally(name):
                module, _, member = self.module_refs[name].partition("#")
                return Value(REF, ref=(module, f"{member}().{node.attr}"), identifier=node.attr)
            return UNKNOWN_VALUE
        name = dotted(node)
        if name is None:
            return UNKNOWN_VALUE
        head, _, rest = name.partition(".")
        if head == "self":
            return self.lookup_self_value(rest, depth)
        return self.lookup_dotted_value(name, depth)

    def lookup_self_value(self, attr: str, depth: int) -> Value:
        cls = self.scope.cls
        if cls is None:
            return UNKNOWN_VALUE
        if attr in cls.self_values:
            expression, scope = cls.self_values[attr]
            key = (id(cls), "self." + attr)
            if key in self._evaluating:
                return UNKNOWN_VALUE
            self._evaluating.add(key)
            try:
                with self.inside(scope):
                    return self.eval.evaluate(expression, depth)
            finally:
                self._evaluating.discard(key)
        if attr in cls.attrs:
            return self.class_value(cls, attr, depth)
        return UNKNOWN_VALUE

    def class_value(self, cls: ClassInfo, attr: str, depth: int) -> Value:
        node = cls.attrs[attr]
        default = self.field_default(node)
        with self.inside(cls.scope or self.module):
            value = self.eval.evaluate(default, depth) if default is not None else UNKNOWN_VALUE
        if cls.settings:
            var = cls.field_env.get(attr) or (cls.env_prefix + attr).upper()
            return env_value(var, value if value.text is not None else None, loc=value.loc)
        return value

    def field_default(self, node: ast.expr) -> Optional[ast.expr]:
        """`Field("x")`, `Field(default="x")`, `field(default="x")`: the default; else the expression."""
        if not (isinstance(node, ast.Call) and (self.qualified(node.func) or "").rsplit(".", 1)[-1] in FIELD_FACTORIES):
            return node
        for keyword in node.keywords:
            if keyword.arg == "default":
                return keyword.value
        if node.args and not (isinstance(node.args[0], ast.Constant) and node.args[0].value is Ellipsis):
            return node.args[0]
        return None  # required field, or a default_factory

    def lookup_dotted_value(self, name: str, depth: int) -> Value:
        head, _, rest = name.partition(".")
        for scope in self.scope.chain():
            if head in scope.instances:
                cls = self.classes.get(scope.instances[head])
                return self._member(cls, rest, depth) if cls else UNKNOWN_VALUE
            if head in scope.values and "." not in rest and isinstance(scope.values[head], ast.Call):
                # `s = get_settings()` then `s.base_url`: the attribute of what the call returns
                with self.inside(scope):
                    return self.lookup_attribute(ast.Attribute(value=scope.values[head], attr=rest, ctx=ast.Load()), depth + 1)
            if head in scope.values or head in scope.params:
                return UNKNOWN_VALUE
        if head in self.classes:
            return self._member(self.classes[head], rest, depth)
        if head in self.module_refs:
            module = self.module_refs[head]
            if "#" in module:  # `from pkg import config` then `config.X`, or an imported settings object
                base, _, member = module.partition("#")
                return Value(REF, ref=(base, f"{member}.{rest}"), identifier=rest.rsplit(".", 1)[-1])
            return as_ref(module, rest)
        return UNKNOWN_VALUE

    def _member(self, cls: ClassInfo, rest: str, depth: int) -> Value:
        """A class attribute, settings field or enum member (`Provider.GEMINI.value`)."""
        attr, _, tail = rest.partition(".")
        if attr not in cls.attrs or (tail and not (cls.enum and tail == "value")):
            return UNKNOWN_VALUE
        return self.class_value(cls, attr, depth)

    def env_lookup(self, var: str, default: Optional[Value], loc: Location) -> Value:
        if var in self.env_writes:
            return self.env_writes[var].with_(env_var=var)
        if default is not None and default.text is None:
            default = None
        return env_value(var, default, loc=loc)

    def entries(self, node: ast.AST, depth: int = 0) -> list[tuple[str, ast.expr]]:
        """(key, value expression) of a dict literal, `dict(k=v)`, or a name bound to one."""
        if depth > MAX_ENTRIES_DEPTH:
            return []
        if isinstance(node, ast.Name):
            for scope in self.scope.chain():
                if node.id in scope.values:
                    return self.entries(scope.values[node.id], depth + 1)
            return []
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            cls = self.scope.cls
            if cls is not None and node.attr in cls.self_values:
                return self.entries(cls.self_values[node.attr][0], depth + 1)
            return []
        items: list[tuple[str, ast.expr]] = []
        if isinstance(node, ast.Subscript):  # `PRESETS["groq"]`: the entries of the nested dict
            key = self.eval.evaluate(node.slice)
            for name, value in self.entries(node.value, depth + 1):
                if key.text is not None and name == key.text:
                    return self.entries(value, depth + 1)
            return []
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if key is None:  # `{**base, ...}`
                    items.extend(self.entries(value, depth + 1))
                    continue
                text = string_of(key)
                if text:
                    items.append((text, value))
        elif isinstance(node, ast.Call) and dotted(node.func) == "dict":
            if node.args:
                items.extend(self.entries(node.args[0], depth + 1))
            for keyword in node.keywords:
                if keyword.arg is not None:
                    items.append((keyword.arg, keyword.value))
                else:
                    items.extend(self.entries(keyword.value, depth + 1))
        return items

    def function_of(self, call: ast.Call) -> Optional[Scope]:
        name = dotted(call.func)
        return self.functions.get(name or "")

    def call_value(self, call: ast.Call, depth: int) -> Value:
        """What a small function of this module returns (`def base_url(): return BASE + "/v1"`), or a
        function imported from another module of the tree (resolved there)."""
        scope = self.function_of(call)
        if scope is not None:
            if len(scope.returns) != 1:
                return UNKNOWN_VALUE
            key = (id(scope), "return")
            if key in self._evaluating:
                return UNKNOWN_VALUE
            self._evaluating.add(key)
            try:
                with self.inside(scope):
                    return self.eval.evaluate(scope.returns[0], depth)
            finally:
                self._evaluating.discard(key)
        name = dotted(call.func)
        if name and name in self.module_refs and "#" in self.module_refs[name] and not self.bound_locally(name):
            module, _, member = self.module_refs[name].partition("#")
            return as_ref(module, member + "()")
        return UNKNOWN_VALUE

    def instance_class(self, node: ast.AST, depth: int = 0) -> Optional[str]:
        """The class (of this module) an expression is an instance of: `Settings()`, `get_settings()`
        (an `@lru_cache` getter or any small factory), or a name bound to one."""
        if depth > MAX_ENTRIES_DEPTH:
            return None
        if isinstance(node, ast.Name):
            for scope in self.scope.chain():
                if node.id in scope.instances:
                    return scope.instances[node.id]
                if node.id in scope.values:
                    return self.instance_class(scope.values[node.id], depth + 1)
            return None
        if isinstance(node, ast.Call):
            name = dotted(node.func)
            if name in self.classes:
                return name
            scope = self.function_of(node)
            if scope is not None and len(scope.returns) == 1:
                with self.inside(scope):
                    return self.instance_class(scope.returns[0], depth + 1)
        return None

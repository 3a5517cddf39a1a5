"""Walk one module's `ast` tree in source order and record its facts: route sites (sinks.py), endpoint
calls (calls.py), legacy globals (legacy.py), importable names, and fix anchors (anchors.py).

The walk binds names as it meets assignments (module names are known up front, so functions that use
a constant defined below them still see it); values are evaluated lazily, when a route needs them.
"""

from __future__ import annotations

import ast
from typing import Callable, Optional

from routelint.catalog.model import Catalog
from routelint.facts import UNKNOWN_VALUE, EndpointCall, FileFacts
from routelint.frontends.python.anchors import key_literal, module_anchors
from routelint.frontends.python.calls import EndpointCalls
from routelint.frontends.python.factories import Factories
from routelint.frontends.python.legacy import LegacyGlobals
from routelint.frontends.python.scopes import Choice, ClassInfo, Scope, branch_origin, string_of
from routelint.frontends.python.sinks import Sinks
from routelint.frontends.python.source import SourceText
from routelint.frontends.python.symbols import Symbols
from routelint.sdks import SdkCatalog

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
ENUM_BASES = ("Enum", "IntEnum", "StrEnum")


def function_scope(node: ast.FunctionDef | ast.AsyncFunctionDef, parent: Scope) -> Scope:
    scope = Scope("function", parent, cls=parent.cls if parent.kind in ("class", "function") else None)
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[Optional[ast.expr]] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, defaults):
        scope.params[arg.arg] = default
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        scope.params[arg.arg] = default
    if args.kwarg is not None:
        scope.star_kwargs = args.kwarg.arg
    scope.node = node
    return scope


class ModuleWalker:
    def __init__(self, path: str, source: SourceText, catalog: Catalog, sdks: SdkCatalog) -> None:
        self.facts = FileFacts(path=path, kind="python", parsed=True)
        self.sym = Symbols(path, source, sdks.env_getters, sdks.passthrough)
        self.sinks = Sinks(self.sym, self.facts, catalog, sdks)
        self.legacy = LegacyGlobals(self.sym, self.facts, sdks)
        self.factories = Factories(self.sinks)
        self.calls = EndpointCalls(self.sinks, self.legacy, self.factories)
        self.sdks = sdks
        self.switch_names = {sink.switch[0] for sink in sdks.sinks.values() if sink.switch}
        self.switches: set[tuple[str, str]] = set()  # (call, argument) seen anywhere in the module
        self.not_key_literals: set[int] = set()
        self.lambdas = 0  # lambdas the walk is inside

    # ------------------------------------------------------------------ entry
    def run(self, tree: ast.Module) -> FileFacts:
        module_anchors(tree, self.sym.source, self.facts)
        self._prepass(tree)
        for statement in tree.body:
            self.visit(statement)
        return self.finish()

    def _prepass(self, tree: ast.Module) -> None:
        """Module-level imports, constants and functions, known before any body that uses them."""
        sym = self.sym
        for statement in tree.body:
            if isinstance(statement, ast.Import):
                sym.add_import(statement)
            elif isinstance(statement, ast.ImportFrom):
                sym.add_import_from(statement)
            elif isinstance(statement, ast.Assign):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        sym.module.values[target.id] = statement.value
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None and isinstance(statement.target, ast.Name):
                sym.module.values[statement.target.id] = statement.value
            elif isinstance(statement, FUNCTIONS):
                sym.functions[statement.name] = function_scope(statement, sym.module)

    # ------------------------------------------------------------------ traversal
    # The walk is the frontend's hottest loop: handlers are found by node type in a table built once,
    # and only the fields that can hold a node with a handler below it are followed (not a name's or
    # an operator's context nodes, which never do).
    HANDLERS: dict[type, Callable] = {}

    def visit(self, node: ast.AST) -> None:
        handler = self.HANDLERS.get(type(node))
        if handler is not None and handler(self, node) is False:
            return  # the handler walked the children itself
        self.children(node)

    def children(self, node: ast.AST) -> None:
        for name in _child_fields(type(node)):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST) and type(item) not in LEAVES:
                        self.visit(item)
            elif isinstance(value, ast.AST) and type(value) not in LEAVES:
                self.visit(value)

    def visit_Import(self, node: ast.Import) -> None:
        self.sym.add_import(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self.sym.add_import_from(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        self.not_key_literals.add(id(node.value))  # a bare string statement (docstring) is not a value

    def visit_JoinedStr(self, node: ast.JoinedStr) -> bool:
        for part in node.values:  # the literal parts of an f-string are not whole literals
            if isinstance(part, ast.FormattedValue):
                self.visit(part)
        return False

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and id(node) not in self.not_key_literals:
            found = key_literal(self.sym.source, node)
            if found is not None:
                self.facts.key_literals.append(found)

    # ------------------------------------------------------------------ scopes
    def visit_ClassDef(self, node: ast.ClassDef) -> bool:
        sym = self.sym
        bases = [sym.qualified(base) or "" for base in node.bases]
        info = ClassInfo(node.name, bases)
        for base in bases:
            parent = sym.classes.get(base)
            if parent is not None:  # a class of this module: its fields, settings and sink are inherited
                info.attrs.update(parent.attrs)
                info.field_env.update(parent.field_env)
                info.settings, info.enum = info.settings or parent.settings, info.enum or parent.enum
                info.env_prefix = info.env_prefix or parent.env_prefix
                info.super_route, info.super_call, info.super_scope = parent.super_route, parent.super_call, parent.super_scope
            sink = self.sdks.sinks.get(base) or (parent.sink if parent is not None else None)
            if sink is not None and sink.kind == "client":
                info.sink = sink
        info.settings = info.settings or any(base.endswith("BaseSettings") for base in bases)
        info.enum = info.enum or any(base.rsplit(".", 1)[-1] in ENUM_BASES for base in bases)
        for statement in node.body:
            self._class_attr(info, statement)
        sym.classes[info.name] = info
        outer = sym.scope
        if outer is sym.module:
            for attr in info.attrs:
                self.facts.exports.setdefault(f"{info.name}.{attr}", UNKNOWN_VALUE)
                if info.enum:  # `Provider.GROQ.value` in another module
                    self.facts.exports.setdefault(f"{info.name}.{attr}.value", UNKNOWN_VALUE)
        info.scope = Scope("class", outer, cls=info)
        sym.scope = info.scope
        try:
            self.children(node)
        finally:
            sym.scope = outer
        if info.super_route is not None and outer is sym.module:
            # `GeminiClient()` in another module is the route the subclass sets up in super().__init__
            self.facts.client_exports[info.name + "()"] = info.super_route
        return False

    def _class_attr(self, info: ClassInfo, statement: ast.stmt) -> None:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value is not None:
            name, value = statement.target.id, statement.value
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
            name, value = statement.targets[0].id, statement.value
        else:
            return
        if name == "model_config" and isinstance(value, ast.Call):
            for keyword in value.keywords:
                if keyword.arg == "env_prefix":
                    info.env_prefix = string_of(keyword.value) or ""
            return
        info.attrs[name] = value
        if isinstance(value, ast.Call) and (self.sym.qualified(value.func) or "").endswith("Field"):
            for keyword in value.keywords:
                if keyword.arg in ("alias", "validation_alias", "env"):
                    alias = string_of(keyword.value)
                    if alias:
                        info.field_env[name] = alias

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        sym = self.sym
        outer = sym.scope
        scope = sym.functions.get(node.name) if outer is sym.module else None
        if scope is None:
            scope = function_scope(node, outer)
            if outer is sym.module:
                sym.functions[node.name] = scope
        sym.scope = scope
        try:
            self.children(node)
        finally:
            sym.scope = outer
        self.sinks.walked.add(id(node))
        if scope.returns_client and outer is sym.module:
            self.sinks.factories[node.name] = scope.returns_client
            self.facts.client_exports[node.name + "()"] = scope.returns_client
        return False

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> bool:
        self.lambdas += 1  # a sink call in a lambda is not one of the enclosing function's own
        try:
            self.children(node)
        finally:
            self.lambdas -= 1
        return False

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and self.sym.scope.kind == "function":
            route = self.sinks.client_of(node.value)
            if route:
                self.sym.scope.returns_client = route

    # ------------------------------------------------------------------ assignments
    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Subscript) and self.sym.qualified(t.value) == "os.environ" for t in node.targets):
            self.not_key_literals.add(id(node.value))  # `os.environ["K"] = "<key>"`: no env lookup can replace it
        for target in node.targets:
            self._bind_target(target, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None and self.sym.scope.kind != "class":
            self._bind_target(node.target, node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        """`URL += "/v1"`: the name now holds the old value plus the new part."""
        if isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
            scope = self.sym.scope
            previous = scope.values.get(node.target.id)
            if previous is not None:
                joined = ast.BinOp(left=previous, op=ast.Add(), right=node.value)
                ast.copy_location(joined, node)
                joined.end_lineno, joined.end_col_offset = node.end_lineno, node.end_col_offset
                scope.values[node.target.id] = joined
                return
        if isinstance(node.target, ast.Name):
            self.sym.scope.values.pop(node.target.id, None)  # changed in a way the evaluator does not follow

    def visit_Raise(self, node: ast.Raise) -> None:
        self.factories.skip(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self._bind(node.target, node.value)

    def visit_withitem(self, node: ast.withitem) -> None:
        # `with httpx.Client(base_url=...) as client:` / `async with AsyncOpenAI(...) as client:`
        if isinstance(node.optional_vars, ast.Name):
            self._bind(node.optional_vars, node.context_expr)

    def _bind_target(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, (ast.Tuple, ast.List)):
            if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) \
                    and not any(isinstance(element, ast.Starred) for element in (*target.elts, *value.elts)):
                for element, part in zip(target.elts, value.elts):
                    self._bind_target(element, part)
            else:
                for element in target.elts:  # `a, b = f()`: each name now holds something unknown
                    if isinstance(element, ast.Name):
                        self.sym.scope.values.pop(element.id, None)
            return
        self._bind(target, value)

    def _bind(self, target: ast.expr, value: ast.expr) -> None:
        sym, sinks = self.sym, self.sinks
        if isinstance(target, ast.Subscript) and sym.qualified(target.value) == "os.environ":
            key = sym.eval.evaluate(target.slice)
            written = sym.eval.evaluate(value)
            if key.text and written.text is not None:
                sym.env_writes[key.text] = written
            return
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            if target.value.id == "self" and sym.scope.cls is not None:
                route = sinks.client_of(value)
                if route:
                    sym.scope.cls.self_clients[target.attr] = route
                else:
                    sym.scope.cls.self_values[target.attr] = (value, sym.scope)
                return
            self.legacy.assign(target, value)
            return
        if not isinstance(target, ast.Name):
            return
        name = target.id
        scope = sym.scope
        route = sinks.client_of(value)
        if route:
            scope.clients[name] = route
            scope.values.pop(name, None)
            if scope is sym.module:
                self.facts.client_exports[name] = route
            return
        scope.clients.pop(name, None)
        if scope is sym.module and isinstance(value, (ast.Call, ast.Await)):
            made = self.factories.route_of(value)  # `client = make_client(...)` of another module, set up there
            if made is not None:
                self.facts.client_exports[name] = made
        instance = sym.instance_class(value) if isinstance(value, ast.Call) else None
        if instance is not None:
            scope.instances[name] = instance
            scope.values.pop(name, None)
            if scope is sym.module:
                for attr in sym.classes[instance].attrs:
                    self.facts.exports[f"{name}.{attr}"] = UNKNOWN_VALUE
            return
        scope.values[name] = value
        if scope is sym.module:
            self.facts.exports[name] = UNKNOWN_VALUE  # evaluated at the end, once every name is known

    def visit_If(self, node: ast.If) -> bool:
        """Branches are walked apart; a name bound differently on them holds a Choice afterwards."""
        self.visit(node.test)
        values = self.sym.scope.values
        before = dict(values)
        for statement in node.body:
            self.visit(statement)
        after_body = dict(values)
        values.clear()
        values.update(before)
        for statement in node.orelse:
            self.visit(statement)
        origin = None
        for name in set(after_body) | set(values):
            body, orelse = after_body.get(name), values.get(name)
            if body is not orelse:
                origin = branch_origin(node.test) if origin is None else origin
                values[name] = Choice([body, orelse], origin)
        return False

    # ------------------------------------------------------------------ calls
    def visit_Call(self, node: ast.Call) -> None:
        sinks = self.sinks
        sink, _ = sinks.sink_for(node)
        qualified = self.sym.qualified(node.func)
        if qualified in self.switch_names and node.args:
            chosen = string_of(node.args[0])
            if chosen:
                self.switches.add((qualified, chosen))  # type: ignore[arg-type]
        if sink is not None:
            scope = self.sym.scope
            if scope.kind == "function" and scope.node is not None and not self.lambdas:
                sinks.sink_calls.setdefault(id(scope.node), []).append((node, sink))  # see Sinks.parametrised_sinks
            if sink.kind in ("model", "install"):
                keywords, positional = sinks.arguments(node)
                given = sinks.param(sink.client, sink.client_position, keywords, positional)
                if given is not None:
                    route_id = sinks.client_of(given)
                    route_ref = None if route_id else sinks.client_ref(given)
                    if route_ref is not None:
                        route_id = self.factories.route_of(given)
                    sinks.use_route(node, sink, keywords, route_id, route_ref, positional)
            elif sink.kind == "router":
                sinks.router_routes(node, sink)
            elif sink.kind != "wrap":
                sinks.route_for_call(node)
            return
        if sinks.super_init(node):
            return
        sinks.bind_function_call(node)
        self.factories.call(node)
        self.calls.visit(node)

    # ------------------------------------------------------------------ the end of the module
    def finish(self) -> FileFacts:
        """Fill in what needs the whole module: endpoint switches, exports and the legacy route."""
        sym, facts = self.sym, self.facts
        for target, sink in self.sinks.switchable:
            if sink.switch and (sink.switch[0], sink.switch[1]) in self.switches:
                if isinstance(target, EndpointCall) or target.endpoint:
                    target.endpoint = sink.switch[2]
                else:
                    target.default_endpoint = sink.switch[2]
        sym.scope = sym.module
        for name in list(facts.exports):
            head, _, rest = name.partition(".")
            if rest:
                owner = sym.module.instances.get(head)
                cls = sym.classes.get(owner or head)
                attr = rest.removesuffix(".value") if cls is not None and cls.enum else rest
                value = sym.class_value(cls, attr, 0) if cls and attr in cls.attrs else UNKNOWN_VALUE
            else:
                value = sym.lookup_value(name, 0)
            facts.exports[name] = value
        for name, scope in sym.functions.items():
            if len(scope.returns) != 1 or name in self.sinks.factories:
                continue
            instance = sym.classes.get(sym.instance_class(self._call(name)) or "")
            if instance is not None:  # `get_settings().base_url` in another module
                for attr in instance.attrs:
                    facts.exports[f"{name}().{attr}"] = sym.class_value(instance, attr, 0)
                continue
            value = sym.call_value(self._call(name), 0)
            if value.text is not None or value.env_var:
                facts.exports[name + "()"] = value
        self.legacy.finish()
        facts.factories = self.factories.templates()
        for name, ref in sym.module_refs.items():
            if "#" in ref:
                module, _, member = ref.partition("#")
                facts.client_imports[name] = (module, member)
        return facts

    @staticmethod
    def _call(name: str) -> ast.Call:
        return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=[], keywords=[])


ModuleWalker.HANDLERS = {getattr(ast, name[len("visit_"):]): handler for name, handler in vars(ModuleWalker).items()
                         if name.startswith("visit_") and hasattr(ast, name[len("visit_"):])}
# nodes below which no handler can fire: names (an id and a context) and operators
LEAVES = frozenset({ast.Name, ast.Load, ast.Store, ast.Del, *ast.operator.__subclasses__(), *ast.boolop.__subclasses__(),
                    *ast.unaryop.__subclasses__(), *ast.cmpop.__subclasses__()})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = _CHILD_FIELDS[cls] = tuple(name for name in cls._fields if name not in ("ctx", "op", "ops"))  # type: ignore[attr-defined]
    return fields


def analyse_tree(path: str, source: SourceText, tree: ast.Module, catalog: Catalog, sdks: SdkCatalog) -> FileFacts:
    return ModuleWalker(path, source, catalog, sdks).run(tree)



"""Walk one Python module and record route sites, endpoint calls and importable names.

Scopes are tracked by hand (module, class, function) rather than with libcst's scope metadata, which
costs several times the parse; positions come from libcst's PositionProvider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

import libcst as cst
from libcst.metadata import PositionProvider

from routelint.catalog.model import Catalog
from routelint.facts import (
    CONSUMER_HTTP,
    CONSUMER_NATIVE,
    ENV,
    LITERAL,
    ORIGIN_DEFAULT,
    REF,
    UNKNOWN,
    UNKNOWN_VALUE,
    EndpointCall,
    FileFacts,
    Location,
    RouteSite,
    Span,
    Value,
    env_value,
)
from routelint.frontends.python.evaluate import Evaluator, as_ref, string_text
from routelint.modules import module_ref
from routelint.sdks import LegacySpec, SdkCatalog, Sink

_CHAIN_NOISE = {"with_raw_response", "with_streaming_response"}
_CHAIN_CALLS = {"with_options", "copy"}
_HTTP_METHODS = {"post", "get", "put", "patch", "request", "stream"}


@dataclass
class ClassInfo:
    name: str
    bases: list[str]
    attrs: dict[str, cst.BaseExpression] = field(default_factory=dict)
    settings: bool = False
    env_prefix: str = ""
    field_env: dict[str, str] = field(default_factory=dict)  # field -> env var (alias)
    sink: Optional[Sink] = None
    super_route: Optional[str] = None  # route created at super().__init__(...)
    # what __init__ hands to super().__init__, and __init__'s own parameters (name -> default), in order
    super_kwargs: dict[str, cst.BaseExpression] = field(default_factory=dict)
    init_params: dict[str, Optional[cst.BaseExpression]] = field(default_factory=dict)
    init_star_kwargs: Optional[str] = None
    self_clients: dict[str, str] = field(default_factory=dict)
    self_values: dict[str, cst.BaseExpression] = field(default_factory=dict)


@dataclass
class Scope:
    kind: str
    parent: Optional["Scope"]
    values: dict[str, cst.BaseExpression] = field(default_factory=dict)
    clients: dict[str, str] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)  # name -> class name (settings objects)
    params: dict[str, Optional[cst.BaseExpression]] = field(default_factory=dict)
    cls: Optional[ClassInfo] = None
    returns_client: Optional[str] = None
    star_kwargs: Optional[str] = None


class RouteVisitor(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, path: str, catalog: Catalog, sdks: SdkCatalog) -> None:
        super().__init__()
        self.path = path
        self.catalog = catalog
        self.sdks = sdks
        self.facts = FileFacts(path=path, kind="python", parsed=True)
        self.imports: dict[str, str] = {}  # local name -> qualified dotted name
        self.module_refs: dict[str, str] = {}  # local name -> module reference for the resolver
        self.module = Scope("module", None)
        self.scope = self.module
        self.classes: dict[str, ClassInfo] = {}
        self.factories: dict[str, str] = {}  # function name -> route id it returns
        self.env_writes: dict[str, Value] = {}
        self.route_of_call: dict[int, Optional[str]] = {}
        self.legacy_route: dict[str, str] = {}
        self.legacy_values: dict[tuple[str, str], Value] = {}
        self.http_clients: set[str] = set()  # route ids of raw HTTP clients (`httpx.Client(base_url=...)`)
        self.switch_names = {sink.switch[0] for sink in sdks.sinks.values() if sink.switch}
        self.switches: set[tuple[str, str]] = set()  # (call, argument) seen anywhere in the module
        self.switchable: list = []  # (site or endpoint call, sink) whose endpoint a switch may change
        self.eval = Evaluator(self)
        self._evaluating: set[str] = set()

    # ---------------------------------------------------------------- positions and names
    def span(self, node: cst.CSTNode) -> Span:
        pos = self.get_metadata(PositionProvider, node)
        return Span(pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1)

    def dotted(self, node: cst.BaseExpression) -> Optional[str]:
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, cst.Attribute):
            base = self.dotted(node.value)
            return f"{base}.{node.attr.value}" if base else None
        return None

    def qualified(self, node: cst.BaseExpression) -> Optional[str]:
        dotted = self.dotted(node)
        if dotted is None:
            return None
        head, dot, rest = dotted.partition(".")
        if head in self.imports:
            return self.imports[head] + (dot + rest if rest else "")
        return dotted

    def _module_ref(self, module: str, level: int) -> str:
        return module_ref(self.path, module, level)

    # ---------------------------------------------------------------- module pre-pass
    def visit_Module(self, node: cst.Module) -> None:
        """Know module-level imports and constants before walking function bodies that use them."""
        self._fix_anchors(node)
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Import):
                    self.visit_Import(small)
                elif isinstance(small, cst.ImportFrom):
                    self.visit_ImportFrom(small)
                elif isinstance(small, cst.Assign):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            self.module.values[target.target.value] = small.value
                elif isinstance(small, cst.AnnAssign) and small.value is not None and isinstance(small.target, cst.Name):
                    self.module.values[small.target.value] = small.value

    def _fix_anchors(self, node: cst.Module) -> None:
        """For fixes: the module-level names of os.environ and where an `import os` line can go."""
        preamble_end = 0  # last line of the module docstring and `from __future__` imports
        insert_at = None
        for index, statement in enumerate(node.body):
            smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else ()
            docstring = index == 0 and len(smalls) == 1 and isinstance(smalls[0], cst.Expr) and isinstance(
                smalls[0].value, (cst.SimpleString, cst.ConcatenatedString))
            future = bool(smalls) and all(isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name)
                                          and small.module.value == "__future__" for small in smalls)
            if docstring or future:
                preamble_end = self.span(statement).end_line
                continue
            if insert_at is None:
                first_import = bool(smalls) and isinstance(smalls[0], (cst.Import, cst.ImportFrom))
                insert_at = self.span(statement).line if first_import else None
                if insert_at is None:
                    insert_at = preamble_end + 1 if preamble_end else self._after_header(node)
            for small in smalls:
                line = self.span(statement).line
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        name = self.dotted(alias.name) or ""
                        if alias.asname is None and name.split(".")[0] == "os":
                            self.facts.environ_names.append(("os.environ", line))
                        elif alias.asname is not None and name == "os" and isinstance(alias.asname.name, cst.Name):
                            self.facts.environ_names.append((alias.asname.name.value + ".environ", line))
                elif isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name) and small.module.value == "os" \
                        and not small.relative and not isinstance(small.names, cst.ImportStar):
                    for alias in small.names:
                        if isinstance(alias.name, cst.Name) and alias.name.value == "environ":
                            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else "environ"
                            self.facts.environ_names.append((local, line))
        self.facts.import_line = insert_at if insert_at is not None else (preamble_end + 1 if preamble_end else self._after_header(node))
        self._not_key_literals: set[int] = set()

    def _arg_insert(self, call: cst.Call, param: str) -> Optional[tuple[Span, str, str, str]]:
        """For fixes: a keyword argument goes right after the last argument's value (before its comma, if
        any), or right before `)` of an empty call."""
        if call.args:
            last = call.args[-1]
            start, end = self.span(last), self.span(last.value)
            if isinstance(last.comma, cst.Comma) and self.span(call).end_line > end.end_line:
                # one argument per line with a trailing comma: a new line, indented like the last argument
                comma = self.span(last.comma)
                at = Span(comma.end_line, comma.end_column, comma.end_line, comma.end_column)
                return at, "\n" + " " * (start.column - 1), param + "=", ","
            return Span(end.end_line, end.end_column, end.end_line, end.end_column), ", ", param + "=", ""
        end = self.span(call)
        return Span(end.end_line, end.end_column - 1, end.end_line, end.end_column - 1), "", param + "=", ""

    @staticmethod
    def _after_header(node: cst.Module) -> int:
        """The line after the module's top comments (shebang, license), keeping a comment block that is
        attached to the first statement (no blank line between them) with that statement."""
        blanks = [index for index, line in enumerate(node.header) if line.comment is None]
        return blanks[-1] + 2 if blanks else len(node.header) + 1

    def visit_Expr(self, node: cst.Expr) -> None:
        self._not_key_literals.add(id(node.value))  # a bare string statement (docstring) is not a value

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._not_key_literals.update((id(node.left), id(node.right)))  # a part cannot become an expression

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        """Plain literals that may be a whole key (RL202's fix replaces the literal, quotes included)."""
        if len(node.value) < 20 or id(node) in self._not_key_literals or any(ch.isspace() for ch in node.value):
            return
        text = string_text(node)
        if text is not None:
            self.facts.key_literals.append((self.span(node), text, node.prefix + node.quote))

    # ---------------------------------------------------------------- imports
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = self.dotted(alias.name) or ""
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name.split(".")[0]
            self.imports[local] = name if alias.asname else name.split(".")[0]
            self.module_refs[local] = "mod:" + (name if alias.asname else name.split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = self.dotted(node.module) if node.module else ""
        level = len(node.relative)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else (self.dotted(alias.name) or "")
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            if level == 0:
                self.imports[local] = f"{module}.{name}" if module else name
            ref_module = self._module_ref(module or "", level)
            self.module_refs[local] = ref_module + "#" + name  # a name inside a module (or a submodule)

    # ---------------------------------------------------------------- scopes
    def _push(self, kind: str, cls: Optional[ClassInfo] = None) -> Scope:
        parent = self.scope
        self.scope = Scope(kind, parent, cls=cls or (parent.cls if kind == "function" else None))
        return self.scope

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        bases = [self.qualified(arg.value) or "" for arg in node.bases if arg.keyword is None]
        info = ClassInfo(node.name.value, bases)
        info.settings = any(base.endswith("BaseSettings") for base in bases)
        for base in bases:
            sink = self.sdks.sinks.get(base) or (self.classes[base].sink if base in self.classes else None)
            if sink is not None and sink.kind == "client":
                info.sink = sink
        for statement in node.body.body:
            if isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    self._class_attr(info, small)
        self.classes[info.name] = info
        if self.scope is self.module:
            for attr in info.attrs:
                self.facts.exports.setdefault(f"{info.name}.{attr}", UNKNOWN_VALUE)
        self._push("class", info)

    def _class_attr(self, info: ClassInfo, small: cst.BaseSmallStatement) -> None:
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
            name, value = small.target.value, small.value
        elif isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(small.targets[0].target, cst.Name):
            name, value = small.targets[0].target.value, small.value
        else:
            return
        if name == "model_config" and isinstance(value, cst.Call):
            for arg in value.args:
                if arg.keyword and arg.keyword.value == "env_prefix":
                    info.env_prefix = string_text(arg.value) or ""
            return
        info.attrs[name] = value
        if isinstance(value, cst.Call) and (self.qualified(value.func) or "").endswith("Field"):
            for arg in value.args:
                if arg.keyword and arg.keyword.value in ("alias", "validation_alias", "env"):
                    alias = string_text(arg.value)
                    if alias:
                        info.field_env[name] = alias

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        cls = self.scope.cls
        self.scope = self.scope.parent or self.module
        if cls is not None and cls.super_route is not None and self.scope is self.module:
            # `GeminiClient()` in another module is the route the subclass sets up in super().__init__
            self.facts.client_exports[cls.name + "()"] = cls.super_route

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = self._push("function")
        params = node.params
        for param in list(params.posonly_params) + list(params.params) + list(params.kwonly_params):
            scope.params[param.name.value] = param.default
        if isinstance(params.star_kwarg, cst.Param):
            scope.star_kwargs = params.star_kwarg.name.value

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        scope = self.scope
        self.scope = scope.parent or self.module
        if scope.returns_client and self.scope is self.module:
            self.factories[original_node.name.value] = scope.returns_client
            self.facts.client_exports[original_node.name.value + "()"] = scope.returns_client

    # ---------------------------------------------------------------- lookups used by the evaluator
    def _scopes(self):
        scope: Optional[Scope] = self.scope
        first = True
        while scope is not None:
            if first or scope.kind != "class":
                yield scope
            first = False
            scope = scope.parent

    def lookup_value(self, name: str, depth: int) -> Value:
        for scope in self._scopes():
            if name in scope.params and scope.kind == "function" and name not in scope.values:
                default = scope.params[name]
                if default is not None:
                    value = self.eval.evaluate(default, depth)
                    # a parameter default is overridable by the caller: configurable, not hardcoded
                    return value.with_(origin=ORIGIN_DEFAULT) if value.kind == LITERAL else value
                return UNKNOWN_VALUE
            if name in scope.values:
                key = f"{id(scope)}:{name}"
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

    def lookup_self_value(self, attr: str, depth: int) -> Value:
        cls = self.scope.cls
        if cls is None:
            return UNKNOWN_VALUE
        if attr in cls.self_values:
            return self.eval.evaluate(cls.self_values[attr], depth)
        if attr in cls.attrs:
            return self._class_value(cls, attr, depth)
        return UNKNOWN_VALUE

    def _class_value(self, cls: ClassInfo, attr: str, depth: int) -> Value:
        node = cls.attrs[attr]
        if isinstance(node, cst.Call) and (self.qualified(node.func) or "").endswith("Field"):
            default = None
            for index, arg in enumerate(node.args):
                if (arg.keyword is None and index == 0) or (arg.keyword and arg.keyword.value == "default"):
                    default = arg.value
            value = self.eval.evaluate(default, depth) if default is not None else UNKNOWN_VALUE
        else:
            value = self.eval.evaluate(node, depth)
        if cls.settings:
            var = cls.field_env.get(attr) or (cls.env_prefix + attr).upper()
            return env_value(var, value if value.text is not None else None, loc=value.loc)
        return value

    def lookup_dotted_value(self, dotted: str, depth: int) -> Value:
        head, _, rest = dotted.partition(".")
        # class constants and settings objects of this module
        for scope in self._scopes():
            if head in scope.instances:
                cls = self.classes.get(scope.instances[head])
                if cls and rest in cls.attrs:
                    return self._class_value(cls, rest, depth)
                return UNKNOWN_VALUE
        if head in self.classes and rest in self.classes[head].attrs:
            return self._class_value(self.classes[head], rest, depth)
        if head in self.module_refs:
            module = self.module_refs[head]
            if "#" in module:  # `from pkg import config` then `config.X`, or an imported settings object
                base, _, member = module.partition("#")
                return Value(REF, ref=(base, f"{member}.{rest}"), identifier=rest.rsplit(".", 1)[-1])
            return as_ref(module, rest)
        return UNKNOWN_VALUE

    def env_lookup(self, var: str, default: Optional[Value], loc: Location) -> Value:
        if var in self.env_writes:
            written = self.env_writes[var]
            return written.with_(env_var=var)
        if default is not None and default.kind == UNKNOWN:
            default = None
        return env_value(var, default, loc=loc)

    # ---------------------------------------------------------------- assignments
    def visit_Assign(self, node: cst.Assign) -> None:
        if any(isinstance(t.target, cst.Subscript) and self.qualified(t.target.value) == "os.environ" for t in node.targets):
            self._not_key_literals.add(id(node.value))  # `os.environ["K"] = "<key>"`: no env lookup can replace it
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and self.scope.kind != "class":
            self._bind(node.target, node.value)

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, cst.Subscript) and self.qualified(target.value) == "os.environ":
            key = self.eval.evaluate(target.slice[0].slice.value) if isinstance(target.slice[0].slice, cst.Index) else UNKNOWN_VALUE
            written = self.eval.evaluate(value)
            if key.text and written.text is not None:
                self.env_writes[key.text] = written
            return
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
            owner = target.value.value
            if owner == "self" and self.scope.cls is not None:
                route = self._client_of(value)
                if route:
                    self.scope.cls.self_clients[target.attr.value] = route
                else:
                    self.scope.cls.self_values[target.attr.value] = value
                return
            if self.qualified(target.value) in {spec.module for spec in self.sdks.legacy}:
                self.legacy_values[(self.qualified(target.value) or "", target.attr.value)] = self.eval.evaluate(value)
                self._legacy_route(self.qualified(target.value) or "", node_for_span=target)
            return
        if not isinstance(target, cst.Name):
            return
        name = target.value
        scope = self.scope
        route = self._client_of(value)
        if route:
            scope.clients[name] = route
            scope.values.pop(name, None)
            if scope is self.module:
                self.facts.client_exports[name] = route
            return
        scope.clients.pop(name, None)
        if isinstance(value, cst.Call):
            cls_name = self.dotted(value.func)
            if cls_name in self.classes:
                scope.instances[name] = cls_name
                if scope is self.module:
                    for attr in self.classes[cls_name].attrs:
                        self.facts.exports[f"{name}.{attr}"] = UNKNOWN_VALUE
                return
        scope.values[name] = value
        if scope is self.module:
            self.facts.exports[name] = UNKNOWN_VALUE  # evaluated at the end, once every name is known

    def visit_WithItem(self, node: cst.WithItem) -> None:
        # `with httpx.Client(base_url=...) as client:` / `async with AsyncOpenAI(...) as client:`
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self._bind(node.asname.name, node.item)

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None and self.scope.kind == "function":
            route = self._client_of(node.value)
            if route:
                self.scope.returns_client = route

    # ---------------------------------------------------------------- sinks
    def _sink_for(self, call: cst.Call) -> tuple[Optional[Sink], Optional[ClassInfo]]:
        qualified = self.qualified(call.func)
        if qualified is None:
            return None, None
        if qualified in self.sdks.sinks:
            return self.sdks.sinks[qualified], None
        cls = self.classes.get(qualified)
        if cls is not None and cls.sink is not None:
            return cls.sink, cls
        return None, None

    def _client_of(self, node: cst.BaseExpression) -> Optional[str]:
        """The route id of the client an expression evaluates to, if any."""
        if isinstance(node, cst.Await):
            node = node.expression
        if isinstance(node, cst.Call):
            sink, _ = self._sink_for(node)
            if sink is not None and sink.kind in ("client", "http-client"):
                return self._route_for_call(node)
            if sink is not None and sink.kind == "wrap":
                keywords, positional = self._arguments(node)
                given = self._param(sink.client, sink.client_position, keywords, positional)
                return self._client_of(given) if given is not None else None
            name = self.dotted(node.func)
            if name in self.factories:
                return self.factories[name]
            return None
        if isinstance(node, cst.Name):
            for scope in self._scopes():
                if node.value in scope.clients:
                    return scope.clients[node.value]
                if node.value in scope.values:
                    return None
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
            cls = self.scope.cls
            if cls is not None:
                return cls.self_clients.get(node.attr.value)
        return None

    def _arguments(self, call: cst.Call) -> tuple[dict[str, cst.BaseExpression], list[cst.BaseExpression]]:
        keywords: dict[str, cst.BaseExpression] = {}
        positional: list[cst.BaseExpression] = []
        for arg in call.args:
            if arg.star == "**":
                for key, value in self._splat(arg.value):
                    keywords.setdefault(key, value)
            elif arg.keyword is not None:
                keywords[arg.keyword.value] = arg.value
            elif arg.star == "":
                positional.append(arg.value)
        return keywords, positional

    def _splat(self, node: cst.BaseExpression) -> list[tuple[str, cst.BaseExpression]]:
        if isinstance(node, cst.Name):
            for scope in self._scopes():
                if node.value in scope.values:
                    node = scope.values[node.value]
                    break
        items: list[tuple[str, cst.BaseExpression]] = []
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    key = string_text(element.key)
                    if key:
                        items.append((key, element.value))
        elif isinstance(node, cst.Call) and self.dotted(node.func) == "dict":
            for arg in node.args:
                if arg.keyword is not None:
                    items.append((arg.keyword.value, arg.value))
        return items

    def _param(self, names: tuple[str, ...], position: Optional[int], keywords, positional) -> Optional[cst.BaseExpression]:
        for name in names:
            if name in keywords:
                return keywords[name]
        if position is not None and position < len(positional):
            return positional[position]
        return None

    def _implicit(self, envs: tuple[str, ...], call: cst.CSTNode) -> Value:
        if not envs:
            return UNKNOWN_VALUE
        var = envs[0]
        if var in self.env_writes:
            return self.env_writes[var].with_(env_var=var)
        return Value(ENV, env_var=var, implicit=True, loc=Location(self.path, self.span(call)), origin=ORIGIN_DEFAULT)

    def _route_for_call(self, call: cst.Call) -> Optional[str]:
        key = id(call)
        if key in self.route_of_call:
            return self.route_of_call[key]
        sink, cls = self._sink_for(call)
        if sink is None:
            self.route_of_call[key] = None
            return None
        keywords, positional = self._arguments(call)
        given = self._param(sink.client, sink.client_position, keywords, positional) if sink.client else None
        if given is not None and sink.kind == "client":
            route_id = self._client_of(given)
            reference = None if route_id else self._client_ref(given)
            if route_id or reference:
                self._use_route(call, sink, keywords, route_id, reference)
            self.route_of_call[key] = route_id
            return route_id
        if cls is not None and cls.super_route is not None:
            merged = self._subclass_arguments(cls, call)
            if merged is None:
                self.route_of_call[key] = cls.super_route
                return cls.super_route
            keywords, positional = merged, []
        route_id = self._make_route(call, sink, keywords, positional)
        self.route_of_call[key] = route_id
        return route_id

    def _make_route(self, call: cst.Call, sink: Sink, keywords, positional, *, span_node: Optional[cst.CSTNode] = None) -> str:
        base_node = self._param(sink.base_url, sink.base_url_position, keywords, positional)
        key_node = self._param(sink.api_key, None, keywords, positional)
        model_node = self._param(sink.model, sink.model_position, keywords, positional)
        base = self.eval.evaluate(base_node) if base_node is not None else self._implicit(sink.base_url_env, call)
        api_key = self.eval.evaluate(key_node) if key_node is not None else self._implicit(sink.api_key_env, call)
        model = self.eval.evaluate(model_node) if model_node is not None else None
        if model is not None and model.kind == UNKNOWN and model_node is not None:
            model = Value(UNKNOWN, loc=Location(self.path, self.span(model_node)))
        prefix = None
        if model is not None and model.text is not None and sink.model_prefixes:
            prefix, written, sent = self.sdks.split_model(sink.model_prefixes, model.text)
            if prefix is not None and written:
                model = model.with_(text=sent, quote=None)  # the ID that reaches the endpoint
            if prefix is not None:
                if base_node is None:
                    base = self._implicit(prefix.base_env, call) if prefix.base_env else UNKNOWN_VALUE
                if key_node is None:
                    api_key = self._implicit(prefix.key_env, call) if prefix.key_env else UNKNOWN_VALUE
        span = self.span(span_node or call)
        route_id = f"{self.path}:{span.line}:{span.column}"
        site = RouteSite(
            id=route_id,
            path=self.path,
            span=span,
            sdk=sink.sdk,
            base_url=base,
            api_key=api_key,
            model=model,
            consumer=CONSUMER_HTTP if sink.kind in ("http", "http-client") else "sdk",
            default_endpoint=self._endpoint_of(sink, keywords, site_pending=True),
        )
        if prefix is not None:
            site.implied_provider = prefix.provider
            if prefix.native:
                site.consumer = CONSUMER_NATIVE
                site.native_label = prefix.label
        if key_node is None and sink.api_key and span_node is None:
            site.key_arg_insert = self._arg_insert(call, sink.api_key[0])
        if sink.base_is_root:
            site.consumer = "root"
        if sink.kind in ("call", "router"):  # one request: the site itself calls the endpoint
            site.endpoint, site.default_endpoint = site.default_endpoint, None
        if sink.kind == "http-client":
            site.api_key = self._http_key(keywords)
            self.http_clients.add(route_id)
        if site.default_endpoint or site.endpoint:
            self.switchable.append((site, sink))
        if sink.kind == "http":
            site.endpoint = self._http_endpoint(base)
            site.api_key = self._http_key(keywords)
            if model is None:
                site.model = self._json_model(keywords)
        self.facts.routes.append(site)
        return route_id

    def _http_endpoint(self, url: Value) -> Optional[str]:
        if url.text is None:
            return None
        path = url.text.split("?", 1)[0].rstrip("/")
        for suffix, endpoint in sorted(self.catalog.endpoint_paths.items(), key=lambda item: -len(item[0])):
            if path.endswith(suffix):
                return endpoint
        return None

    def _http_key(self, keywords) -> Value:
        headers = keywords.get("headers")
        for key, value in self._splat(headers) if headers is not None else []:
            if key.lower() == "authorization":
                if isinstance(value, cst.FormattedString):
                    expressions = [part for part in value.parts if isinstance(part, cst.FormattedStringExpression)]
                    if len(expressions) == 1:
                        return self.eval.evaluate(expressions[0].expression)
                evaluated = self.eval.evaluate(value)
                if evaluated.text and evaluated.text.lower().startswith("bearer ") and not evaluated.partial:
                    # the key is part of the literal: an edit of the literal must not drop "Bearer "
                    return evaluated.with_(text=evaluated.text[7:], quote=None)
                return UNKNOWN_VALUE
        return UNKNOWN_VALUE

    def _json_model(self, keywords) -> Optional[Value]:
        body = keywords.get("json")
        for key, value in self._splat(body) if body is not None else []:
            if key == "model":
                return self.eval.evaluate(value)
        return None

    # ---------------------------------------------------------------- calls
    def visit_Call(self, node: cst.Call) -> None:
        sink, cls = self._sink_for(node)
        qualified = self.qualified(node.func)
        if qualified in self.switch_names and node.args:
            chosen = string_text(node.args[0].value)
            if chosen:
                self.switches.add((qualified, chosen))
        if sink is not None:
            if sink.kind in ("model", "install"):
                keywords, positional = self._arguments(node)
                given = self._param(sink.client, sink.client_position, keywords, positional)
                if given is not None:
                    self._use_route(node, sink, keywords, self._client_of(given), None if self._client_of(given) else self._client_ref(given), positional)
            elif sink.kind == "router":
                self._router_routes(node, sink)
            elif sink.kind != "wrap":
                self._route_for_call(node)
            return
        if self._super_init(node):
            return
        self._endpoint_call(node)

    def _endpoint_of(self, sink: Sink, keywords, site_pending: bool = False) -> Optional[str]:
        """The endpoint a sink calls, after a parameter switch such as `use_responses=False`."""
        if sink.endpoint_param is not None:
            name, literal_text, endpoint = sink.endpoint_param
            given = keywords.get(name)
            if isinstance(given, cst.Name) and given.value == literal_text:
                return endpoint
        return sink.default_endpoint

    def _use_route(self, call: cst.Call, sink: Sink, keywords, route_id: Optional[str], route_ref, positional=()) -> None:
        """A sink that sends a model (or installs a client) over a client built elsewhere."""
        endpoint = self._endpoint_of(sink, keywords)
        if route_id is None and route_ref is None or endpoint is None:
            return
        model = None
        model_node = self._param(sink.model, sink.model_position, keywords, list(positional))
        if model_node is not None:
            model = self.eval.evaluate(model_node)
            if model.loc is None:
                model = model.with_(loc=Location(self.path, self.span(model_node)))
        record = EndpointCall(path=self.path, span=self.span(call), endpoint=endpoint, route_id=route_id,
                              route_ref=route_ref, model=model)
        self.facts.calls.append(record)
        self.switchable.append((record, sink))

    def _router_routes(self, call: cst.Call, sink: Sink) -> None:
        """`Router(model_list=[{"litellm_params": {...}}, ...])`: one route per entry."""
        keywords, _ = self._arguments(call)
        entries = keywords.get(sink.list_param or "")
        if isinstance(entries, cst.Name):
            entries = self.module.values.get(entries.value, entries)
        if not isinstance(entries, cst.List):
            return
        for element in entries.elements:
            params = element.value
            for key, value in self._splat(params):
                if key == sink.params_key:
                    params = value
            inner = dict(self._splat(params))
            if inner:
                self._make_route(call, sink, inner, [], span_node=params)

    def _super_init(self, node: cst.Call) -> bool:
        """`super().__init__(base_url=...)` inside a client subclass is where the subclass sets its route."""
        func = node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call)):
            return False
        if self.dotted(func.value.func) != "super":
            return False
        cls = self.scope.cls
        if cls is None or cls.sink is None:
            return False
        keywords, positional = self._arguments(node)
        cls.super_route = self._make_route(node, cls.sink, keywords, positional)
        cls.super_kwargs = keywords
        cls.init_params = {name: default for name, default in self.scope.params.items() if name != "self"}
        cls.init_star_kwargs = self.scope.star_kwargs
        return True

    def _subclass_arguments(self, cls: ClassInfo, call: cst.Call) -> Optional[dict[str, cst.BaseExpression]]:
        """What `Sub(...)` ends up passing to the SDK through `super().__init__`, when the caller's
        arguments change it; None when the route set up in `super().__init__` applies as it is."""
        keywords, positional = self._arguments(call)
        given = dict(zip(cls.init_params, positional))
        given.update({name: value for name, value in keywords.items() if name in cls.init_params})
        extra = {name: value for name, value in keywords.items() if name not in cls.init_params}
        merged: dict[str, cst.BaseExpression] = {}
        changed = False
        for name, expression in cls.super_kwargs.items():
            if isinstance(expression, cst.Name) and expression.value in given:
                merged[name] = given[expression.value]
                changed = True
            else:
                merged[name] = expression
        if cls.init_star_kwargs and extra:
            merged.update(extra)  # forwarded through **kwargs: the caller's value wins
            changed = True
        return merged if changed else None

    def _endpoint_call(self, node: cst.Call) -> None:
        names: list[str] = []
        current: cst.BaseExpression = node.func
        while True:
            if isinstance(current, cst.Attribute):
                if current.attr.value not in _CHAIN_NOISE:
                    names.insert(0, current.attr.value)
                current = current.value
            elif (
                isinstance(current, cst.Call)
                and isinstance(current.func, cst.Attribute)
                and current.func.attr.value in _CHAIN_CALLS
            ):
                current = current.func.value
            else:
                break
        if not names:
            return
        route_id: Optional[str] = None
        route_ref: Optional[tuple[str, str]] = None
        if isinstance(current, cst.Name) and current.value == "self" and self.scope.cls is not None:
            route_id = self.scope.cls.self_clients.get(names[0])
            if route_id is None and names[0] in self.scope.cls.self_values:
                route_ref = self._client_ref(self.scope.cls.self_values[names[0]])
            names = names[1:]
        elif isinstance(current, cst.Name):
            route_id = self._client_of(current)
            if route_id is None:
                legacy = self._legacy_endpoint(current.value, names, node)
                if legacy:
                    return
                module = self.module_refs.get(current.value, "#")
                if "#" not in module and not self._bound_locally(current.value):
                    # `import llm` then `llm.client.files.create(...)`: a client of another module
                    route_ref, names = (module, names[0]), names[1:]
                else:
                    route_ref = self._client_ref(current)
        elif isinstance(current, cst.Call):
            route_id = self._client_of(current)
            if route_id is None:
                route_ref = self._client_ref(current)
        if route_id in self.http_clients and len(names) == 1 and names[0] in _HTTP_METHODS:
            self._http_client_call(node, route_id)
            return
        if (route_id is None and route_ref is None) or len(names) < 2:
            return
        self._record_call(node, ".".join(names), route_id, route_ref)

    def _http_client_call(self, node: cst.Call, route_id: str) -> None:
        """`client.post("/chat/completions", json={...})` on `httpx.Client(base_url=...)`."""
        keywords, positional = self._arguments(node)
        target = keywords.get("url") or (positional[0] if positional else None)
        endpoint = self._http_endpoint(self.eval.evaluate(target)) if target is not None else None
        if endpoint is None:
            return
        self.facts.calls.append(EndpointCall(path=self.path, span=self.span(node), endpoint=endpoint,
                                             route_id=route_id, model=self._json_model(keywords)))

    def _bound_locally(self, name: str) -> bool:
        return any(name in scope.values or name in scope.clients or name in scope.params for scope in self._scopes())

    def _client_ref(self, node: cst.BaseExpression, depth: int = 0) -> Optional[tuple[str, str]]:
        """A client made in another module of the tree, as (module, name) for the resolver: an imported
        client, or what an imported factory function or client subclass returns (`name()`), also when it
        is first bound to a name or to `self.<attr>` here."""
        if depth > 8:
            return None
        if isinstance(node, cst.Await):
            node = node.expression
        if isinstance(node, cst.Call):
            func = self._client_ref(node.func, depth + 1)
            return (func[0], func[1] + "()") if func is not None else None
        if isinstance(node, cst.Name):
            for scope in self._scopes():
                if node.value in scope.clients:
                    return None
                if node.value in scope.values:
                    return self._client_ref(scope.values[node.value], depth + 1)
                if scope.kind == "function" and node.value in scope.params:
                    return None
            module, _, member = self.module_refs.get(node.value, "").partition("#")
            return (module, member) if member else None
        if isinstance(node, cst.Attribute):
            dotted = self.dotted(node)
            head, _, rest = (dotted or "").partition(".")
            if head == "self":
                cls = self.scope.cls
                if cls is not None and rest in cls.self_values:
                    return self._client_ref(cls.self_values[rest], depth + 1)
                return None
            if dotted and head in self.module_refs and not self._bound_locally(head):
                value = self.lookup_dotted_value(dotted, depth)
                return value.ref if value.kind == REF else None
        return None

    def _record_call(self, node: cst.Call, endpoint: str, route_id: Optional[str], route_ref) -> None:
        keywords, _ = self._arguments(node)
        model = None
        if "model" in keywords:
            model = self.eval.evaluate(keywords["model"])
            if model.kind == UNKNOWN:
                model = Value(UNKNOWN, loc=Location(self.path, self.span(keywords["model"])))
            elif model.loc is None:
                model = model.with_(loc=Location(self.path, self.span(keywords["model"])))
        features = []
        stream = keywords.get("stream")
        if stream is not None and not (isinstance(stream, cst.Name) and stream.value == "False"):
            features.append("streaming")
        if "tools" in keywords or "functions" in keywords:
            features.append("tools")
        if "response_format" in keywords or endpoint.endswith(".parse") or "text_format" in keywords:
            features.append("structured-output")
        self.facts.calls.append(
            EndpointCall(
                path=self.path,
                span=self.span(node),
                endpoint=endpoint,
                route_id=route_id,
                route_ref=route_ref,
                model=model,
                features=tuple(features),
            )
        )

    # ---------------------------------------------------------------- legacy module globals
    def _legacy_spec(self, local_name: str) -> Optional[LegacySpec]:
        qualified = self.imports.get(local_name)
        for spec in self.sdks.legacy:
            if qualified == spec.module:
                return spec
        return None

    def _legacy_route(self, module: str, node_for_span: Optional[cst.CSTNode] = None) -> str:
        if module in self.legacy_route:
            return self.legacy_route[module]
        span = self.span(node_for_span) if node_for_span is not None else Span(1, 1, 1, 1)
        route_id = f"{self.path}:legacy:{module}"
        site = RouteSite(id=route_id, path=self.path, span=span, sdk=f"{module}-legacy", base_url=UNKNOWN_VALUE, api_key=UNKNOWN_VALUE)
        self.facts.routes.append(site)
        self.legacy_route[module] = route_id
        return route_id

    def _legacy_endpoint(self, local_name: str, names: list[str], node: cst.Call) -> bool:
        spec = self._legacy_spec(local_name)
        if spec is None:
            return False
        joined = ".".join(names)
        if joined in spec.calls:
            endpoint = spec.calls[joined]
        elif names[0] in spec.resources and len(names) >= 2:
            endpoint = joined
        else:
            return False
        route_id = self._legacy_route(spec.module, node_for_span=node)
        self._record_call(node, endpoint, route_id, None)
        return True

    def leave_Module(self, original_node: cst.Module) -> None:
        self.finish()  # positions are only available while the wrapper is visiting

    def finish(self) -> FileFacts:
        """Fill in values that need the whole module: exports and the legacy globals' route."""
        for target, sink in self.switchable:
            if sink.switch and (sink.switch[0], sink.switch[1]) in self.switches:
                if isinstance(target, EndpointCall):
                    target.endpoint = sink.switch[2]
                elif target.endpoint:
                    target.endpoint = sink.switch[2]
                else:
                    target.default_endpoint = sink.switch[2]
        self.scope = self.module
        for name in list(self.facts.exports):
            head, _, rest = name.partition(".")
            if rest:
                owner = self.module.instances.get(head)
                cls = self.classes.get(owner or head)
                value = self._class_value(cls, rest, 0) if cls and rest in cls.attrs else UNKNOWN_VALUE
            else:
                value = self.lookup_value(name, 0)
            self.facts.exports[name] = value
        for module, route_id in self.legacy_route.items():
            spec = next(spec for spec in self.sdks.legacy if spec.module == module)
            site = next(site for site in self.facts.routes if site.id == route_id)
            base = next((self.legacy_values[(module, attr)] for attr in spec.base_url_attrs if (module, attr) in self.legacy_values), None)
            key = next((self.legacy_values[(module, attr)] for attr in spec.api_key_attrs if (module, attr) in self.legacy_values), None)
            loc = Location(self.path, site.span)
            site.base_url = base or (self._implicit_at(spec.base_url_env, loc))
            site.api_key = key or (self._implicit_at(spec.api_key_env, loc))
        for name, ref in self.module_refs.items():
            if "#" in ref:
                module, _, member = ref.partition("#")
                self.facts.client_imports[name] = (module, member)
        return self.facts

    def _implicit_at(self, envs: tuple[str, ...], loc: Location) -> Value:
        if not envs:
            return UNKNOWN_VALUE
        if envs[0] in self.env_writes:
            return self.env_writes[envs[0]].with_(env_var=envs[0])
        return Value(ENV, env_var=envs[0], implicit=True, loc=loc, origin=ORIGIN_DEFAULT)


Node = Union[cst.BaseExpression, cst.CSTNode]

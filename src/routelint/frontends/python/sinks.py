"""Route sites from sink calls: which call is a sink (an SDK name from `rules/sdks/`, or a subclass of
one), which arguments carry its base URL, key and model (keywords, positions, `**kwargs` dicts), and
which client an expression stands for (a name, `self.x`, a factory's return value).
"""

from __future__ import annotations

import ast
from typing import Optional

from routelint.catalog.model import Catalog
from routelint.facts import (
    CONSUMER_HTTP,
    CONSUMER_NATIVE,
    ENV,
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
)
from routelint.frontends.python import http
from routelint.frontends.python.anchors import argument_insert
from routelint.frontends.python.scopes import ClassInfo, dotted
from routelint.frontends.python.symbols import Symbols
from routelint.sdks import SdkCatalog, Sink

MAX_CLIENT_DEPTH = 8
Arguments = tuple[dict[str, ast.expr], list[ast.expr]]


class Sinks:
    def __init__(self, symbols: Symbols, facts: FileFacts, catalog: Catalog, sdks: SdkCatalog) -> None:
        self.sym = symbols
        self.facts = facts
        self.catalog = catalog
        self.sdks = sdks
        self.route_of_call: dict[int, Optional[str]] = {}
        self.factories: dict[str, str] = {}  # function name -> route id it returns
        self.http_clients: set[str] = set()  # route ids of raw HTTP clients (`httpx.Client(base_url=...)`)
        self.switchable: list = []  # (site or endpoint call, sink) whose endpoint a switch may change

    @property
    def path(self) -> str:
        return self.sym.path

    def span(self, node: ast.AST) -> Span:
        return self.sym.source.span(node)

    def evaluate(self, node: Optional[ast.AST]) -> Value:
        return self.sym.eval.evaluate(node)

    # ------------------------------------------------------------------ which call is a sink
    def sink_for(self, call: ast.Call) -> tuple[Optional[Sink], Optional[ClassInfo]]:
        qualified = self.sym.qualified(call.func)
        if qualified is None:
            return None, None
        if qualified in self.sdks.sinks:
            return self.sdks.sinks[qualified], None
        cls = self.sym.classes.get(qualified)
        if cls is not None and cls.sink is not None:
            return cls.sink, cls
        return None, None

    def arguments(self, call: ast.Call) -> Arguments:
        keywords: dict[str, ast.expr] = {}
        positional: list[ast.expr] = []
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                break  # positions after `*args` are unknown
            positional.append(arg)
        for keyword in call.keywords:
            if keyword.arg is None:
                for key, value in self.sym.entries(keyword.value):
                    keywords.setdefault(key, value)
            else:
                keywords[keyword.arg] = keyword.value
        return keywords, positional

    @staticmethod
    def param(names: tuple[str, ...], position: Optional[int], keywords: dict[str, ast.expr], positional: list[ast.expr]) -> Optional[ast.expr]:
        for name in names:
            if name in keywords:
                return keywords[name]
        if position is not None and position < len(positional):
            return positional[position]
        return None

    def endpoint_of(self, sink: Sink, keywords: dict[str, ast.expr]) -> Optional[str]:
        """The endpoint a sink calls, after a parameter switch such as `use_responses=False`."""
        if sink.endpoint_param is not None:
            name, literal_text, endpoint = sink.endpoint_param
            given = keywords.get(name)
            if isinstance(given, ast.Constant) and repr(given.value) == literal_text:
                return endpoint
        return sink.default_endpoint

    # ------------------------------------------------------------------ which client an expression is
    def client_of(self, node: ast.AST) -> Optional[str]:
        """The route id of the client an expression evaluates to, if any."""
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Call):
            sink, _ = self.sink_for(node)
            if sink is not None and sink.kind in ("client", "http-client"):
                return self.route_for_call(node)
            if sink is not None and sink.kind == "wrap":
                keywords, positional = self.arguments(node)
                given = self.param(sink.client, sink.client_position, keywords, positional)
                return self.client_of(given) if given is not None else None
            return self.factories.get(dotted(node.func) or "")
        if isinstance(node, ast.Name):
            for scope in self.sym.scope.chain():
                if node.id in scope.clients:
                    return scope.clients[node.id]
                if node.id in scope.values:
                    return None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            cls = self.sym.scope.cls
            if cls is not None:
                return cls.self_clients.get(node.attr)
        return None

    def client_ref(self, node: ast.AST, depth: int = 0) -> Optional[tuple[str, str]]:
        """A client made in another module of the tree, as (module, name) for the resolver: an imported
        client, or what an imported factory function or client subclass returns (`name()`), also when it
        is first bound to a name or to `self.<attr>` here."""
        if depth > MAX_CLIENT_DEPTH:
            return None
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Call):
            func = self.client_ref(node.func, depth + 1)
            return (func[0], func[1] + "()") if func is not None else None
        sym = self.sym
        if isinstance(node, ast.Name):
            for scope in sym.scope.chain():
                if node.id in scope.clients:
                    return None
                if node.id in scope.values:
                    return self.client_ref(scope.values[node.id], depth + 1)
                if scope.kind == "function" and node.id in scope.params:
                    return None
            module, _, member = sym.module_refs.get(node.id, "").partition("#")
            return (module, member) if member else None
        if isinstance(node, ast.Attribute):
            name = dotted(node)
            head, _, rest = (name or "").partition(".")
            if head == "self":
                cls = sym.scope.cls
                if cls is not None and rest in cls.self_values:
                    return self.client_ref(cls.self_values[rest][0], depth + 1)
                return None
            if name and head in sym.module_refs and not sym.bound_locally(head):
                value = sym.lookup_dotted_value(name, depth)
                return value.ref if value.kind == REF else None
        return None

    # ------------------------------------------------------------------ building route sites
    def implicit(self, envs: tuple[str, ...], call: ast.AST) -> Value:
        if not envs:
            return UNKNOWN_VALUE
        var = envs[0]
        if var in self.sym.env_writes:
            return self.sym.env_writes[var].with_(env_var=var)
        return Value(ENV, env_var=var, implicit=True, loc=Location(self.path, self.span(call)), origin=ORIGIN_DEFAULT)

    def route_for_call(self, call: ast.Call) -> Optional[str]:
        key = id(call)
        if key in self.route_of_call:
            return self.route_of_call[key]
        self.route_of_call[key] = None  # a call whose arguments refer back to itself stays unknown
        sink, cls = self.sink_for(call)
        if sink is None:
            return None
        keywords, positional = self.arguments(call)
        given = self.param(sink.client, sink.client_position, keywords, positional) if sink.client else None
        if given is not None and sink.kind == "client":
            route_id = self.client_of(given)
            reference = None if route_id else self.client_ref(given)
            if route_id or reference:
                self.use_route(call, sink, keywords, route_id, reference)
            self.route_of_call[key] = route_id
            return route_id
        if cls is not None and cls.super_route is not None:
            merged = self.subclass_arguments(cls, call)
            if merged is None:
                self.route_of_call[key] = cls.super_route
                return cls.super_route
            keywords, positional = merged, []
        route_id = self.make_route(call, sink, keywords, positional)
        self.route_of_call[key] = route_id
        return route_id

    def use_route(self, call: ast.Call, sink: Sink, keywords: dict[str, ast.expr], route_id: Optional[str], route_ref,
                  positional: list[ast.expr] = ()) -> None:  # type: ignore[assignment]
        """A sink that sends a model (or installs a client) over a client built elsewhere."""
        endpoint = self.endpoint_of(sink, keywords)
        if route_id is None and route_ref is None or endpoint is None:
            return
        model = None
        model_node = self.param(sink.model, sink.model_position, keywords, list(positional))
        if model_node is not None:
            model = self.evaluate(model_node)
            if model.loc is None:
                model = model.with_(loc=Location(self.path, self.span(model_node)))
        record = EndpointCall(path=self.path, span=self.span(call), endpoint=endpoint, route_id=route_id,
                              route_ref=route_ref, model=model)
        self.facts.calls.append(record)
        self.switchable.append((record, sink))

    def router_routes(self, call: ast.Call, sink: Sink) -> None:
        """`Router(model_list=[{"litellm_params": {...}}, ...])`: one route per entry."""
        keywords, _ = self.arguments(call)
        entries = keywords.get(sink.list_param or "")
        if isinstance(entries, ast.Name):
            entries = self.sym.module.values.get(entries.id, entries)
        if not isinstance(entries, ast.List):
            return
        for element in entries.elts:
            params: ast.expr = element
            for key, value in self.sym.entries(element):
                if key == sink.params_key:
                    params = value
            inner = dict(self.sym.entries(params))
            if inner:
                self.make_route(call, sink, inner, [], span_node=params)

    def super_init(self, node: ast.Call) -> bool:
        """`super().__init__(base_url=...)` inside a client subclass is where the subclass sets its route."""
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call)):
            return False
        if dotted(func.value.func) != "super":
            return False
        scope = self.sym.scope
        cls = scope.cls
        if cls is None or cls.sink is None:
            return False
        keywords, positional = self.arguments(node)
        cls.super_route = self.make_route(node, cls.sink, keywords, positional)
        cls.super_kwargs = keywords
        cls.super_call, cls.super_scope = node, scope
        cls.init_params = {name: default for name, default in scope.params.items() if name != "self"}
        cls.init_star_kwargs = scope.star_kwargs
        return True

    def subclass_arguments(self, cls: ClassInfo, call: ast.Call) -> Optional[dict[str, ast.expr]]:
        """What `Sub(...)` ends up passing to the SDK through `super().__init__`, when the caller's
        arguments change it; None when the route set up in `super().__init__` applies as it is."""
        keywords, positional = self.arguments(call)
        given = dict(zip(cls.init_params, positional))
        given.update({name: value for name, value in keywords.items() if name in cls.init_params})
        extra = {name: value for name, value in keywords.items() if name not in cls.init_params}
        merged: dict[str, ast.expr] = {}
        changed = False
        for name, expression in cls.super_kwargs.items():
            if isinstance(expression, ast.Name) and expression.id in given:
                merged[name] = given[expression.id]
                changed = True
            else:
                merged[name] = expression
        if cls.init_star_kwargs and extra:
            merged.update(extra)  # forwarded through **kwargs: the caller's value wins
            changed = True
        return merged if changed else None

    def make_route(self, call: ast.Call, sink: Sink, keywords: dict[str, ast.expr], positional: list[ast.expr], *,
                   span_node: Optional[ast.AST] = None) -> str:
        base_node = self.param(sink.base_url, sink.base_url_position, keywords, positional)
        key_node = self.param(sink.api_key, None, keywords, positional)
        model_node = self.param(sink.model, sink.model_position, keywords, positional)
        base = self.evaluate(base_node) if base_node is not None else self.implicit(sink.base_url_env, call)
        api_key = self.evaluate(key_node) if key_node is not None else self.implicit(sink.api_key_env, call)
        model = self.evaluate(model_node) if model_node is not None else None
        if model is not None and model.kind == UNKNOWN and model_node is not None:
            model = Value(UNKNOWN, loc=Location(self.path, self.span(model_node)))
        prefix = None
        if model is not None and model.text is not None and sink.model_prefixes:
            prefix, written, sent = self.sdks.split_model(sink.model_prefixes, model.text)
            if prefix is not None and written:
                model = model.with_(text=sent, quote=None)  # the ID that reaches the endpoint
            if prefix is not None:
                if base_node is None:
                    base = self.implicit(prefix.base_env, call) if prefix.base_env else UNKNOWN_VALUE
                if key_node is None:
                    api_key = self.implicit(prefix.key_env, call) if prefix.key_env else UNKNOWN_VALUE
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
            default_endpoint=self.endpoint_of(sink, keywords),
            api_key_span=self.span(key_node) if key_node is not None else None,
        )
        if prefix is not None:
            site.implied_provider = prefix.provider
            if prefix.native:
                site.consumer = CONSUMER_NATIVE
                site.native_label = prefix.label
        if key_node is None and sink.api_key and span_node is None:
            site.key_arg_insert = argument_insert(self.sym.source, call, sink.api_key[0])
        if sink.base_is_root:
            site.consumer = "root"
        if sink.kind in ("call", "router"):  # one request: the site itself calls the endpoint
            site.endpoint, site.default_endpoint = site.default_endpoint, None
        if sink.kind in ("http", "http-client"):
            site.api_key, header = http.bearer_key(self.sym, keywords)
            site.api_key_span = self.span(header) if header is not None else None
        if sink.kind == "http-client":
            self.http_clients.add(route_id)
        if site.default_endpoint or site.endpoint:
            self.switchable.append((site, sink))
        if sink.kind == "http":
            site.endpoint = http.endpoint_of_url(self.catalog, base)
            if model is None:
                site.model = http.json_model(self.sym, keywords)
        self.facts.routes.append(site)
        return route_id

"""Route sites from sink calls: which call is a sink (an SDK name from `rules/sdks/`, or a subclass of
one), which arguments carry its base URL, key and model (keywords, positions, `**kwargs` dicts), and
which client an expression stands for (a name, `self.x`, a factory's return value).
"""

from __future__ import annotations

import ast
from typing import Optional

from routelint.catalog.model import Catalog
from routelint.catalog.urls import endpoint_of_url
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
from routelint.frontends.python.scopes import ClassInfo, Known, Scope, dotted
from routelint.frontends.python.symbols import Symbols
from routelint.sdks import SdkCatalog, Sink

MAX_CLIENT_DEPTH = 8
MAX_CALL_SITES = 32  # call sites bound per function (and sink calls per function): past it, unknown
BUILDS_ROUTE = ("client", "call", "http", "http-client")
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
        self.call_sites: dict[int, int] = {}  # function -> call sites bound so far (bounded)
        self.bound_calls: dict[int, Optional[str]] = {}  # call site -> route of the client it returns
        self.parametrised: dict[int, list[tuple[ast.Call, Sink]]] = {}
        self.sink_of: dict[str, Sink] = {}  # route id -> the sink that built it (its request methods)
        # sink calls the walk met directly in each function's body (not in a nested function, class or
        # lambda), by id of the definition; `walked`: the definitions whose body the walk has finished
        self.sink_calls: dict[int, list[tuple[ast.Call, Sink]]] = {}
        self.walked: set[int] = set()

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
            return self.bind_function_call(node) or self.factories.get(dotted(node.func) or "")
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
            # the route set up in super().__init__, with this call's arguments bound to __init__'s parameters
            bound = self.bound_route(call, cls.super_scope, cls.super_call, cls.sink, skip_self=True) \
                if (call.args or call.keywords) and cls.super_scope is not None and cls.super_call is not None else None
            self.route_of_call[key] = bound or cls.super_route
            return bound or cls.super_route
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
        """`Router(model_list=[{"litellm_params": {...}}, ...])`: one route per entry; a dotted list
        parameter reaches into a dict argument (`llm_config={"config_list": [...]}`); with
        `entry_kwargs`, a router given no list is one entry of its own keywords."""
        keywords, positional = self.arguments(call)
        head, *path = (sink.list_param or "").split(".")
        entries = keywords.get(head)
        for part in path:
            entries = dict(self.sym.entries(entries)).get(part) if entries is not None else None
        for _ in range(MAX_CLIENT_DEPTH):
            bound = self.sym.bound_expression(entries) if entries is not None else None
            if bound is None:
                break
            entries = bound
        if entries is None and sink.entry_kwargs and head not in keywords:
            self.make_route(call, sink, keywords, positional)
            return
        if not isinstance(entries, (ast.List, ast.Tuple)):
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
        cls.super_call, cls.super_scope = node, scope
        return True

    def bound_route(self, site: ast.Call, callee: Scope, inner: ast.Call, sink: Sink, *, skip_self: bool = False) -> Optional[str]:
        """The route `inner` (a sink call inside a function or `__init__`) sets up for one call site
        `site`: parameters bound to the site's arguments, keywords the function forwards through
        `**kwargs` taken from the site (the caller's value wins). Reported at the site."""
        budget = id(callee.node or inner)
        self.call_sites[budget] = self.call_sites.get(budget, 0) + 1
        if self.call_sites[budget] > MAX_CALL_SITES:
            return None  # past the bound: this site's values stay unknown
        caller = self.sym.scope
        names = [name for name in callee.params if not (skip_self and name == "self")]
        bindings: dict[str, tuple[ast.expr, Scope]] = {}
        extra: dict[str, ast.expr] = {}
        keywords, positional = self.arguments(site)
        for name, argument in zip(names, positional):
            bindings[name] = (argument, caller)
        for name, argument in keywords.items():
            if name in callee.params:
                bindings[name] = (argument, caller)
            else:
                extra[name] = argument
        forwards = self.forwards_kwargs(callee, inner)
        bound = callee.bound(bindings)
        with self.sym.inside(bound):
            inner_keywords, inner_positional = self.arguments(inner)
            if forwards:
                for name, argument in extra.items():
                    inner_keywords[name] = _stand_in(bindings, name, argument, caller)
            route_id = f"{self.path}:{self.span(site).line}:{self.span(site).column}"
            while any(route.id == route_id for route in self.facts.routes):
                route_id += "'"
            return self.make_route(site, sink, inner_keywords, inner_positional, span_node=site, route_id=route_id)

    @staticmethod
    def forwards_kwargs(callee: Scope, inner: ast.Call) -> bool:
        """Does `inner` pass on the function's `**kwargs`? (a caller's extra keywords reach the sink)"""
        return callee.star_kwargs is not None and any(
            keyword.arg is None and isinstance(keyword.value, ast.Name) and keyword.value.id == callee.star_kwargs
            for keyword in inner.keywords)

    @staticmethod
    def uses_params(node: ast.AST, callee: Scope) -> bool:
        """Does an expression read one of the function's parameters (its `**kwargs` included)?"""
        params = set(callee.params) | ({callee.star_kwargs} if callee.star_kwargs else set())
        return any(isinstance(name, ast.Name) and name.id in params for name in ast.walk(node))

    def bind_function_call(self, call: ast.Call) -> Optional[str]:
        """A call of a function of this module that builds a route from its parameters
        (`make_client("https://...", key)`): one route per sink call inside it, at this call site.
        Returns the route of the client the function returns, if any."""
        key = id(call)
        if key in self.bound_calls:
            return self.bound_calls[key]
        self.bound_calls[key] = None
        callee = self.sym.function_of(call)
        if callee is None or callee.node is None or not (call.args or call.keywords):
            return None
        returned = None
        for inner, sink in self.parametrised_sinks(callee):
            route_id = self.bound_route(call, callee, inner, sink)
            if route_id is not None and callee.returns_client is not None \
                    and self.route_of_call.get(id(inner)) == callee.returns_client:
                returned = route_id
        self.bound_calls[key] = returned
        return returned

    def parametrised_sinks(self, callee: Scope) -> list[tuple[ast.Call, Sink]]:
        """Sink calls in a function's body whose arguments use its parameters (cached per function): those
        the walk met there, or, for a function called before the walk reached it, a walk of its body."""
        key = id(callee.node)
        if key in self.walked and key not in self.parametrised:
            self.parametrised[key] = [(node, sink) for node, sink in self.sink_calls.get(key, ())
                                      if sink.kind in BUILDS_ROUTE and self.uses_params(node, callee)][:MAX_CALL_SITES]
        if key not in self.parametrised:
            found: list[tuple[ast.Call, Sink]] = []
            stack = list(ast.iter_child_nodes(callee.node))  # type: ignore[arg-type]
            while stack and len(found) < MAX_CALL_SITES:
                node = stack.pop()
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                    continue
                stack.extend(ast.iter_child_nodes(node))
                if isinstance(node, ast.Call):
                    sink, _ = self.sink_for(node)
                    if sink is not None and sink.kind in BUILDS_ROUTE and self.uses_params(node, callee):
                        found.append((node, sink))
            self.parametrised[key] = sorted(found, key=lambda item: (item[0].lineno, item[0].col_offset))
        return self.parametrised[key]

    def make_route(self, call: ast.Call, sink: Sink, keywords: dict[str, ast.expr], positional: list[ast.expr], *,
                   span_node: Optional[ast.AST] = None, route_id: Optional[str] = None) -> str:
        """One route site per path through the branches its values depend on (identical ones once);
        the first keeps the plain id, which clients and endpoint calls refer to."""
        span = self.span(span_node or call)
        route_id = route_id or f"{self.path}:{span.line}:{span.column}"
        for site in self.alternatives(call, sink, keywords, positional, span, route_id, span_node is not None):
            self._add_site(site, sink)
        return route_id

    def alternatives(self, call: ast.Call, sink: Sink, keywords: dict[str, ast.expr], positional: list[ast.expr],
                     span: Span, route_id: str, elsewhere: bool) -> list[RouteSite]:
        """The sites of one sink call, one per distinct path through the branches (`<id>|2`, ...)."""
        first: Optional[RouteSite] = None
        sites: list[RouteSite] = []
        for index in self.sym.paths():
            site = self._site(call, sink, keywords, positional, span, route_id, elsewhere)
            if index == 0:
                first = site  # no branch assumed: kept when the values depend on no branch
            elif all((site.base_url, site.api_key, site.model) != (other.base_url, other.api_key, other.model)
                     for other in sites):
                sites.append(site)
        for number, site in enumerate(sites or [first]):  # type: ignore[list-item]
            site.id = route_id if number == 0 else f"{route_id}|{number + 1}"
        return sites or [first]  # type: ignore[list-item]

    def _site(self, call: ast.Call, sink: Sink, keywords: dict[str, ast.expr], positional: list[ast.expr], span: Span,
              route_id: str, elsewhere: bool) -> RouteSite:
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
        if sink.provider_param and sink.provider_param in keywords:  # `model_provider="ollama"`, `"api_type": "google"`
            named = self.evaluate(keywords[sink.provider_param])
            spec = self.sdks.provider_spec(sink.provider_table, named.text) if named.text and not named.partial else None
            prefix = spec or prefix
        if prefix is not None:
            if base_node is None:
                base = self.implicit(prefix.base_env, call) if prefix.base_env else UNKNOWN_VALUE
            if key_node is None:
                api_key = self.implicit(prefix.key_env, call) if prefix.key_env else UNKNOWN_VALUE
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
            api_key_span=self._written_at(key_node),
            call_methods=dict(sink.methods),
        )
        if prefix is not None:
            site.implied_provider = prefix.provider
            if prefix.native:
                site.consumer = CONSUMER_NATIVE
                site.native_label = prefix.label
        if key_node is None and sink.api_key and not elsewhere and not sink.api_key_object:
            site.key_arg_insert = argument_insert(self.sym.source, call, sink.api_key[0])
        if sink.base_is_root:
            site.consumer = "root"
        if sink.kind in ("call", "router"):  # one request: the site itself calls the endpoint
            site.endpoint, site.default_endpoint = site.default_endpoint, None
        if sink.kind in ("http", "http-client"):
            site.api_key, header = http.bearer_key(self.sym, keywords)
            site.api_key_span = self._written_at(header)
        if sink.kind == "http":
            site.endpoint = endpoint_of_url(self.catalog, base)
            if model is None:
                site.model = http.json_model(self.sym, keywords)
        return site

    def request_route(self, call: ast.Call, client_route: str, url: Value, keywords: dict[str, ast.expr]) -> None:
        """`await client.post("https://.../chat/completions", headers=..., json=...)` on a raw HTTP client:
        the URL is the full endpoint; the key is the call's header, else the client's."""
        client = next((site for site in self.facts.routes if site.id == client_route), None)
        api_key, header = http.bearer_key(self.sym, keywords)
        span = self.span(call)
        site = RouteSite(id=f"{self.path}:{span.line}:{span.column}", path=self.path, span=span,
                         sdk=client.sdk if client else "http", base_url=url, consumer=CONSUMER_HTTP,
                         api_key=api_key if header is not None or client is None else client.api_key,
                         api_key_span=self._written_at(header) if header is not None else client.api_key_span if client else None,
                         endpoint=endpoint_of_url(self.catalog, url), model=http.json_model(self.sym, keywords))
        self.facts.routes.append(site)

    def _written_at(self, node: Optional[ast.AST]) -> Optional[Span]:
        """Where an argument is written: a parameter bound at a call site is written there."""
        if node is None:
            return None
        bound = self.sym.binding_of(node)
        return None if isinstance(bound, Known) else self.span(bound or node)  # Known: another module's call site

    def _add_site(self, site: RouteSite, sink: Sink) -> None:
        self.sink_of[site.id] = sink
        if sink.kind == "http-client":
            self.http_clients.add(site.id)
        if site.default_endpoint or site.endpoint:
            self.switchable.append((site, sink))
        self.facts.routes.append(site)

def _stand_in(bindings: dict[str, tuple[ast.expr, Scope]], name: str, argument: ast.expr, caller: Scope) -> ast.Name:
    """A name bound to a caller's argument (positions copied), for a keyword forwarded through **kwargs."""
    hidden = "\0" + name  # never a Python identifier: cannot clash with the function's own names
    bindings[hidden] = (argument, caller)
    stand_in = ast.Name(id=hidden, ctx=ast.Load())
    ast.copy_location(stand_in, argument)
    stand_in.end_lineno, stand_in.end_col_offset = argument.end_lineno, argument.end_col_offset
    return stand_in

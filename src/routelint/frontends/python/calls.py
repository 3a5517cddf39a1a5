"""Endpoint calls on a route: `client.chat.completions.create(model=...)`, `self.client.files.create(...)`,
`llm.client.embeddings.create(...)` on a client of another module, `openai.ChatCompletion.create(...)`
on the legacy globals, and `client.post("/chat/completions", json=...)` on a raw HTTP client."""

from __future__ import annotations

import ast
from typing import Optional

from routelint.catalog.urls import endpoint_of_url
from routelint.facts import UNKNOWN, EndpointCall, Location, Value
from routelint.frontends.python import http
from routelint.frontends.python.factories import Factories
from routelint.frontends.python.legacy import LegacyGlobals
from routelint.frontends.python.sinks import Sinks
from routelint.vocabulary import request_features

CHAIN_NOISE = {"with_raw_response", "with_streaming_response"}
CHAIN_CALLS = {"with_options", "copy"}
HTTP_METHODS = {"post", "get", "put", "patch", "request", "stream"}


class EndpointCalls:
    def __init__(self, sinks: Sinks, legacy: LegacyGlobals, factories: Factories) -> None:
        self.sinks = sinks
        self.sym = sinks.sym
        self.legacy = legacy
        self.factories = factories

    def visit(self, node: ast.Call) -> None:
        names: list[str] = []
        current: ast.AST = node.func
        while True:
            if isinstance(current, ast.Attribute):
                if current.attr not in CHAIN_NOISE:
                    names.insert(0, current.attr)
                current = current.value
            elif isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute) and current.func.attr in CHAIN_CALLS:
                current = current.func.value
            else:
                break
        if not names:
            return
        sinks, sym = self.sinks, self.sym
        route_id: Optional[str] = None
        route_ref: Optional[tuple[str, str]] = None
        made: Optional[ast.AST] = None  # what the client is made by, when that is another module's factory
        if isinstance(current, ast.Name) and current.id == "self" and sym.scope.cls is not None:
            cls = sym.scope.cls
            route_id = cls.self_clients.get(names[0])
            if route_id is None and names[0] in cls.self_values:
                made = cls.self_values[names[0]][0]
                route_ref = sinks.client_ref(made)
            names = names[1:]
        elif isinstance(current, ast.Name):
            route_id = sinks.client_of(current)
            if route_id is None:
                legacy = self.legacy.endpoint(current.id, names)
                if legacy is not None:
                    endpoint, module = legacy
                    self.record(node, endpoint, self.legacy.route(module, node), None)
                    return
                module = sym.module_refs.get(current.id, "#")
                if "#" not in module and not sym.bound_locally(current.id):
                    # `import llm` then `llm.client.files.create(...)`: a client of another module
                    route_ref, names = (module, names[0]), names[1:]
                else:
                    route_ref, made = sinks.client_ref(current), current
        elif isinstance(current, ast.Call):
            route_id = sinks.client_of(current)
            if route_id is None:
                route_ref, made = sinks.client_ref(current), current
        if route_ref is not None and made is not None:
            # the routes a factory of another module sets up here (the resolver falls back on route_ref)
            route_id = self.factories.route_of(made)
        if route_id in sinks.http_clients and len(names) == 1 and names[0] in HTTP_METHODS:
            self.http_client_call(node, route_id)  # type: ignore[arg-type]
            return
        if len(names) == 1 and (route_id is not None or route_ref is not None):
            # `llm.invoke(...)`: a request method of what a sink returns (data: the sink's `methods`)
            sink = sinks.sink_of.get(route_id or "")
            endpoint = sink.method_endpoint(names[0]) if sink is not None else None
            if endpoint is not None or route_ref is not None:
                # a client the resolver knows by reference (another module's, a factory's): its route's
                # `call_methods` give the endpoint
                self.record(node, endpoint or "", route_id, route_ref, method=None if endpoint else names[0])
            return
        if (route_id is None and route_ref is None) or len(names) < 2:
            return
        self.record(node, ".".join(names), route_id, route_ref)

    def http_client_call(self, node: ast.Call, route_id: str) -> None:
        """`client.post("/chat/completions", json={...})` on `httpx.Client(base_url=...)`."""
        keywords, positional = self.sinks.arguments(node)
        target = keywords.get("url") or (positional[0] if positional else None)
        url = self.sym.eval.evaluate(target) if target is not None else None
        if url is not None and url.text is not None and "://" in url.text[:12]:
            self.sinks.request_route(node, route_id, url, keywords)  # a full URL: a request of its own
            return
        endpoint = endpoint_of_url(self.sinks.catalog, url) if url is not None else None
        if endpoint is None:
            return
        self.sinks.facts.calls.append(EndpointCall(path=self.sym.path, span=self.sym.source.span(node), endpoint=endpoint,
                                                   route_id=route_id, model=http.json_model(self.sym, keywords)))

    def record(self, node: ast.Call, endpoint: str, route_id: Optional[str], route_ref, method: Optional[str] = None) -> None:
        keywords, _ = self.sinks.arguments(node)
        model = None
        if "model" in keywords:
            model = self.sym.eval.evaluate(keywords["model"])
            where = Location(self.sym.path, self.sym.source.span(keywords["model"]))
            if model.kind == UNKNOWN:
                model = Value(UNKNOWN, loc=where)
            elif model.loc is None:
                model = model.with_(loc=where)
        features = list(request_features("python", ((name, isinstance(value, ast.Constant) and value.value is False)
                                                    for name, value in keywords.items())))
        if endpoint.endswith(".parse") and "structured-output" not in features:
            features.append("structured-output")  # `beta.chat.completions.parse`: structured output by its name
        self.sinks.facts.calls.append(EndpointCall(path=self.sym.path, span=self.sym.source.span(node), endpoint=endpoint,
                                                   route_id=route_id, route_ref=route_ref, model=model,
                                                   features=tuple(features), method=method))

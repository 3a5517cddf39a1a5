"""Walk one JS/TS module: route sites, endpoint calls, importable names, key literals.

Sinks come from `rules/sdks/*.toml` (see sinks.py); this module only knows the language: how a callee
is named (`new OpenAI(...)` after `import OpenAI from "openai"` is `openai#default`), which object a
call is made on (a client bound to a name, a class field, a factory's return value, an imported
client), and how ESM and CommonJS export names.
"""

from __future__ import annotations

import re
from typing import Optional

from routelint.catalog.model import Catalog
from routelint.catalog.urls import endpoint_of_url
from routelint.facts import (
    CONSUMER_HTTP,
    ENV,
    LITERAL,
    ORIGIN_DEFAULT,
    UNKNOWN,
    UNKNOWN_VALUE,
    EndpointCall,
    FileFacts,
    Location,
    RouteSite,
    Span,
    Value,
)
from routelint.frontends.js.evaluate import Evaluator
from routelint.frontends.js.scope import (
    FUNCTION,
    IMPORT,
    NAMESPACE,
    PARAM,
    VALUE,
    Scope,
    collect,
    collect_class,
    require_module,
)
from routelint.frontends.js.sinks import JsSink, JsSinks
from routelint.frontends.js.syntax import Source, field, property_name, string_value, unwrap
from routelint.modules import js_module_ref
from routelint.vocabulary import request_features

_FUNCTION_NODES = ("function_declaration", "generator_function_declaration", "function_expression", "arrow_function",
                   "method_definition", "function", "generator_function")
_NOISE = {"withResponse", "asResponse", "withOptions"}
_SNAKE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
MAX_KEY_LITERAL = 20  # shorter strings cannot be keys worth a fix


class Walker:
    def __init__(self, path: str, source: Source, catalog: Catalog, sinks: JsSinks) -> None:
        self.path = path
        self.source = source
        self.catalog = catalog
        self.sinks = sinks
        self.eval = Evaluator(path, source)
        self.facts = FileFacts(path=path, kind="")
        self.route_of: dict[int, Optional[str]] = {}
        self.site_sink: dict[str, JsSink] = {}
        self.instances: dict[str, str] = {}  # ready-made providers (`openai` of @ai-sdk/openai): sink name -> route
        self.returns: dict[int, Optional[object]] = {}  # function node -> client target it returns

    # ------------------------------------------------------------------ naming
    def span(self, node) -> Span:
        return self.source.span(node)

    def qualified(self, node, scope: Scope) -> Optional[str]:
        """`module#export[.member...]` of a callee, or `global#name` for an unbound global."""
        node = unwrap(node)
        if node is None:
            return None
        if node.type == "identifier":
            name = self.source.node_text(node)
            binding = scope.lookup(name)
            if binding is None:
                return f"global#{name}"
            if binding.kind == IMPORT:
                return f"{binding.module}#{binding.export}"
            if binding.kind == NAMESPACE:
                return f"{binding.module}#*"
            return None
        if node.type == "member_expression":
            prop = property_name(self.source, field(node, "property"))
            target = field(node, "object")
            module = require_module(self.source, target)
            if module is not None and prop:
                return f"{module}#{prop}"
            head = self.qualified(target, scope)
            if head is None or prop is None:
                return None
            return head[:-1] + prop if head.endswith("#*") else f"{head}.{prop}"
        return None

    def sink_of(self, node, scope: Scope) -> Optional[JsSink]:
        node = unwrap(node)
        if node is None or node.type not in ("call_expression", "new_expression"):
            return None
        callee = field(node, "constructor") if node.type == "new_expression" else field(node, "function")
        name = self.qualified(callee, scope)
        return self.sinks.sinks.get(name) if name else None

    @staticmethod
    def arguments(node) -> list:
        arguments = field(node, "arguments")
        return [arg for arg in arguments.named_children if arg.type != "comment"] if arguments is not None else []

    # ------------------------------------------------------------------ walking
    def run(self, root) -> FileFacts:
        module = Scope("module", None, root)
        collect(module, self.source, root.named_children)
        self.module = module
        self._walk(root, module)
        self._exports(root, module)
        return self.facts

    def _walk(self, node, scope: Scope) -> None:
        stack = [(node, scope)]
        while stack:
            current, current_scope = stack.pop()
            kind = current.type
            if kind in _FUNCTION_NODES:
                inner = Scope("function", current_scope, current)
                for parameter in self._parameters(current):
                    inner.bindings[parameter] = _param(inner)
                body = field(current, "body")
                if body is not None and body.type == "statement_block":
                    collect(inner, self.source, body.named_children)
                for child in reversed(current.named_children):
                    stack.append((child, inner))
                continue
            if kind in ("class_declaration", "class", "abstract_class_declaration"):
                inner = Scope("class", current_scope, current)
                body = field(current, "body")
                if body is not None:
                    collect_class(inner, self.source, body)
                for child in reversed(current.named_children):
                    stack.append((child, inner))
                continue
            if kind == "statement_block" and current.parent is not None and current.parent.type not in _FUNCTION_NODES:
                inner = Scope("block", current_scope, current)
                collect(inner, self.source, current.named_children)
                current_scope = inner
            elif kind in ("call_expression", "new_expression"):
                self._call(current, current_scope)
            elif kind == "string":
                self._key_literal(current)
            elif kind == "variable_declarator":
                self._bind_client(current, current_scope)
            elif kind in ("field_definition", "public_field_definition"):
                self._bind_field(current, current_scope)
            elif kind == "assignment_expression":
                self._bind_assignment(current, current_scope)
            for child in reversed(current.named_children):
                stack.append((child, current_scope))

    def _parameters(self, function) -> list[str]:
        names = []
        parameters = field(function, "parameters") or field(function, "parameter")
        if parameters is None:
            return names
        nodes = [parameters] if parameters.type == "identifier" else parameters.named_children
        for parameter in nodes:
            target = field(parameter, "pattern") or parameter
            if target.type == "assignment_pattern":
                target = field(target, "left")
            if target is not None and target.type == "identifier":
                names.append(self.source.node_text(target))
            elif target is not None and target.type == "object_pattern":
                for item in target.named_children:
                    if item.type == "shorthand_property_identifier_pattern":
                        names.append(self.source.node_text(item))
                    elif item.type == "object_assignment_pattern" and field(item, "left") is not None:
                        names.append(self.source.node_text(field(item, "left")))
        return names

    # ------------------------------------------------------------------ clients bound to names
    def _bind_client(self, declarator, scope: Scope) -> None:
        name, value = field(declarator, "name"), field(declarator, "value")
        if name is None or value is None or name.type != "identifier":
            return
        route = self.route_for(value, scope)
        if route:
            scope.clients[self.source.node_text(name)] = route

    def _bind_field(self, member, scope: Scope) -> None:
        name = property_name(self.source, field(member, "property") or field(member, "name"))
        value = field(member, "value")
        route = self.route_for(value, scope) if value is not None else None
        cls = scope.class_scope()
        if route and name and cls is not None:
            cls.clients["this." + name] = route

    def _bind_assignment(self, node, scope: Scope) -> None:
        left, right = field(node, "left"), field(node, "right")
        if left is None or right is None:
            return
        route = self.route_for(right, scope)
        if not route:
            return
        if left.type == "member_expression" and field(left, "object") is not None and field(left, "object").type == "this":
            cls = scope.class_scope()
            prop = property_name(self.source, field(left, "property"))
            if cls is not None and prop:
                cls.clients["this." + prop] = route
        elif left.type == "identifier":
            name = self.source.node_text(left)
            owner = scope
            while owner.parent is not None and name not in owner.bindings:
                owner = owner.parent
            owner.clients[name] = route

    # ------------------------------------------------------------------ routes
    def route_for(self, node, scope: Scope) -> Optional[str]:
        node = unwrap(node)
        if node is None:
            return None
        key = node.start_byte * 1_000_003 + node.end_byte
        if key in self.route_of:
            return self.route_of[key]
        sink = self.sink_of(node, scope)
        route = None
        if sink is not None and not sink.instance:
            route = self._make_route(node, sink, scope)
        self.route_of[key] = route
        return route

    def _option(self, options, paths: tuple[str, ...], scope: Scope) -> Optional[tuple[object, Scope]]:
        if options is None:
            return None
        for path in paths:
            found = self.eval.prop(options, path, scope)
            if found is not None:
                return found
        return None

    def _implicit(self, names: tuple[str, ...], node) -> Value:
        if not names:
            return UNKNOWN_VALUE
        return Value(ENV, env_var=names[0], implicit=True, loc=Location(self.path, self.span(node)), origin=ORIGIN_DEFAULT)

    def _header_key(self, options, paths: tuple[str, ...], scope: Scope) -> Optional[Value]:
        found = self._option(options, paths, scope) if options is not None else None
        if found is None:
            return None
        node = unwrap(found[0])
        if node is not None and node.type == "template_string":
            substitutions = [part for part in node.named_children if part.type == "template_substitution"]
            if len(substitutions) == 1 and substitutions[0].named_children:
                return self.eval.value(substitutions[0].named_children[0], found[1])
        value = self.eval.value(node, found[1])
        if value.text and value.text.lower().startswith("bearer ") and not value.partial:
            return value.with_(text=value.text[7:], quote=None)
        return UNKNOWN_VALUE

    def _make_route(self, node, sink: JsSink, scope: Scope, *, implicit_only: bool = False) -> str:
        args = self.arguments(node) if not implicit_only else []
        options = args[sink.options] if len(args) > sink.options else None
        site_span = self.span(node)
        if sink.kind == "http":
            return self._http_route(node, sink, scope, args, site_span)
        base_node = self._option(options, sink.base_url, scope)
        key_node = self._option(options, sink.api_key, scope)
        model_node = self._option(options, sink.model, scope)
        base = self.eval.value(*base_node) if base_node else self._implicit(sink.base_url_env, node)
        if key_node is not None:
            key = self.eval.value(*key_node)
        else:
            key = self._header_key(options, sink.key_headers, scope) or self._implicit(sink.api_key_env, node)
        model = None
        if model_node is not None:
            model = self.eval.value(*model_node)
            if model.kind == UNKNOWN:
                model = Value(UNKNOWN, loc=Location(self.path, self.span(model_node[0])))
        route_id = f"{self.path}:{site_span.line}:{site_span.column}"
        site = RouteSite(
            id=route_id, path=self.path, span=site_span, sdk=sink.sdk, base_url=base, api_key=key, model=model,
            consumer=CONSUMER_HTTP if sink.kind == "http-client" else sink.consumer,
            default_endpoint=sink.default_endpoint,
            implied_provider=sink.implied_provider if base.text is None else None,
            native_label=sink.native_label,
        )
        if sink.endpoint_flag is not None and options is not None:
            flag = self._option(options, (sink.endpoint_flag[0],), scope)
            if flag is not None and unwrap(flag[0]) is not None and unwrap(flag[0]).type == "true":
                site.default_endpoint = sink.endpoint_flag[1]
        if sink.kind == "provider":
            site.call_methods = dict(sink.methods)
            if sink.version is not None:
                version = sink.version
                site.endpoint_version = (version.package, version.major, version.below, version.applies_to)
        if sink.browser_flag and options is not None:
            flag = self._option(options, (sink.browser_flag,), scope)
            if flag is not None and unwrap(flag[0]) is not None and unwrap(flag[0]).type == "true":
                site.exposure = f"{sink.browser_flag}: true"
        self.site_sink[route_id] = sink
        self.facts.routes.append(site)
        return route_id

    def _http_route(self, node, sink: JsSink, scope: Scope, args: list, site_span: Span) -> str:
        url = self.eval.value(args[sink.url_position], scope) if len(args) > sink.url_position else UNKNOWN_VALUE
        init = args[sink.init_position] if sink.init_position is not None and len(args) > sink.init_position else None
        key = self._header_key(init, sink.key_headers, scope) or UNKNOWN_VALUE
        model = None
        if sink.data_position is not None and len(args) > sink.data_position:
            found = self.eval.prop(args[sink.data_position], "model", scope)
            model = self.eval.value(*found) if found else None
        elif init is not None:
            body = self.eval.prop(init, "body", scope)
            payload = self._stringified(body[0]) if body else None
            found = self.eval.prop(payload, "model", body[1]) if payload is not None and body else None
            model = self.eval.value(*found) if found else None
        route_id = f"{self.path}:{site_span.line}:{site_span.column}"
        site = RouteSite(id=route_id, path=self.path, span=site_span, sdk=sink.sdk, base_url=url, api_key=key,
                         model=model, consumer=CONSUMER_HTTP, endpoint=self.endpoint_for_url(url))
        self.facts.routes.append(site)
        return route_id

    def _stringified(self, node):
        node = unwrap(node)
        if node is not None and node.type == "call_expression" and self.source.node_text(field(node, "function")) == "JSON.stringify":
            args = self.arguments(node)
            return args[0] if args else None
        return None

    def endpoint_for_url(self, url: Value) -> Optional[str]:
        return endpoint_of_url(self.catalog, url)

    # ------------------------------------------------------------------ calls
    def _call(self, node, scope: Scope) -> None:
        sink = self.sink_of(node, scope)
        if sink is not None:
            if not sink.instance:
                self.route_for(node, scope)
            return
        if node.type != "call_expression":
            return
        function = unwrap(field(node, "function"))
        if function is None:
            return
        chain: list[str] = []
        target = function
        while target is not None and target.type == "member_expression":
            prop = property_name(self.source, field(target, "property"))
            if prop is None:
                return
            chain.insert(0, prop)
            target = unwrap(field(target, "object"))
            while target is not None and target.type == "call_expression" and chain and _noise_call(self, target):
                target = unwrap(field(unwrap(field(target, "function")), "object"))
        chain = [name for name in chain if name not in _NOISE]
        if target is None:
            return
        route_id, route_ref = self._client(target, scope)
        if route_id is None and route_ref is None:
            return
        sink = self.site_sink.get(route_id or "")
        args = self.arguments(node)
        first = args[0] if args else None
        if sink is not None and sink.kind == "provider" or (route_ref is not None and len(chain) <= 1):
            method = chain[0] if chain else ""
            if sink is not None and method not in sink.methods:
                return
            model = self._model_value(first, scope) if first is not None else None
            self.facts.calls.append(EndpointCall(path=self.path, span=self.span(node), endpoint="", route_id=route_id,
                                                 route_ref=route_ref, model=model, method=method))
            return
        if sink is not None and sink.kind == "http-client":
            if len(chain) != 1 or chain[0] not in ("post", "get", "put", "patch", "request"):
                return
            url = self.eval.value(first, scope) if first is not None else UNKNOWN_VALUE
            endpoint = self.endpoint_for_url(url)
            if endpoint is None:
                return
            found = self.eval.prop(args[1], "model", scope) if len(args) > 1 else None
            model = self.eval.value(*found) if found else None
            self.facts.calls.append(EndpointCall(path=self.path, span=self.span(node), endpoint=endpoint,
                                                 route_id=route_id, model=model))
            return
        if len(chain) < 2 and not (sink is not None and sink.kind == "client" and chain and sink.default_endpoint):
            return
        if sink is not None and sink.resources and chain[0] not in sink.resources:
            return
        if sink is not None and not sink.resources:
            return  # a framework client (LangChain): its default endpoint is on the site
        model = None
        features: list[str] = []
        if first is not None:
            found = self.eval.prop(first, "model", scope)
            if found is not None:
                model = self._model_value(found[0], found[1])
            features = list(request_features("javascript", ((name, unwrap(value) is not None and unwrap(value).type == "false")
                                                            for name, value, _ in self.eval.props(first, scope))))
        endpoint = ".".join(_SNAKE.sub("_", name).lower() for name in chain)  # fineTuning -> fine_tuning (the catalog's names)
        self.facts.calls.append(EndpointCall(path=self.path, span=self.span(node), endpoint=endpoint,
                                             route_id=route_id, route_ref=route_ref, model=model,
                                             features=tuple(features)))

    def _model_value(self, node, scope: Scope) -> Value:
        model = self.eval.value(node, scope)
        if model.kind == UNKNOWN:
            return Value(UNKNOWN, loc=Location(self.path, self.span(node)))
        return model if model.loc is not None else model.with_(loc=Location(self.path, self.span(node)))

    def _client(self, target, scope: Scope, depth: int = 0) -> tuple[Optional[str], Optional[tuple[str, str]]]:
        """The route (same file) or (module, name) of an imported client that `target` denotes."""
        target = unwrap(target)
        if target is None or depth > 8:
            return None, None
        if target.type == "identifier":
            name = self.source.node_text(target)
            owner: Optional[Scope] = scope
            while owner is not None:
                if name in owner.clients:
                    return owner.clients[name], None
                if name in owner.bindings:
                    break
                owner = owner.parent
            binding = scope.lookup(name)
            if binding is None:
                return None, None
            if binding.kind == VALUE:
                route = self.route_for(binding.node, binding.scope)
                if route:
                    return route, None
                inner = unwrap(binding.node)
                if inner is not None and inner.type in ("identifier", "member_expression", "call_expression"):
                    return self._client(inner, binding.scope, depth + 1)
                return None, None
            if binding.kind == IMPORT:
                qualified = f"{binding.module}#{binding.export}"
                sink = self.sinks.sinks.get(qualified)
                if sink is not None and sink.instance:
                    return self._instance(qualified, sink, target), None
                reference = js_module_ref(self.path, binding.module)
                return (None, (reference, binding.export)) if reference else (None, None)
            return None, None
        if target.type == "member_expression":
            inner = field(target, "object")
            prop = property_name(self.source, field(target, "property"))
            if inner is not None and inner.type == "this" and prop:
                cls = scope.class_scope()
                if cls is not None and "this." + prop in cls.clients:
                    return cls.clients["this." + prop], None
                written = cls.writes.get(("this", prop)) if cls is not None else None
                return (self.route_for(written, cls), None) if written is not None and cls is not None else (None, None)
            qualified = self.qualified(target, scope)
            sink = self.sinks.sinks.get(qualified) if qualified else None
            if sink is not None and sink.instance:
                return self._instance(qualified, sink, target), None  # type: ignore[arg-type]
            if inner is not None and unwrap(inner) is not None and unwrap(inner).type == "identifier" and prop:
                binding = scope.lookup(self.source.node_text(unwrap(inner)))
                if binding is not None and binding.kind == NAMESPACE:
                    reference = js_module_ref(self.path, binding.module)
                    return (None, (reference, prop)) if reference else (None, None)
            return None, None
        if target.type in ("call_expression", "new_expression"):
            route = self.route_for(target, scope)
            if route:
                return route, None
            function = unwrap(field(target, "function"))
            if function is not None and function.type == "identifier":
                binding = scope.lookup(self.source.node_text(function))
                if binding is not None and binding.kind == FUNCTION:
                    returned = self._returned(binding.node, binding.scope)
                    return returned if returned is not None else (None, None)
                if binding is not None and binding.kind == IMPORT:
                    reference = js_module_ref(self.path, binding.module)
                    return (None, (reference, binding.export + "()")) if reference else (None, None)
        return None, None

    def _instance(self, qualified: str, sink: JsSink, node) -> str:
        """The route of a ready-made provider (`openai("gpt-4o")` of @ai-sdk/openai): one per file."""
        if qualified not in self.instances:
            self.instances[qualified] = self._make_route(node, sink, self.module, implicit_only=True)
        return self.instances[qualified]

    def _returned(self, function, scope: Scope) -> Optional[tuple[Optional[str], Optional[tuple[str, str]]]]:
        key = function.start_byte
        if key in self.returns:
            return self.returns[key]  # type: ignore[return-value]
        self.returns[key] = None
        body = field(function, "body")
        found = None
        if body is not None and body.type == "statement_block":
            inner = Scope("function", scope, function)
            for parameter in self._parameters(function):
                inner.bindings[parameter] = _param(inner)
            collect(inner, self.source, body.named_children)
            for statement in body.named_children:
                if statement.type == "return_statement" and statement.named_children:
                    found = self._client(statement.named_children[0], inner)
                    break
        elif body is not None:
            found = self._client(body, scope)
        if found is not None and found == (None, None):
            found = None
        self.returns[key] = found
        return found

    # ------------------------------------------------------------------ keys
    def _key_literal(self, node) -> None:
        if node.end_byte - node.start_byte < MAX_KEY_LITERAL:
            return
        found = string_value(self.source, node)
        if found is None or not found[2] or any(char.isspace() for char in found[0]):
            return
        self.facts.key_literals.append((self.span(node), found[0], found[1]))

    # ------------------------------------------------------------------ exports
    def _exports(self, root, module: Scope) -> None:
        star = 0
        for statement in root.named_children:
            if statement.type == "export_statement":
                star = self._export_statement(statement, module, star)
            elif statement.type == "expression_statement" and statement.named_children:
                self._commonjs(statement.named_children[0], module)
        for name, binding in module.bindings.items():
            if binding.kind == IMPORT:
                reference = js_module_ref(self.path, binding.module)
                if reference:
                    self.facts.client_imports[name] = (reference, binding.export)
            elif binding.kind == NAMESPACE:
                reference = js_module_ref(self.path, binding.module)
                if reference:
                    self.facts.client_imports[name] = (reference, "*")

    def _export_name(self, exported: str, local_node, module: Scope) -> None:
        node = unwrap(local_node)
        route = self.route_for(node, module)
        if route is None and node is not None and node.type == "identifier":
            route = module.clients.get(self.source.node_text(node))
        if route:
            self.facts.client_exports[exported] = route
            return
        if node is not None and node.type == "identifier":
            binding = module.lookup(self.source.node_text(node))
            if binding is not None and binding.kind == FUNCTION:
                self._export_function(exported, binding.node, module)
                return
            if binding is not None and binding.kind == IMPORT:
                reference = js_module_ref(self.path, binding.module)
                if reference:
                    self.facts.client_imports[exported] = (reference, binding.export)
                return
        if node is not None and node.type in ("arrow_function", "function_expression", "function"):
            self._export_function(exported, node, module)
            return
        value = self.eval.value(node, module) if node is not None else UNKNOWN_VALUE
        if value.kind != UNKNOWN:
            self.facts.exports[exported] = value
        for name, prop_value, owner in self.eval.props(node, module) if node is not None else []:
            inner = self.eval.value(prop_value, owner)
            if inner.kind != UNKNOWN:
                self.facts.exports[f"{exported}.{name}"] = inner

    def _export_function(self, exported: str, function, module: Scope) -> None:
        returned = self._returned(function, module)
        if returned is not None and returned[0]:
            self.facts.client_exports[exported + "()"] = returned[0]
        elif returned is not None and returned[1]:
            self.facts.client_imports[exported + "()"] = (returned[1][0], returned[1][1])

    def _export_statement(self, statement, module: Scope, star: int) -> int:
        declaration = field(statement, "declaration")
        value = field(statement, "value")
        source_node = field(statement, "source")
        if declaration is not None:
            if declaration.type in ("lexical_declaration", "variable_declaration"):
                for declarator in declaration.named_children:
                    name = field(declarator, "name")
                    if name is not None and name.type == "identifier":
                        self._export_name(self.source.node_text(name), name, module)
            elif declaration.type in ("function_declaration", "generator_function_declaration") and field(declaration, "name"):
                self._export_function(self.source.node_text(field(declaration, "name")), declaration, module)
            return star
        if value is not None:  # export default <expression>
            self._export_name("default", value, module)
            return star
        reexport = string_value(self.source, source_node) if source_node is not None else None
        reference = js_module_ref(self.path, reexport[0]) if reexport else None
        for clause in statement.named_children:
            if clause.type == "export_clause":
                for specifier in clause.named_children:
                    if specifier.type != "export_specifier":
                        continue
                    name, alias = field(specifier, "name"), field(specifier, "alias")
                    local = property_name(self.source, name) or ""
                    exported = property_name(self.source, alias) if alias is not None else local
                    if reference:
                        self.facts.client_imports[exported or local] = (reference, local)
                    elif name is not None:
                        self._export_name(exported or local, name, module)
            elif clause.type == "namespace_export" and reference:
                names = [n for n in clause.named_children if n.type in ("identifier", "string")]
                if names:
                    self.facts.client_imports[property_name(self.source, names[0]) or ""] = (reference, "*")
        if reference and not any(clause.type in ("export_clause", "namespace_export") for clause in statement.named_children):
            self.facts.client_imports[f"*{star}"] = (reference, "*")  # export * from "./m": a barrel
            star += 1
        return star

    def _commonjs(self, expression, module: Scope) -> None:
        if expression.type != "assignment_expression":
            return
        left, right = field(expression, "left"), field(expression, "right")
        if left is None or right is None:
            return
        text = self.source.node_text(left)
        if text == "module.exports":
            node = unwrap(right)
            if node is not None and node.type == "object":
                for item in node.named_children:
                    if item.type == "pair":
                        self._export_name(property_name(self.source, field(item, "key")) or "", field(item, "value"), module)
                    elif item.type == "shorthand_property_identifier":
                        self._export_name(self.source.node_text(item), item, module)
            else:
                self._export_name("default", right, module)
        elif left.type == "member_expression":
            target = self.source.node_text(field(left, "object"))
            prop = property_name(self.source, field(left, "property"))
            if target in ("module.exports", "exports") and prop:
                self._export_name(prop, right, module)


def _noise_call(walker: Walker, node) -> bool:
    function = unwrap(field(node, "function"))
    if function is None or function.type != "member_expression":
        return False
    return property_name(walker.source, field(function, "property")) in _NOISE


def _param(scope: Scope):
    from routelint.frontends.js.scope import Binding

    return Binding(PARAM, scope)


__all__ = ["Walker", "ENV", "LITERAL"]

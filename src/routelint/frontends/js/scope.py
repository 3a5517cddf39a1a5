"""Names in a JS/TS module: what each binding holds, collected per scope before the walk.

A scope is the module, a function body, a class body or a block. Declarations are collected when a
scope is entered (`const`/`let`/`var`, functions, classes, imports and `require` calls, destructuring),
together with the property writes that fill an object later (`cfg.baseURL = "..."`, also under an
`if`) and a class's fields (`apiKey = ...`, `this.client = new OpenAI()` in the constructor). Lookups
walk the scope chain, so a function-local `client` shadows a module-level one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from routelint.frontends.js.syntax import Source, field as child, property_name, string_value, unwrap

# Binding kinds
VALUE = "value"  # node: the expression bound
IMPORT = "import"  # module + export ("default" for a default import or `require`)
NAMESPACE = "namespace"  # `import * as ns` / a whole `require(...)` of a local module
FUNCTION = "function"  # node: the declaration
CLASS = "class"
PARAM = "param"  # a function parameter: unknown
MEMBER = "member"  # destructured: `const { a } = node` -> property `export` of `node`

_FUNCTIONS = ("function_declaration", "generator_function_declaration", "function_expression", "arrow_function",
              "method_definition", "function", "generator_function")
_DECLARATIONS = ("lexical_declaration", "variable_declaration")


@dataclass
class Binding:
    kind: str
    scope: "Scope"
    node: object = None
    module: str = ""
    export: str = ""


@dataclass
class Scope:
    kind: str  # module | function | class | block
    parent: Optional["Scope"]
    node: object = None
    bindings: dict[str, Binding] = field(default_factory=dict)
    writes: dict[tuple[str, str], object] = field(default_factory=dict)  # (object name, property) -> value node
    clients: dict[str, str] = field(default_factory=dict)  # name -> route id (`this.x` as "this.x")

    def lookup(self, name: str) -> Optional[Binding]:
        scope: Optional[Scope] = self
        while scope is not None:
            if name in scope.bindings:
                return scope.bindings[name]
            scope = scope.parent
        return None

    def write(self, name: str, prop: str) -> Optional[tuple[object, "Scope"]]:
        """The last `name.prop = value` written in the scope that binds `name` (or in a scope within it)."""
        scope: Optional[Scope] = self
        while scope is not None:
            if (name, prop) in scope.writes:
                return scope.writes[(name, prop)], scope
            if name in scope.bindings and name != "this":
                return None
            scope = scope.parent
        return None

    def class_scope(self) -> Optional["Scope"]:
        scope: Optional[Scope] = self
        while scope is not None:
            if scope.kind == "class":
                return scope
            scope = scope.parent
        return None


def require_module(source: Source, node) -> Optional[str]:
    """`require("m")` -> "m"."""
    node = unwrap(node)
    if node is None or node.type != "call_expression":
        return None
    function, arguments = child(node, "function"), child(node, "arguments")
    if function is None or function.type != "identifier" or source.node_text(function) != "require":
        return None
    args = arguments.named_children if arguments is not None else []
    found = string_value(source, args[0]) if args else None
    return found[0] if found else None


def collect(scope: Scope, source: Source, statements) -> None:
    """Fill `scope` from the statements of its body."""
    for statement in statements:
        _statement(scope, source, statement)


def _statement(scope: Scope, source: Source, node) -> None:
    kind = node.type
    if kind == "export_statement":
        declaration = child(node, "declaration")
        if declaration is not None:
            _statement(scope, source, declaration)
        return
    if kind in _DECLARATIONS:
        for declarator in node.named_children:
            if declarator.type == "variable_declarator":
                _declarator(scope, source, declarator)
        return
    if kind in ("function_declaration", "generator_function_declaration"):
        name = child(node, "name")
        if name is not None:
            scope.bindings[source.node_text(name)] = Binding(FUNCTION, scope, node)
        return
    if kind in ("class_declaration", "abstract_class_declaration"):
        name = child(node, "name")
        if name is not None:
            scope.bindings[source.node_text(name)] = Binding(CLASS, scope, node)
        return
    if kind == "import_statement":
        _import(scope, source, node)
        return
    _writes(scope, source, node, 0)


def _declarator(scope: Scope, source: Source, declarator) -> None:
    name, value = child(declarator, "name"), child(declarator, "value")
    module = require_module(source, value) if value is not None else None
    if name is None:
        return
    if name.type == "identifier":
        text = source.node_text(name)
        if module is not None:
            scope.bindings[text] = Binding(IMPORT, scope, module=module, export="default")
        elif value is not None:
            inner = unwrap(value)
            if inner is not None and inner.type == "member_expression" and require_module(source, child(inner, "object")):
                scope.bindings[text] = Binding(IMPORT, scope, module=require_module(source, child(inner, "object")) or "",
                                               export=property_name(source, child(inner, "property")) or "")
            else:
                scope.bindings[text] = Binding(VALUE, scope, value)
        return
    if name.type == "object_pattern":
        for item in name.named_children:
            key, local = _pattern_item(source, item)
            if key is None or local is None:
                continue
            if module is not None:
                scope.bindings[local] = Binding(IMPORT, scope, module=module, export=key)
            elif value is not None:
                scope.bindings[local] = Binding(MEMBER, scope, value, export=key)


def _pattern_item(source: Source, item) -> tuple[Optional[str], Optional[str]]:
    if item.type == "shorthand_property_identifier_pattern":
        text = source.node_text(item)
        return text, text
    if item.type == "pair_pattern":
        key, value = child(item, "key"), child(item, "value")
        if value is not None and value.type == "assignment_pattern":
            value = child(value, "left")
        if value is not None and value.type == "identifier":
            return property_name(source, key), source.node_text(value)
    if item.type == "object_assignment_pattern":
        left = child(item, "left")
        if left is not None:
            text = source.node_text(left)
            return text, text
    return None, None


def _import(scope: Scope, source: Source, node) -> None:
    found = string_value(source, child(node, "source"))
    if found is None:
        return
    module = found[0]
    for clause in node.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":
                scope.bindings[source.node_text(part)] = Binding(IMPORT, scope, module=module, export="default")
            elif part.type == "namespace_import":
                names = [n for n in part.named_children if n.type == "identifier"]
                if names:
                    scope.bindings[source.node_text(names[0])] = Binding(NAMESPACE, scope, module=module)
            elif part.type == "named_imports":
                for specifier in part.named_children:
                    if specifier.type != "import_specifier":
                        continue
                    name, alias = child(specifier, "name"), child(specifier, "alias")
                    exported = property_name(source, name) or ""
                    local = source.node_text(alias) if alias is not None else exported
                    scope.bindings[local] = Binding(IMPORT, scope, module=module, export=exported)


_WRITE_DEPTH = 6


def _writes(scope: Scope, source: Source, node, depth: int) -> None:
    """`name.prop = value` statements, also inside `if`/`try`/loop blocks (not inside functions)."""
    if depth > _WRITE_DEPTH or node.type in _FUNCTIONS or node.type in ("class_declaration", "class"):
        return
    if node.type == "expression_statement":
        expression = node.named_children[0] if node.named_children else None
        if expression is not None and expression.type == "assignment_expression":
            left, right = child(expression, "left"), child(expression, "right")
            if left is not None and left.type == "member_expression" and right is not None:
                target = child(left, "object")
                prop = property_name(source, child(left, "property"))
                if target is not None and prop and target.type in ("identifier", "this"):
                    scope.writes[(source.node_text(target), prop)] = right
        return
    for inner in node.named_children:
        if inner.type in ("statement_block", "if_statement", "else_clause", "try_statement", "catch_clause",
                          "finally_clause", "for_statement", "for_in_statement", "while_statement", "switch_statement",
                          "switch_body", "switch_case", "switch_default", "expression_statement"):
            _writes(scope, source, inner, depth + 1)


def collect_class(scope: Scope, source: Source, body) -> None:
    """Fields (`apiKey = ...`, `private client = new OpenAI()`) and the constructor's `this.x = ...`."""
    for member in body.named_children:
        if member.type in ("field_definition", "public_field_definition"):
            name = property_name(source, child(member, "property") or child(member, "name"))
            value = child(member, "value")
            if name and value is not None:
                scope.writes[("this", name)] = value
        elif member.type == "method_definition":
            name = property_name(source, child(member, "name"))
            body_node = child(member, "body")
            if name == "constructor" and body_node is not None:
                for statement in body_node.named_children:
                    _writes(scope, source, statement, 1)

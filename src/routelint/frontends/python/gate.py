"""A cheap first pass (CPython's `ast`, already built for the syntax check) that decides whether a
module needs the full walk at all.

The prefilter keeps files that *mention* a provider or an SDK — docstrings and comments included — and
the full walk costs a multiple of the parse. A module needs the full pass only when it
calls a route sink, subclasses a client, sets the legacy module globals, or writes a provider URL in
a string. Modules that another file's route depends on are parsed fully anyway (the engine forces
them), so nothing a route needs is lost here.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import Optional

from routelint.catalog.model import Catalog
from routelint.frontends.python.scopes import dotted as _dotted
from routelint.sdks import SdkCatalog


@lru_cache(maxsize=4)
def _vocabulary(catalog: Catalog, sdks: SdkCatalog) -> tuple[frozenset[str], frozenset[str], Optional[re.Pattern[str]]]:
    sinks = frozenset(sdks.sinks)
    legacy = frozenset(spec.module for spec in sdks.legacy)
    hosts = sorted({host.lstrip("*.-") for provider in catalog.providers.values() for host in provider.hosts} - {""})
    return sinks, legacy, re.compile("|".join(map(re.escape, hosts))) if hosts else None


SCOPES = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
LEAVES = frozenset({ast.Name, ast.Load, ast.Store, ast.Del, *ast.operator.__subclasses__(), *ast.boolop.__subclasses__(),
                    *ast.unaryop.__subclasses__(), *ast.cmpop.__subclasses__()})
_FIELDS: dict[type, tuple[str, ...]] = {}


def needs_full_parse(tree: ast.Module, catalog: Catalog, sdks: SdkCatalog) -> bool:
    """One pass over the tree collects what the decision needs (imports, calls, class bases, attribute
    uses, strings); the decision is then made on those lists. Names and operators are not descended into."""
    sinks, legacy, hosts = _vocabulary(catalog, sdks)
    imports_found: list[tuple[int, ast.AST]] = []  # (depth, node): applied in breadth-first order, as Python binds them
    functions: list[ast.expr] = []
    bases: list[ast.expr] = []
    attributes: list[ast.Attribute] = []
    strings: list[ast.Constant] = []
    docstrings: set[int] = set()
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        kind = type(node)
        if kind is ast.Call:
            functions.append(node.func)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            attributes.append(node)  # type: ignore[arg-type]
        elif kind is ast.Constant:
            if type(node.value) is str:  # type: ignore[attr-defined]
                strings.append(node)  # type: ignore[arg-type]
        elif kind is ast.Import or kind is ast.ImportFrom:
            imports_found.append((depth, node))
        elif kind in SCOPES:
            body = node.body  # type: ignore[attr-defined]
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
            if kind is ast.ClassDef:
                bases.extend(node.bases)  # type: ignore[attr-defined]
        fields = _FIELDS.get(kind)
        if fields is None:
            fields = _FIELDS[kind] = tuple(name for name in kind._fields if name not in ("ctx", "op", "ops"))  # type: ignore[attr-defined]
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend((item, depth + 1) for item in value if isinstance(item, ast.AST) and type(item) not in LEAVES)
            elif isinstance(value, ast.AST) and type(value) not in LEAVES:
                stack.append((value, depth + 1))
    imports: dict[str, str] = {}
    for _, node in sorted(imports_found, key=lambda item: (item[0], item[1].lineno, item[1].col_offset)):  # type: ignore[attr-defined]
        if isinstance(node, ast.Import):
            for alias in node.names:
                imports[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def qualified(expression: ast.AST) -> str | None:
        dotted = _dotted(expression)
        if dotted is None:
            return None
        head, dot, rest = dotted.partition(".")
        return imports[head] + dot + rest if head in imports else dotted

    if any(qualified(function) in sinks for function in functions) or any(qualified(base) in sinks for base in bases):
        return True
    for node in attributes:
        if isinstance(node.ctx, ast.Store) and qualified(node.value) in legacy:
            return True  # openai.api_base = ...
        if isinstance(node.value, ast.Name) and imports.get(node.value.id) in legacy:
            return True  # openai.ChatCompletion.create(...), openai.chat.completions.create(...)
    if hosts is not None:  # a provider URL in a string (docstrings aside), searched in one go
        return hosts.search("\0".join(node.value for node in strings if id(node) not in docstrings)) is not None
    return False

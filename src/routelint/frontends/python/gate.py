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
from functools import lru_cache

from routelint.catalog.model import Catalog
from routelint.frontends.python.scopes import dotted as _dotted
from routelint.sdks import SdkCatalog


@lru_cache(maxsize=4)
def _vocabulary(catalog: Catalog, sdks: SdkCatalog) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    sinks = frozenset(sdks.sinks)
    legacy = frozenset(spec.module for spec in sdks.legacy)
    hosts = tuple(sorted({host.lstrip("*.-") for provider in catalog.providers.values() for host in provider.hosts} - {""}))
    return sinks, legacy, hosts


def needs_full_parse(tree: ast.Module, catalog: Catalog, sdks: SdkCatalog) -> bool:
    sinks, legacy, hosts = _vocabulary(catalog, sdks)
    imports: dict[str, str] = {}
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                imports[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))

    def qualified(expression: ast.AST) -> str | None:
        dotted = _dotted(expression)
        if dotted is None:
            return None
        head, dot, rest = dotted.partition(".")
        return imports[head] + dot + rest if head in imports else dotted

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if qualified(node.func) in sinks:
                return True
        elif isinstance(node, ast.ClassDef):
            if any(qualified(base) in sinks for base in node.bases):
                return True
        elif isinstance(node, ast.Attribute):
            if isinstance(node.ctx, ast.Store) and qualified(node.value) in legacy:
                return True  # openai.api_base = ...
            if isinstance(node.value, ast.Name) and imports.get(node.value.id) in legacy:
                return True  # openai.ChatCompletion.create(...), openai.chat.completions.create(...)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if any(host in node.value for host in hosts):
                return True
    return False

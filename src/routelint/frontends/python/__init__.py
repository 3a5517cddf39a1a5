"""The Python frontend: one module in, language-neutral facts out, read from CPython's `ast`.

Layout (each module small, no import cycles):
- source.py   positions: UTF-8 byte columns to character columns, literal quotes
- scopes.py   scope and class records, name helpers
- evaluate.py the value evaluator (expressions -> Values), asking a `Names` table for bindings
- symbols.py  the module's symbol table: imports, scopes, classes, functions (implements `Names`)
- sinks.py    route sites from SDK sinks and their subclasses (sink names are data: rules/sdks/)
- http.py     raw HTTP: Bearer key, JSON model (the endpoint a URL names is the catalog's: catalog.urls)
- calls.py    endpoint calls on routes
- legacy.py   the pre-1.0 openai module globals
- anchors.py  fix anchors (import line, os.environ names, key literals, argument insertion points)
- walker.py   the walk that ties them together
- gate.py     a cheap pass that skips modules with nothing to analyse
- lower.py    newer-grammar files: blank what this interpreter cannot parse (libcst, rare)
"""

from __future__ import annotations

import ast
import warnings
from typing import Optional, Union

from routelint.catalog.model import Catalog
from routelint.facts import FileFacts, ProblemFact, Span
from routelint.sdks import SdkCatalog
from routelint.textio import text_digest


def _parse(path: str, source: str) -> Union[ast.Module, ProblemFact]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, filename=path)
    except SyntaxError as exc:
        line = exc.lineno or 1
        column = max(exc.offset or 1, 1)
        return ProblemFact(path, Span(line, column, line, column), f"syntax error: {exc.msg}")
    except (RecursionError, MemoryError, ValueError) as exc:
        return ProblemFact(path, Span.at_line(1), f"cannot be analysed: {type(exc).__name__}: too deeply nested or too large")


def analyze_python(path: str, source: str, catalog: Catalog, sdks: SdkCatalog, *, force: bool = False) -> FileFacts:
    """Facts of one module. Without `force`, a module in which the gate finds no route sink, client
    subclass, legacy global or provider URL is not walked (see gate.py)."""
    facts = FileFacts(path=path, kind="python")
    analysed = source
    parsed = _parse(path, source)
    if isinstance(parsed, ProblemFact) and parsed.message.startswith("syntax error"):
        # newer grammar than this interpreter's (PEP 701 f-strings, `type` aliases): libcst reads it
        from routelint.frontends.python.lower import lowered_source, worth_lowering

        lowered: Optional[str] = lowered_source(source) if worth_lowering(source, parsed.message) else None
        if lowered is not None:
            retry = _parse(path, lowered)
            if isinstance(retry, ast.Module):
                parsed, analysed = retry, lowered
    if isinstance(parsed, ProblemFact):
        facts.problems.append(parsed)
        return facts
    tree = parsed

    from routelint.frontends.python.gate import needs_full_parse

    try:
        if not force and not needs_full_parse(tree, catalog, sdks):
            return facts
    except RecursionError:
        pass  # too deep for the cheap walk: the full walk decides

    from routelint.frontends.python.source import SourceText
    from routelint.frontends.python.walker import analyse_tree

    try:
        facts = analyse_tree(path, SourceText(path, analysed), tree, catalog, sdks)
    except RecursionError:
        facts.problems.append(ProblemFact(path, Span.at_line(1), "cannot be analysed: expressions nested too deeply"))
        return facts
    facts.digest = text_digest(source)
    return facts

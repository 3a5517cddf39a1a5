"""The Python frontend: one module in, language-neutral facts out (libcst for exact spans)."""

from __future__ import annotations

import ast
import warnings

from routelint.catalog.model import Catalog
from routelint.facts import FileFacts, ProblemFact, Span
from routelint.sdks import SdkCatalog


def text_digest(text: str) -> str:
    """Identifies the text a file's facts (and fix spans) were computed from; the fixer compares it."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def analyze_python(path: str, source: str, catalog: Catalog, sdks: SdkCatalog, *, force: bool = False) -> FileFacts:
    """Facts of one module. Without `force`, a module in which `ast` finds no route sink, client
    subclass, legacy global or provider URL gets no libcst pass (see gate.py)."""
    facts = FileFacts(path=path, kind="python")
    # CPython's own parser first: ten times cheaper than libcst, with the messages users know
    # (Python 2 prints, bad indentation) and a clean refusal of pathological nesting.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        line = exc.lineno or 1
        facts.problems.append(ProblemFact(path, Span(line, max(exc.offset or 1, 1), line, max(exc.offset or 1, 1)), f"syntax error: {exc.msg}"))
        return facts
    except (RecursionError, MemoryError, ValueError) as exc:
        facts.problems.append(ProblemFact(path, Span.at_line(1), f"cannot be analysed: {type(exc).__name__}: too deeply nested or too large"))
        return facts

    from routelint.frontends.python.gate import needs_full_parse

    try:
        if not force and not needs_full_parse(tree, catalog, sdks):
            return facts
    except RecursionError:
        pass  # too deep for the cheap walk: let libcst decide

    import libcst as cst
    from libcst.metadata import MetadataWrapper

    from routelint.frontends.python.visitor import RouteVisitor

    try:
        module = cst.parse_module(source)
        visitor = RouteVisitor(path, catalog, sdks)
        MetadataWrapper(module, unsafe_skip_copy=True).visit(visitor)
        visitor.facts.digest = text_digest(source)
        return visitor.facts
    except cst.ParserSyntaxError as exc:
        facts.problems.append(ProblemFact(path, Span(exc.raw_line, exc.raw_column + 1, exc.raw_line, exc.raw_column + 1), f"syntax error: {exc.message}"))
    except RecursionError:
        facts.problems.append(ProblemFact(path, Span.at_line(1), "cannot be analysed: expressions nested too deeply"))
    return facts

"""The JavaScript/TypeScript frontend: one module in, language-neutral facts out.

tree-sitter reads `.js .mjs .cjs .jsx .ts .mts .cts .tsx` without Node.js; the facts are the Python
frontend's (route sites, endpoint calls, exports and imports for cross-module resolution, literal
spans for fixes), so every check, fix, report, the baseline and the audit work unchanged. Minified
bundles are not parsed: their keys are still found in the raw text, by the scanner.
"""

from __future__ import annotations

import posixpath

from routelint.catalog.model import Catalog
from routelint.facts import FileFacts, ProblemFact, Span
from routelint.sdks import SdkCatalog

# folders whose files a browser downloads as they are
_PUBLIC_FOLDERS = ("public", "static", "www", "assets")
MINIFIED_LINE = 2000  # a line this long in a file of few lines: generated, not written


def minified(text: str) -> bool:
    """A bundle or minified file (long lines, few of them): nobody edits it, and parsing it costs."""
    lines = text.count("\n") + 1
    return len(text) > MINIFIED_LINE and len(text) / lines > MINIFIED_LINE / 4 and any(
        len(line) > MINIFIED_LINE for line in text.split("\n", 64)[:64])


def analyze_js(path: str, source: str, catalog: Catalog, sdks: SdkCatalog, *, force: bool = False) -> FileFacts:
    from routelint.frontends.js.sinks import shipped_js_sinks
    from routelint.frontends.js.syntax import Source, errors, parse
    from routelint.frontends.js.walker import Walker
    from routelint.textio import text_digest

    kind = "typescript" if path.lower().endswith((".ts", ".mts", ".cts", ".tsx")) else "javascript"
    if minified(source):
        return FileFacts(path=path, kind=kind)
    text = Source(source)
    tree = parse(path, text.data)
    root = tree.root_node
    if root.has_error:
        first = next(errors(root), root)
        facts = FileFacts(path=path, kind=kind, parsed=True)
        what = "missing " + first.type if first.is_missing else "syntax error"
        span = text.span(first)
        facts.problems.append(ProblemFact(path, Span(span.line, span.column, span.line, span.column),
                                          f"{what} (tree-sitter, {kind} grammar)"))
        return facts
    walker = Walker(path, text, catalog, shipped_js_sinks())
    facts = walker.run(root)
    facts.kind = kind
    facts.parsed = True
    facts.digest = text_digest(source)
    facts.browser = _browser(path, root, text)
    spelling = "import.meta.env" if "import.meta.env" in source else "process.env"
    facts.environ_names = [(spelling, 0)]
    return facts


def _browser(path: str, root, text) -> str:
    """Why this module is shipped to browsers: a `"use client"` directive or a public assets folder."""
    for statement in root.named_children:
        if statement.type == "comment":
            continue
        if statement.type == "expression_statement" and statement.named_children and statement.named_children[0].type == "string":
            if text.node_text(statement.named_children[0])[1:-1] == "use client":
                return "a 'use client' module"
            continue
        break
    parts = posixpath.dirname(path).split("/")
    if any(part in _PUBLIC_FOLDERS for part in parts):
        return "a file in a public assets folder"
    return ""

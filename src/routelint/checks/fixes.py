"""Building fixes: text edits of Python source that checks attach to their diagnostics.

Checks never read files: everything here works from facts the Python frontend recorded (the quote
style of each literal, the module-level names of `os.environ`, where an `import os` line can go, the
digest of the analysed text). A fix is offered only where the edit is certain to be well-formed: a
plain string literal (never an f-string or a concatenation) in a Python file whose facts are known.
The fixer re-parses every result before writing anyway.
"""

from __future__ import annotations

from typing import Iterable, Optional

from routelint.checks.base import CheckContext
from routelint.diagnostics import DISPLAY_ONLY, SAFE, UNSAFE, Edit, Fix  # noqa: F401 (Edit, Fix used by checks)
from routelint.facts import ENV, LITERAL, ORIGIN_DEFAULT, FileFacts, Span, Value
from routelint.modules import JS_SUFFIXES

PYTHON_SUFFIXES = (".py", ".pyi", ".ipynb")  # a notebook's code cells are Python (the fixer JSON-escapes)


def is_python(path: str) -> bool:
    return path.endswith(PYTHON_SUFFIXES)


def is_js(path: str) -> bool:
    return path.lower().endswith(JS_SUFFIXES)


def env_hint(path: str, variable: str, default: bool = True) -> str:
    """How the file's language reads `variable` (for messages): os.environ / process.env."""
    if is_js(path):
        return f"process.env.{variable}" + (" ?? ..." if default else "")
    return f"os.environ.get({variable!r}, ...)" if default else f"os.environ[{variable!r}]"


def file_facts(ctx: CheckContext, path: str) -> Optional[FileFacts]:
    return ctx.derived("facts_by_path", lambda: {facts.path: facts for facts in ctx.files}).get(path)


def _fixable_file(ctx: CheckContext, path: str) -> Optional[FileFacts]:
    facts = file_facts(ctx, path)
    if facts is None or not (is_python(path) or is_js(path)) or not facts.digest:
        return None
    return facts


def python_string(text: str, quote: Optional[str]) -> Optional[str]:
    """`text` as a literal with the same prefix and quotes as the original, or None if it needs escapes."""
    if quote is None:
        return None
    prefix = quote.rstrip("'\"")
    delimiter = quote[len(prefix):]
    if any(letter not in "rRuU" for letter in prefix) or delimiter not in ("'", '"', "'''", '"""'):
        return None
    if "\\" in text or delimiter[0] in text or any(ord(char) < 32 or ord(char) == 127 for char in text):
        return None
    return f"{prefix}{delimiter}{text}{delimiter}"


def _quote_char(quote: Optional[str]) -> str:
    return "'" if quote and quote.rstrip("'\"") != quote and quote.endswith("'") else '"'


def environ(facts: FileFacts, line: int) -> tuple[str, list[Edit]]:
    """How to spell os.environ at `line`: an existing module-level import (alias kept), else `import os` added."""
    for expression, import_line in facts.environ_names:
        if import_line < line:
            return expression, []
    return "os.environ", [import_os(facts)]


def import_os(facts: FileFacts) -> Edit:
    line, column = facts.import_line, facts.import_column
    return Edit(facts.path, Span(line, column, line, column), "import os\n")


def providers_by_loc(ctx: CheckContext, part: str) -> dict[tuple[str, Span], set[str]]:
    """Which providers the value written at each location reaches (a shared constant may feed several)."""
    return ctx.derived(f"providers_by_{part}", lambda: _providers_by_loc(ctx, part))


def _providers_by_loc(ctx: CheckContext, part: str) -> dict[tuple[str, Span], set[str]]:
    found: dict[tuple[str, Span], set[str]] = {}
    for route in ctx.routes:
        provider = route.provider.id if route.provider else "?"
        values: Iterable[Optional[Value]]
        if part == "model":
            values = [route.model] + [model for _, model in route.calls]
        elif part == "key":
            values = [route.key, route.site.api_key]  # resolved, and as written at the site (env-file values)
        else:
            values = [route.base, *route.base_candidates]
        for value in values:
            if value is not None and value.loc is not None:
                found.setdefault((value.loc.path, value.loc.span), set()).add(provider)
    return found


def replace_literal(ctx: CheckContext, value: Value, new_text: str, applicability: str, message: str) -> Optional[Fix]:
    """Replace the plain string literal of `value` with `new_text`, keeping its quote style."""
    if value.loc is None or value.text is None or value.partial or _fixable_file(ctx, value.loc.path) is None:
        return None
    if value.kind not in (LITERAL, ENV) or (value.kind == ENV and value.origin != ORIGIN_DEFAULT):
        return None
    literal = python_string(new_text, value.quote)
    if literal is None or python_string(value.text, value.quote) is None:
        return None  # the original needs escapes: its span may not be exactly the value we think it is
    return Fix(applicability, message, (Edit(value.loc.path, value.loc.span, literal),))


def env_default_fix(ctx: CheckContext, value: Value, variable: str, applicability: str) -> Optional[Fix]:
    """RL101: `"<url>"` -> `os.environ.get("VAR", "<url>")`, adding `import os` when needed."""
    if value.loc is None or value.text is None or value.partial or value.kind != LITERAL:
        return None
    facts = _fixable_file(ctx, value.loc.path)
    literal = python_string(value.text, value.quote)
    if facts is None or literal is None:
        return None
    spelled, extra = environ(facts, value.loc.span.line)
    quote = _quote_char(value.quote)
    if is_js(value.loc.path):  # JS/TS: `process.env.VAR ?? "<url>"` (`import.meta.env` in Vite modules)
        content = f"{spelled}.{variable} ?? {literal}"
    else:
        content = f"{spelled}.get({quote}{variable}{quote}, {literal})"
    message = f"Read the base URL from {variable}, keeping the current URL as the default"
    return Fix(applicability, message, (*extra, Edit(value.loc.path, value.loc.span, content)))


def env_key_fix(ctx: CheckContext, path: str, span: Span, variable: str, message: str, quote: Optional[str] = None) -> Optional[Fix]:
    """RL201/RL202/RL203: replace the expression at `span` with `os.environ["VAR"]` (unsafe: a variable is read)."""
    facts = _fixable_file(ctx, path)
    if facts is None or not variable:
        return None
    spelled, extra = environ(facts, span.line)
    q = _quote_char(quote)
    lookup = f"{spelled}.{variable}" if is_js(path) else f"{spelled}[{q}{variable}{q}]"
    return Fix(UNSAFE, message, (*extra, Edit(path, span, lookup)))


def key_literal(ctx: CheckContext, path: str, span: Span, text: str) -> Optional[tuple[Span, str]]:
    """The plain string literal (span with quotes, prefix + quote) whose whole value is the key found at `span`."""
    facts = _fixable_file(ctx, path)
    if facts is None:
        return None
    for literal_span, value, quote in facts.key_literals:
        if value == text and literal_span.line <= span.line <= literal_span.end_line and (
                literal_span.line, literal_span.column) < (span.line, span.column) and (
                span.end_line, span.end_column) < (literal_span.end_line, literal_span.end_column):
            return literal_span, quote
    return None


def _fix_env(ctx: CheckContext, provider, path: str, part: str) -> Optional[str]:
    if provider is None:
        return None
    setting = ctx.fix_env(path).get(provider.id) if ctx.fix_env is not None else None
    if isinstance(setting, str) and part == "base-url":
        return setting  # `fix-env = { gemini = "MY_GEMINI_URL" }`: the base-URL variable
    if isinstance(setting, dict) and isinstance(setting.get(part), str):
        return setting[part]
    return provider.fix_base_url_env if part == "base-url" else provider.fix_key_env


def base_url_env(ctx: CheckContext, provider, path: str) -> Optional[str]:
    """The variable a fix in `path` reads `provider`'s base URL from: `fix-env`, else the catalog's."""
    return _fix_env(ctx, provider, path, "base-url")


def key_env(ctx: CheckContext, provider, path: str) -> Optional[str]:
    """The variable a fix in `path` reads `provider`'s key from: `fix-env` (`key`), else the catalog's."""
    return _fix_env(ctx, provider, path, "key")


def display_only(message: str) -> Fix:
    return Fix(DISPLAY_ONLY, message, ())


def likely_set(ctx: CheckContext, variable: str) -> bool:
    """Is `variable` probably set where the code runs? The project reads or defines it, or an SDK reads it itself."""
    cached = ctx.derived("likely_set", dict)
    if variable in cached:
        return cached[variable]
    result = False
    for route in ctx.routes:
        values = [route.base, route.key, route.model, *route.base_candidates, *(model for _, model in route.calls)]
        if any(value is not None and value.env_var == variable for value in values):
            result = True
            break
    if not result:
        result = any(definition.name == variable for facts in ctx.files for definition in facts.env)
    if not result:
        from routelint.sdks import shipped_sdks

        sdks = shipped_sdks()
        implicit = {name for sink in sdks.sinks.values() for name in (*sink.base_url_env, *sink.api_key_env)}
        implicit.update(name for spec in sdks.legacy for name in (*spec.base_url_env, *spec.api_key_env))
        result = variable in implicit
    cached[variable] = result
    return result


__all__ = [
    "SAFE",
    "UNSAFE",
    "display_only",
    "env_default_fix",
    "env_key_fix",
    "key_literal",
    "likely_set",
    "providers_by_loc",
    "replace_literal",
]

"""Building fixes of configuration files (.env, YAML, TOML, JSON): text edits that keep everything else.

A config fix replaces only the characters of a value (never its quotes, the key, a comment or the
indentation), so comments, quoting, key order and indentation stay as they are. The config frontends
record, for a string whose text is written exactly at its location, the delimiter of the scalar it sits
in (`Value.config_quote`: `"`, `'`, `\"\"\"`, `'''`, or "" for a plain YAML scalar / unquoted .env value);
an edit is offered only when the new text needs no escape inside that delimiter, and the fixer re-parses
the result with the file's own parser before writing.

Env references by file kind (RL202: a key literal becomes a reference its consumer resolves):
- docker-compose: `${VAR}` (compose interpolates every value from the shell and the `.env` beside it);
- LiteLLM proxy `litellm_params.api_key`: `os.environ/VAR` (LiteLLM resolves it only as the whole value);
- GitHub Actions: `${{ secrets.VAR }}`;
- `.env` files: none (an env file is where keys belong); a template (`.env.example`) holding a real key
  gets its value emptied (unsafe: whoever copies the template no longer gets a working key);
- anything else (Kubernetes manifests, app settings): no automatic fix.
"""

from __future__ import annotations

import posixpath
from typing import Optional

from routelint.checks.base import CheckContext
from routelint.checks.fixes import file_facts
from routelint.diagnostics import DISPLAY_ONLY, UNSAFE, Edit, Fix
from routelint.facts import FileFacts, Location, Span, Value
from routelint.vocabulary import is_template_path

CONFIG_KINDS = ("dotenv", "yaml", "toml", "json")
TEMPLATE_NAMES = (".env.example", ".env.template", ".env.sample")
_YAML_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")


def config_file(ctx: CheckContext, path: str) -> Optional[FileFacts]:
    facts = file_facts(ctx, path)
    if facts is None or facts.kind not in CONFIG_KINDS or not facts.digest or facts.problems:
        return None
    return facts


def fits(text: str, quote: Optional[str], kind: str) -> bool:
    """Can `text` be written as-is between the delimiters `quote` of a `kind` file (no escape needed)?"""
    if quote is None or any(ord(char) < 32 or ord(char) == 127 for char in text) or "\\" in text:
        return False
    if quote in ("'", "'''"):
        return "'" not in text
    if quote in ('"', '"""'):
        return '"' not in text
    if quote != "" or kind in ("toml", "json"):
        return False  # TOML and JSON strings are always quoted: "" would be an unknown delimiter
    if text != text.strip() or "#" in text or "'" in text or '"' in text:
        return False
    if kind == "dotenv":
        return not any(char.isspace() for char in text)
    if kind == "yaml":
        if not text or text[0] in _YAML_INDICATORS and not text.startswith("${") or ": " in text or text.endswith(":"):
            return False
        import yaml

        try:
            return yaml.safe_load(text) == text  # stays a string: not `true`, `1.5`, `null`
        except yaml.YAMLError:
            return False
    return False


def replace_value(ctx: CheckContext, value: Value, new_text: str, applicability: str, message: str) -> Optional[Fix]:
    """Replace the text of a config string `value` (its quotes, key and comments untouched)."""
    if value.loc is None or value.text is None or value.partial or value.config_quote is None:
        return None
    facts = config_file(ctx, value.loc.path)
    if facts is None or not fits(new_text, value.config_quote, facts.kind) or new_text == value.text:
        return None
    return Fix(applicability, message, (Edit(value.loc.path, value.loc.span, new_text),))


def rename_variable(ctx: CheckContext, name_literal: tuple[Location, str], variable: str, message: str) -> Optional[Fix]:
    """RL201: `${GEMINI_API_KEY}` -> `${FLATKEY_API_KEY}`: only the variable name inside the reference changes."""
    where, quote = name_literal
    facts = config_file(ctx, where.path)
    if facts is None or quote is None or not variable.replace("_", "").isalnum():
        return None
    return Fix(UNSAFE, message, (Edit(where.path, where.span, variable),))


def _route_site_of(ctx: CheckContext, path: str, span: Span):
    """(route, key value) of the route whose key is written exactly at `span` of `path` (one lookup in
    an index built once per run: scanning every route for every key was quadratic)."""
    return ctx.derived("routes_by_key_location", lambda: _index_key_locations(ctx)).get((path, span), (None, None))


def _index_key_locations(ctx: CheckContext) -> dict:
    index: dict = {}
    for route in ctx.routes:
        for value in (route.site.api_key, route.key):
            if value is not None and value.loc is not None:
                index.setdefault((value.loc.path, value.loc.span), (route, value))  # the first route wins
    return index


def _env_definition(ctx: CheckContext, facts: FileFacts, span: Span) -> Optional[Value]:
    index = ctx.derived("env_values_by_location", lambda: {
        (definition.path, definition.value.loc.span): definition.value
        for file in ctx.files for definition in reversed(file.env) if definition.value.loc is not None})
    return index.get((facts.path, span))


def hardcoded_key_fix(ctx: CheckContext, secret, variable: Optional[str]) -> Optional[Fix]:
    """RL202 in a config file: the reference its consumer resolves, or (an env template) an empty value."""
    facts = config_file(ctx, secret.path)
    if facts is None:
        return None
    if facts.kind == "dotenv":
        if not is_template_path(secret.path):
            return Fix(DISPLAY_ONLY, "Rotate the key and keep this env file out of version control "
                                     "(.gitignore, git rm --cached); no automatic fix", ())
        value = _env_definition(ctx, facts, secret.span)
        if value is None or value.text != secret.text or value.config_quote is None:
            return None
        return Fix(UNSAFE, "Empty the key in the template (rotate the exposed key)", (Edit(secret.path, secret.span, ""),))
    route, value = _route_site_of(ctx, secret.path, secret.span)
    if route is None or value is None or value.text != secret.text or not variable:
        return None
    sdk = route.site.sdk
    if sdk == "docker-compose":
        reference = "${" + variable + "}"
    elif sdk == "litellm-proxy" and value.identifier == "api_key":
        reference = f"os.environ/{variable}"
    elif sdk == "github-actions":
        reference = "${{ secrets." + variable + " }}"
    else:
        return None
    return replace_value(ctx, value, reference, UNSAFE, f"Read the key from {variable} (and rotate the exposed key)")


def template_for(ctx: CheckContext, path: str) -> Optional[FileFacts]:
    """The env template (`.env.example`, ...) nearest to `path`: its folder, then each parent in the scan."""
    directory = posixpath.dirname(path)
    while True:
        for name in TEMPLATE_NAMES:
            facts = file_facts(ctx, posixpath.join(directory, name) if directory else name)
            if facts is not None and facts.kind == "dotenv" and facts.digest and facts.append_line and not facts.problems:
                return facts
        if not directory or directory in (".", "/"):
            return None
        parent = posixpath.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def template_addition(ctx: CheckContext, path: str, variable: str) -> Optional[Edit]:
    """`VAR=` appended to the env template beside `path`, unless the template already names VAR."""
    template = template_for(ctx, path)
    if template is None or variable in ctx.derived("env_names_by_path", lambda: {}).setdefault(
            template.path, {definition.name for definition in template.env}):
        return None
    line = template.append_line
    return Edit(template.path, Span(line, 1, line, 1), f"{variable}=\n")


__all__ = ["config_file", "fits", "hardcoded_key_fix", "rename_variable", "replace_value", "template_addition"]

"""File kinds: what routelint knows about each kind of file it analyses, in one registry.

For each kind (`discover.file_kind` names it): the frontend that turns its text into facts, its comment
syntax, and the checks a rewrite must pass: that the edited text still parses (the fixer, after a fix)
and that it still means the same (`--add-noqa`, after a comment is added). The scan asks which frontend
to run, the fixer which parser to re-run, suppressions and the key scan where comments start; adding a
kind is one entry here, not a branch in each of them.

Parsers and frontends are imported only when a file of their kind needs them: a run with no candidate
imports no parser.
"""

from __future__ import annotations

import importlib
import io
import os
from dataclasses import dataclass
from typing import Callable, Optional

from routelint.directives import comment_start, js_comment_start
from routelint.discover import DOTENV, JAVASCRIPT, JSON, NOTEBOOK, PYTHON, TEXT, TOML, TYPESCRIPT, YAML, file_kind

HASH = "#"
SLASH = "//"

# `(path, text, text before the edit) -> None when it parses, else why not`
Reparse = Callable[[str, str, Optional[str]], Optional[str]]
# `(path, text before, text after) -> do both parse to the same data?` (raises when `before` does not parse)
SameMeaning = Callable[[str, str, str], bool]


@dataclass(frozen=True)
class FileKind:
    name: str
    frontend: str  # "module:function" of the frontend: (path, text, catalog, sdks[, force=]) -> FileFacts
    comment: Optional[str]  # the line-comment marker (HASH, SLASH), None: the format has no comments
    reparse: Reparse
    same_meaning: Optional[SameMeaning] = None  # None: a comment cannot be added safely (or is not checked)
    full_pass: bool = False  # the frontend takes `force` (the full pass for a module a route depends on)


# ---------------------------------------------------------------------------- comment syntax
def line_comment_start(kind: str, line: str) -> Optional[int]:
    """Where a comment starts on one line of a file of `kind` (None: no comment, or no comments at all).
    A text file of no known kind is read with `#` comments (shell, INI, Dockerfile...)."""
    entry = KINDS.get(kind)
    marker = entry.comment if entry is not None else (HASH if kind == TEXT else None)
    if marker == SLASH:
        return js_comment_start(line)
    if marker == HASH:
        return comment_start(line, kind == PYTHON)
    return None


# ---------------------------------------------------------------------------- re-parse checks
def _python(path: str, text: str, before: Optional[str]) -> Optional[str]:
    import ast
    import warnings

    import libcst

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ast.parse(text, filename=path)
    libcst.parse_module(text)
    return None


def _toml(path: str, text: str, before: Optional[str]) -> Optional[str]:
    from routelint.data import tomllib

    tomllib.loads(text)
    return None


def _json(path: str, text: str, before: Optional[str]) -> Optional[str]:
    import json

    from routelint.frontends.json_config import allows_comments, blank_comments

    json.loads(blank_comments(text) if allows_comments(path) else text)
    return None


def _yaml(path: str, text: str, before: Optional[str]) -> Optional[str]:
    import yaml

    list(yaml.safe_load_all(text))
    return None


def _dotenv_errors(text: str) -> int:
    from dotenv.parser import parse_stream

    return sum(1 for binding in parse_stream(io.StringIO(text, newline="")) if binding.error)


def _dotenv(path: str, text: str, before: Optional[str]) -> Optional[str]:
    """python-dotenv: the edit may keep the unparsable lines the file had `before`, no more."""
    try:
        found = _dotenv_errors(text)
    except ImportError:
        return "python-dotenv is not installed"
    if found > (_dotenv_errors(before) if before is not None else 0):
        return f"python-dotenv cannot parse {found} line(s)"
    return None


def _notebook(path: str, text: str, before: Optional[str]) -> Optional[str]:
    from routelint.frontends.notebook import still_valid

    return still_valid(text, before)


def _js(path: str, text: str, before: Optional[str]) -> Optional[str]:
    """tree-sitter: the edit may introduce no error node."""
    from routelint.frontends.js.syntax import error_count

    errors, had = error_count(path, text), error_count(path, before) if before is not None else 0
    return f"tree-sitter finds {errors - had} new syntax error(s)" if errors > had else None


# ---------------------------------------------------------------------------- same meaning
def _same_python(path: str, before: str, after: str) -> bool:
    import ast

    return ast.dump(ast.parse(before)) == ast.dump(ast.parse(after))


def _same_yaml(path: str, before: str, after: str) -> bool:
    import yaml

    return list(yaml.safe_load_all(before)) == list(yaml.safe_load_all(after))


def _same_toml(path: str, before: str, after: str) -> bool:
    from routelint.data import tomllib

    return tomllib.loads(before) == tomllib.loads(after)


def _same_dotenv(path: str, before: str, after: str) -> bool:
    from dotenv import dotenv_values

    return dotenv_values(stream=io.StringIO(before)) == dotenv_values(stream=io.StringIO(after))


def _same_js(path: str, before: str, after: str) -> bool:
    """tree-sitter: the same syntax tree once comments are left out (a `//` inside a template literal
    or a string spanning lines would change it)."""
    from routelint.frontends.js.syntax import shape

    shown = shape(path, before)
    if shown is None:
        raise ValueError("the original has syntax errors")
    return shown == shape(path, after)


KINDS: dict[str, FileKind] = {kind.name: kind for kind in (
    FileKind(PYTHON, "routelint.frontends.python:analyze_python", HASH, _python, _same_python, full_pass=True),
    FileKind(DOTENV, "routelint.frontends.dotenv:analyze_dotenv", HASH, _dotenv, _same_dotenv),
    FileKind(YAML, "routelint.frontends.yaml_config:analyze_yaml", HASH, _yaml, _same_yaml),
    FileKind(TOML, "routelint.frontends.toml_config:analyze_toml", HASH, _toml, _same_toml),
    FileKind(JSON, "routelint.frontends.json_config:analyze_json", None, _json),
    # a notebook's comments live inside its code cells' JSON strings: its frontend finds them
    FileKind(NOTEBOOK, "routelint.frontends.notebook:analyze_notebook", None, _notebook, full_pass=True),
    FileKind(JAVASCRIPT, "routelint.frontends.js:analyze_js", SLASH, _js, _same_js),
    FileKind(TYPESCRIPT, "routelint.frontends.js:analyze_js", SLASH, _js, _same_js),
)}


def frontend(kind: str) -> Optional[Callable]:
    """The frontend function of `kind` (imported now), None for a kind no frontend reads."""
    entry = KINDS.get(kind)
    if entry is None:
        return None
    module, name = entry.frontend.split(":")
    return getattr(importlib.import_module(module), name)


def parses(path: str, text: str, before: Optional[str] = None) -> Optional[str]:
    """None when `text` parses as the kind of file `path` is, else why not (one line). `before`, the
    text before the edit, lets a format keep errors it already had (env files, JS/TS)."""
    entry = KINDS.get(file_kind(os.path.basename(path)))
    if entry is None:
        return None
    try:
        return entry.reparse(path, text, before)
    except Exception as exc:  # any parser's refusal is a reason not to write
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")


def same_meaning(kind: str, path: str, before: str, after: str) -> bool:
    """Does the edited text still parse to the same thing? (a comment must never change behaviour).
    False when the original does not parse either; True for a kind without a semantic check."""
    entry = KINDS.get(kind)
    if entry is None or entry.same_meaning is None:
        return True
    try:
        return entry.same_meaning(path, before, after)
    except Exception:  # the original does not parse either: only the caller's comment check can judge
        return False


__all__ = ["FileKind", "HASH", "KINDS", "SLASH", "comment_start", "frontend", "js_comment_start", "line_comment_start",
           "parses", "same_meaning"]

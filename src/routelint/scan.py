"""Per-file work: read once, skip binaries, find keys in raw text, prefilter, run the frontend.

Returns plain data (FileFacts) so files can fan out over a process pool and results can be cached.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Optional

from routelint.catalog.keys import find_keys
from routelint.catalog.model import Catalog
from routelint.discover import ANALYSED_KINDS, DOTENV, JSON, NOTEBOOK, PYTHON, TOML, YAML, SourceFile
from routelint.facts import FileFacts, ProblemFact, SecretCandidate, Span
from routelint.modules import imports_in
from routelint.prefilter import Prefilter
from routelint.suppressions import comment_start, find_suppressions
from routelint.sdks import SdkCatalog

MAX_BYTES = 5 * 1024 * 1024
BINARY_SNIFF = 8192


@dataclass
class ScanContext:
    catalog: Catalog
    sdks: SdkCatalog
    prefilter: Prefilter


Frontend = Callable[[str, str, Catalog, SdkCatalog], FileFacts]


def _frontend(kind: str) -> Optional[Frontend]:
    if kind == PYTHON:
        from routelint.frontends.python import analyze_python

        return analyze_python
    if kind == DOTENV:
        from routelint.frontends.dotenv import analyze_dotenv

        return analyze_dotenv
    if kind == YAML:
        from routelint.frontends.yaml_config import analyze_yaml

        return analyze_yaml
    if kind == TOML:
        from routelint.frontends.toml_config import analyze_toml

        return analyze_toml
    if kind == JSON:
        from routelint.frontends.json_config import analyze_json

        return analyze_json
    if kind == NOTEBOOK:
        from routelint.frontends.notebook import analyze_notebook

        return analyze_notebook
    return None


def _problem(source: SourceFile, message: str, line: int = 1) -> FileFacts:
    facts = FileFacts(path=source.path, kind=source.kind)
    facts.problems.append(ProblemFact(source.path, Span.at_line(line), message))
    return facts


def decode(data: bytes) -> tuple[Optional[str], Optional[str]]:
    """(text, None) or (None, why): UTF-8 only, a BOM allowed."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line})"


def read_source(path: str) -> tuple[Optional[bytes], Optional[str]]:
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            return None, f"larger than {MAX_BYTES // (1024 * 1024)} MB ({size} bytes): not analysed"
        with open(path, "rb") as handle:
            return handle.read(), None
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror or exc}"


def analyze_file(source: SourceFile, ctx: ScanContext, force: bool = False) -> Optional[FileFacts]:
    """Facts for one file, or None when it is skipped (binary, or an uninteresting large file)."""
    data, error = read_source(source.path)
    if data is None:
        return _problem(source, error or "cannot be read") if source.kind in ANALYSED_KINDS else None
    if b"\0" in data[:BINARY_SNIFF]:
        return None
    text, error = decode(data)
    if text is None:
        if source.kind not in ANALYSED_KINDS:
            return None
        facts = _problem(source, error or "not UTF-8")
        facts.secrets = secrets_in(source, data.decode("utf-8", errors="replace"), ctx)
        return facts
    candidate, keys = ctx.prefilter.classify(text, source.kind)
    secrets = secrets_in(source, text, ctx) if keys else []
    # the frontend is imported only for a file that needs it: a run with no candidate imports no parser
    wanted = source.kind in ANALYSED_KINDS and text.strip() and (force or candidate)
    frontend = _frontend(source.kind) if wanted else None
    if frontend is not None:
        try:
            if source.kind in (PYTHON, NOTEBOOK):  # the full pass for a module a route depends on, or one
                # holding a key (its fix replaces the literal: that needs its exact span)
                facts = frontend(source.path, text, ctx.catalog, ctx.sdks, force=force or bool(secrets))
            else:
                facts = frontend(source.path, text, ctx.catalog, ctx.sdks)
        except RecursionError:
            facts = _problem(source, "cannot be analysed: nested too deeply")
    else:
        facts = FileFacts(path=source.path, kind=source.kind)
    if facts.cells:  # a notebook: which raw-text hits sit in a code cell's comment
        from routelint.frontends.notebook import mark_comments

        mark_comments(facts.cells, secrets)
    facts.secrets = secrets + facts.secrets  # raw-text keys, plus keys a frontend decoded
    if source.kind == PYTHON:  # cheap, for every Python file: which files pull in which modules
        facts.imports = imports_in(source.path, text)
    if source.kind != NOTEBOOK:  # a notebook's frontend found them in its code cells
        facts.suppressions = find_suppressions(source.kind, source.path, text)
    if not facts.digest and source.kind != PYTHON:  # fixes of config and env files (issue 5)
        from routelint.frontends.python import text_digest

        facts.digest = text_digest(text)
        facts.append_line = text.count("\n") + (1 if text.endswith("\n") or not text else 2)
    return facts


def secrets_in(source: SourceFile, text: str, ctx: ScanContext) -> list[SecretCandidate]:
    if not ctx.prefilter.may_hold_key(text):
        return []
    found = []
    for match in find_keys(ctx.catalog, text):
        line = text.count("\n", 0, match.start) + 1
        line_start = text.rfind("\n", 0, match.start) + 1
        column = match.start - line_start + 1
        end_column = column + (match.end - match.start)
        found.append(
            SecretCandidate(
                path=source.path,
                span=Span(line, column, line, end_column),
                text=match.text,
                provider=match.provider,
                pattern=match.pattern,
                in_comment=_in_comment(source.kind, text[line_start : match.start]),
            )
        )
    return found


def _in_comment(kind: str, before: str) -> bool:
    """Is the text after `before` (same line) inside a comment? JSON has none; a notebook's frontend
    decides for its code cells (`mark_comments`)."""
    return kind not in (JSON, NOTEBOOK) and comment_start(before, kind == PYTHON) is not None

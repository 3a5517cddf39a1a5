"""Per-file work: read once, skip binaries, find keys in raw text, prefilter, run the frontend.

Returns plain data (FileFacts) so files can fan out over a process pool and results can be cached.
"""

from __future__ import annotations

import os
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Optional

from routelint.budget import BudgetExceeded, file_budget
from routelint.catalog.model import Catalog
from routelint import filekinds
from routelint.discover import ANALYSED_KINDS, PYTHON, SourceFile
from routelint.facts import FileFacts, ProblemFact, SecretCandidate, Span
from routelint.frontends.js.packages import MANIFESTS, read_packages
from routelint.keyscan import env_reads, find_secrets, merge_secrets, value_secrets
from routelint.modules import JS_KINDS, imports_in, js_imports_in
from routelint.profiling import clock as profile_clock
from routelint.prefilter import Prefilter
from routelint.suppressions import find_suppressions
from routelint.sdks import SdkCatalog
from routelint.textio import MAX_SOURCE_BYTES, TooLarge, UnsafePath, decode, display_text, looks_binary, read_bounded, text_digest

MAX_BYTES = MAX_SOURCE_BYTES
# from this many characters the raw-text key scan runs under the file's budget (a timer per small file
# would cost more than the scan itself)
RAW_BUDGET_FROM = 256 * 1024
OVER_BUDGET = "not analysed"  # how an RL001 of a file past its budget starts (never cached: machine-dependent)


@dataclass
class ScanContext:
    catalog: Catalog
    sdks: SdkCatalog
    prefilter: Prefilter
    overlay: dict[str, bytes] = field(default_factory=dict)  # path -> text read from stdin instead of disk

    def read(self, path: str) -> tuple[Optional[bytes], Optional[str]]:
        if path in self.overlay:
            return self.overlay[path], None
        return read_source(path)


def _problem(source: SourceFile, message: str, line: int = 1) -> FileFacts:
    facts = FileFacts(path=source.path, kind=source.kind)
    facts.problems.append(ProblemFact(source.path, Span.at_line(line), message))
    return facts


def is_binary(data: bytes, kind: str) -> bool:
    """Skip the file as binary? A text file of a kind routelint analyses never is: a NUL there is
    text to decode (or RL001), never a silent skip. Other files are binary when they hold NULs that no
    BOM or UTF-16 layout explains, beyond a stray one."""
    return kind not in ANALYSED_KINDS and looks_binary(data)


def read_text(path: str) -> Optional[str]:
    """A file's text decoded as the scan decodes it (for excerpts and source lines); None: unreadable.
    Undecodable bytes are replaced: only for display, never for analysis."""
    data, _ = read_source(path)
    return display_text(data) if data is not None else None


def read_source(path: str) -> tuple[Optional[bytes], Optional[str]]:
    """(bytes, None) of a regular file of at most MAX_BYTES, else (None, why)."""
    try:
        return read_bounded(path, MAX_BYTES), None
    except TooLarge as exc:
        return None, f"larger than {MAX_BYTES // (1024 * 1024)} MB ({exc.size} bytes): not analysed"
    except UnsafePath as exc:
        return None, f"cannot be read: {exc.why}"
    except OSError as exc:
        return None, f"cannot be read: {exc.strerror or exc}"


@dataclass
class Pending:
    """A file whose cheap passes are done and that still needs its frontend (a candidate).

    Plain data, so the frontend can run in a worker process: the engine decides where by the bytes of
    the candidates it has found (`stages.analysis.POOL_BYTES`).
    """

    source: SourceFile
    text: str
    secrets: list[SecretCandidate]
    force: bool
    size: int  # bytes of the file
    timings: Optional[dict] = None  # the profile of the passes so far (routelint.profiling), when on


def analyze_file(source: SourceFile, ctx: ScanContext, force: bool = False) -> Optional[FileFacts]:
    """Facts for one file, or None when it is skipped (binary, or an uninteresting large file)."""
    step = prepare_file(source, ctx, force)
    return finish_file(step, ctx) if isinstance(step, Pending) else step


def prepare_file(source: SourceFile, ctx: ScanContext, force: bool = False) -> Optional[FileFacts | Pending]:
    """The cheap passes over one file: read, skip binaries, prefilter, keys in raw text. A file that needs
    no frontend is finished here; a candidate comes back as `Pending` for `finish_file`."""
    clock = profile_clock(source.path)
    data, error = ctx.read(source.path)
    clock.lap("read")
    if data is None:
        return _problem(source, error or "cannot be read") if source.kind in ANALYSED_KINDS else None
    if is_binary(data, source.kind):
        return None
    text, error = decode(data)
    try:  # a key scan past its budget (see `secrets_in`) ends in RL001; the run goes on
        if text is None:
            if source.kind not in ANALYSED_KINDS:
                return None
            facts = _problem(source, error or "not UTF-8")
            facts.secrets = secrets_in(source, data.decode("utf-8", errors="replace"), ctx)
            return facts
        if "\0" in text and source.kind in ANALYSED_KINDS:  # no parser reads it: RL001, the keys still count
            facts = _problem(source, f"holds a NUL character (line {text.count(chr(10), 0, text.index(chr(0))) + 1}): "
                                     "not analysed beyond its keys")
            facts.secrets = secrets_in(source, text, ctx)
            facts.suppressions = find_suppressions(source.kind, source.path, text)
            return facts
        candidate, keys = ctx.prefilter.classify(text, source.kind)
        secrets = secrets_in(source, text, ctx, known_gate=keys)
    except BudgetExceeded as exc:
        return _problem(source, f"{OVER_BUDGET}: {exc}")
    clock.lap("prefilter")
    # the frontend is imported only for a file that needs it: a run with no candidate imports no parser
    # a JS/TS file holding a key is parsed too: its fix needs the literal's span, RL204 the module's bundling
    wanted = force or candidate or (source.kind in JS_KINDS and bool(secrets))
    if source.kind in ANALYSED_KINDS and text.strip() and wanted and filekinds.frontend(source.kind) is not None:
        return Pending(source, text, secrets, force, len(data), clock.hand_over())
    facts = _complete(FileFacts(path=source.path, kind=source.kind), source, text, secrets, ctx.catalog)
    clock.lap("prefilter")
    clock.done(source.kind, candidate=False, size=len(data))
    return facts


def finish_file(pending: Pending, ctx: ScanContext) -> FileFacts:
    """Run the frontend on a candidate that `prepare_file` left pending."""
    source, text = pending.source, pending.text
    clock = profile_clock(source.path, pending.timings)
    frontend = filekinds.frontend(source.kind)
    assert frontend is not None
    try:  # a time and memory budget proportionate to the file (routelint.budget)
        with file_budget(pending.size):
            if filekinds.KINDS[source.kind].full_pass:  # the full pass for a module a route depends on, or
                # one holding a key (its fix replaces the literal: that needs its exact span)
                facts = frontend(source.path, text, ctx.catalog, ctx.sdks, force=pending.force or bool(pending.secrets))
            else:
                facts = frontend(source.path, text, ctx.catalog, ctx.sdks)
    except RecursionError:
        facts = _problem(source, "cannot be analysed: nested too deeply")
    except MemoryError:
        facts = _problem(source, "cannot be analysed: out of memory")
    except BudgetExceeded as exc:
        facts = _problem(source, f"{OVER_BUDGET}: {exc}")
    clock.lap("frontend")
    if facts.cells:  # a notebook: which raw-text hits sit in a code cell's comment
        from routelint.frontends.notebook import mark_comments

        mark_comments(facts.cells, pending.secrets)
    facts = _complete(facts, source, text, pending.secrets, ctx.catalog)
    clock.lap("prefilter")
    clock.done(source.kind, candidate=True, size=pending.size)
    return facts


def _complete(facts: FileFacts, source: SourceFile, text: str, secrets: list[SecretCandidate], catalog: Catalog) -> FileFacts:
    """What every read file gets, parsed or not: keys, imports, suppressions, the digest fixes check."""
    facts.secrets = merge_secrets(secrets, facts.secrets)  # raw-text keys, plus keys a frontend decoded
    facts.secrets += value_secrets(facts, text, catalog)  # decoded values: `"\x41Iza..."`, concatenations
    facts.env_reads = env_reads(text)
    name = os.path.basename(source.path)
    if name in MANIFESTS:  # which version of each JS package the project installs (AI SDK defaults)
        facts.packages = read_packages(name, text)
    if source.kind == PYTHON:  # cheap, for every Python file: which files pull in which modules
        facts.imports = imports_in(source.path, text)
    elif source.kind in JS_KINDS and ("import" in text or "require" in text):
        facts.imports = js_imports_in(source.path, text)
    if not facts.cells:  # a notebook's frontend found them in its code cells (an invalid one has none)
        facts.suppressions = find_suppressions(source.kind, source.path, text)
    if not facts.digest and source.kind != PYTHON:  # fixes of config and env files (issue 5)
        facts.digest = text_digest(text)
        facts.append_line = text.count("\n") + (1 if text.endswith("\n") or not text else 2)
    return facts


def over_budget(facts: Optional[FileFacts]) -> bool:
    """Did this file's analysis stop at its time or memory budget? (depends on the machine: not cached)"""
    return facts is not None and any(problem.message.startswith(OVER_BUDGET + ": analysis") for problem in facts.problems)


def secrets_in(source: SourceFile, text: str, ctx: ScanContext, known_gate: Optional[bool] = None) -> list[SecretCandidate]:
    """Keys in the raw text (provider patterns, generic keys by context, escaped literals). The scan is
    linear; a large text still runs it under its budget, as the frontends run, as a safety net: past it,
    BudgetExceeded propagates to the caller."""
    with file_budget(len(text)) if len(text) >= RAW_BUDGET_FROM else nullcontext():
        if known_gate is None:
            known_gate = ctx.prefilter.may_hold_key(text)
        return find_secrets(source.path, source.kind, text, ctx.catalog, known_gate=known_gate)

"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

Every rule is described in `tool.driver.rules` (short and full description, help, helpUri, default
level) with the properties GitHub code scanning reads (docs.github.com, "SARIF support for code
scanning"): `tags` (`security`, `correctness`, `external/cwe/cwe-798`, ...), `precision`,
`problem.severity`, and `security-severity` on the security rules, all from the rule's TOML.

Each result points at its rule by id and index and carries an `artifactLocation.uri` relative to
`%SRCROOT%`, the root of the git repository holding the checked files (the working directory outside
a repository), so the SARIF of a job with `working-directory:` is the SARIF of the root. Messages name
files the same way, and each place a message mentions is a related location linked from it, whose
own message says what it is. `partialFingerprints` holds routelint's line-independent fingerprint
(path, code and the finding's identity) and `primaryLocationLineHash`, computed as GitHub's upload
action computes it (`linehash.py`). All text passes through redact().
"""

from __future__ import annotations

import json
import os
from typing import Any, Optional, TextIO
from urllib.parse import quote, unquote

from routelint import __version__
from routelint.baseline import fingerprints
from routelint.diagnostics import Diagnostic, Fix
from routelint.facts import Span
from routelint.redact import redact
from routelint.reporters.options import ReportOptions
from routelint.reporters.common import message
from routelint.reporters.linehash import file_text, line_hashes
from routelint.rules_docs import SECTIONS, all_rules
from routelint.run_result import RunResult

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/routelint/routelint"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "routelint/v1"


def _file_uri(path: str) -> str:
    absolute = os.path.abspath(path).replace(os.sep, "/")
    return "file://" + ("" if absolute.startswith("/") else "/") + quote(os.fsencode(absolute))  # a name need not be UTF-8


def artifact_location(path: str, root: str) -> dict[str, str]:
    """Relative to %SRCROOT% when the file is under it, else an absolute file: URI."""
    relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    if relative == ".." or relative.startswith("../"):
        return {"uri": _file_uri(path)}
    return {"uri": quote(os.fsencode(relative)), "uriBaseId": SRCROOT}


def region(span: Span) -> dict[str, int]:
    found = {"startLine": max(span.line, 1)}
    if span.column >= 1:
        found["startColumn"] = span.column
    if (span.end_line, span.end_column) != (span.line, span.column) and span.end_line >= span.line and span.end_column >= 1:
        found["endLine"] = span.end_line
        found["endColumn"] = span.end_column
    return found


def _help_text(doc) -> tuple[str, str]:
    plain, markdown = [doc.summary], [doc.summary]
    for key, title in SECTIONS:
        text = doc.sections.get(key)
        if text:
            plain.append(f"{title}:\n{text}")
            markdown.append(f"## {title}\n\n{text}")
    if doc.fix_applicability:
        plain.append(f"Fix applicability: {doc.fix_applicability}")
        markdown.append(f"Fix applicability: `{doc.fix_applicability}`")
    plain.append(f"Docs: {doc.url}")
    markdown.append(f"[Documentation]({doc.url})")
    return "\n\n".join(plain), "\n\n".join(markdown)


def rule_descriptor(doc) -> dict[str, Any]:
    text, markdown = _help_text(doc)  # docs show sample keys: they pass through redact() like the rest
    return {
        "id": doc.code,
        "name": doc.name,
        "shortDescription": {"text": redact(doc.summary)},
        "fullDescription": {"text": redact(doc.sections.get("what_it_does") or doc.summary)},
        "help": {"text": redact(text), "markdown": redact(markdown)},
        "helpUri": doc.url,
        "defaultConfiguration": {"level": doc.severity},
        "properties": rule_properties(doc),
    }


def rule_properties(doc) -> dict[str, Any]:
    """The rule properties GitHub code scanning reads, from the rule's TOML."""
    found: dict[str, Any] = {
        "tags": ["routelint", *doc.tags],
        "precision": doc.precision,
        "problem.severity": "error" if doc.severity == "error" else "warning",
    }
    if doc.security_severity is not None:
        found["security-severity"] = f"{float(doc.security_severity):.1f}"
    return found


def sarif_root(result: RunResult) -> str:
    """The git repository root of the checked files (of the first, when they span several), else the
    working directory."""
    from routelint.gitfiles import GitFiles

    first = result.scanned[0] if result.scanned else "."
    directory = os.path.dirname(os.path.abspath(first)) if not os.path.isdir(first) else os.path.abspath(first)
    return GitFiles().root_of(directory) or os.getcwd()


class _LineHashes:
    """primaryLocationLineHash per (path, line), each file hashed once."""

    def __init__(self, result: RunResult) -> None:
        self.result = result
        self.files: dict[str, dict[int, str]] = {}

    def get(self, path: str, line: int) -> Optional[str]:
        if path not in self.files:
            data = self.result.source_bytes(path)
            self.files[path] = line_hashes(file_text(data)) if data is not None else {}
        return self.files[path].get(max(line, 1))


def _fix(result: RunResult, fix: Fix, root: str) -> dict[str, Any]:
    changes: dict[str, list[dict[str, Any]]] = {}
    for edit in fix.edits:
        changes.setdefault(edit.path, []).append({
            "deletedRegion": {
                "startLine": edit.span.line,
                "startColumn": edit.span.column,
                "endLine": edit.span.end_line,
                "endColumn": edit.span.end_column,
            },
            "insertedContent": {"text": redact(edit.content, result.secrets)},
        })
    return {
        "description": {"text": redact(fix.message, result.secrets) or "routelint fix"},
        "artifactChanges": [
            {"artifactLocation": artifact_location(path, root), "replacements": replacements}
            for path, replacements in changes.items()
        ],
        "properties": {"applicability": fix.applicability},
    }


def _shown(path: str, root: str) -> str:
    """A path as the SARIF names it: relative to %SRCROOT% (not to the working directory)."""
    location = artifact_location(path, root)
    return unquote(location["uri"]) if "uriBaseId" in location else path


def _related_message(what: str, diagnostic: Diagnostic, root: str) -> str:
    """'Base URL that RL201 at app/main.py:12 depends on': says what the place is without the result."""
    noun = what.rsplit(" ", 1)[0] if what.endswith((" from", " at")) else what
    return (f"{noun[:1].upper()}{noun[1:]} that {diagnostic.code} at {_shown(diagnostic.path, root)}:"
            f"{diagnostic.span.line} depends on")


def _result(result: RunResult, diagnostic: Diagnostic, index: int, fingerprint: str, root: str,
            hashes: _LineHashes) -> dict[str, Any]:
    doc_url = all_rules()[diagnostic.code].url if diagnostic.code in all_rules() else None
    text = message(result, diagnostic)
    related = []
    for number, (what, loc) in enumerate(diagnostic.related, start=1):
        mentioned = f"{what} {loc.path}:{loc.span.line}"  # the message's note: a link to the location
        text = text.replace(mentioned, f"{what} [{_shown(loc.path, root)}:{loc.span.line}]({number})")
        related.append({
            "id": number,
            "physicalLocation": {"artifactLocation": artifact_location(loc.path, root), "region": region(loc.span)},
            "message": {"text": redact(_related_message(what, diagnostic, root), result.secrets)},
        })
    fingerprints_ = {FINGERPRINT_KEY: fingerprint}
    line_hash = hashes.get(diagnostic.path, diagnostic.span.line)
    if line_hash is not None:
        fingerprints_["primaryLocationLineHash"] = line_hash
    found: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": index,
        "level": diagnostic.severity if diagnostic.severity in ("error", "warning") else "note",
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {"artifactLocation": artifact_location(diagnostic.path, root), "region": region(diagnostic.span)},
        }],
        "partialFingerprints": fingerprints_,
        "properties": {"name": diagnostic.name, "provider": diagnostic.provider, "helpUri": doc_url},
    }
    if related:
        found["relatedLocations"] = related
    if diagnostic.fix is not None and diagnostic.fix.edits:
        found["fixes"] = [_fix(result, diagnostic.fix, root)]
    return found


def document(result: RunResult, root: Optional[str] = None) -> dict[str, Any]:
    root = os.path.abspath(root or sarif_root(result))
    hashes = _LineHashes(result)
    rules = all_rules()
    codes = list(rules)
    extra = sorted({d.code for d in result.diagnostics} - set(codes))  # never expected: every code has docs
    descriptors = [rule_descriptor(doc) for doc in rules.values()] + [{"id": code} for code in extra]
    index = {code: position for position, code in enumerate(codes + extra)}
    prints = fingerprints(result.diagnostics, lambda d: artifact_location(d.path, root)["uri"])
    root_uri = _file_uri(root)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "routelint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": root_uri if root_uri.endswith("/") else root_uri + "/"}},
            "columnKind": "unicodeCodePoints",
            "results": [
                _result(result, diagnostic, index[diagnostic.code], fingerprint, root, hashes)
                for diagnostic, fingerprint in zip(result.diagnostics, prints)
            ],
        }],
    }


def report(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    from routelint.neutralise import data_tree

    json.dump(data_tree(document(result)), out, indent=2, ensure_ascii=False)
    out.write("\n")

"""SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

Every rule is described in `tool.driver.rules` (short and full description, help, helpUri, default
level); each result points at its rule by id and index, carries a relative `artifactLocation.uri`
under `%SRCROOT%` (the working directory), a region, related locations, fixes where the diagnostic
has one, and a `partialFingerprints` entry built from path, code and the finding's identity, never
from line numbers, so an alert survives lines moving above it. All text passes through redact().
"""

from __future__ import annotations

import json
import os
from typing import Any, Optional, TextIO
from urllib.parse import quote

from routelint import __version__
from routelint.baseline import fingerprints
from routelint.diagnostics import Diagnostic, Fix
from routelint.engine import RunResult
from routelint.facts import Span
from routelint.redact import redact
from routelint.reporters.common import message
from routelint.rules_docs import SECTIONS, all_rules

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
        "properties": {"tags": ["routelint", "security"] if doc.code.startswith("RL2") else ["routelint"]},
    }


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


def _result(result: RunResult, diagnostic: Diagnostic, index: int, fingerprint: str, root: str) -> dict[str, Any]:
    doc_url = all_rules()[diagnostic.code].url if diagnostic.code in all_rules() else None
    found: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": index,
        "level": diagnostic.severity if diagnostic.severity in ("error", "warning") else "note",
        "message": {"text": message(result, diagnostic)},
        "locations": [{
            "physicalLocation": {"artifactLocation": artifact_location(diagnostic.path, root), "region": region(diagnostic.span)},
        }],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"name": diagnostic.name, "provider": diagnostic.provider, "helpUri": doc_url},
    }
    if diagnostic.related:
        found["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": {"artifactLocation": artifact_location(loc.path, root), "region": region(loc.span)},
                "message": {"text": redact(what, result.secrets)},
            }
            for number, (what, loc) in enumerate(diagnostic.related, start=1)
        ]
    if diagnostic.fix is not None and diagnostic.fix.edits:
        found["fixes"] = [_fix(result, diagnostic.fix, root)]
    return found


def document(result: RunResult, root: Optional[str] = None) -> dict[str, Any]:
    root = os.path.abspath(root or os.getcwd())
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
                _result(result, diagnostic, index[diagnostic.code], fingerprint, root)
                for diagnostic, fingerprint in zip(result.diagnostics, prints)
            ],
        }],
    }


def report(result: RunResult, out: TextIO, options: dict) -> None:
    from routelint.neutralise import data_tree

    json.dump(data_tree(document(result)), out, indent=2, ensure_ascii=False)
    out.write("\n")

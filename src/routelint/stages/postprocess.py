"""Stage 6, post-process: each file's severities, suppression comments (and RL002 for those that hide
nothing), a stable order, and the key texts every output must mask.

(The baseline is the last filter of all, applied once by the command to the final result: a `--fix`
pass still fixes what a baseline hides.)"""

from __future__ import annotations

from dataclasses import dataclass

from routelint.config import ConfigSet
from routelint.diagnostics import Diagnostic
from routelint.facts import FileFacts


@dataclass
class Findings:
    """What the run reports: the diagnostics in order, how many comments hid, the secrets to mask."""

    diagnostics: list[Diagnostic]
    suppressed: int
    secrets: set[str]


def finish(diagnostics: list[Diagnostic], files: list[FileFacts], configs: ConfigSet, context_paths: set[str],
           *, ignore_suppressions: bool) -> Findings:
    for diagnostic in diagnostics:
        diagnostic.severity = configs.for_path(diagnostic.path).severity.get(diagnostic.code, diagnostic.severity)
    suppressed = 0
    if not ignore_suppressions:
        diagnostics, suppressed = _apply_suppressions(diagnostics, files, configs, context_paths)
    diagnostics.sort(key=Diagnostic.sort_key)
    secrets = {text for facts in files for secret in facts.secrets for text in (secret.text, secret.encoded) if text}
    secrets.update(text for diagnostic in diagnostics for text in diagnostic.secrets)
    return Findings(diagnostics, suppressed, secrets)


def _apply_suppressions(
    diagnostics: list[Diagnostic], files: list[FileFacts], configs: ConfigSet, context_paths: set[str]
) -> tuple[list[Diagnostic], int]:
    """Drop what suppression comments hide; report the comments that hide nothing (RL002)."""
    from routelint.rules_docs import rule_meta
    from routelint.suppressions import UNUSED_CODE, apply, unused_message

    suppressions = [suppression for facts in files for suppression in facts.suppressions]
    if not suppressions:
        return diagnostics, 0
    rules = rule_meta()
    applied = apply(
        diagnostics,
        suppressions,
        lambda code, path: path not in context_paths and configs.for_path(path).enabled(code, path),
        rules,
    )
    kept = applied.kept
    doc = rules[UNUSED_CODE]
    for suppression, idle, unknown in applied.unused:
        kept.append(
            Diagnostic(
                code=UNUSED_CODE,
                name=doc.name,
                severity=configs.for_path(suppression.path).severity.get(UNUSED_CODE, doc.severity),
                message=unused_message(idle, unknown, suppression.malformed),
                path=suppression.path,
                span=suppression.span,
                identity="suppression:" + ",".join(suppression.codes or ("*",)),
            )
        )
    return kept, applied.suppressed

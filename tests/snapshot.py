"""Snapshots of what routelint prints for every rule example: `tests/snapshots/<CODE>.txt`.

One file per rule, one section per example (`### invalid 3: <name>`), in the order of the rule's
TOML. A section holds the example's findings of that rule rendered in the default text format (with
`--show-fixes` notes), the summary line, and the unified diff of its `fixed` text where it has one.
Reviewing a change to a message is reading the diff of these files, as with Ruff's snapshots.

Update after an intended change, then review `git diff tests/snapshots`:

    ROUTELINT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_rule_examples.py
    python -m pytest tests/test_rule_examples.py --update-snapshots
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import os
import re
from pathlib import Path

from routelint.reporters.options import ReportOptions
from routelint.reporters.full import report
from routelint.rules_docs import Example, RuleDoc

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
ENV_VAR = "ROUTELINT_UPDATE_SNAPSHOTS"
_HEADER = re.compile(r"^### (?:invalid|valid) \d+: .*$", re.MULTILINE)


def updating(config) -> bool:
    return bool(os.environ.get(ENV_VAR)) or bool(config.getoption("--update-snapshots", default=False))


def header(kind: str, index: int, example: Example) -> str:
    return f"### {kind} {index + 1}: {example.name}"


def headers(doc: RuleDoc) -> list[str]:
    return [header(kind, index, example) for kind, examples in (("invalid", doc.invalid), ("valid", doc.valid))
            for index, example in enumerate(examples)]


def render(result, code: str, root: Path, example: Example) -> str:
    """The findings of `code` as the default text format prints them, paths relative to the example."""
    only = dataclasses.replace(result, diagnostics=[d for d in result.diagnostics if d.code == code])
    out = io.StringIO()
    report(only, out, ReportOptions(show_fixes=True))
    text = out.getvalue().replace(str(root) + os.sep, "")
    for name in sorted(example.fixed):
        before, after = example.files[name], example.fixed[name]
        if before == after:
            text += f"fixed: {name} unchanged\n"
            continue
        text += "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                             f"{name}", f"{name} (fixed)", n=1))
    return text


def _path(code: str) -> Path:
    return SNAPSHOTS / f"{code}.txt"


def read(code: str) -> dict[str, str]:
    """header -> section body of the rule's snapshot file ({} when there is none)."""
    path = _path(code)
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    starts = [match.start() for match in _HEADER.finditer(text)] + [len(text)]
    sections = {}
    for start, end in zip(starts, starts[1:]):
        head, _, body = text[start:end].partition("\n")
        sections[head] = body.rstrip("\n") + "\n"
    return sections


def write(doc: RuleDoc, sections: dict[str, str]) -> None:
    """The rule's snapshot file: its examples' sections in TOML order; sections of removed examples go."""
    SNAPSHOTS.mkdir(exist_ok=True)
    intro = (f"# {doc.code} {doc.name}: the findings of every example in rules/checks/{doc.code}.toml, as\n"
             f"# `routelint check --select {doc.code} --show-fixes` prints them. Generated: see tests/snapshot.py.\n\n")
    body = "\n".join(f"{head}\n{sections[head]}" for head in headers(doc) if head in sections)
    _path(doc.code).write_text(intro + body, encoding="utf-8")


def check(doc: RuleDoc, head: str, actual: str, update: bool) -> None:
    sections = read(doc.code)
    expected = sections.get(head)
    if actual.rstrip("\n") + "\n" == expected:
        return
    if update:
        sections[head] = actual.rstrip("\n") + "\n"
        write(doc, sections)
        return
    diff = "".join(difflib.unified_diff((expected or "").splitlines(keepends=True), actual.splitlines(keepends=True),
                                        "snapshot", "now", n=2))
    raise AssertionError(f"tests/snapshots/{doc.code}.txt, section {head!r} differs (review it, then update with "
                         f"{ENV_VAR}=1 or --update-snapshots):\n{diff or actual}")

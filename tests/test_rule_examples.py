"""Every rule's `[[valid]]` and `[[invalid]]` examples (rules/checks/<CODE>.toml) run through the engine.

An example is written into a fresh directory together with a `pyproject.toml` holding `[tool.routelint]`
(plus the example's own config); the engine runs on that directory with the config discovered from it,
and the (path, line) of every diagnostic of the example's rule must equal the expectation exactly:
the listed lines for an invalid example, nothing for a valid one. Other rules may fire too. The rule's
fixes have the applicability its TOML documents (none emitted when it documents none). What the
example's findings print is pinned by its section of tests/snapshots/<CODE>.txt (see tests/snapshot.py).

The keys in the examples are random strings generated offline in the providers' formats; none is real.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import snapshot
from conftest import write_example

from routelint.cli import cli
from routelint.config import discover_config
from routelint.diagnostics import SAFE, UNSAFE
from routelint.engine import run
from routelint.rules_docs import SECTIONS, Example, RuleDoc, all_rules

MIN_EXAMPLES = 3


def _example_id(code: str, kind: str, index: int, example: Example) -> str:
    slug = "-".join("".join(ch if ch.isalnum() else " " for ch in example.name.lower()).split())
    return f"{code}-{kind}-{index + 1}-{slug}" if slug else f"{code}-{kind}-{index + 1}"


def _cases():
    for code, doc in all_rules().items():
        for kind, examples in (("invalid", doc.invalid), ("valid", doc.valid)):
            for index, example in enumerate(examples):
                yield pytest.param(code, kind, index, example, id=_example_id(code, kind, index, example))


def _relative(root: Path, path: str) -> str:
    return os.path.relpath(path, str(root)).replace(os.sep, "/")


@pytest.mark.parametrize(("code", "kind", "index", "example"), list(_cases()))
def test_example(tmp_path: Path, request, code: str, kind: str, index: int, example: Example) -> None:
    write_example(tmp_path, example)
    config = discover_config(str(tmp_path))
    result = run([str(tmp_path)], config, jobs=1)
    found = sorted((_relative(tmp_path, d.path), d.span.line) for d in result.diagnostics if d.code == code)
    expected = sorted(example.expect) if kind == "invalid" else []
    if kind == "invalid":
        assert example.expect, f"{code} invalid example {example.name!r} expects no finding"
    report = "\n".join(f"  {d.path}:{d.span.line}:{d.span.column} {d.code} {d.message}" for d in result.diagnostics)
    assert found == expected, f"{code} {kind} example {example.name!r}: all diagnostics:\n{report}"
    doc = all_rules()[code]
    emitted = {d.fix.applicability for d in result.diagnostics if d.code == code and d.fix is not None and d.fix.edits}
    if doc.fix_applicability is None:
        assert not emitted, f"{code} emits fixes but rules/checks/{code}.toml documents no fix_applicability"
    # RL101's fix is unsafe where the variable it reads is likely set already
    assert emitted <= {doc.fix_applicability} | ({UNSAFE} if code == "RL101" else set()), f"{code}: {emitted}"
    snapshot.check(doc, snapshot.header(kind, index, example), snapshot.render(result, code, tmp_path, example),
                   snapshot.updating(request.config))


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_snapshot_file_has_one_section_per_example(request, code: str) -> None:
    doc = all_rules()[code]
    sections = snapshot.read(code)
    stale = sorted(set(sections) - set(snapshot.headers(doc)))
    if stale and snapshot.updating(request.config):
        snapshot.write(doc, sections)
        return
    assert not stale, f"tests/snapshots/{code}.txt has sections of examples that no longer exist: {stale}"
    assert list(sections) == [head for head in snapshot.headers(doc) if head in sections], "sections out of order"


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_rule_is_documented(code: str) -> None:
    doc: RuleDoc = all_rules()[code]
    assert len(doc.invalid) >= MIN_EXAMPLES, f"{code}: needs at least {MIN_EXAMPLES} invalid examples"
    assert len(doc.valid) >= MIN_EXAMPLES, f"{code}: needs at least {MIN_EXAMPLES} valid examples"
    for key, title in SECTIONS:
        assert doc.sections.get(key), f"{code}: section {title!r} ({key}) is empty"
    assert doc.name and doc.severity in ("error", "warning") and doc.summary
    for example in doc.valid:
        assert not example.expect, f"{code}: valid example {example.name!r} must not expect findings"
    names = [example.name for example in doc.invalid + doc.valid]
    assert len(names) == len(set(names)), f"{code}: example names must be unique"
    if doc.fix_applicability in (SAFE, UNSAFE):  # `routelint rule` and SARIF announce fixes: show one
        assert any(example.fixed for example in doc.invalid), (
            f"{code} documents {doc.fix_applicability} fixes but no invalid example has a `fixed` text")


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_rule_command_prints_every_section(code: str) -> None:
    result = CliRunner().invoke(cli, ["rule", code])
    assert result.exit_code == 0, result.output
    doc = all_rules()[code]
    assert f"{doc.code} {doc.name}" in result.output
    for key, title in SECTIONS:
        assert f"## {title}" in result.output, f"{code}: `routelint rule` misses {title!r}"
        first_line = doc.sections[key].splitlines()[0]
        assert first_line in result.output

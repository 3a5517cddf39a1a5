"""Rule documentation and examples, loaded from `rules/checks/<CODE>.toml`.

A rule's docs are written in fixed sections (what it does / why it matters / example / use instead /
fix safety) and its valid/invalid examples are both its tests and its documentation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from routelint.data import load_toml, rules_dir, tomllib
from routelint.schema import ensure_valid

SECTIONS = (
    ("what_it_does", "What it does"),
    ("why_it_matters", "Why it matters"),
    ("example", "Example"),
    ("use_instead", "Use instead"),
    ("fix", "Fix safety"),
)
DOCS_URL = "https://github.com/routelint/routelint/blob/main/rules/checks/{code}.toml"


@dataclass(frozen=True)
class Example:
    name: str
    files: dict[str, str]
    expect: tuple[tuple[str, int], ...]  # (path, line) of each expected finding of this rule
    fixed: dict[str, str] = field(default_factory=dict)
    config: str = ""  # extra [tool.routelint] TOML for this example


@dataclass(frozen=True)
class RuleDoc:
    code: str
    name: str
    severity: str
    summary: str
    sections: dict[str, str]
    fix_applicability: Optional[str]
    valid: tuple[Example, ...]
    invalid: tuple[Example, ...]
    precision: str = "high"  # SARIF: very-high | high | medium | low
    tags: tuple[str, ...] = ()  # SARIF tags: security, correctness, external/cwe/cwe-798, ...
    security_severity: Optional[float] = None  # GitHub's 0.1-10 scale, on security rules only

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code)


def _example(raw: dict, index: int) -> Example:
    if "files" in raw:
        files = dict(raw["files"])
    else:
        files = {raw.get("path", "example.py"): raw["code"]}
    default_path = next(iter(files))
    expect = []
    for item in raw.get("expect", []):
        if isinstance(item, int):
            expect.append((default_path, item))
        else:
            expect.append((item.get("path", default_path), int(item["line"])))
    fixed = raw.get("fixed", {})
    if isinstance(fixed, str):
        fixed = {default_path: fixed}
    return Example(raw.get("name", f"example {index + 1}"), files, tuple(expect), dict(fixed), raw.get("config", ""))


def load_rule(path: Path) -> RuleDoc:
    ensure_valid(path.parent.parent)
    data = load_toml(path)
    return RuleDoc(
        code=data["code"],
        name=data["name"],
        severity=data["severity"],
        summary=data["summary"],
        sections={key: data.get(key, "").strip() for key, _ in SECTIONS},
        fix_applicability=data.get("fix_applicability"),
        valid=tuple(_example(raw, index) for index, raw in enumerate(data.get("valid", []))),
        invalid=tuple(_example(raw, index) for index, raw in enumerate(data.get("invalid", []))),
        precision=data.get("precision", "high"),
        tags=tuple(data.get("tags", ())),
        security_severity=data.get("security-severity"),
    )


@lru_cache(maxsize=1)
def all_rules() -> dict[str, RuleDoc]:
    rules = {}
    for path in sorted((rules_dir() / "checks").glob("RL*.toml")):
        rule = load_rule(path)
        rules[rule.code] = rule
    return rules


_EXAMPLES = re.compile(r"^\[\[(?:valid|invalid)\]\]", re.MULTILINE)


@dataclass(frozen=True)
class RuleMeta:
    code: str
    name: str
    severity: str
    summary: str


@lru_cache(maxsize=1)
def rule_meta() -> dict[str, RuleMeta]:
    """Code, name, severity and summary of every rule, read from the top of each rule file only:
    a run needs these, not the docs and examples below them (which cost far more to parse)."""
    ensure_valid(rules_dir())
    metas = {}
    for path in sorted((rules_dir() / "checks").glob("RL*.toml")):
        text = path.read_text(encoding="utf-8")
        head = _EXAMPLES.split(text, 1)[0]  # the top-level keys end where the examples begin
        try:
            data = tomllib.loads(head)
        except tomllib.TOMLDecodeError:  # an unusual layout: read the whole file
            data = tomllib.loads(text)
        metas[data["code"]] = RuleMeta(data["code"], data["name"], data["severity"], data["summary"])
    return metas


def rule(code: str) -> Optional[RuleDoc]:
    return all_rules().get(code.upper())

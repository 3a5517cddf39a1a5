"""Every data file under rules/ matches its JSON Schema (rules/schema/), and a typo in one stops the run
with one line naming the file, the key and what is allowed (exit 2, no traceback).

Before the schemas, `api_kye` in an SDK file silently dropped a finding and `fixd` in a rule's example
left its tests green; these tests pin that both are now rejected.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import REPO

from routelint.data import rules_dir, tomllib
from routelint.schema import KINDS, RulesDataError, data_files, ensure_valid, schema_path, validate

RULES = REPO / "rules"


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_a_valid_draft_2020_12_schema(kind: str) -> None:
    Draft202012Validator.check_schema(json.loads(schema_path(kind).read_text(encoding="utf-8")))


def test_every_file_under_rules_has_a_schema() -> None:
    covered = {path for _, path in data_files(RULES)}
    shipped = {path for path in RULES.rglob("*.toml")}
    assert shipped == covered, sorted(str(path) for path in shipped ^ covered)
    assert {kind for kind, _ in data_files(RULES)} == set(KINDS)


@pytest.mark.parametrize(("kind", "path"), data_files(RULES), ids=lambda value: getattr(value, "name", value))
def test_every_shipped_file_validates(kind: str, path: Path) -> None:
    validate(kind, tomllib.loads(path.read_text(encoding="utf-8")), str(path))


def _load(relative: str) -> dict:
    return tomllib.loads((RULES / relative).read_text(encoding="utf-8"))


def _error(kind: str, data: dict) -> str:
    with pytest.raises(RulesDataError) as caught:
        validate(kind, data, "FILE")
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_misspelt_sink_key_is_rejected() -> None:
    data = _load("sdks/openai.toml")
    data["sinks"][0]["api_kye"] = data["sinks"][0].pop("api_key")
    message = _error("sdks", data)
    assert message.startswith("FILE: sinks[0]: unknown key 'api_kye' (allowed: api_key, api_key_env, ")


def test_a_misspelt_js_sink_key_is_rejected_by_the_js_sink_schema() -> None:
    data = _load("sdks/openai_node.toml")
    data["sinks"][0]["api_kye"] = data["sinks"][0].pop("api_key")
    message = _error("sdks", data)
    assert "unknown key 'api_kye'" in message and "key_headers" in message  # the JS keys are the ones allowed


def test_a_misspelt_fixed_in_a_rule_example_is_rejected() -> None:
    data = _load("checks/RL101.toml")
    example = next(item for item in data["invalid"] if "fixed" in item)
    example["fixd"] = example.pop("fixed")
    index = data["invalid"].index(example)
    assert _error("checks", data) == (f"FILE: invalid[{index}]: unknown key 'fixd' "
                                      "(allowed: code, config, expect, files, fixed, name, path)")


@pytest.mark.parametrize(("kind", "relative", "change", "expected"), [
    ("sdks", "sdks/openai.toml", lambda d: d["sinks"][0].update(kind="clinet"),
     "FILE: sinks[0].kind: 'clinet' is not allowed (allowed: client, call, router, model, install, wrap, http, http-client)"),
    ("checks", "checks/RL101.toml", lambda d: d.pop("summary"), "FILE: 'summary' is required"),
    ("checks", "checks/RL101.toml", lambda d: d["invalid"][0].pop("expect"), "FILE: invalid[0]: 'expect' is required"),
    ("checks", "checks/RL101.toml", lambda d: d["invalid"][0].update(expect=["3"]),
     "FILE: invalid[0].expect[0]: must be an integer or a table, not '3'"),
    ("checks", "checks/RL101.toml", lambda d: d.update(severity="fatal"),
     "FILE: severity: 'fatal' is not allowed (allowed: error, warning)"),
    ("providers", "providers/openai.toml", lambda d: d["base_url"].update(host=["x"]),
     "FILE: base_url: unknown key 'host' (allowed: canonical, env, fix_env, hosts, local_names, local_ports, path, "
     "path_optional)"),
    ("providers", "providers/openai.toml", lambda d: d["keys"]["patterns"][0].update(min_entropy="high"),
     "FILE: keys.patterns[0].min_entropy: must be a number, not a string"),
    ("checklist", "audit/checklist.toml", lambda d: d["features"]["chat"].update(flag=["x"]),
     "FILE: features.chat: unknown key 'flag' (allowed: endpoints, flags, items, label, markers)"),
    ("vocabulary", "vocabulary.toml", lambda d: d["config_keys"].update(sdk_base=["base_url"]),
     "FILE: config_keys.sdk_base[0]: 'base_url' must match ^[a-z0-9]+$"),
    ("vocabulary", "vocabulary.toml", lambda d: d.update(llm_word=["x"]),
     "FILE: unknown key 'llm_word' (allowed: config_keys, env_names, jsonc, llm_whole_words, llm_words, request_features, "
     "template_words)"),
    ("catalog", "catalog.toml", lambda d: d.update(placeholder_word=["x"]),
     "FILE: unknown key 'placeholder_word' (allowed: endpoint_paths, endpoint_suffixes, placeholder_words, "
     "public_env_prefixes)"),
])
def test_typos_are_named_with_what_is_allowed(kind, relative, change, expected) -> None:
    data = _load(relative)
    change(data)
    assert _error(kind, data) == expected


def _rules_copy(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(RULES, root)
    return root


def test_a_typo_is_caught_at_load_although_the_shipped_rules_were_validated(tmp_path: Path) -> None:
    ensure_valid(rules_dir())  # leaves a stamp for the shipped bytes
    root = _rules_copy(tmp_path)
    path = root / "sdks" / "openai.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("api_key = [", "api_kye = [", 1), encoding="utf-8")
    from routelint.sdks import load_sdks

    with pytest.raises(RulesDataError, match=r"openai\.toml: sinks\[\d+\]: unknown key 'api_kye'"):
        load_sdks(root)


_RUN_WITH_RULES = """
import sys
from pathlib import Path
import routelint.data
routelint.data.rules_dir = lambda: Path(sys.argv[1])
from routelint.cli import main
main(sys.argv[2:])
"""


def test_the_cli_prints_one_line_and_exits_2_on_a_bad_rules_file(tmp_path: Path) -> None:
    root = _rules_copy(tmp_path)
    rule = root / "checks" / "RL101.toml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("fixed = ", "fixd = ", 1), encoding="utf-8")
    (tmp_path / "app.py").write_text("x = 1\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", _RUN_WITH_RULES, str(root), "check", "--no-cache", str(tmp_path / "app.py")],
                            capture_output=True, text=True, cwd=tmp_path, env={**_env(), "XDG_CACHE_HOME": str(tmp_path / "c")})
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"routelint: {rule}: invalid[") and "unknown key 'fixd' (allowed: " in lines[0]


def _env() -> dict:
    import os

    return {key: value for key, value in os.environ.items() if not key.startswith("ROUTELINT")}


def test_a_valid_rules_folder_is_validated_once_per_content(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = _rules_copy(tmp_path)
    calls = []
    import routelint.schema as schema

    real = schema.load_rules_toml
    monkeypatch.setattr(schema, "load_rules_toml", lambda path, kind: calls.append(path) or real(path, kind))
    ensure_valid.__wrapped__(root)
    assert len(calls) == len(data_files(root))  # first time: every file
    assert list((tmp_path / "cache" / "routelint" / "rules-valid").iterdir())
    ensure_valid.__wrapped__(root)
    assert len(calls) == len(data_files(root))  # same bytes: the stamp stands
    (root / "catalog.toml").write_text((root / "catalog.toml").read_text() + "\n", encoding="utf-8")
    ensure_valid.__wrapped__(root)
    assert len(calls) == 2 * len(data_files(root))  # any edit: validated again


def test_a_misspelt_key_of_a_config_provider_is_a_one_line_config_error(tree) -> None:
    from conftest import run_cli

    root = tree({"pyproject.toml": '[tool.routelint]\n[[tool.routelint.providers]]\nid = "acme"\nname = "ACME"\n'
                                   'kind = "router"\nbase_url = { hots = ["llm.acme.example"] }\n',
                 "app.py": "x = 1\n"})
    result = run_cli("check", str(root))
    assert result.exit_code == 2
    assert "pyproject.toml: providers #1: base_url: unknown key 'hots' (allowed: canonical, env, " in result.output
    assert len(result.output.splitlines()) == 1



def test_every_request_feature_has_a_checklist_entry() -> None:
    """A feature the frontends report (rules/vocabulary.toml) is a `flags` value of an audit checklist
    feature (rules/audit/checklist.toml): otherwise the audit would drop it without a word."""
    from routelint.audit.inventory import checklist_rules
    from routelint.vocabulary import config_vocabulary

    flags = {flag for feature in checklist_rules().features for flag in feature.flags}
    reported = {feature for table in config_vocabulary().request_features.values() for _, feature in table}
    assert reported and reported <= flags, sorted(reported - flags)


def test_request_features_follow_the_data() -> None:
    from routelint.vocabulary import request_features

    assert request_features("python", [("tools", False), ("stream", False), ("model", False)]) == ("streaming", "tools")
    assert request_features("python", [("stream", True), ("functions", False)]) == ("tools",)  # stream=False
    assert request_features("javascript", [("text", False), ("response_format", False)]) == ("structured-output",)

"""SARIF for GitHub code scanning: rule properties, repository-root URIs whatever the working
directory, primaryLocationLineHash as GitHub's upload action computes it, related locations that stand
on their own, and --statistics refused for SARIF."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import DEMO_APP, run_cli
from routelint.reporters.linehash import line_hashes
from routelint.rules_docs import all_rules
from test_outputs import _assert_valid

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


# Expected values from github/codeql-action's own test of its fingerprint code (src/fingerprints.test.ts)
@pytest.mark.parametrize("text, expected", [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
     ["8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1", "c6805c5e1288b612:1", "b86d3392aea1be30:1",
      "e6ceba753e1a442:1"]),
    (" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
     ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1",
      "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1"]),
    (" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
     ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1",
      "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1"]),
    ("Lorem ipsum dolor sit amet.\n" * 10,
     ["a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3", "a7f2ff13bc495cf2:4", "a7f2ff13bc495cf2:5",
      "a7f2ff13bc495cf2:6", "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1", "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1",
      "c129715d7a2bc9a3:1"]),
])
def test_line_hash_matches_githubs_upload_action(text, expected):
    assert line_hashes(text) == {number: value for number, value in enumerate(expected, start=1)}


def test_rule_properties_for_code_scanning():
    document = json.loads(run_cli("check", "--format", "sarif", "--no-cache", str(DEMO_APP / "app" / "settings.py")).stdout)
    rules = {rule["id"]: rule["properties"] for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == set(all_rules())
    for code, properties in rules.items():
        assert properties["precision"] in ("very-high", "high", "medium", "low"), code
        assert properties["problem.severity"] in ("error", "warning", "recommendation"), code
        assert properties["tags"][0] == "routelint" and len(properties["tags"]) > 1, code
        security = "security" in properties["tags"]
        assert security == (code in ("RL201", "RL202", "RL203", "RL204")), code
        if security:  # a string holding a number on GitHub's scale, from the rule's TOML
            assert 0.1 <= float(properties["security-severity"]) <= 10.0
            assert float(properties["security-severity"]) == all_rules()[code].security_severity
        else:
            assert "security-severity" not in properties
    assert "external/cwe/cwe-798" in rules["RL202"]["tags"]
    assert float(rules["RL202"]["security-severity"]) >= 9.0  # a committed live key is critical


def _git_demo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(DEMO_APP, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@needs_git
def test_sarif_from_a_subdirectory_equals_sarif_from_the_root(tmp_path):
    root = _git_demo(tmp_path)
    at_root = run_cli("check", "--format", "sarif", "--no-cache", ".", cwd=root)
    in_sub = run_cli("check", "--format", "sarif", "--no-cache", "..", cwd=root / "app")
    from_parent = run_cli("check", "--format", "sarif", "--no-cache", "repo", cwd=tmp_path)
    assert at_root.exit_code == in_sub.exit_code == from_parent.exit_code == 1
    document = json.loads(at_root.stdout)
    assert json.loads(in_sub.stdout) == document == json.loads(from_parent.stdout)
    _assert_valid(document)
    run_ = document["runs"][0]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.resolve().as_uri() + "/"
    uris = {result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for result in run_["results"]}
    assert "app/router_client.py" in uris and not any(uri.startswith(("..", "/", "file:")) for uri in uris)


@needs_git
def test_primary_location_line_hash_is_the_hash_of_the_reported_line(tmp_path):
    root = _git_demo(tmp_path)
    document = json.loads(run_cli("check", "--format", "sarif", "--no-cache", ".", cwd=root).stdout)
    results = document["runs"][0]["results"]
    assert results
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        text = (root / location["artifactLocation"]["uri"]).read_bytes().decode("utf-8")
        expected = line_hashes(text)[location["region"]["startLine"]]
        assert result["partialFingerprints"]["primaryLocationLineHash"] == expected
        assert len(result["partialFingerprints"]["routelint/v1"]) == 32  # the line-independent one stays


@needs_git
def test_related_locations_stand_on_their_own_and_are_linked_from_the_message(tmp_path):
    root = _git_demo(tmp_path)
    document = json.loads(run_cli("check", "--format", "sarif", "--no-cache", "..", cwd=root / "app").stdout)
    linked = [result for result in document["runs"][0]["results"] if result.get("relatedLocations")]
    assert linked
    for result in linked:
        for related in result["relatedLocations"]:
            text = related["message"]["text"]
            assert text[0].isupper() and " depends on" in text and result["ruleId"] in text, text
            assert f"]({related['id']})" in result["message"]["text"]
    agent = next(result for result in linked if result["ruleId"] == "RL401"
                 and result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/agent.py")
    assert agent["message"]["text"].endswith("(base URL from [app/config.py:6](1))")
    assert agent["relatedLocations"][0]["message"]["text"] == "Base URL that RL401 at app/agent.py:13 depends on"


def test_statistics_with_sarif_or_github_is_a_usage_error(tmp_path):
    for fmt in ("sarif", "github"):
        result = run_cli("check", "--statistics", "--format", fmt, ".", cwd=tmp_path)
        assert result.exit_code == 2
        assert result.stderr.startswith("routelint: error: --statistics prints a table")
    assert run_cli("check", "--statistics", "--output-format", "json", ".", cwd=tmp_path).stdout == "[]\n"


def test_sarif_of_stdin_hashes_the_buffer(tmp_path):
    """--stdin-filename: the line hash is the buffer's, even when the file on disk differs."""
    buffer = 'import os\nfrom openai import OpenAI\n\nc = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/")\n'
    (tmp_path / "a.py").write_text("# an older version on disk\n", encoding="utf-8")
    result = run_cli("check", "--format", "sarif", "--no-cache", "--stdin-filename", "a.py", "-", cwd=tmp_path,
                     input=buffer.encode())
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert results and all(item["partialFingerprints"]["primaryLocationLineHash"] == line_hashes(buffer)[4] for item in results)

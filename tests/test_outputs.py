"""Output formats: SARIF 2.1.0 (schema-valid, stable fingerprints, fixes), GitHub annotations,
--statistics, --output-file, docs links, and redaction of key text in every format.

The SARIF schema is the official one, copied into tests/data/ so a fresh clone needs nothing beside it.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
from pathlib import Path

import jsonschema
import pytest

from conftest import DEMO_APP, FIXTURE_TREES, GEMINI_KEY, REPO, run_cli
from routelint.config import ConfigSet
from routelint.diagnostics import SAFE, Edit, Fix
from routelint.engine import run
from routelint.reporters import ReportOptions, github, sarif
from routelint.rules_docs import DOCS_URL, all_rules

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

GEMINI_CLIENT = '''import os
from openai import OpenAI

client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key=os.environ["GEMINI_API_KEY"])
client.chat.completions.create(model="gpt-4o", messages=[])
'''

# one of everything a reporter must render: errors and warnings, RL001, RL002, a key (RL202), a
# cross-file finding with a related location, a text file
MIXED = {
    "app/client.py": GEMINI_CLIENT,
    "app/settings.py": 'BASE = "https://generativelanguage.googleapis.com/v1beta/openai/chat/completions"\n',
    "app/use.py": 'import os\nfrom openai import OpenAI\nfrom settings import BASE\n\n'
                  'c = OpenAI(base_url=BASE, api_key=os.environ["GEMINI_API_KEY"])\n',
    "app/keys.py": f'KEY = "{GEMINI_KEY}"\n',
    "app/broken.py": 'from openai import OpenAI\nprint "python 2"\n',
    "app/quiet.py": 'import os\n\nTIMEOUT = os.environ.get("TIMEOUT")  # routelint: ignore[RL201]\n',
    "notes.txt": f"rotate this one: {GEMINI_KEY}\n",
}


@functools.lru_cache(maxsize=1)
def _validator():
    """The official SARIF 2.1.0 schema, itself checked once, as a validator shared by every test."""
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls.check_schema(SCHEMA)
    return cls(SCHEMA, format_checker=cls.FORMAT_CHECKER)


def _sarif(root: Path, *paths: str) -> dict:
    result = run_cli("check", "--format", "sarif", *paths, cwd=root)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def _assert_valid(document: dict) -> None:
    errors = sorted(_validator().iter_errors(document), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors[:10])


# --------------------------------------------------------------------------- SARIF


def test_sarif_is_schema_valid_on_a_mixed_tree(tree):
    root = tree(MIXED)
    document = _sarif(root, ".")
    _assert_valid(document)
    codes = {result["ruleId"] for result in document["runs"][0]["results"]}
    assert {"RL001", "RL002", "RL101", "RL102", "RL202", "RL301"} <= codes


@pytest.mark.parametrize("fixture", FIXTURE_TREES)
def test_sarif_is_schema_valid_on_every_fixture(fixture):
    document = _sarif(REPO / "fixtures", fixture)
    _assert_valid(document)
    assert document["runs"][0]["results"], f"fixtures/{fixture} shows findings"


def test_sarif_is_schema_valid_with_nothing_to_report(tree):
    root = tree({"clean.py": "x = 1\n"})
    document = _sarif(root, ".")
    _assert_valid(document)
    assert document["runs"][0]["results"] == []


def test_sarif_driver_rules_and_results(tree):
    root = tree(MIXED)
    document = _sarif(root, ".")
    run_ = document["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "routelint" and driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == sorted(all_rules())
    for rule in rules:
        doc = all_rules()[rule["id"]]
        assert rule["name"] == doc.name
        assert rule["shortDescription"]["text"] == doc.summary
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"] == DOCS_URL.format(code=doc.code)
        assert rule["defaultConfiguration"]["level"] == doc.severity
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.resolve().as_uri() + "/"
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning")
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert (root / location["artifactLocation"]["uri"]).is_file()
        assert location["region"]["startLine"] >= 1
        assert result["partialFingerprints"]["routelint/v1"]
        assert result["properties"]["helpUri"] == DOCS_URL.format(code=result["ruleId"])
    by_rule = {result["ruleId"]: result for result in run_["results"]}
    model = by_rule["RL301"]["locations"][0]["physicalLocation"]
    assert model["artifactLocation"]["uri"] == "app/client.py"
    assert model["region"] == {"startLine": 5, "startColumn": 38, "endLine": 5, "endColumn": 46}
    related = by_rule["RL102"]["relatedLocations"][0]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "app/use.py"
    assert related["physicalLocation"]["region"]["startLine"] == 5
    assert related["message"]["text"]


def test_sarif_severity_override_changes_level_not_default(tree):
    root = tree({"app.py": GEMINI_CLIENT, "pyproject.toml": '[tool.routelint]\nseverity = { RL301 = "warning" }\n'})
    document = _sarif(root, ".")
    result = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "RL301")
    assert result["level"] == "warning"
    assert document["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]["defaultConfiguration"]["level"] == "error"


def test_sarif_fingerprints_survive_an_inserted_line(tree):
    root = tree(MIXED)
    before = _sarif(root, ".")["runs"][0]["results"]
    client = root / "app" / "client.py"
    client.write_text("# a new first line\n\n" + client.read_text(encoding="utf-8"), encoding="utf-8")
    keys = root / "app" / "keys.py"
    keys.write_text("import os\n" + keys.read_text(encoding="utf-8"), encoding="utf-8")
    after = _sarif(root, ".")["runs"][0]["results"]

    def prints(results):
        return {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r["partialFingerprints"]["routelint/v1"]
                for r in results}

    assert prints(before) == prints(after)
    lines_before = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in before}
    lines_after = {r["ruleId"]: r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after}
    assert lines_after["RL301"] == lines_before["RL301"] + 2  # the lines did move
    assert len(set(prints(after).values())) == len(after)  # and every alert keeps its own fingerprint


def test_sarif_fingerprints_differ_for_same_code_twice_in_a_file(tree):
    root = tree({"app.py": GEMINI_CLIENT + 'client.chat.completions.create(model="gpt-4o-mini", messages=[])\n'})
    results = _sarif(root, ".")["runs"][0]["results"]
    models = [r["partialFingerprints"]["routelint/v1"] for r in results if r["ruleId"] == "RL301"]
    assert len(models) == 2 and len(set(models)) == 2


def test_sarif_fixes_from_a_diagnostic_fix(tree, monkeypatch):
    root = tree({"app.py": GEMINI_CLIENT})
    monkeypatch.chdir(root)
    result = run(["app.py"], ConfigSet().for_path("app.py"))
    target = next(d for d in result.diagnostics if d.code == "RL101")
    edit = Edit("app.py", target.span, 'os.environ.get("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com/v1beta/openai/")')
    result.diagnostics = [dataclasses.replace(d, fix=Fix(SAFE, "read the base URL from GEMINI_BASE_URL", (edit,))) if d is target else d
                          for d in result.diagnostics]
    document = sarif.document(result, str(root))
    _assert_valid(document)
    fixed = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "RL101")
    change = fixed["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    replacement = change["replacements"][0]
    assert replacement["deletedRegion"] == {"startLine": 4, "startColumn": 26, "endLine": 4,
                                            "endColumn": 26 + len('"https://generativelanguage.googleapis.com/v1beta/openai/"')}
    assert replacement["insertedContent"]["text"].startswith("os.environ.get(")
    assert fixed["fixes"][0]["description"]["text"] == "read the base URL from GEMINI_BASE_URL"
    assert all("fixes" not in r for r in document["runs"][0]["results"] if r["ruleId"] != "RL101")


def test_sarif_file_outside_the_working_directory_gets_an_absolute_uri(tree, tmp_path_factory):
    root = tree({"app.py": GEMINI_CLIENT})
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    document = _sarif(elsewhere, str(root / "app.py"))
    _assert_valid(document)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (root / "app.py").resolve().as_uri()}


def test_output_file_writes_the_report(tree):
    root = tree({"app.py": GEMINI_CLIENT})
    result = run_cli("check", "--format", "sarif", "--output-file", "report.sarif", ".", cwd=root)
    assert result.exit_code == 1 and result.output == ""
    document = json.loads((root / "report.sarif").read_text(encoding="utf-8"))
    _assert_valid(document)


# --------------------------------------------------------------------------- GitHub


def test_github_annotations(tree):
    root = tree({"app.py": GEMINI_CLIENT})
    result = run_cli("check", "--format", "github", ".", cwd=root)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("::warning file=app.py,line=4,col=26,endLine=4,endColumn=84,title=RL101 (hardcoded-base-url)::")
    assert lines[1].startswith("::error file=app.py,line=5,col=38,endLine=5,endColumn=46,title=RL301 (model-not-on-route)::")
    assert lines[1].endswith("%0A%0ARule docs: " + DOCS_URL.format(code="RL301"))
    assert len(lines) == 2  # annotations only


def test_github_escaping_rules():
    assert github.escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github.escape_data("a: b, c") == "a: b, c"  # ':' and ',' are fine in the message
    assert github.escape_property("dir,1/a:b%.py") == "dir%2C1/a%3Ab%25.py"
    assert github.escape_property("line\nbreak") == "line%0Abreak"


def test_github_escapes_a_real_path_with_comma_and_colon(tree):
    root = tree({"we,ird:name.py": GEMINI_CLIENT})
    result = run_cli("check", "--format", "github", ".", cwd=root)
    first = result.output.splitlines()[0]
    assert first.startswith("::warning file=we%2Cird%3Aname.py,line=4,")
    command, _, message = first[2:].partition("::")
    properties = dict(item.split("=", 1) for item in command.split(" ", 1)[1].split(","))
    assert list(properties) == ["file", "line", "col", "endLine", "endColumn", "title"]
    assert properties["file"] == "we%2Cird%3Aname.py" and properties["title"] == "RL101 (hardcoded-base-url)"
    assert message.startswith("base URL")


# --------------------------------------------------------------------------- statistics


def test_statistics_counts_per_code(tree):
    root = tree({"a.py": GEMINI_CLIENT, "b.py": GEMINI_CLIENT.replace("gpt-4o", "gpt-4o-mini")})
    result = run_cli("check", "--statistics", ".", cwd=root)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].split() == ["2", "RL101", "[*]", "hardcoded-base-url", "warning"]  # every RL101 here is fixable
    assert lines[1].split() == ["2", "RL301", "model-not-on-route", "error"]
    assert lines[-2].startswith("Found 4 findings")
    assert lines[-1] == "[*] 2 fixable with `--fix`."
    machine = run_cli("check", "--statistics", "--format", "json", ".", cwd=root)
    rows = json.loads(machine.output)
    assert [(row["code"], row["count"], row["fixable"]) for row in rows] == [("RL101", 2, 2), ("RL301", 2, 0)]
    assert rows[0]["url"] == DOCS_URL.format(code="RL101")


# --------------------------------------------------------------------------- docs links, redaction


def test_every_machine_readable_finding_links_its_docs(tree):
    root = tree(MIXED)
    document = json.loads(run_cli("check", "--format", "json", ".", cwd=root).output)
    assert document["diagnostics"]
    for diagnostic in document["diagnostics"]:
        assert diagnostic["url"] == DOCS_URL.format(code=diagnostic["code"])
    annotations = run_cli("check", "--format", "github", ".", cwd=root).output.splitlines()
    assert len(annotations) == len(document["diagnostics"])
    assert all("Rule docs: https://" in line for line in annotations)


def test_redaction_of_a_real_looking_key_in_every_format(tree):
    root = tree(MIXED)
    masked = f"{GEMINI_KEY[:4]}…{GEMINI_KEY[-4:]}"
    middle = GEMINI_KEY[4:-4]
    for fmt in ("full", "concise", "json", "sarif", "github"):
        result = run_cli("check", "--format", fmt, "--no-color", ".", cwd=root)
        assert result.exit_code == 1, fmt
        assert GEMINI_KEY not in result.output and middle not in result.output, fmt
        assert masked in result.output, fmt
    stats = run_cli("check", "--statistics", ".", cwd=root)
    assert middle not in stats.output
    written = run_cli("check", "--write-baseline", "baseline.json", ".", cwd=root)
    assert written.exit_code == 0
    baseline = (root / "baseline.json").read_text(encoding="utf-8")
    assert middle not in baseline and GEMINI_KEY[:12] not in baseline
    assert '"RL202"' in baseline


def test_reporters_render_from_the_engine_result(tree, monkeypatch):
    root = tree({"app.py": GEMINI_CLIENT})
    monkeypatch.chdir(root)
    result = run(["app.py"], ConfigSet().for_path("app.py"))
    out = io.StringIO()
    github.report(result, out, ReportOptions())
    assert out.getvalue().count("::") == 2 * len(result.diagnostics)


def test_demo_app_sarif_has_every_rule_the_demo_shows():
    document = _sarif(DEMO_APP.parent, DEMO_APP.name)
    codes = {result["ruleId"] for result in document["runs"][0]["results"]}
    assert {"RL001", "RL101", "RL102", "RL201", "RL202", "RL301"} <= codes


def test_readme_github_actions_snippet(tree):
    import re
    import shlex

    import yaml

    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Use in CI (GitHub Actions + code scanning)\n"):]
    workflow = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))
    steps = workflow["jobs"]["routelint"]["steps"]
    commands = [shlex.split(step["run"]) for step in steps if step.get("run", "").startswith("routelint ")]
    assert len(commands) == 2
    upload = next(step for step in steps if step.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    root = tree(MIXED)
    annotations = run_cli(*commands[0][1:], cwd=root)
    assert annotations.exit_code == 1 and annotations.output.startswith("::")
    sarif_step = run_cli(*commands[1][1:], cwd=root)
    assert sarif_step.exit_code == 0  # --exit-zero: the upload step still runs
    _assert_valid(json.loads((root / upload["with"]["sarif_file"]).read_text(encoding="utf-8")))

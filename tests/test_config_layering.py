"""Configuration: discovery upward from each file, layering, `root = true`, `--config`, every key
wired end to end, errors that name the file, the key and what is allowed, and `routelint config`."""

from __future__ import annotations

import json
import re

import pytest

from conftest import REPO, run_cli, run_json
from routelint.config import ConfigError, ConfigSet

GEMINI_CLIENT = '''import os
from openai import OpenAI

client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key=os.environ["GEMINI_API_KEY"])
client.chat.completions.create(model="gpt-4o", messages=[])
'''
# RL101 at line 4, RL301 at line 5

FLATKEY_CLIENT = '''import os
from openai import OpenAI

client = OpenAI(base_url=os.getenv("FLATKEY_BASE_URL", "https://router.flatkey.ai/v1"), api_key=os.environ["FLATKEY_API_KEY"])
client.chat.completions.create(model="gpt-5.5", messages=[])
'''


def _codes(document: dict, path: str | None = None) -> set[str]:
    return {d["code"] for d in document["diagnostics"] if path is None or d["path"] == path}


# --------------------------------------------------------------------------- discovery and layering


def test_each_file_gets_its_nearest_configuration(tree):
    root = tree({
        "pyproject.toml": '[tool.routelint]\nignore = ["RL101"]\n',
        "app.py": GEMINI_CLIENT,
        "services/api/routelint.toml": 'ignore = ["RL301"]\n',
        "services/api/app.py": GEMINI_CLIENT,
        "services/web/app.py": GEMINI_CLIENT,  # no config of its own: inherits the root's
    })
    code, document = run_json(".", cwd=root)
    assert code == 1
    assert _codes(document, "app.py") == {"RL301"}
    assert _codes(document, "services/api/app.py") == {"RL101"}  # nearest wins for `ignore`
    assert _codes(document, "services/web/app.py") == {"RL301"}


def test_layers_merge_key_by_key(tree):
    root = tree({
        "pyproject.toml": '[tool.routelint]\nignore = ["RL101"]\nseverity = { RL301 = "warning" }\n',
        "pkg/.routelint.toml": '[tool.routelint]\nseverity = { RL202 = "warning" }\n',
        "pkg/app.py": GEMINI_CLIENT,
    })
    _, document = run_json("pkg/app.py", cwd=root)
    assert _codes(document) == {"RL301"}  # ignore inherited from the outer file
    assert document["diagnostics"][0]["severity"] == "warning"  # severity tables merged


def test_root_true_stops_inheritance(tree):
    root = tree({
        "pyproject.toml": '[tool.routelint]\nignore = ["RL101", "RL301"]\n',
        "vendored/tool/routelint.toml": 'root = true\n',
        "vendored/tool/app.py": GEMINI_CLIENT,
        "other/app.py": GEMINI_CLIENT,
    })
    _, document = run_json(".", cwd=root)
    assert _codes(document, "vendored/tool/app.py") == {"RL101", "RL301"}
    assert _codes(document, "other/app.py") == set()


def test_file_precedence_in_one_folder_and_pyproject_without_table(tree):
    root = tree({
        "pyproject.toml": '[tool.routelint]\nignore = ["RL301"]\n',
        "a/pyproject.toml": '[project]\nname = "a"\n',  # no [tool.routelint]: does not count
        "a/app.py": GEMINI_CLIENT,
        "b/routelint.toml": 'ignore = ["RL101"]\n',
        "b/.routelint.toml": 'ignore = ["RL1", "RL3"]\n',
        "b/pyproject.toml": '[tool.routelint]\nignore = ["RL1", "RL3"]\n',
        "b/app.py": GEMINI_CLIENT,
    })
    _, document = run_json(".", cwd=root)
    assert _codes(document, "a/app.py") == {"RL101"}
    assert _codes(document, "b/app.py") == {"RL301"}  # routelint.toml beats the others


def test_explicit_config_replaces_discovery(tree):
    root = tree({
        "pyproject.toml": '[tool.routelint]\nignore = ["RL101", "RL301"]\n',
        "sub/routelint.toml": 'ignore = ["RL101", "RL301"]\n',
        "sub/app.py": GEMINI_CLIENT,
        "ci/strict.toml": '[tool.routelint]\nselect = ["RL3"]\n',
    })
    _, document = run_json("--config", "ci/strict.toml", ".", cwd=root)
    assert _codes(document) == {"RL301"}
    missing = run_cli("check", "--config", "nope.toml", ".", cwd=root)
    assert missing.exit_code == 2 and "nope.toml: config file not found" in missing.output


def test_command_line_select_and_ignore_apply_on_top_of_every_layer(tree):
    root = tree({"pyproject.toml": '[tool.routelint]\nignore = ["RL301"]\n', "a/app.py": GEMINI_CLIENT,
                 "b/routelint.toml": 'ignore = []\nextend-select = ["RL1"]\n', "b/app.py": GEMINI_CLIENT})
    _, document = run_json("--select", "RL3", ".", cwd=root)
    assert _codes(document, "a/app.py") == set()  # the file's ignore still holds
    assert _codes(document, "b/app.py") == {"RL301"}  # --select replaced extend-select
    _, document = run_json("--ignore", "RL3", ".", cwd=root)
    assert _codes(document) == {"RL101"}


# --------------------------------------------------------------------------- every key, end to end


def test_per_file_ignores_are_relative_to_the_config_folder(tree):
    root = tree({
        "proj/pyproject.toml": '[tool.routelint]\nper-file-ignores = { "tests/*" = ["RL3"], "legacy.py" = ["RL1"] }\n',
        "proj/tests/test_app.py": GEMINI_CLIENT,
        "proj/src/tests_helper.py": GEMINI_CLIENT,
        "proj/legacy.py": GEMINI_CLIENT,
    })
    _, document = run_json("proj", cwd=root)
    assert _codes(document, "proj/tests/test_app.py") == {"RL101"}
    assert _codes(document, "proj/src/tests_helper.py") == {"RL101", "RL301"}
    assert _codes(document, "proj/legacy.py") == {"RL301"}


def test_exclude_and_extend_exclude_per_layer(tree):
    root = tree({
        "pyproject.toml": '[tool.routelint]\nexclude = ["build"]\n',
        "build/app.py": GEMINI_CLIENT,
        "svc/routelint.toml": 'extend-exclude = ["gen_*.py"]\n',
        "svc/gen_client.py": GEMINI_CLIENT,
        "svc/build/app.py": GEMINI_CLIENT,
        "svc/app.py": GEMINI_CLIENT,
        "gen_top.py": GEMINI_CLIENT,  # extend-exclude of svc/ does not reach up here
    })
    _, document = run_json(".", cwd=root)
    assert sorted({d["path"] for d in document["diagnostics"]}) == ["gen_top.py", "svc/app.py"]
    # an excluded file named explicitly is checked, with a warning; --force-exclude (pre-commit) skips it
    _, named = run_json("svc/gen_client.py", "svc/app.py", cwd=root)
    assert {d["path"] for d in named["diagnostics"]} == {"svc/gen_client.py", "svc/app.py"}
    warned = run_cli("check", "--format", "json", "svc/gen_client.py", cwd=root)
    assert warned.stderr == ("routelint: warning: svc/gen_client.py is excluded by the configuration; checked because "
                             "it was named (--force-exclude skips it)\n")
    _, forced = run_json("--force-exclude", "svc/gen_client.py", "svc/app.py", cwd=root)
    assert {d["path"] for d in forced["diagnostics"]} == {"svc/app.py"}


def test_a_named_folder_is_checked_even_below_an_excluded_one(tree):
    root = tree({"pyproject.toml": '[tool.routelint]\nextend-exclude = ["fixtures"]\n',
                 "fixtures/demo/app.py": GEMINI_CLIENT, "fixtures/demo/fixtures/app.py": GEMINI_CLIENT,
                 "src/app.py": GEMINI_CLIENT})
    _, document = run_json(".", cwd=root)
    assert {d["path"] for d in document["diagnostics"]} == {"src/app.py"}
    _, document = run_json("fixtures/demo", cwd=root)  # named: its own parents do not exclude it
    assert {d["path"] for d in document["diagnostics"]} == {"fixtures/demo/app.py"}
    _, document = run_json("--force-exclude", "fixtures/demo/app.py", "src/app.py", cwd=root)  # as pre-commit runs it
    assert {d["path"] for d in document["diagnostics"]} == {"src/app.py"}


def test_fail_on_per_file(tree):
    warning_only = GEMINI_CLIENT.replace('model="gpt-4o"', 'model="gemini-2.5-flash"')  # RL101 (a warning) only
    root = tree({"a/pyproject.toml": '[tool.routelint]\nfail-on = "error"\n', "a/app.py": warning_only,
                 "b/app.py": warning_only})
    assert run_cli("check", "a", cwd=root).exit_code == 0
    assert run_cli("check", "b", cwd=root).exit_code == 1  # default fail-on = "warning"
    assert run_cli("check", "a", "b", cwd=root).exit_code == 1


def test_allowed_routes_per_folder(tree):
    root = tree({
        "pyproject.toml": '[tool.routelint]\nallowed-routes = ["flatkey"]\n',
        "edge/app.py": GEMINI_CLIENT,
        "lab/routelint.toml": 'allowed-routes = ["flatkey", "gemini"]\n',
        "lab/app.py": GEMINI_CLIENT,
        "flat/app.py": FLATKEY_CLIENT,
    })
    _, document = run_json(".", cwd=root)
    assert "RL103" in _codes(document, "edge/app.py")
    assert "RL103" not in _codes(document, "lab/app.py")
    assert "RL103" not in _codes(document, "flat/app.py")


def test_pinned_catalog_and_models_file(tree):
    root = tree({
        "pinned/pyproject.toml": '[tool.routelint.catalog.flatkey]\nmodels-file = "models.json"\n',
        "pinned/models.json": json.dumps({"data": [{"id": "gpt-5.5"}, {"id": "gemini-2.5-flash"}]}),
        "pinned/app.py": FLATKEY_CLIENT,
        "pinned/other.py": FLATKEY_CLIENT.replace("gpt-5.5", "gpt-9-preview"),
    })
    _, document = run_json("pinned", cwd=root)
    assert _codes(document, "pinned/app.py") == set()
    assert _codes(document, "pinned/other.py") == {"RL302"}


def test_extra_provider_from_config(tree):
    client = GEMINI_CLIENT.replace("https://generativelanguage.googleapis.com/v1beta/openai/", "https://llm.acme.example/v1")
    client = client.replace('model="gpt-4o"', 'model="acme-large"')
    provider = '''[tool.routelint]
allowed-routes = ["acme-gateway"]

[[tool.routelint.providers]]
id = "acme-gateway"
name = "ACME LLM gateway"
kind = "router"
base_url = { hosts = ["llm.acme.example"], env = ["ACME_LLM_BASE_URL"] }
keys = { env = ["ACME_LLM_KEY"] }
'''
    without = tree({"plain/app.py": client, "acme/pyproject.toml": provider, "acme/app.py": client})
    _, document = run_json("plain", cwd=without)
    assert "RL201" not in _codes(document)  # an unknown host is an unknown route: silent
    _, document = run_json("acme", cwd=without)
    found = {d["code"]: d for d in document["diagnostics"]}
    assert "RL201" in found and found["RL201"]["provider"] == "acme-gateway"
    assert "ACME LLM gateway" in found["RL201"]["message"]
    assert "RL103" not in found  # the gateway is the allowed route


def test_readme_configuration_snippet_is_valid(tree):
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Configuration\n"):]
    snippet = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    root = tree({"pyproject.toml": snippet, "flatkey-models.json": '["gpt-5.5"]', "app.py": FLATKEY_CLIENT})
    result = run_cli("config", "app.py", "--format", "json", cwd=root)
    assert result.exit_code == 0, result.output
    settings = {row["key"]: row for row in json.loads(result.output)["settings"]}
    assert set(settings["catalog.flatkey"]["value"]) == {"gpt-5.5", "claude-opus-4-8"}  # models + models-file
    assert settings["providers.acme-gateway"]["source"] == "pyproject.toml"
    assert run_cli("check", ".", cwd=root).exit_code in (0, 1)


def test_fix_env_reaches_each_files_configuration(tree):
    root = tree({"pyproject.toml": '[tool.routelint]\nfix-env = { gemini = "LLM_BASE_URL" }\n',
                 "svc/routelint.toml": 'fix-env = { flatkey = "ROUTER_URL" }\n', "svc/app.py": GEMINI_CLIENT})
    configs = ConfigSet()
    assert configs.for_path(str(root / "svc" / "app.py")).fix_env == {"gemini": "LLM_BASE_URL", "flatkey": "ROUTER_URL"}
    assert configs.for_path(str(root / "other.py")).fix_env == {"gemini": "LLM_BASE_URL"}


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("files", "expected"), [
    ({"pyproject.toml": '[tool.routelint]\nselct = ["RL2"]\n'}, ["pyproject.toml", "'selct'", "allowed:", "select"]),
    ({"routelint.toml": 'fail-on = "sometimes"\n'}, ["routelint.toml", "fail-on", "error, warning", "'sometimes'"]),
    ({"routelint.toml": 'root = "yes"\n'}, ["routelint.toml", "root must be true or false"]),
    ({"routelint.toml": 'select = ["RL9"]\n'}, ["routelint.toml", "select", "'RL9' matches no rule", "RL201"]),
    ({"routelint.toml": 'severity = { RL201 = "fatal" }\n'}, ["routelint.toml", "severity", "error, warning"]),
    ({"routelint.toml": 'allowed-routes = ["nowhere"]\n'}, ["routelint.toml", "allowed-routes", "'nowhere'", "flatkey"]),
    ({"routelint.toml": '[catalog.flatkey]\nmodel = ["x"]\n'}, ["routelint.toml", "catalog.flatkey", "models"]),
    ({"routelint.toml": 'exclude = "build"\n'}, ["routelint.toml", "exclude must be a list of strings"]),
    ({"routelint.toml": 'select = [\n'}, ["routelint.toml", "invalid TOML"]),
    ({"deep/er/routelint.toml": 'ignroe = ["RL1"]\n'}, ["deep/er/routelint.toml", "'ignroe'"]),
])
def test_bad_configuration_exits_2_naming_file_key_and_allowed(tree, files, expected):
    root = tree({**files, "deep/er/app.py": GEMINI_CLIENT})
    result = run_cli("check", ".", cwd=root)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in expected:
        assert fragment in result.output, (fragment, result.output)


def test_conflicting_provider_definitions_are_an_error(tree):
    provider = '[[tool.routelint.providers]]\nid = "acme"\nname = "{name}"\nkind = "provider"\nbase_url = {{ hosts = ["llm.acme.example"] }}\n'
    root = tree({"a/pyproject.toml": provider.format(name="ACME"), "b/pyproject.toml": provider.format(name="Acme two"),
                 "a/app.py": "x = 1\n", "b/app.py": "x = 1\n"})
    result = run_cli("check", ".", cwd=root)
    assert result.exit_code == 2 and "'acme'" in result.output and "defined differently" in result.output


def test_configset_raises_config_error_for_bad_cli_codes():
    with pytest.raises(ConfigError, match="--select"):
        ConfigSet(select=["XX9"])


# --------------------------------------------------------------------------- routelint config


def test_config_command_shows_values_and_where_they_came_from(tree):
    root = tree({
        "pyproject.toml": '[tool.routelint]\nignore = ["RL101"]\nextend-select = ["RL1"]\nseverity = { RL302 = "error" }\n',
        "svc/routelint.toml": 'extend-select = ["RL2"]\nfail-on = "error"\n',
        "svc/app.py": "x = 1\n",
    })
    result = run_cli("config", "svc/app.py", cwd=root)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "# files, outermost first: pyproject.toml, svc/routelint.toml"
    assert 'ignore = ["RL101"]  # pyproject.toml' in lines
    assert 'extend-select = ["RL1", "RL2"]  # pyproject.toml, svc/routelint.toml' in lines
    assert 'fail-on = "error"  # svc/routelint.toml' in lines
    assert 'severity.RL302 = "error"  # pyproject.toml' in lines
    assert 'select = ["RL"]  # default' in lines
    machine = json.loads(run_cli("config", "--format", "json", "svc", cwd=root).output)
    assert machine["files"] == ["pyproject.toml", "svc/routelint.toml"]
    assert {"key": "fail-on", "value": "error", "source": "svc/routelint.toml"} in machine["settings"]
    explicit = run_cli("config", "--config", "svc/routelint.toml", ".", cwd=root)
    assert 'fail-on = "error"  # --config svc/routelint.toml' in explicit.output.splitlines()
    bad = tree({"x/routelint.toml": "nope = 1\n"})
    failed = run_cli("config", "x", cwd=bad)
    assert failed.exit_code == 2 and "'nope'" in failed.output


def test_config_lookup_is_cached_per_folder(tree):
    root = tree({"pyproject.toml": '[tool.routelint]\nignore = ["RL1"]\n', "a/b/c/d.py": "x = 1\n", "a/b/e.py": "x = 1\n"})
    configs = ConfigSet()
    first = configs.for_path(str(root / "a" / "b" / "c" / "d.py"))
    assert configs.for_path(str(root / "a" / "b" / "e.py")) is first  # same layers, same object
    assert first.ignore == ("RL1",) and first.path == configs.layers(str(root))[-1].path

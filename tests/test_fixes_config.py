"""Fixes of configuration files (issue 5): .env, docker-compose / LiteLLM / GitHub Actions YAML, TOML, JSON;
`VAR=` added to the env template by RL202 in code; `fix-env`; the fixtures fixed end to end."""

from __future__ import annotations

import codecs
import io
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import DEMO_APP, GEMINI_KEY, OPENROUTER_KEY, assert_fixed_texts, run_cli, working_directory, write_tree

from routelint import fixer
from routelint.config import ConfigError, discover_config
from routelint.data import tomllib
from routelint.diagnostics import SAFE, UNSAFE, Diagnostic, Edit, Fix
from routelint.engine import run
from routelint.facts import Span

FIXTURES = DEMO_APP.parent
GROQ_KEY = "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"


def diagnostics(root: Path):
    config = discover_config(str(root), None)
    with working_directory(root):
        return run(["."], config, jobs=1).diagnostics


def fix_tree(root: Path, *extra: str):
    return run_cli("check", "--fix", "--unsafe-fixes", "--format", "concise", "--jobs", "1", *extra, ".", cwd=root)


def read(root: Path, name: str) -> str:
    return (root / name).read_text(encoding="utf-8")


def dotenv_values(text: str) -> dict:
    from dotenv import dotenv_values as values

    return dict(values(stream=io.StringIO(text)))


def snapshot(root: Path) -> dict:
    return {path: path.read_bytes() for path in root.rglob("*")
            if path.is_file() and ".routelint_cache" not in path.parts}  # the facts cache is not a fixed file


def assert_idempotent(root: Path, *extra: str) -> None:
    before = snapshot(root)
    again = fix_tree(root, *extra)
    assert "0 fixed" in again.stderr, again.output
    assert snapshot(root) == before
    assert run_cli("check", "--diff", "--unsafe-fixes", *extra, ".", cwd=root).stdout == ""


# --------------------------------------------------------------------------- .env
DOTENV = """# router settings (copied from the wiki)
export OPENAI_BASE_URL="https://openrouter.ai/api/v1/chat/completions"  # the router
OPENAI_API_KEY=${OPENROUTER_API_KEY}
OPENAI_MODEL='gpt-4o-mini'

GROQ_BASE_URL=http://api.groq.com/openai/v1
GROQ_API_KEY=${GROQ_API_KEY}
"""


def test_dotenv_fixes_keep_export_quotes_and_comments(tmp_path):
    write_tree(tmp_path, {".env": DOTENV})
    found = {(d.code, d.span.line): d.fix for d in diagnostics(tmp_path) if d.fix is not None}
    assert found[("RL102", 2)].applicability == SAFE and found[("RL102", 2)].edits[0].content == "https://openrouter.ai/api/v1"
    assert found[("RL301", 4)].applicability == UNSAFE
    fix_tree(tmp_path)
    assert read(tmp_path, ".env") == DOTENV.replace(
        "/api/v1/chat/completions", "/api/v1").replace("'gpt-4o-mini'", "'openai/gpt-4o-mini'").replace(
        "http://api.groq", "https://api.groq")
    values = dotenv_values(read(tmp_path, ".env"))
    assert values["OPENAI_BASE_URL"] == "https://openrouter.ai/api/v1" and values["OPENAI_MODEL"] == "openai/gpt-4o-mini"
    assert_idempotent(tmp_path)


def test_dotenv_crlf_and_bom_kept(tmp_path):
    data = codecs.BOM_UTF8 + DOTENV.replace("\n", "\r\n").encode()
    (tmp_path / ".env").write_bytes(data)
    fix_tree(tmp_path)
    after = (tmp_path / ".env").read_bytes()
    assert after.startswith(codecs.BOM_UTF8) and after.count(b"\r\n") == after.count(b"\n") == DOTENV.count("\n")
    assert b'export OPENAI_BASE_URL="https://openrouter.ai/api/v1"  # the router\r\n' in after
    assert_idempotent(tmp_path)


def test_dotenv_template_key_is_emptied_only_with_unsafe_fixes(tmp_path):
    text = f"# copy to .env\nOPENROUTER_BASE_URL=https://openrouter.ai/api/v1\nOPENROUTER_API_KEY={OPENROUTER_KEY}\n"
    write_tree(tmp_path, {".env.example": text})
    (fix,) = [d.fix for d in diagnostics(tmp_path) if d.code == "RL202"]
    assert fix.applicability == UNSAFE and fix.edits[0].content == ""
    run_cli("check", "--fix", ".", cwd=tmp_path)
    assert read(tmp_path, ".env.example") == text  # unsafe: not applied by --fix alone
    result = fix_tree(tmp_path)
    assert read(tmp_path, ".env.example") == text.replace(OPENROUTER_KEY, "")
    assert OPENROUTER_KEY not in result.output
    assert_idempotent(tmp_path)


def test_dotenv_quoted_template_key_keeps_its_quotes(tmp_path):
    text = f'GEMINI_API_KEY="{GEMINI_KEY}"  # rotate me\n'
    write_tree(tmp_path, {".env.sample": text})
    fix_tree(tmp_path)
    assert read(tmp_path, ".env.sample") == 'GEMINI_API_KEY=""  # rotate me\n'


def test_key_in_a_real_env_file_gets_advice_only(tmp_path):
    text = f"GEMINI_API_KEY={GEMINI_KEY}\n"
    write_tree(tmp_path, {".env": text})
    (fix,) = [d.fix for d in diagnostics(tmp_path) if d.code == "RL202"]
    assert fix.applicability == "display-only" and fix.edits == ()
    fix_tree(tmp_path)
    assert read(tmp_path, ".env") == text


# --------------------------------------------------------------------------- docker-compose
COMPOSE = """name: support-bot

services:
  api:
    environment:
      # the Gemini route
      OPENAI_BASE_URL: "https://generativelanguage.googleapis.com/v1beta/"
      OPENAI_API_KEY: ${OPENROUTER_API_KEY}   # wrong key
      OPENAI_MODEL: gemini-2.5-flash
  worker:
    environment:
      - OPENAI_BASE_URL=https://openrouter.ai/api/v1/chat/completions
      - OPENAI_API_KEY=${OPENROUTER_API_KEY}
      - OPENAI_MODEL=gpt-4o-mini
  groq:
    environment:
      GROQ_BASE_URL: 'https://api.groq.com/openai/v1'
      GROQ_API_KEY: %s
""" % GROQ_KEY

COMPOSE_FIXED = """name: support-bot

services:
  api:
    environment:
      # the Gemini route
      OPENAI_BASE_URL: "https://generativelanguage.googleapis.com/v1beta/openai/"
      OPENAI_API_KEY: ${GEMINI_API_KEY}   # wrong key
      OPENAI_MODEL: gemini-2.5-flash
  worker:
    environment:
      - OPENAI_BASE_URL=https://openrouter.ai/api/v1
      - OPENAI_API_KEY=${OPENROUTER_API_KEY}
      - OPENAI_MODEL=openai/gpt-4o-mini
  groq:
    environment:
      GROQ_BASE_URL: 'https://api.groq.com/openai/v1'
      GROQ_API_KEY: ${GROQ_API_KEY}
"""


def test_compose_fixes_exact_text(tmp_path):
    write_tree(tmp_path, {"docker-compose.yml": COMPOSE})
    codes = {d.code: d.fix.applicability for d in diagnostics(tmp_path) if d.fix is not None and d.fix.edits}
    assert codes == {"RL102": SAFE, "RL201": UNSAFE, "RL202": UNSAFE, "RL301": UNSAFE}
    result = fix_tree(tmp_path)
    assert read(tmp_path, "docker-compose.yml") == COMPOSE_FIXED
    assert GROQ_KEY not in result.output
    data = yaml.safe_load(COMPOSE_FIXED)
    assert data["services"]["groq"]["environment"]["GROQ_API_KEY"] == "${GROQ_API_KEY}"
    assert_idempotent(tmp_path)


def test_compose_crlf_stays_crlf(tmp_path):
    (tmp_path / "docker-compose.yml").write_bytes(COMPOSE.replace("\n", "\r\n").encode())
    fix_tree(tmp_path)
    assert (tmp_path / "docker-compose.yml").read_bytes() == COMPOSE_FIXED.replace("\n", "\r\n").encode()
    assert_idempotent(tmp_path)


def test_diff_of_a_config_fix_redacts_the_key(tmp_path):
    write_tree(tmp_path, {"docker-compose.yml": COMPOSE})
    result = run_cli("check", "--diff", "--unsafe-fixes", ".", cwd=tmp_path)
    assert result.exit_code == 1 and read(tmp_path, "docker-compose.yml") == COMPOSE
    assert "+      GROQ_API_KEY: ${GROQ_API_KEY}" in result.stdout
    assert GROQ_KEY not in result.output and "-      GROQ_API_KEY: gsk_" in result.stdout


# --------------------------------------------------------------------------- LiteLLM proxy
LITELLM = f"""# LiteLLM proxy
model_list:
  - model_name: gpt-mini
    litellm_params:
      model: "openrouter/gpt-4o-mini"   # quoted on purpose
      api_key: os.environ/OPENROUTER_API_KEY
  - model_name: gemini-compat
    litellm_params:
      model: openai/gemini-2.5-flash
      api_base: https://generativelanguage.googleapis.com/v1beta/openai/
      api_key: os.environ/OPENROUTER_API_KEY
  - model_name: claude
    litellm_params:
      model: openrouter/anthropic/claude-3.5-sonnet
      api_key: {OPENROUTER_KEY}
  - model_name: local
    litellm_params:
      model: ollama/llama3.1
      api_base: http://ollama:11434/v1
"""

LITELLM_FIXED = """# LiteLLM proxy
model_list:
  - model_name: gpt-mini
    litellm_params:
      model: "openrouter/openai/gpt-4o-mini"   # quoted on purpose
      api_key: os.environ/OPENROUTER_API_KEY
  - model_name: gemini-compat
    litellm_params:
      model: openai/gemini-2.5-flash
      api_base: https://generativelanguage.googleapis.com/v1beta/openai/
      api_key: os.environ/GEMINI_API_KEY
  - model_name: claude
    litellm_params:
      model: openrouter/anthropic/claude-3.5-sonnet
      api_key: os.environ/OPENROUTER_API_KEY
  - model_name: local
    litellm_params:
      model: ollama/llama3.1
      api_base: http://ollama:11434
"""


def test_litellm_fixes_keep_the_prefix_and_use_os_environ(tmp_path):
    write_tree(tmp_path, {"litellm/config.yaml": LITELLM})
    found = {(d.code, d.span.line): d.fix for d in diagnostics(tmp_path) if d.fix is not None}
    model_fix = found[("RL301", 5)]
    assert model_fix.edits[0].content == "openai/gpt-4o-mini"  # only the ID after LiteLLM's `openrouter/` prefix
    assert found[("RL102", 19)].applicability == SAFE  # a native API's host root
    fix_tree(tmp_path)
    assert read(tmp_path, "litellm/config.yaml") == LITELLM_FIXED
    assert_idempotent(tmp_path)


def test_rl302_pinned_same_model_fixed_in_compose_and_litellm(tmp_path):
    compose = ("services:\n  api:\n    environment:\n      OPENAI_BASE_URL: https://router.flatkey.ai/v1\n"
               "      OPENAI_API_KEY: ${FLATKEY_API_KEY}\n      OPENAI_MODEL: gemini-2.5-flash  # cheap\n")
    litellm = ("model_list:\n  - model_name: flash\n    litellm_params:\n      model: 'openai/gemini-2.5-flash'\n"
               "      api_base: https://router.flatkey.ai/v1\n      api_key: os.environ/FLATKEY_API_KEY\n")
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.routelint.catalog.flatkey]\nmodels = ["gpt-5.5", "google/gemini-2.5-flash"]\n',
        "docker-compose.yml": compose, "litellm/config.yaml": litellm})
    assert {d.fix.applicability for d in diagnostics(tmp_path) if d.code == "RL302"} == {UNSAFE}
    fix_tree(tmp_path)
    assert read(tmp_path, "docker-compose.yml") == compose.replace(" gemini-2.5-flash  #", " google/gemini-2.5-flash  #")
    assert read(tmp_path, "litellm/config.yaml") == litellm.replace("'openai/gemini", "'openai/google/gemini")
    assert_idempotent(tmp_path)


@pytest.mark.parametrize("text, quote, kind, ok", [
    ("https://x.ai/v1", "", "yaml", True),
    ("${GROQ_API_KEY}", "", "yaml", True),
    ("${{ secrets.X }}", "", "yaml", True),
    ("true", "", "yaml", False),  # would load as a boolean
    ("1.5", "", "yaml", False),
    ("a: b", "", "yaml", False),
    ("a #b", "", "yaml", False),
    ("it's", "'", "yaml", False),
    ('say "x"', '"', "toml", False),
    ("x", "", "toml", False),  # TOML and JSON strings are always quoted
    ("a b", "", "dotenv", False),
    ("a\\b", '"', "json", False),
    ("x", None, "yaml", False),
])
def test_replacement_text_must_fit_its_delimiters(text, quote, kind, ok):
    from routelint.checks.config_fixes import fits

    assert fits(text, quote, kind) is ok


# --------------------------------------------------------------------------- GitHub Actions
def test_github_actions_key_becomes_a_secret_expression(tmp_path):
    text = ("name: eval\non: [push]\njobs:\n  eval:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: python -m evals.run\n        env:\n"
            "          OPENAI_BASE_URL: https://openrouter.ai/api/v1\n"
            f"          OPENAI_API_KEY: \"{OPENROUTER_KEY}\"\n")
    write_tree(tmp_path, {".github/workflows/eval.yml": text})
    fix_tree(tmp_path)
    assert read(tmp_path, ".github/workflows/eval.yml") == text.replace(
        OPENROUTER_KEY, "${{ secrets.OPENROUTER_API_KEY }}")
    assert_idempotent(tmp_path)


def test_kubernetes_key_gets_no_fix(tmp_path):
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: llm\ndata:\n"
            "  OPENAI_BASE_URL: https://openrouter.ai/api/v1\n"
            f"  OPENAI_API_KEY: {OPENROUTER_KEY}\n")
    write_tree(tmp_path, {"k8s/llm.yaml": text})
    assert [d.fix for d in diagnostics(tmp_path) if d.code == "RL202"] == [None]  # no reference syntax there


# --------------------------------------------------------------------------- TOML and JSON
TOML = """# settings
[llm]
base_url = "https://generativelanguage.googleapis.com/v1beta/"   # gemini
api_key_env = "OPENROUTER_API_KEY"
model = "gemini-2.0-flash"

[[llm.routes]]
"base_url" = 'https://api.groq.com/openai/v1/chat/completions'
api_key = "${GROQ_API_KEY}"
model = "llama-3.3-70b-versatile"

[providers]
router = { base_url = "https://openrouter.ai/api/v1", api_key_env = "OPENROUTER_API_KEY", model = "gpt-4o-mini" }
"""

TOML_FIXED = """# settings
[llm]
base_url = "https://generativelanguage.googleapis.com/v1beta/openai/"   # gemini
api_key_env = "GEMINI_API_KEY"
model = "gemini-2.0-flash"

[[llm.routes]]
"base_url" = 'https://api.groq.com/openai/v1'
api_key = "${GROQ_API_KEY}"
model = "llama-3.3-70b-versatile"

[providers]
router = { base_url = "https://openrouter.ai/api/v1", api_key_env = "OPENROUTER_API_KEY", model = "openai/gpt-4o-mini" }
"""


def test_toml_fixes_exact_text(tmp_path):
    write_tree(tmp_path, {"config/app.toml": TOML})
    fix_tree(tmp_path)
    assert read(tmp_path, "config/app.toml") == TOML_FIXED
    parsed = tomllib.loads(TOML_FIXED)
    assert parsed["llm"]["api_key_env"] == "GEMINI_API_KEY" and parsed["llm"]["routes"][0]["base_url"].endswith("/v1")
    assert_idempotent(tmp_path)


def test_json_and_jsonc_fixes(tmp_path):
    plain = '{\n  "assistant": {\n    "baseURL": "https://openrouter.ai/v1",\n    "apiKey": "${OPENROUTER_API_KEY}"\n  }\n}\n'
    commented = ('{\n  // the router\n  "llm": {\n    "base_url": "https://router.flatkey.ai/v1/chat/completions",\n'
                 '    "model": "gpt-5.5",\n  },\n}\n')
    write_tree(tmp_path, {"config/settings.json": plain, ".vscode/settings.json": commented})
    fix_tree(tmp_path)
    assert read(tmp_path, "config/settings.json") == plain.replace("openrouter.ai/v1", "openrouter.ai/api/v1")
    assert read(tmp_path, ".vscode/settings.json") == commented.replace("/v1/chat/completions", "/v1")
    assert_idempotent(tmp_path)


# --------------------------------------------------------------------------- the re-parse guard
@pytest.mark.parametrize("name, text, span, content", [
    ("c.yaml", "a: 'x'\nb: 'y'\n", Span(1, 5, 1, 6), "x: y'"),
    ("c.toml", 'a = "x"\n', Span(1, 6, 1, 7), 'x" z'),
    ("c.json", '{"a": "x"}\n', Span(1, 8, 1, 9), 'x"'),
    (".env", "A='x'\n", Span(1, 4, 1, 5), "x' junk"),
])
def test_a_config_fix_that_would_not_parse_is_dropped(tmp_path, name, text, span, content):
    path = tmp_path / name
    path.write_text(text)
    config = discover_config(str(tmp_path), None)
    result = run([str(tmp_path)], config, jobs=1)
    (facts,) = [facts for facts in result.files if facts.path.endswith(name)]
    assert facts.digest  # config files carry the fixer's identity check
    bad = Diagnostic("RL102", "malformed-base-url", "error", "m", facts.path, span,
                     fix=Fix(SAFE, "bad", (Edit(facts.path, span, content),)))
    result.diagnostics = [bad]
    outcome = fixer.FixOutcome()
    applied = fixer.fix_pass(result, [os.path.realpath(tmp_path)], unsafe=False, write=True, outcome=outcome, dropped=set())
    assert applied == 0 and path.read_text() == text
    assert any("would not parse" in problem for problem in outcome.problems), outcome.problems


# --------------------------------------------------------------------------- RL202 in code + the env template
CODE = f"from openai import OpenAI\n\nclient = OpenAI(base_url='https://router.flatkey.ai/v1', api_key='{GEMINI_KEY}')\n"


def test_rl202_adds_the_variable_to_the_env_template(tmp_path):
    write_tree(tmp_path, {".env.example": "# copy to .env\nFLATKEY_BASE_URL=https://router.flatkey.ai/v1\n", "app/client.py": CODE})
    (fix,) = [d.fix for d in diagnostics(tmp_path) if d.code == "RL202"]
    assert [edit.path for edit in fix.edits] == ["app/client.py", "app/client.py", ".env.example"]
    result = fix_tree(tmp_path, "--ignore", "RL101")
    assert read(tmp_path, ".env.example") == "# copy to .env\nFLATKEY_BASE_URL=https://router.flatkey.ai/v1\nFLATKEY_API_KEY=\n"
    assert "api_key=os.environ['FLATKEY_API_KEY'])" in read(tmp_path, "app/client.py")
    assert GEMINI_KEY not in result.output
    assert_idempotent(tmp_path, "--ignore", "RL101")
    assert read(tmp_path, ".env.example").count("FLATKEY_API_KEY") == 1


@pytest.mark.parametrize("template, expected", [
    (b"A=1", b"A=1\nFLATKEY_API_KEY=\n"),  # no newline at the end: one is added first
    (b"A=1\r\nB=2\r\n", b"A=1\r\nB=2\r\nFLATKEY_API_KEY=\r\n"),  # CRLF kept
    (b"", b"FLATKEY_API_KEY=\n"),
])
def test_env_template_line_endings(tmp_path, template, expected):
    write_tree(tmp_path, {".env.template": template, "client.py": CODE})
    fix_tree(tmp_path, "--ignore", "RL101")
    assert (tmp_path / ".env.template").read_bytes() == expected


def test_env_template_that_already_names_the_variable_is_left_alone(tmp_path):
    template = "FLATKEY_API_KEY=sk-fk-your-key-here\n"
    write_tree(tmp_path, {".env.example": template, "client.py": CODE})
    (fix,) = [d.fix for d in diagnostics(tmp_path) if d.code == "RL202"]
    assert {edit.path for edit in fix.edits} == {"client.py"}
    fix_tree(tmp_path, "--ignore", "RL101")
    assert read(tmp_path, ".env.example") == template


def test_env_template_outside_the_checked_paths_is_reported_not_written(tmp_path):
    write_tree(tmp_path, {".env.example": "A=1\n", "app/client.py": CODE})
    result = run_cli("check", "--fix", "--unsafe-fixes", "--ignore", "RL101", "app/client.py", cwd=tmp_path)
    assert "os.environ['FLATKEY_API_KEY']" in read(tmp_path, "app/client.py")
    assert read(tmp_path, ".env.example") == "A=1\n"
    assert ".env.example: not updated by the RL202 fix of app/client.py" in result.stderr


def test_env_template_changed_during_the_fix_is_reported(tmp_path, monkeypatch):
    write_tree(tmp_path, {".env.example": "A=1\n", "client.py": CODE})

    def meddle(path):
        if path.endswith(".env.example"):
            Path(path).write_text("A=2\n")

    monkeypatch.setattr(fixer, "_before_write", meddle)
    result = fix_tree(tmp_path, "--ignore", "RL101")
    assert read(tmp_path, ".env.example") == "A=2\n"
    assert "os.environ['FLATKEY_API_KEY']" in read(tmp_path, "client.py")
    assert "fix applied only in part" in result.stderr and "changed on disk" in result.stderr


# --------------------------------------------------------------------------- fix-env
def test_fix_env_names_base_url_and_key_variables(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": '[tool.routelint]\nfix-env = { flatkey = { base-url = "LLM_BASE_URL", key = "LLM_API_KEY" }, '
                          'gemini = "MY_GEMINI_URL" }\n',
        "app.py": CODE + "gemini = OpenAI(base_url='https://generativelanguage.googleapis.com/v1beta/openai/', api_key='x' * 3)\n",
        "docker-compose.yml": "services:\n  api:\n    environment:\n      OPENAI_BASE_URL: https://router.flatkey.ai/v1\n"
                              "      OPENAI_API_KEY: ${GEMINI_API_KEY}\n",
        ".env.example": "A=1\n",
    })
    fix_tree(tmp_path)
    text = read(tmp_path, "app.py")
    assert "OpenAI(base_url=os.environ.get('LLM_BASE_URL', 'https://router.flatkey.ai/v1'), api_key=os.environ['LLM_API_KEY'])" in text
    assert "gemini = OpenAI(base_url=os.environ.get('MY_GEMINI_URL', " in text
    assert "OPENAI_API_KEY: ${LLM_API_KEY}\n" in read(tmp_path, "docker-compose.yml")
    assert read(tmp_path, ".env.example") == "A=1\nLLM_API_KEY=\n"


def test_fix_env_of_a_subfolder_applies_there(tmp_path):
    write_tree(tmp_path, {
        "svc/routelint.toml": 'fix-env = { flatkey = { key = "SVC_KEY" } }\n',
        "svc/app.py": CODE, "app.py": CODE})
    fix_tree(tmp_path, "--ignore", "RL101")
    assert "os.environ['SVC_KEY']" in read(tmp_path, "svc/app.py")
    assert "os.environ['FLATKEY_API_KEY']" in read(tmp_path, "app.py")


@pytest.mark.parametrize("value", ['{ flatkey = 3 }', '{ flatkey = { url = "X" } }', '{ flatkey = {} }', '"X"'])
def test_fix_env_shape_is_validated(tmp_path, value):
    write_tree(tmp_path, {"pyproject.toml": f"[tool.routelint]\nfix-env = {value}\n"})
    with pytest.raises(ConfigError, match="fix-env"):
        discover_config(str(tmp_path), None)


# --------------------------------------------------------------------------- fixtures end to end
def _parsed(root: Path) -> dict[Path, None]:
    kinds = (".py", ".toml", ".json", ".yaml", ".yml")
    found = {}
    for path in root.rglob("*"):
        if not path.is_file() or not (path.suffix in kinds or path.name.startswith(".env") or path.suffix == ".env"):
            continue
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        if fixer.parses(str(path), text) is None:
            found[path] = None
    return found


@pytest.mark.slow  # --fix passes over whole fixture trees
@pytest.mark.parametrize("fixture", ["demo-app", "config"])
def test_fixture_config_files_fixed_still_parse_and_second_fix_is_a_no_op(tmp_path, fixture):
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root, symlinks=True)
    before = snapshot(root)
    parsed = _parsed(root)
    first = fix_tree(root)
    assert "Traceback" not in first.output and "0 fixed" not in first.stderr
    changed = {path for path, data in before.items() if path.read_bytes() != data}
    assert any(path.suffix in (".yml", ".yaml") for path in changed) and any(path.name.startswith(".env") or path.suffix == ".toml" for path in changed)
    for path in parsed:  # every file that parsed before still parses, with its own parser
        assert fixer.parses(str(path), path.read_bytes().decode("utf-8-sig")) is None, path
    remaining = json.loads(run_cli("check", "--format", "json", ".", cwd=root).stdout)["diagnostics"]
    assert not [d for d in remaining if d["fix"] and d["fix"]["edits"]]
    assert_idempotent(root)
    assert GEMINI_KEY not in first.output


# --------------------------------------------------------------------------- rule examples of config kinds
def _config_examples():
    from routelint.rules_docs import all_rules

    for code, doc in all_rules().items():
        for index, example in enumerate(doc.invalid):
            if not all(name.endswith(".py") for name in example.files):
                yield pytest.param(code, example, id=f"{code}-{index + 1}")


@pytest.mark.parametrize(("code", "example"), list(_config_examples()))
def test_config_rule_example_fix_parses_is_idempotent_and_matches_fixed(tmp_path, code, example):
    """The same as test_fixes.test_rule_example_fix_parses_and_is_idempotent, each file checked with its
    own parser; the fixes' applicability is checked with the example's findings (test_rule_examples)."""
    (tmp_path / "pyproject.toml").write_text("[tool.routelint]\n" + (example.config.strip() + "\n" if example.config.strip() else ""))
    write_tree(tmp_path, dict(example.files))
    parsed = [name for name, text in example.files.items() if fixer.parses(name, text) is None]
    first = run_cli("check", "--fix", "--unsafe-fixes", "--select", code, "--jobs", "1", ".", cwd=tmp_path)
    assert "Traceback" not in first.output
    texts = {name: read(tmp_path, name) for name in example.files}
    for name in parsed:
        assert fixer.parses(name, texts[name]) is None, name
    assert_fixed_texts(code, example, texts)
    second = run_cli("check", "--fix", "--unsafe-fixes", "--select", code, "--jobs", "1", ".", cwd=tmp_path)
    assert "0 fixed" in second.stderr
    assert {name: read(tmp_path, name) for name in example.files} == texts

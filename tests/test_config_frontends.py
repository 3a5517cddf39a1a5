"""Config frontends (.env, YAML, TOML, JSON): exact positions, references, route shapes, the project
environment, gitignore handling and hostile input.

Every key below is generated from a fixed seed or is a shared fake from conftest: none is real.
"""

from __future__ import annotations

import base64
import random
import shutil
import string
import subprocess
import time
import sys
from pathlib import Path

import pytest

from conftest import GEMINI_KEY, OPENROUTER_KEY, REPO, run_cli, run_json
from routelint.catalog import load_catalog
from routelint.facts import CONSUMER_HTTP, CONSUMER_NATIVE, ENV, LITERAL, ORIGIN_CONFIG, UNKNOWN, Span
from routelint.frontends.config_routes import CONSUMER_ROOT, LineIndex, Text, parse_reference
from routelint.frontends.dotenv import analyze_dotenv
from routelint.frontends.json_config import analyze_json, blank_comments
from routelint.frontends.toml_config import TomlPositions, analyze_toml
from routelint.frontends.yaml_config import analyze_yaml
from routelint.sdks import shipped_sdks

FIXTURES = REPO / "fixtures" / "config"
_RNG = random.Random(20261126)
GOOGLE_KEY_2 = "AIza" + "".join(_RNG.choice(string.ascii_letters + string.digits) for _ in range(35))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def analyse(catalog, kind: str, text: str, path: str):
    frontend = {"dotenv": analyze_dotenv, "yaml": analyze_yaml, "toml": analyze_toml, "json": analyze_json}[kind]
    return frontend(path, text, catalog, shipped_sdks())


def at(text: str, needle: str, occurrence: int = 1) -> Span:
    """The span of the `occurrence`-th `needle` in `text` (1-based lines and columns)."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return LineIndex(text).span(index, index + len(needle))


def only_site(facts):
    assert len(facts.routes) == 1, facts.routes
    return facts.routes[0]


# --------------------------------------------------------------------------- references


@pytest.mark.parametrize(
    "written, var, default",
    [
        ("${OPENROUTER_API_KEY}", "OPENROUTER_API_KEY", None),
        ("$OPENROUTER_API_KEY", "OPENROUTER_API_KEY", None),
        ("os.environ/GEMINI_API_KEY", "GEMINI_API_KEY", None),
        ("${{ secrets.GROQ_API_KEY }}", "GROQ_API_KEY", None),
        ("${{secrets.GROQ_API_KEY}}", "GROQ_API_KEY", None),
        ("$(GEMINI_API_KEY)", "GEMINI_API_KEY", None),
        ("${env:DEEPSEEK_API_KEY}", "DEEPSEEK_API_KEY", None),
        ("${LLM_BASE_URL:-https://openrouter.ai/api/v1}", "LLM_BASE_URL", "https://openrouter.ai/api/v1"),
        ("${LLM_BASE_URL-https://openrouter.ai/api/v1}", "LLM_BASE_URL", "https://openrouter.ai/api/v1"),
        ("${LLM_BASE_URL:?set it}", "LLM_BASE_URL", None),
    ],
)
def test_reference_syntaxes(written, var, default):
    line = f"KEY={written}\n"
    lines = LineIndex(line)
    value = parse_reference(Text(written, "f", lines, 4, 4 + len(written), True), identifier="KEY")
    assert value.kind == ENV and value.env_var == var and value.text == default
    assert value.origin == ORIGIN_CONFIG
    if default:  # the default is reported where it is written
        assert value.loc.span == at(line, default)
    else:
        assert value.loc.span == Span(1, 5, 1, 5 + len(written))


def test_literal_and_mixed_values():
    lines = LineIndex("x")
    literal = parse_reference(Text("https://openrouter.ai/api/v1", "f", lines, 0, 0, False), slot="OPENAI_BASE_URL")
    assert literal.kind == LITERAL and literal.origin == ORIGIN_CONFIG and literal.env_var == "OPENAI_BASE_URL"
    mixed = parse_reference(Text("${HOST}/v1", "f", lines, 0, 0, False))
    assert mixed.kind == LITERAL and mixed.partial and mixed.text == "{HOST}/v1"
    known = parse_reference(Text("${HOST}/v1", "f", lines, 0, 0, False), lookup={"HOST": "https://router.flatkey.ai"}.get)
    assert known.text == "https://router.flatkey.ai/v1" and not known.partial


# --------------------------------------------------------------------------- dotenv


DOTENV = f"""# comment line
export OPENAI_BASE_URL=https://router.flatkey.ai/v1   # inline comment
OPENAI_API_KEY='{GEMINI_KEY}'
  OPENAI_MODEL = "gemini-2.0-flash"
MULTI="first
second"
OPENROUTER_API_KEY=${{OPENAI_API_KEY}}
HOST=https://openrouter.ai
OR_BASE=${{HOST}}/api/v1
EMPTY=
UNSET
OPENAI_MODEL=gemini-2.5-flash
"""


def test_dotenv_definitions_and_exact_positions(catalog):
    facts = analyse(catalog, "dotenv", DOTENV, "app/.env")
    env = {definition.name: definition for definition in facts.env}
    assert list(env) == ["OPENAI_BASE_URL", "OPENAI_API_KEY", "MULTI", "OPENROUTER_API_KEY", "HOST", "OR_BASE", "EMPTY", "OPENAI_MODEL"]
    assert not any(definition.template for definition in env.values())
    base = env["OPENAI_BASE_URL"].value
    assert base.kind == LITERAL and base.origin == ORIGIN_CONFIG and base.text == "https://router.flatkey.ai/v1"
    assert base.loc.path == "app/.env" and base.loc.span == at(DOTENV, "https://router.flatkey.ai/v1")  # export, inline comment
    key = env["OPENAI_API_KEY"].value
    assert key.text == GEMINI_KEY and key.loc.span == at(DOTENV, GEMINI_KEY)  # inside single quotes
    multi = env["MULTI"].value
    assert multi.text == "first\nsecond" and multi.loc.span == Span(5, 8, 6, 7)  # multi-line value
    ref = env["OPENROUTER_API_KEY"].value
    assert ref.kind == ENV and ref.env_var == "OPENAI_API_KEY" and ref.loc.span == at(DOTENV, "${OPENAI_API_KEY}")
    mixed = env["OR_BASE"].value  # ${HOST} expanded from the earlier definition, as python-dotenv does
    assert mixed.text == "https://openrouter.ai/api/v1" and not mixed.partial
    assert env["EMPTY"].value.text == ""
    model = env["OPENAI_MODEL"].value  # the last definition wins
    assert model.text == "gemini-2.5-flash" and model.loc.span == at(DOTENV, "gemini-2.5-flash")
    assert not facts.problems


def test_dotenv_compatible_slot_is_a_config_route(catalog):
    facts = analyse(catalog, "dotenv", DOTENV, ".env")
    site = next(site for site in facts.routes if site.base_url.identifier == "OPENAI_BASE_URL")
    assert not site.in_code and site.consumer == "sdk" and site.sdk == "dotenv"
    assert site.span == at(DOTENV, "OPENAI_BASE_URL")
    assert site.api_key.text == GEMINI_KEY and site.api_key.env_var == "OPENAI_API_KEY"
    assert site.model.text == "gemini-2.5-flash"


def test_dotenv_other_url_variables_are_not_sdk_bases(catalog):
    text = "DATABASE_URL=postgres://db/app\nLLM_BASE_URL=https://openrouter.ai/api/v1/chat/completions\nLLM_API_KEY=${OPENROUTER_API_KEY}\n"
    facts = analyse(catalog, "dotenv", text, ".env")
    site = only_site(facts)  # DATABASE_URL is no route; LLM_BASE_URL is, paired with LLM_API_KEY
    assert site.base_url.identifier == "LLM_BASE_URL" and site.consumer == CONSUMER_HTTP
    assert site.api_key.env_var == "OPENROUTER_API_KEY"


def test_dotenv_local_provider_variables_are_roots(catalog):
    facts = analyse(catalog, "dotenv", "OLLAMA_BASE_URL=http://localhost:11434\nOLLAMA_HOST=0.0.0.0:11434\n", ".env")
    assert [site.consumer for site in facts.routes] == [CONSUMER_ROOT]


def test_dotenv_template_placeholders_stay_unknown(catalog):
    text = "OPENAI_BASE_URL=<your base url>\nOPENAI_API_KEY=sk-your-key-here\n"
    facts = analyse(catalog, "dotenv", text, ".env.example")
    assert all(definition.template for definition in facts.env)
    assert facts.env[0].value.kind == UNKNOWN and facts.env[0].value.loc.span == at(text, "<your base url>")
    assert facts.routes == []
    # the same placeholder in a real .env is a broken setting
    facts = analyse(catalog, "dotenv", text, ".env")
    assert facts.env[0].value.kind == LITERAL and len(facts.routes) == 1


def test_dotenv_bad_line_is_rl001_and_the_rest_is_read(catalog):
    text = "OPENAI_BASE_URL=https://openrouter.ai/api/v1\nthis is not a binding\nOPENAI_MODEL=gpt-4o\n"
    facts = analyse(catalog, "dotenv", text, ".env")
    assert [problem.span.line for problem in facts.problems] == [2]
    assert [definition.name for definition in facts.env] == ["OPENAI_BASE_URL", "OPENAI_MODEL"]


def test_dotenv_crlf_positions(catalog):
    text = "OPENAI_BASE_URL=https://openrouter.ai/api/v1\r\nOPENAI_MODEL=\"gpt-4o\"\r\n"
    site = only_site(analyse(catalog, "dotenv", text, ".env"))
    assert site.base_url.text == "https://openrouter.ai/api/v1" and site.base_url.loc.span == Span(1, 17, 1, 45)
    assert site.model.text == "gpt-4o" and site.model.loc.span == Span(2, 15, 2, 21)


# --------------------------------------------------------------------------- YAML


COMPOSE = """x-llm: &llm
  OPENAI_BASE_URL: "https://generativelanguage.googleapis.com/v1beta/openai/"
services:
  api:
    environment:
      <<: *llm
      OPENAI_API_KEY: ${OPENROUTER_API_KEY}
      OPENAI_MODEL: 'gpt-4o'
  worker:
    environment:
      - OPENAI_BASE_URL=https://router.flatkey.ai/v1/chat/completions
      - OPENAI_API_KEY
      - "OPENAI_MODEL=gemini-2.0-flash"
"""


def test_compose_environment_map_and_list(catalog):
    facts = analyse(catalog, "yaml", COMPOSE, "docker-compose.yml")
    assert facts.env == []  # compose variables are the container's, not the project environment of code
    sites = {site.api_key.loc.span.line if site.api_key.loc else None: site for site in facts.routes}
    api = sites[7]  # the anchored base URL merged into the service's environment
    assert api.sdk == "docker-compose" and not api.in_code
    assert api.base_url.loc.span == at(COMPOSE, "https://generativelanguage.googleapis.com/v1beta/openai/")
    assert api.api_key.kind == ENV and api.api_key.env_var == "OPENROUTER_API_KEY"
    assert api.api_key.loc.span == at(COMPOSE, "${OPENROUTER_API_KEY}")
    assert api.model.text == "gpt-4o" and api.model.loc.span == at(COMPOSE, "gpt-4o")
    worker = sites[12]
    assert worker.base_url.loc.span == at(COMPOSE, "https://router.flatkey.ai/v1/chat/completions")
    assert worker.api_key.kind == ENV and worker.api_key.env_var == "OPENAI_API_KEY"  # passed through
    assert worker.model.loc.span == at(COMPOSE, "gemini-2.0-flash")


def test_github_actions_env_scopes(catalog):
    text = """on: [push]
env:
  OPENAI_BASE_URL: https://generativelanguage.googleapis.com/v1beta/openai/
jobs:
  eval:
    runs-on: ubuntu-latest
    env:
      OPENAI_MODEL: gemini-2.0-flash
    steps:
      - run: make eval
        env:
          OPENAI_API_KEY: ${{ secrets.OPENROUTER_API_KEY }}
"""
    facts = analyse(catalog, "yaml", text, ".github/workflows/eval.yml")
    step = next(site for site in facts.routes if site.api_key.kind == ENV)
    assert step.sdk == "github-actions"
    assert step.base_url.loc.span.line == 3 and step.model.loc.span.line == 8
    assert step.api_key.env_var == "OPENROUTER_API_KEY" and step.api_key.loc.span == at(text, "${{ secrets.OPENROUTER_API_KEY }}")


def test_kubernetes_configmap_secret_and_container_env(catalog):
    secret_value = base64.b64encode(GEMINI_KEY.encode()).decode()
    text = f"""apiVersion: v1
kind: ConfigMap
data:
  OPENAI_BASE_URL: "https://openrouter.ai/api/v1"
  OPENAI_MODEL: gpt-4o-mini
---
apiVersion: v1
kind: Secret
data:
  OPENAI_BASE_URL: {base64.b64encode(b"https://router.flatkey.ai/v1").decode()}
  OPENAI_API_KEY: {secret_value}
---
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            - name: OPENAI_BASE_URL
              value: "http://api.groq.com/openai/v1"
            - name: OPENAI_API_KEY
              valueFrom:
                secretKeyRef: {{name: keys, key: GROQ_API_KEY}}
"""
    facts = analyse(catalog, "yaml", text, "k8s/app.yaml")
    by_line = {site.base_url.loc.span.line: site for site in facts.routes}
    assert by_line[4].model.text == "gpt-4o-mini" and by_line[4].sdk == "kubernetes"
    secret = by_line[10]  # base64 decoded; positions are the encoded text
    assert secret.base_url.text == "https://router.flatkey.ai/v1" and secret.api_key.text == GEMINI_KEY
    assert secret.api_key.loc.span == at(text, secret_value)
    container = by_line[22]
    assert container.base_url.loc.span == at(text, "http://api.groq.com/openai/v1")
    assert container.api_key.kind == ENV and container.api_key.env_var == "GROQ_API_KEY"
    assert container.api_key.loc.span == at(text, "GROQ_API_KEY")


LITELLM = """model_list:
  - model_name: flash
    litellm_params:
      model: openai/gemini-2.0-flash
      api_base: https://router.flatkey.ai/v1
      api_key: os.environ/FLATKEY_API_KEY
  - model_name: native
    litellm_params:
      model: gemini/gemini-2.0-flash
  - model_name: or
    litellm_params:
      model: openrouter/google/gemini-2.0-flash-001
  - model_name: local
    litellm_params:
      model: ollama/llama3.1
      api_base: http://ollama:11434/v1
  - model_name: plain
    litellm_params:
      model: gpt-4o
      api_base: https://generativelanguage.googleapis.com/v1beta/openai/
  - model_name: other
    litellm_params:
      model: bedrock/anthropic.claude-v2
"""


def test_litellm_prefixes(catalog):
    facts = analyse(catalog, "yaml", LITELLM, "litellm/config.yaml")
    sites = {site.model.text: site for site in facts.routes}
    assert set(sites) == {"gemini-2.0-flash", "google/gemini-2.0-flash-001", "llama3.1", "gpt-4o"}
    flash = next(site for site in facts.routes if site.model.loc.span.line == 4)
    assert flash.model.loc.span == Span(4, 21, 4, 37)  # the ID after `openai/`: what reaches api_base
    assert flash.base_url.text == "https://router.flatkey.ai/v1" and flash.api_key.env_var == "FLATKEY_API_KEY"
    assert flash.consumer == "sdk" and flash.sdk == "litellm-proxy"
    native = next(site for site in facts.routes if site.model.loc.span.line == 9)
    assert native.implied_provider == "gemini" and native.consumer == CONSUMER_NATIVE
    assert native.api_key.env_var == "GEMINI_API_KEY" and native.api_key.implicit
    assert sites["google/gemini-2.0-flash-001"].implied_provider == "openrouter"
    assert sites["google/gemini-2.0-flash-001"].model.loc.span == at(LITELLM, "google/gemini-2.0-flash-001")
    local = sites["llama3.1"]
    assert local.consumer == CONSUMER_NATIVE and local.implied_provider == "ollama"
    assert "ollama" in (local.native_label or "")
    assert sites["gpt-4o"].consumer == CONSUMER_HTTP and sites["gpt-4o"].endpoint is None


def test_generic_route_mappings_and_non_routes(catalog):
    text = """weather:
  base_url: http://api.weather.example/v2
  api_key: abc
backend:
  url: /health
llm:
  base_url: "https://openrouter.ai/api/v1"
  api_key: ${OPENROUTER_API_KEY}
  model: gpt-4o
agents:
  - name: writer
    baseURL: http://vllm:8000/v1
    model: meta-llama/Llama-3.1-8B-Instruct
"""
    facts = analyse(catalog, "yaml", text, "config/app.yaml")
    assert [site.base_url.loc.span.line for site in facts.routes] == [7, 12]  # not the weather API
    llm, writer = facts.routes
    assert llm.base_url.loc.span == at(text, "https://openrouter.ai/api/v1") and llm.model.loc.span == at(text, "gpt-4o")
    assert llm.api_key.env_var == "OPENROUTER_API_KEY"
    assert writer.consumer == CONSUMER_ROOT  # a local server: code decides whether it wants /v1


def test_yaml_multi_document_and_block_scalars(catalog):
    text = "llm:\n  base_url: https://openrouter.ai/api/v1\n  model: gpt-4o\n---\nllm:\n  base_url: >-\n    https://router.flatkey.ai/v1\n  model: gpt-5.5\n"
    facts = analyse(catalog, "yaml", text, "multi.yaml")
    assert [site.model.text for site in facts.routes] == ["gpt-4o", "gpt-5.5"]
    folded = facts.routes[1].base_url
    assert folded.text == "https://router.flatkey.ai/v1" and folded.loc.span.line == 6  # block scalar: its whole span


def test_yaml_crlf_and_unicode_positions(catalog):
    text = "# caf\u00e9 \u2615\r\nllm:\r\n  name: \"\u00e9t\u00e9\"\r\n  base_url: 'https://openrouter.ai/api/v1'\r\n  model: gpt-4o\r\n"
    site = only_site(analyse(catalog, "yaml", text, "c.yaml"))
    assert site.base_url.loc.span == Span(4, 14, 4, 42) and site.model.loc.span == Span(5, 10, 5, 16)


def test_yaml_node_and_size_limits_are_rl001(catalog, monkeypatch):
    from routelint.frontends import yaml_config

    text = "llm:\n  base_url: https://openrouter.ai/api/v1\n  models: [" + ", ".join(f"m{i}" for i in range(50)) + "]\n"
    monkeypatch.setattr(yaml_config, "MAX_NODES", 20)
    facts = analyse(catalog, "yaml", text, "big.yaml")
    assert facts.routes == [] and "more than 20 YAML nodes" in facts.problems[0].message
    monkeypatch.setattr(yaml_config, "MAX_NODES", 200_000)
    monkeypatch.setattr(yaml_config, "MAX_CHARS", 50)
    facts = analyse(catalog, "yaml", text, "big.yaml")
    assert facts.routes == [] and "over the 50" in facts.problems[0].message


def test_helm_templates_are_not_rl001(catalog):
    text = "env:\n  - name: OPENAI_BASE_URL\n    value: {{ .Values.llm.baseUrl | quote }}\n  {{- if .Values.x }}\n"
    facts = analyse(catalog, "yaml", text, "chart/templates/deployment.yaml")
    assert facts.problems == [] and facts.routes == []


def test_yaml_duplicate_keys_last_wins(catalog):
    text = (FIXTURES / "hostile" / "duplicate-keys.yaml").read_text()
    site = only_site(analyse(catalog, "yaml", text, "dup.yaml"))
    assert site.base_url.text.endswith("/chat/completions") and site.base_url.loc.span.line == 5


# --------------------------------------------------------------------------- TOML


TOML = '''# settings
[llm]
base_url = "https://generativelanguage.googleapis.com/v1beta/"  # trailing comment
api_key_env = "GEMINI_API_KEY"
model = "gemini-2.0-flash"

[llm.fallback]
"base_url" = 'https://openrouter.ai/api/v1'
api_key = "${OPENROUTER_API_KEY}"
model = """
google/gemini-2.0-flash-001"""

[[llm.routes]]
name = "a"
base_url = "https://router.flatkey.ai/v1"
model = "gemini-2.5-flash"

[[llm.routes]]
name = "b"
base_url = "https://api.groq.com/openai/v1/chat/\\u0063ompletions"
model = "llama-3.3-70b-versatile"

[providers]
openai = { base_url = "https://api.openai.com/v1", model = "gpt-4o-mini" }
nested.deep = { x = [1, { base_url = "https://api.deepseek.com", model = "deepseek-chat" }] }
'''


def test_toml_positions_are_exact_and_verified(catalog):
    facts = analyse(catalog, "toml", TOML, "settings.toml")
    by_model = {site.model.text: site for site in facts.routes}
    assert set(by_model) == {"gemini-2.0-flash", "google/gemini-2.0-flash-001", "gemini-2.5-flash", "llama-3.3-70b-versatile", "gpt-4o-mini", "deepseek-chat"}
    llm = by_model["gemini-2.0-flash"]
    assert llm.base_url.loc.span == at(TOML, "https://generativelanguage.googleapis.com/v1beta/")
    assert llm.api_key.kind == ENV and llm.api_key.env_var == "GEMINI_API_KEY"
    assert llm.span == at(TOML, "base_url")
    fallback = by_model["google/gemini-2.0-flash-001"]
    assert fallback.base_url.loc.span == at(TOML, "https://openrouter.ai/api/v1")  # quoted key, literal string
    assert fallback.model.loc.span == at(TOML, "google/gemini-2.0-flash-001")  # multi-line string after its newline
    assert by_model["gemini-2.5-flash"].base_url.loc.span == at(TOML, "https://router.flatkey.ai/v1")  # array of tables
    escaped = by_model["llama-3.3-70b-versatile"].base_url  # an escape: the written text is not the value
    assert escaped.text == "https://api.groq.com/openai/v1/chat/completions"
    assert escaped.loc.span == at(TOML, "https://api.groq.com/openai/v1/chat/\\u0063ompletions")
    assert by_model["gpt-4o-mini"].base_url.loc.span == at(TOML, "https://api.openai.com/v1")  # inline table
    assert by_model["deepseek-chat"].base_url.loc.span == at(TOML, "https://api.deepseek.com")  # table in an array


def test_toml_scanner_maps_key_paths():
    positions = TomlPositions(TOML).scan()
    assert positions.strings[("llm", "routes", 1, "name")] == (TOML.index('"b"'), TOML.index('"b"') + 3)
    assert ("providers", "nested", "deep", "x", 1, "base_url") in positions.strings


def test_toml_deep_but_valid_keeps_positions(catalog):
    text = 'nested = ' + "[" * 300 + '"x"' + "]" * 300 + '\n[llm]\nbase_url = "https://openrouter.ai/api/v1"\nmodel = "gpt-4o"\n'
    site = only_site(analyse(catalog, "toml", text, "deep.toml"))
    assert site.base_url.loc.span == at(text, "https://openrouter.ai/api/v1")


def test_pyproject_routelint_table_is_not_a_route(catalog):
    text = '[tool.routelint]\nallowed-routes = ["flatkey"]\n\n[tool.myapp.llm]\nbase_url = "https://openrouter.ai/api/v1"\nmodel = "gpt-4o"\n'
    facts = analyse(catalog, "toml", text, "pyproject.toml")
    assert [site.base_url.loc.span.line for site in facts.routes] == [5]


# --------------------------------------------------------------------------- JSON


def test_json_positions_escapes_and_catalogs(catalog):
    text = '{\n  "assistant": {\n    "baseURL": "https://openrouter.ai/api/v1/chat/completions",\n    "apiKey": "${OPENROUTER_API_KEY}",\n    "model": "anthropic\\/claude-3.5-sonnet"\n  }\n}\n'
    site = only_site(analyse(catalog, "json", text, "settings.json"))
    assert site.base_url.loc.span == at(text, "https://openrouter.ai/api/v1/chat/completions")
    assert site.api_key.env_var == "OPENROUTER_API_KEY"
    assert site.model.text == "anthropic/claude-3.5-sonnet" and site.model.loc.span == at(text, "anthropic\\/claude-3.5-sonnet")
    catalog_text = (FIXTURES / "settings" / "flatkey-models.json").read_text()
    assert analyse(catalog, "json", catalog_text, "models.json").routes == []  # catalog input, not a route


def test_jsonc_comments_and_trailing_commas(catalog):
    text = (FIXTURES / ".vscode" / "settings.json").read_text()
    assert len(blank_comments(text)) == len(text)
    site = only_site(analyse(catalog, "json", text, ".vscode/settings.json"))
    assert site.base_url.loc.span == at(text, "https://api.deepseek.com/v1")
    assert site.api_key.env_var == "DEEPSEEK_API_KEY" and site.model.text == "deepseek-chat"
    # the same text in a strict JSON file is RL001
    facts = analyse(catalog, "json", text, "data/settings.json.bak.json")
    assert facts.problems and facts.problems[0].span.line == 2


def test_json_duplicate_keys_last_wins(catalog):
    text = (FIXTURES / "hostile" / "duplicate-keys.json").read_text()
    site = only_site(analyse(catalog, "json", text, "dup.json"))
    assert site.model.text == "openai/gpt-4o" and site.model.loc.span.line == 5


# --------------------------------------------------------------------------- prefilter


def test_prefilter_keeps_config_files_with_route_keys(catalog):
    from routelint.prefilter import build_prefilter

    prefilter = build_prefilter(catalog, shipped_sdks())
    config = "llm:\n  base_url: http://api.internal.example/v1\n  model: gpt-4o\n"
    assert prefilter.is_candidate(config, "yaml") and prefilter.is_candidate('{"apiBase": "x"}', "json")
    assert not prefilter.is_candidate(config, "python")  # `base_url` alone keeps no Python file
    assert prefilter.is_candidate("LOG_LEVEL=info\n", "dotenv")  # env files always fill the project environment
    assert not prefilter.is_candidate("name: docs\non: push\n", "yaml")


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize(
    "name, line, words",
    [
        ("alias-bomb.yaml", 2, "alias"),
        ("deep.json", 1, "nested too deeply"),
        ("deep.toml", 1, "nested too deeply"),
        ("deep.yaml", 1, "nested too deeply"),
        ("duplicate-keys.toml", 4, "not valid TOML"),
        ("broken.yaml", 6, "not valid YAML"),
        ("broken.json", 4, "not valid JSON"),
        ("invalid-utf8.env", 1, "UTF-8"),
    ],
)
def test_hostile_files_are_rl001_and_the_run_continues(tmp_path, name, line, words):
    shutil.copy(FIXTURES / "hostile" / name, tmp_path / name)
    (tmp_path / "ok.yaml").write_text("llm:\n  base_url: http://api.groq.com/openai/v1\n  model: llama-3.3-70b-versatile\n")
    code, document = run_json(str(tmp_path))
    assert code == 1
    found = [(d["code"], Path(d["path"]).name, d["line"]) for d in document["diagnostics"]]
    assert ("RL001", name, line) in found
    assert ("RL102", "ok.yaml", 2) in found  # the other file is still checked
    message = next(d["message"] for d in document["diagnostics"] if d["code"] == "RL001")
    assert words in message


def test_alias_bomb_is_refused_quickly(catalog):
    text = (FIXTURES / "hostile" / "alias-bomb.yaml").read_text()
    started = time.process_time()  # CPU seconds: a refusal, not a benchmark, on a machine of any load
    facts = analyse(catalog, "yaml", text, "bomb.yaml")
    assert time.process_time() - started < 2
    assert facts.problems and facts.routes == []


def test_yaml_flow_nesting_past_the_tree_depth_is_refused_by_the_scanner(catalog):
    from routelint.frontends.yaml_config import MAX_TREE_DEPTH

    def nested(depth: int) -> str:
        return "llm:\n  base_url: https://openrouter.ai/api/v1\n  extra: " + "[" * depth + "]" * depth + "\n"

    # valid YAML, far from the interpreter's recursion limit: only the scanner's depth bound refuses it
    assert analyse(catalog, "yaml", nested(MAX_TREE_DEPTH), "ok.yaml").problems == []
    refused = analyse(catalog, "yaml", nested(MAX_TREE_DEPTH + 1), "deep.yaml")
    assert [problem.message for problem in refused.problems] == ["cannot be analysed: YAML nested too deeply"]
    started = time.process_time()  # half a million brackets: refused at the 201st, not scanned to the end
    assert analyse(catalog, "yaml", nested(500_000), "deeper.yaml").problems
    assert time.process_time() - started < 2


def test_recursive_alias_does_not_loop(catalog):
    facts = analyse(catalog, "yaml", "llm: &a\n  base_url: https://openrouter.ai/api/v1\n  model: gpt-4o\n  self: *a\n", "r.yaml")
    assert [site.model.text for site in facts.routes] == ["gpt-4o"]


def test_cli_on_hostile_fixtures_has_no_traceback(tmp_path):
    shutil.copytree(FIXTURES / "hostile", tmp_path / "hostile")
    result = subprocess.run(
        [sys.executable, "-m", "routelint", "check", "--format", "concise", "hostile"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.count("RL001") == 8


# --------------------------------------------------------------------------- project environment


APP = 'from openai import OpenAI\n\nclient = OpenAI()\nreply = client.chat.completions.create(model="gemini-2.0-flash", messages=[])\n'


def findings(document):
    return [(d["code"], d["path"], d["line"], d["column"]) for d in document["diagnostics"]]


def test_env_file_fills_the_sdk_implicit_environment(tree):
    root = tree({"app.py": APP, ".env": f"OPENAI_BASE_URL=https://router.flatkey.ai/v1\nOPENAI_API_KEY={GEMINI_KEY}\n"})
    _, document = run_json("--select", "RL2,RL3", ".", cwd=root)
    assert findings(document) == [
        ("RL201", ".env", 2, 16),  # once, at the .env line (not also at the constructor)
        ("RL202", ".env", 2, 16),
        ("RL302", "app.py", 4, 46),
    ]
    rl302 = document["diagnostics"][2]
    assert "base URL from .env:1" in rl302["message"]  # the diagnostic names the file that supplied the value
    assert GEMINI_KEY not in str(document)


def test_env_precedence_dotenv_over_template_and_nearest_wins(tree):
    root = tree({
        "app.py": APP,
        ".env": "OPENAI_BASE_URL=https://router.flatkey.ai/v1\n",
        ".env.example": "OPENAI_BASE_URL=https://openrouter.ai/api/v1\n",
        "sub/app.py": APP,
        "sub/.env.example": "OPENAI_BASE_URL=https://api.groq.com/openai/v1\n",
        "other/app.py": APP,
    })
    _, document = run_json("--select", "RL3", ".", cwd=root)
    by_path = {d["path"]: d for d in document["diagnostics"]}
    assert by_path["app.py"]["code"] == "RL302" and ".env:1" in by_path["app.py"]["message"]
    assert by_path["sub/app.py"]["code"] == "RL301" and "sub/.env.example:1" in by_path["sub/app.py"]["message"]
    assert by_path["other/app.py"]["code"] == "RL302"  # the parent folder's .env applies below it


def test_compose_reference_resolves_through_the_env_file(tree):
    root = tree({
        ".env": f"OPENROUTER_API_KEY={OPENROUTER_KEY}\n",
        "docker-compose.yml": "services:\n  api:\n    environment:\n      OPENAI_BASE_URL: https://generativelanguage.googleapis.com/v1beta/openai/\n      OPENAI_API_KEY: ${OPENROUTER_API_KEY}\n",
    })
    _, document = run_json("--select", "RL201", ".", cwd=root)
    # judged by the value the reference resolves to, reported at the reference, naming the file that supplied it
    assert [(d["code"], d["path"], d["line"], d["column"]) for d in document["diagnostics"]] == [("RL201", "docker-compose.yml", 5, 23)]
    assert "OpenRouter key" in document["diagnostics"][0]["message"] and "key from .env:1" in document["diagnostics"][0]["message"]


def test_compatible_slot_judged_by_value_or_referenced_name(tree):
    root = tree({
        "a/.env": "OPENAI_BASE_URL=https://generativelanguage.googleapis.com/v1beta/openai/\nOPENAI_API_KEY=${OPENROUTER_API_KEY}\n",
        "b/.env": f"OPENAI_BASE_URL=https://generativelanguage.googleapis.com/v1beta/openai/\nOPENAI_API_KEY={GOOGLE_KEY_2}\n",
        "c/.env": "OPENAI_BASE_URL=https://generativelanguage.googleapis.com/v1beta/openai/\nOPENAI_API_KEY=${OPENAI_API_KEY}\n",
    })
    _, document = run_json("--select", "RL201", ".", cwd=root)
    assert [(d["path"], d["line"]) for d in document["diagnostics"]] == [("a/.env", 2)]


def test_no_rl101_in_config(tree):
    root = tree({"config.yaml": "llm:\n  base_url: https://openrouter.ai/api/v1\n  model: openai/gpt-4o\n", ".env": "OPENAI_BASE_URL=https://router.flatkey.ai/v1\n"})
    code, document = run_json(".", cwd=root)
    assert code == 0 and document["diagnostics"] == []


# --------------------------------------------------------------------------- gitignore


def test_rl202_in_a_gitignored_env_file_is_not_reported(tree):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tree({
        ".gitignore": ".env\n",
        ".env": f"GEMINI_API_KEY={GEMINI_KEY}\n",
        ".env.example": f"GEMINI_API_KEY={GOOGLE_KEY_2}\n",
        "config.yaml": f"llm:\n  api_key: {OPENROUTER_KEY}\n",
    })
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    _, document = run_json("--select", "RL202", ".", cwd=root)
    assert sorted(d["path"] for d in document["diagnostics"]) == [".env.example", "config.yaml"]
    # outside a repository the .gitignore still decides (read with pathspec)
    shutil.rmtree(root / ".git")
    _, document = run_json("--select", "RL202", ".", cwd=root)
    assert sorted(d["path"] for d in document["diagnostics"]) == [".env.example", "config.yaml"]
    # --no-respect-gitignore reads the local .env too, but a key there is where keys belong: not reported
    _, document = run_json("--select", "RL202", "--no-respect-gitignore", ".", cwd=root)
    assert document["summary"]["files"] == 4
    assert sorted(d["path"] for d in document["diagnostics"]) == [".env.example", "config.yaml"]


# --------------------------------------------------------------------------- the fixtures


EXPECTED_FIXTURE_FINDINGS = {
    ("RL201", ".env", 4), ("RL202", ".env", 4), ("RL302", ".env", 5),
    ("RL201", ".github/workflows/nightly-eval.yml", 23), ("RL301", ".github/workflows/nightly-eval.yml", 24),
    ("RL201", "docker-compose.yml", 14), ("RL102", "docker-compose.yml", 22),
    ("RL301", "k8s/llm.yaml", 7), ("RL102", "k8s/llm.yaml", 37),
    ("RL302", "litellm/config.yaml", 10), ("RL301", "litellm/config.yaml", 21), ("RL301", "litellm/config.yaml", 26),
    ("RL201", "litellm/config.yaml", 28), ("RL102", "litellm/config.yaml", 38),
    ("RL102", "settings/app.toml", 7), ("RL302", "settings/app.toml", 21), ("RL102", "settings/app.toml", 25),
    ("RL201", "settings/app.toml", 30),  # api_key_env = "OPENAI_API_KEY", and .env puts a Google key there
    ("RL102", "settings/settings.json", 4), ("RL401", "settings/settings.json", 10),
    ("RL102", "hostile/duplicate-keys.yaml", 5),
}


@pytest.fixture
def fixture_copy(tmp_path):
    """fixtures/config copied out of the repository (whose own config excludes fixtures/)."""
    target = tmp_path / "config"
    shutil.copytree(FIXTURES, target)
    return target


def test_fixture_tree_findings(fixture_copy):
    code, document = run_json(".", cwd=fixture_copy)
    assert code == 1
    got = {(d["code"], d["path"], d["line"]) for d in document["diagnostics"] if d["code"] != "RL001"}
    assert got == EXPECTED_FIXTURE_FINDINGS
    assert not [d for d in document["diagnostics"] if d["code"] == "RL101"]
    rl001 = {d["path"].rsplit("/", 1)[-1] for d in document["diagnostics"] if d["code"] == "RL001"}
    assert rl001 == {"alias-bomb.yaml", "deep.json", "deep.toml", "deep.yaml", "duplicate-keys.toml", "broken.yaml", "broken.json", "invalid-utf8.env"}


def test_cli_check_fixture_config_runs(fixture_copy):
    result = run_cli("check", "--format", "concise", "--no-color", "config", cwd=fixture_copy.parent)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "config/litellm/config.yaml:10:21: RL302" in result.output


def test_rl202_in_a_tracked_env_file_is_reported_even_when_gitignore_matches_it(tree):
    """`git add -f .env`: the file is in the repository, so its key is a committed key."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tree({".gitignore": ".env\n", ".env": f"GEMINI_API_KEY={GEMINI_KEY}\n"})
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    _, document = run_json("--select", "RL202", ".", cwd=root)
    assert document["diagnostics"] == []  # ignored and untracked: a local .env
    subprocess.run(["git", "-C", str(root), "add", "-f", ".env"], check=True)
    _, document = run_json("--select", "RL202", ".", cwd=root)
    assert [(d["path"], d["line"]) for d in document["diagnostics"]] == [(".env", 1)]

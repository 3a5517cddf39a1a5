"""Agent frameworks and LLM wrappers as SDK data (rules/sdks/*.toml): each file's sources and checked
date, the prefix tables' separators and inferred names, config files known by name, and the SDK
column of `routelint routes`. The routes themselves are checked by the rule examples in rules/checks/."""

from __future__ import annotations

import datetime
import json
import re

import pytest

from conftest import REPO, run_cli

from routelint.discover import JSON, TEXT, file_kind
from routelint.sdks import load_sdks, shipped_sdks
from routelint.data import load_toml

FRAMEWORKS = {  # file -> qualified names that must be sinks (one per framework the issue names)
    "crewai": ["crewai.LLM"],
    "ag2": ["autogen.LLMConfig", "autogen.OpenAIWrapper", "autogen.AssistantAgent"],
    "autogen": ["autogen_ext.models.openai.OpenAIChatCompletionClient"],
    "smolagents": ["smolagents.OpenAIServerModel", "smolagents.OpenAIModel", "smolagents.LiteLLMModel"],
    "haystack": ["haystack.components.generators.chat.OpenAIChatGenerator", "haystack.components.generators.OpenAIGenerator",
                 "haystack.components.embedders.OpenAITextEmbedder"],
    "agno": ["agno.models.openai.OpenAILike", "agno.models.openai.OpenAIChat", "phi.model.openai.OpenAILike",
             "phi.llm.openai.OpenAIChat"],
    "langchain": ["langchain.chat_models.init_chat_model", "langchain_openai.OpenAI", "langchain_community.llms.OpenAI"],
    "google_genai": ["google.genai.Client", "langchain_google_genai.ChatGoogleGenerativeAI"],
}


@pytest.mark.parametrize("name", sorted(FRAMEWORKS))
def test_framework_file_has_sources_a_checked_date_and_its_sinks(name):
    data = load_toml(REPO / "rules" / "sdks" / f"{name}.toml")
    assert data["sources"] and all(isinstance(source, str) and source for source in data["sources"])
    checked = datetime.date.fromisoformat(data["checked"])
    assert datetime.date(2026, 1, 1) <= checked <= datetime.date.today()
    sinks = shipped_sdks().sinks
    for qualified in FRAMEWORKS[name]:
        assert sinks[qualified].sdk == data["id"], qualified
    assert data["prefilter"], "a framework file names the text that makes a file worth parsing"


def test_no_framework_is_named_in_the_python_frontend():
    """Knowledge is data: the frontend and the checks never name a framework."""
    code = "\n".join(path.read_text(encoding="utf-8") for folder in ("frontends", "checks")
                     for path in (REPO / "src" / "routelint" / folder).rglob("*.py"))
    for word in ("crewai", "smolagents", "haystack", "agno", "autogen", "init_chat_model", "genai", "OAI_CONFIG_LIST"):
        assert re.search(rf"\b{word}\b", code) is None, word


def test_legacy_completions_wrappers_call_the_completions_endpoint():
    sinks = shipped_sdks().sinks
    for name in ("langchain_openai.OpenAI", "langchain_community.llms.OpenAI", "langchain.llms.OpenAI"):
        assert sinks[name].default_endpoint == "completions.create"
        assert sinks[name].method_endpoint("invoke") == "completions.create"
    assert sinks["langchain_openai.ChatOpenAI"].default_endpoint == "chat.completions.create"
    assert sinks["langchain_openai.ChatOpenAI"].method_endpoint("invoke") == "chat.completions.create"
    assert sinks["langchain_openai.ChatOpenAI"].method_endpoint("bind_tools") is None


def test_langchain_provider_prefix_separator_and_inferred_names():
    sdks = shipped_sdks()
    spec, written, sent = sdks.split_model("langchain", "openai:gpt-4o")
    assert spec is not None and spec.provider is None and (written, sent) == ("openai:", "gpt-4o")
    spec, written, sent = sdks.split_model("langchain", "google_genai:gemini-2.5-flash")
    assert spec.provider == "gemini" and spec.native and sent == "gemini-2.5-flash"
    spec, written, sent = sdks.split_model("langchain", "claude-3-5-haiku-latest")  # inferred, not stripped
    assert spec.provider == "anthropic" and (written, sent) == ("", "claude-3-5-haiku-latest")
    assert sdks.split_model("langchain", "llama3.1:8b") == (None, "", "llama3.1:8b")  # a tag, not a provider
    assert sdks.split_model("langchain", "openai/gpt-4o")[0] is None  # LiteLLM's separator means nothing here
    assert sdks.provider_spec("langchain", "google-genai").provider == "gemini"
    assert sdks.provider_spec("ag2", "google").native and sdks.provider_spec("ag2", "openai").provider is None


def test_a_table_without_explicit_prefixes_only_infers():
    sdks = shipped_sdks()
    spec, written, sent = sdks.split_model("autogen", "gemini-2.0-flash")
    assert spec.provider == "gemini" and not spec.native and (written, sent) == ("", "gemini-2.0-flash")
    assert sdks.split_model("autogen", "gemini/gemini-2.0-flash")[0] is None
    assert sdks.split_model("autogen", "gpt-4o")[0] is None


def test_inferred_names_must_point_at_a_table_entry(tmp_path):
    (tmp_path / "sdks").mkdir()
    (tmp_path / "sdks" / "x.toml").write_text(
        'id = "x"\n[prefixes.t]\na = { provider = "openai" }\n[inferred.t]\n"b-" = "missing"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="missing"):
        load_sdks(tmp_path)


def test_optional_keys_are_loaded_and_old_files_need_none_of_them(tmp_path):
    (tmp_path / "sdks").mkdir()
    (tmp_path / "sdks" / "old.toml").write_text(
        'id = "old"\n[[sinks]]\nkind = "client"\nnames = ["old.Client"]\nbase_url = ["base_url"]\n', encoding="utf-8")
    old = load_sdks(tmp_path).sinks["old.Client"]
    assert (old.methods, old.provider_param, old.entry_kwargs) == ((), None, False)
    sdks = shipped_sdks()
    assert "haystack.utils.Secret.from_env_var" in sdks.env_getters
    assert "haystack.utils.Secret.from_token" in sdks.passthrough
    router = sdks.sinks["autogen.AssistantAgent"]
    assert router.list_param == "llm_config.config_list" and router.provider_param == "api_type"
    assert sdks.sinks["autogen.LLMConfig"].entry_kwargs


def test_oai_config_list_is_read_as_json(tmp_path):
    assert file_kind("OAI_CONFIG_LIST") == JSON and file_kind("configs/OAI_CONFIG_LIST") == JSON
    assert file_kind("OAI_CONFIG_LIST.txt") == TEXT and file_kind("MY_OAI_CONFIG_LIST") == TEXT  # the exact name only
    entry = {"model": "gpt-4o", "base_url": "https://generativelanguage.googleapis.com/v1beta/openai/"}
    (tmp_path / "OAI_CONFIG_LIST").write_text(json.dumps([entry], indent=2) + "\n", encoding="utf-8")
    result = run_cli("check", "--no-cache", "--format", "json", str(tmp_path))
    found = {(d["code"], d["line"]) for d in json.loads(result.output)["diagnostics"]}
    assert ("RL301", 3) in found


def test_routes_names_the_framework_in_the_sdk_column(tmp_path):
    gemini = "https://generativelanguage.googleapis.com/v1beta/openai/"
    files = {
        "crew.py": f'import os\nfrom crewai import LLM\nllm = LLM(model="openai/gemini-2.5-flash", base_url="{gemini}", api_key=os.environ["GEMINI_API_KEY"])\n',
        "smol.py": f'import os\nfrom smolagents import OpenAIServerModel\nm = OpenAIServerModel("gemini-2.5-flash", api_base="{gemini}")\n',
        "hay.py": f'from haystack.components.generators.chat import OpenAIChatGenerator\ng = OpenAIChatGenerator(model="gemini-2.5-flash", api_base_url="{gemini}")\n',
        "agno_model.py": f'from agno.models.openai import OpenAILike\nm = OpenAILike(id="gemini-2.5-flash", base_url="{gemini}")\n',
        "ag.py": f'import autogen\ncfg = autogen.LLMConfig(config_list=[{{"model": "gemini-2.5-flash", "base_url": "{gemini}"}}])\n',
        "auto.py": 'from autogen_ext.models.openai import OpenAIChatCompletionClient\nc = OpenAIChatCompletionClient(model="gemini-2.0-flash")\n',
        "lc.py": f'from langchain.chat_models import init_chat_model\nm = init_chat_model("openai:gemini-2.5-flash", base_url="{gemini}")\n',
        "gg.py": 'import os\nfrom google import genai\nc = genai.Client(api_key=os.environ["GEMINI_API_KEY"])\n',
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli("routes", "--format", "json", str(tmp_path))
    document = json.loads(result.output)
    routes = document["routes"] if isinstance(document, dict) else document
    by_file = {route["location"].split(":")[0].rsplit("/", 1)[-1]: route for route in routes}
    expected = {"crew.py": "crewai", "smol.py": "smolagents", "hay.py": "haystack", "agno_model.py": "agno",
                "ag.py": "ag2", "auto.py": "autogen", "lc.py": "langchain", "gg.py": "google-genai"}
    assert {name: by_file[name]["sdk"] for name in expected} == expected
    assert by_file["auto.py"]["provider"]["id"] == "gemini"  # a gemini- model goes to Gemini by itself

"""The shipped provider catalog (`rules/providers/*.toml`) loads and behaves as the issue demands.

Every key sample below is generated from a fixed seed: no real key is ever written here.
"""

from __future__ import annotations

import random
import string

import pytest

from routelint.catalog import load_catalog
from routelint.catalog.keys import find_keys, key_provider, provider_for_base_env, provider_for_key_env
from routelint.catalog.loader import provider_from_table
from routelint.catalog.models import NOT_SERVED, UNCONFIRMED, judge_model
from routelint.catalog.urls import provider_for_url, sdk_base_url_problems
from routelint.data import load_toml, rules_dir

PROVIDERS_DIR = rules_dir() / "providers"
PROVIDER_FILES = sorted(PROVIDERS_DIR.glob("*.toml"))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


# --------------------------------------------------------------------------- loading


def test_every_file_loads_on_its_own():
    assert len(PROVIDER_FILES) >= 20
    for path in PROVIDER_FILES:
        provider = provider_from_table(load_toml(path), str(path))
        assert provider.id == path.stem, f"{path.name}: id {provider.id!r} should match the file name"


def test_catalog_loads_every_file(catalog):
    assert sorted(catalog.providers) == sorted(path.stem for path in PROVIDER_FILES)
    for expected in (
        "vertex", "azure-openai", "anthropic", "deepseek", "groq", "mistral", "together", "fireworks",
        "xai", "perplexity", "cerebras", "huggingface", "vllm", "lmstudio", "litellm-proxy", "portkey",
        "cloudflare-ai-gateway", "vercel-ai-gateway", "gemini", "flatkey", "openai", "openrouter",
        "local", "ollama",
    ):
        assert expected in catalog.providers


def test_every_provider_is_dated_and_sourced(catalog):
    import datetime

    for provider in catalog.providers.values():
        # an ISO date from the reference snapshot (2026-11-01) on: a file re-checked later carries its own date
        checked = datetime.date.fromisoformat(provider.checked)
        assert datetime.date(2026, 11, 1) <= checked <= datetime.date.today(), provider.id
        if provider.id != "local":  # the generic local-server entry has no single source
            assert provider.sources, f"{provider.id} has no sources"


@pytest.mark.parametrize(
    "provider_id, kind",
    [
        ("vertex", "provider"), ("azure-openai", "provider"), ("anthropic", "provider"), ("deepseek", "provider"),
        ("groq", "provider"), ("mistral", "provider"), ("together", "provider"), ("fireworks", "provider"),
        ("xai", "provider"), ("perplexity", "provider"), ("cerebras", "provider"),
        ("huggingface", "router"), ("portkey", "router"), ("cloudflare-ai-gateway", "router"),
        ("vercel-ai-gateway", "router"), ("openrouter", "router"), ("flatkey", "router"),
        ("vllm", "local"), ("lmstudio", "local"), ("litellm-proxy", "local"), ("ollama", "local"), ("local", "local"),
    ],
)
def test_kinds(catalog, provider_id, kind):
    assert catalog.providers[provider_id].kind == kind


def test_hosts_ports_and_names_do_not_overlap(catalog):
    seen_hosts: dict[str, str] = {}
    seen_ports: dict[int, str] = {}
    seen_names: dict[str, str] = {}
    for provider in catalog.providers.values():
        for host in provider.hosts:
            assert host not in seen_hosts, f"{host} in {provider.id} and {seen_hosts[host]}"
            seen_hosts[host] = provider.id
        for port in provider.local_ports:
            assert port not in seen_ports, f"port {port} in {provider.id} and {seen_ports[port]}"
            seen_ports[port] = provider.id
        for name in provider.local_names:
            assert name not in seen_names, f"{name} in {provider.id} and {seen_names[name]}"
            seen_names[name] = provider.id
        if provider.is_local:
            assert not provider.hosts, f"local server {provider.id} must not claim remote hosts"
        else:
            assert provider.hosts, f"{provider.id} has no hosts"
            assert provider.canonical_base_url, f"{provider.id} has no canonical base URL"


def test_accepts_from_names_real_providers(catalog):
    for provider in catalog.providers.values():
        for other in provider.accepts_key_from:
            assert other in catalog.providers, f"{provider.id} accepts_from unknown provider {other!r}"
            assert other != provider.id


def test_env_names_belong_to_one_provider(catalog):
    for provider in catalog.providers.values():
        for name in provider.key_env:
            assert provider_for_key_env(catalog, name) == provider.id, name
        for name in provider.base_url_env:
            assert provider_for_base_env(catalog, name) == provider.id, name
    # generic SDK slots belong to OpenAI alone
    assert provider_for_key_env(catalog, "OPENAI_API_KEY") == "openai"
    assert provider_for_base_env(catalog, "OPENAI_BASE_URL") == "openai"


@pytest.mark.parametrize(
    "env, provider_id",
    [
        ("ANTHROPIC_API_KEY", "anthropic"), ("DEEPSEEK_API_KEY", "deepseek"), ("GROQ_API_KEY", "groq"),
        ("MISTRAL_API_KEY", "mistral"), ("TOGETHER_API_KEY", "together"), ("TOGETHER_AI_API_KEY", "together"),
        ("TOGETHERAI_API_KEY", "together"), ("TOGETHER_AI_TOKEN", "together"), ("FIREWORKS_API_KEY", "fireworks"),
        ("XAI_API_KEY", "xai"), ("PERPLEXITY_API_KEY", "perplexity"), ("CEREBRAS_API_KEY", "cerebras"),
        ("AZURE_OPENAI_API_KEY", "azure-openai"), ("HF_TOKEN", "huggingface"), ("PORTKEY_API_KEY", "portkey"),
        ("AI_GATEWAY_API_KEY", "vercel-ai-gateway"), ("LITELLM_MASTER_KEY", "litellm-proxy"),
        ("LITELLM_PROXY_API_KEY", "litellm-proxy"), ("GEMINI_API_KEY", "gemini"), ("GOOGLE_API_KEY", "gemini"),
    ],
)
def test_key_env_names(catalog, env, provider_id):
    assert provider_for_key_env(catalog, env) == provider_id


def test_base_env_names(catalog):
    assert provider_for_base_env(catalog, "DEEPSEEK_API_BASE") == "deepseek"
    assert provider_for_base_env(catalog, "GROQ_BASE_URL") == "groq"
    assert provider_for_base_env(catalog, "AZURE_OPENAI_ENDPOINT") == "azure-openai"
    assert provider_for_base_env(catalog, "LITELLM_PROXY_API_BASE") == "litellm-proxy"


# --------------------------------------------------------------------------- base URLs


def test_canonical_base_urls_classify_back_without_problems(catalog):
    for provider in catalog.providers.values():
        url = provider.canonical_base_url
        if url is None:
            assert provider.id == "local"
            continue
        found = provider_for_url(catalog, url)
        assert found is not None and found.id == provider.id, f"{url} -> {found and found.id}, expected {provider.id}"
        assert sdk_base_url_problems(catalog, url, found) == [], url


@pytest.mark.parametrize(
    "url, provider_id",
    [
        ("https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/endpoints/openapi", "vertex"),
        ("https://{region}-aiplatform.googleapis.com/v1beta1/projects/{p}/locations/{region}/endpoints/openapi", "vertex"),
        ("https://aiplatform.googleapis.com/v1/projects/p/locations/global/endpoints/openapi", "vertex"),
        ("https://my-res.openai.azure.com/openai/v1/", "azure-openai"),
        ("https://my-res.cognitiveservices.azure.com/openai/deployments/gpt4o", "azure-openai"),
        ("https://my-res.services.ai.azure.com/openai/v1/", "azure-openai"),
        ("https://api.deepseek.com/v1", "deepseek"),
        ("https://gateway.ai.cloudflare.com/v1/acct/gw/openai", "cloudflare-ai-gateway"),
        ("https://api.perplexity.ai", "perplexity"),
    ],
)
def test_provider_urls(catalog, url, provider_id):
    found = provider_for_url(catalog, url)
    assert found is not None and found.id == provider_id
    assert sdk_base_url_problems(catalog, url, found) == []


@pytest.mark.parametrize(
    "url, missing, suggestion",
    [
        ("https://api.groq.com/v1", "/openai/v1", "https://api.groq.com/openai/v1"),
        ("https://api.fireworks.ai/v1", "/inference/v1", "https://api.fireworks.ai/inference/v1"),
        ("https://api.anthropic.com", "/v1", "https://api.anthropic.com/v1/"),
        ("https://api.x.ai", "/v1", "https://api.x.ai/v1"),
    ],
)
def test_missing_path_is_reported_with_the_fix(catalog, url, missing, suggestion):
    provider = provider_for_url(catalog, url)
    problems = sdk_base_url_problems(catalog, url, provider)
    assert len(problems) == 1
    assert missing in problems[0].message
    assert problems[0].suggestion == suggestion


def test_optional_or_absent_paths_are_not_reported(catalog):
    for url in ("https://api.deepseek.com", "https://api.deepseek.com/v1", "https://api.perplexity.ai"):
        assert sdk_base_url_problems(catalog, url, provider_for_url(catalog, url)) == []


def test_endpoint_path_on_a_base_url_is_reported(catalog):
    url = "https://api.perplexity.ai/chat/completions"
    problems = sdk_base_url_problems(catalog, url, provider_for_url(catalog, url))
    assert [p.suggestion for p in problems] == ["https://api.perplexity.ai"]


@pytest.mark.parametrize(
    "url, provider_id",
    [
        ("http://localhost:11434/v1", "ollama"),
        ("http://ollama:11434/v1", "ollama"),
        ("http://vllm:8000/v1", "vllm"),
        ("http://localhost:8000/v1", "vllm"),
        ("http://127.0.0.1:1234/v1", "lmstudio"),
        ("http://lm-studio:1234/v1", "lmstudio"),
        ("http://0.0.0.0:4000", "litellm-proxy"),
        ("http://litellm:4000", "litellm-proxy"),
        ("http://10.0.0.5:9000/v1", "local"),
        ("http://host.docker.internal:11434/v1", "ollama"),
        ("http://host.docker.internal/v1", "local"),
        ("http://host.docker.internal:9999/v1", "local"),
    ],
)
def test_local_hosts_are_local(catalog, url, provider_id):
    found = provider_for_url(catalog, url)
    assert found is not None
    assert found.is_local
    assert found.id == provider_id
    assert sdk_base_url_problems(catalog, url, found) == []  # http:// is fine locally


def test_ollama_root_without_v1_is_local_but_incomplete(catalog):
    url = "http://localhost:11434"
    found = provider_for_url(catalog, url)
    assert found is not None and found.id == "ollama"
    problems = sdk_base_url_problems(catalog, url, found)
    assert [p.suggestion for p in problems] == ["http://localhost:11434/v1"]


def test_remote_http_is_not_local(catalog):
    url = "http://api.groq.com/openai/v1"
    found = provider_for_url(catalog, url)
    assert found is not None and not found.is_local
    problems = sdk_base_url_problems(catalog, url, found)
    assert problems and problems[0].suggestion == "https://api.groq.com/openai/v1"


def test_unknown_remote_host_is_unknown(catalog):
    assert provider_for_url(catalog, "https://llm.example.com/v1") is None


# --------------------------------------------------------------------------- keys

_RNG = random.Random(1)
ALNUM = string.ascii_letters + string.digits
LETTERS = string.ascii_letters
B64URL = ALNUM + "-_"
WORD = ALNUM + "_"
HEX = "0123456789abcdef"
LOWER_ALNUM = string.ascii_lowercase + string.digits


def _rand(alphabet: str, length: int) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(length))


def _rand_inner(alphabet: str, length: int) -> str:
    """Random text that starts and ends with an alphanumeric (as real keys around `-`/`_` do)."""
    return _RNG.choice(ALNUM) + _rand(alphabet, length - 2) + _RNG.choice(ALNUM)


def _with_upper(length: int) -> str:
    while True:
        value = _rand(ALNUM, length)
        if any(c.isupper() for c in value) and any(c.isdigit() for c in value):
            return value


# pattern id -> (provider id, key, line it appears on; "{key}" marks the key).
# Prefix-less patterns appear on a line that names the provider.
KEY_SAMPLES: dict[str, tuple[str, str, str]] = {
    "openai-project-key": ("openai", "sk-proj-" + _rand_inner(B64URL, 74) + "T3BlbkFJ" + _rand_inner(B64URL, 74), 'key = "{key}"'),
    "openai-legacy-key": ("openai", "sk-" + _rand(ALNUM, 20) + "T3BlbkFJ" + _rand(ALNUM, 20), 'key = "{key}"'),
    "google-api-key": ("gemini", "AIzaSy" + _rand_inner(B64URL, 33), 'key = "{key}"'),
    "google-auth-key": ("gemini", "AQ.Ab8RN" + _rand_inner(B64URL, 45), 'key = "{key}"'),
    "flatkey-api-key": ("flatkey", "sk-fk-" + _rand(ALNUM, 48), 'key = "{key}"'),
    "openrouter-api-key": ("openrouter", "sk-or-v1-" + _rand(HEX, 64), 'key = "{key}"'),
    "google-oauth-access-token": ("vertex", "ya29.a0" + _rand_inner(B64URL, 160), 'token = "{key}"'),
    "azure-openai-key": ("azure-openai", _rand(HEX, 32), 'AZURE_OPENAI_API_KEY = "{key}"'),
    "anthropic-api-key": ("anthropic", "sk-ant-api03-" + _rand_inner(B64URL, 93) + "AA", 'key = "{key}"'),
    "anthropic-admin-key": ("anthropic", "sk-ant-admin01-" + _rand_inner(B64URL, 93) + "AA", 'key = "{key}"'),
    "deepseek-api-key": ("deepseek", "sk-" + _rand(HEX, 32), 'client = OpenAI(base_url="https://api.deepseek.com", api_key="{key}")'),
    "groq-api-key": ("groq", "gsk_" + _rand(ALNUM, 52), 'key = "{key}"'),
    "mistral-api-key": ("mistral", _with_upper(32), "MISTRAL_API_KEY={key}"),
    "together-api-key": ("together", "tgp_v1_" + _rand_inner(B64URL, 43), 'key = "{key}"'),
    "fireworks-api-key": ("fireworks", "fw_" + _rand(ALNUM, 24), 'key = "{key}"'),
    "xai-api-key": ("xai", "xai-" + _rand(ALNUM, 80), 'key = "{key}"'),
    "perplexity-api-key": ("perplexity", "pplx-" + _rand(ALNUM, 48), 'key = "{key}"'),
    "cerebras-api-key": ("cerebras", "csk-" + _rand(LOWER_ALNUM, 48), 'key = "{key}"'),
    "huggingface-token": ("huggingface", "hf_" + _rand(LETTERS, 34), 'key = "{key}"'),
}

# more true positives: other documented shapes of the same formats
EXTRA_KEY_SAMPLES: list[tuple[str, str, str]] = [
    ("vertex", "ya29.c.c0" + _rand_inner(B64URL, 90) + "." + _rand_inner(B64URL, 40), 'Authorization: Bearer {key}'),
    ("huggingface", "hf_" + _rand(ALNUM, 34), "HF_TOKEN={key}"),
    ("xai", "xai-" + _rand(WORD, 120), "XAI_API_KEY={key}"),
    ("deepseek", "sk-" + _rand(HEX, 32), "DEEPSEEK_API_KEY={key}"),
    ("azure-openai", _rand(HEX, 32), "api_key = '{key}'  # azure"),
    ("azure-openai", _rand(HEX, 32), 'AzureOpenAI(azure_endpoint="https://r.openai.azure.com/", api_key="{key}")'),
    ("mistral", _with_upper(32), 'Mistral(api_key="{key}")'),
    ("gemini", "AQ.Ab8RN" + _rand_inner(B64URL, 30) + "." + _rand_inner(B64URL, 12), "GEMINI_API_KEY={key}"),
]


def test_every_key_pattern_has_a_sample(catalog):
    ids = {pattern.id for provider in catalog.providers.values() for pattern in provider.key_patterns}
    assert ids == set(KEY_SAMPLES), f"missing samples: {ids - set(KEY_SAMPLES)}; stale: {set(KEY_SAMPLES) - ids}"


@pytest.mark.parametrize("pattern_id", sorted(KEY_SAMPLES))
def test_key_sample_is_found_and_attributed(catalog, pattern_id):
    provider_id, key, line = KEY_SAMPLES[pattern_id]
    text = f"# config\n{line.format(key=key)}\nother = 1\n"
    found = find_keys(catalog, text)
    assert [(m.text, m.provider, m.pattern) for m in found] == [(key, provider_id, pattern_id)]
    assert text[found[0].start:found[0].end] == key
    # a value on its own: prefixed formats are attributed, prefix-less ones only for their own route
    pattern = next(p for p in catalog.providers[provider_id].key_patterns if p.id == pattern_id)
    if pattern.needs_context:
        assert key_provider(catalog, key) is None
        assert key_provider(catalog, key, route_provider=provider_id) == provider_id
    else:
        assert key_provider(catalog, key) == provider_id


@pytest.mark.parametrize("provider_id, key, line", EXTRA_KEY_SAMPLES)
def test_more_key_shapes(catalog, provider_id, key, line):
    found = find_keys(catalog, line.format(key=key))
    assert [(m.text, m.provider) for m in found] == [(key, provider_id)]


def test_gemini_keys_do_not_require_aiza(catalog):
    key = KEY_SAMPLES["google-auth-key"][1]
    assert not key.startswith("AIza")
    assert key_provider(catalog, key) == "gemini"
    assert [m.provider for m in find_keys(catalog, f"GEMINI_API_KEY={key}")] == ["gemini"]


def test_several_keys_on_one_line(catalog):
    groq = KEY_SAMPLES["groq-api-key"][1]
    router = KEY_SAMPLES["openrouter-api-key"][1]
    found = find_keys(catalog, f'keys = ["{groq}", "{router}"]')
    assert [m.provider for m in found] == ["groq", "openrouter"]


@pytest.mark.parametrize(
    "text",
    [
        'api_key = "sk-..."',
        'api_key = "your-api-key"',
        'api_key = "AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"',
        'GEMINI_API_KEY="AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"',
        'api_key = "GEMINI_API_KEY"',
        'OPENAI_API_KEY=sk-proj-...',
        'api_key="<your key>"',
        "api_key = '${GROQ_API_KEY}'",
        'DEEPSEEK_API_KEY="sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
        'DEEPSEEK_API_KEY="sk-00000000000000000000000000000000"',
        'AZURE_OPENAI_API_KEY="00000000000000000000000000000000"',
        'AZURE_OPENAI_API_KEY="abcdefabcdefabcdefabcdefabcdefab"',
        'MISTRAL_API_KEY="YOURMISTRALAPIKEYHERE00000000000"',
        'GROQ_API_KEY="gsk_' + "X" * 52 + '"',
        'OPENROUTER_API_KEY="sk-or-v1-' + "0" * 64 + '"',
        'ANTHROPIC_API_KEY="sk-ant-api03-' + "x" * 93 + 'AA"',
        'PERPLEXITY_API_KEY="pplx-' + "a" * 48 + '"',
        'XAI_API_KEY="xai-' + "1234567890" * 8 + '"',
        'TOGETHER_API_KEY="tgp_v1_' + "your_together_api_key_goes_here_placeholder" + '"',
        'HF_TOKEN="hf_' + "x" * 34 + '"',
        'api_key = "sk-change-me"',
        'api_key = "not-needed"',
        'api_key = "ollama"',
    ],
)
def test_placeholders_are_not_keys(catalog, text):
    assert find_keys(catalog, text) == []


PREFIXLESS = ["deepseek-api-key", "azure-openai-key", "mistral-api-key"]


def test_prefixless_patterns_are_the_expected_ones(catalog):
    needing = sorted(p.id for provider in catalog.providers.values() for p in provider.key_patterns if p.needs_context)
    assert needing == sorted(PREFIXLESS)


@pytest.mark.parametrize("pattern_id", PREFIXLESS)
def test_prefixless_keys_need_context_nearby(catalog, pattern_id):
    provider_id, key, _ = KEY_SAMPLES[pattern_id]
    filler = "x = 1\n" * 4
    for text in (
        f'api_key = "{key}"',
        f"OPENAI_API_KEY={key}",
        f'client = OpenAI(api_key="{key}")',
        f'# {provider_id} key below\n{filler}api_key = "{key}"',  # context five lines up does not count
        f'api_key = "{key}"\n{filler}# {provider_id}',  # nor five lines down
        f'x = "{key}"; y = "{"z" * 300}"  # {provider_id}',  # nor 300 characters along its line
    ):
        assert find_keys(catalog, text) == [], text
    for text in (
        f'{provider_id.upper().replace("-", "_")}_KEY = "{key}"',  # the variable name
        f'# {provider_id} client\nx = 1\napi_key = "{key}"',  # a provider word two lines up
        f'api_key = "{key}"\nx = 1\nx = 2\n# {provider_id}',  # three lines down
        f'x = "{key}"; y = "{"z" * 200}"  # {provider_id}',  # 200 characters along its line
    ):
        found = find_keys(catalog, text)
        assert [(m.text, m.provider) for m in found] == [(key, provider_id)], text


def test_prefixless_key_context_is_read_where_the_key_is_after_text_that_lowers_longer(catalog):
    """'İ'.lower() is two characters: the context window was cut from the lowered text at the original
    text's positions, so 300 of them earlier in a file put the window 300 characters too early."""
    provider_id, key, _ = KEY_SAMPLES["mistral-api-key"]
    text = "title = '" + "İ" * 300 + "'\n" + "x = 1\n" * 60 + f'{provider_id}_key = "{key}"\n'
    assert [(m.text, m.provider) for m in find_keys(catalog, text)] == [(key, provider_id)]


def test_hex_digest_next_to_mistral_is_not_a_mistral_key(catalog):
    assert find_keys(catalog, f'mistral_weights_md5 = "{_rand(HEX, 32)}"') == []


# --------------------------------------------------------------------------- models


def _verdict(catalog, provider_id, model):
    verdict = judge_model(catalog, catalog.providers[provider_id], model)
    return verdict.kind if verdict else None


@pytest.mark.parametrize(
    "provider_id, model",
    [
        ("gemini", "gpt-4o"),
        ("gemini", "google/gemini-2.5-flash"),
        ("openrouter", "gpt-4o"),
        ("openrouter", "gemini-2.5-flash"),
        ("openrouter", "models/gemini-2.5-flash"),
        ("groq", "models/gemini-2.5-flash"),
        ("groq", "claude-3-5-sonnet"),
        ("groq", "claude-3-5-sonnet-20241022"),
        ("groq", "gpt-4o"),
        ("groq", "grok-4"),
        ("cerebras", "claude-3-5-sonnet"),
        ("together", "gemini-2.5-flash"),
        ("vertex", "gemini-2.5-flash"),
        ("vertex", "models/gemini-2.5-flash"),
        ("anthropic", "gpt-4o"),
        ("deepseek", "gpt-4o"),
        ("xai", "gpt-4o"),
        ("mistral", "claude-3-5-sonnet"),
        ("perplexity", "gpt-4o"),
        ("fireworks", "llama-v3p1-8b-instruct"),
        ("huggingface", "gpt-4o"),
        ("vercel-ai-gateway", "claude-sonnet-4"),
        ("vercel-ai-gateway", "models/gemini-2.5-flash"),
        ("portkey", "models/gemini-2.5-flash"),
        ("cloudflare-ai-gateway", "models/gemini-2.5-flash"),
        ("azure-openai", "models/gemini-2.5-flash"),
    ],
)
def test_not_served(catalog, provider_id, model):
    assert _verdict(catalog, provider_id, model) == NOT_SERVED


@pytest.mark.parametrize(
    "provider_id, model",
    [
        ("gemini", "gemini-2.5-flash"),
        ("gemini", "models/gemini-2.5-flash"),
        ("openrouter", "anthropic/claude-3.5-sonnet"),
        ("openrouter", "anthropic/claude-sonnet-4.5"),
        ("openrouter", "google/gemini-2.5-flash"),
        ("ollama", "gpt-4o"),
        ("ollama", "llama3.2:3b"),
        ("ollama", "models/gemini-2.5-flash"),
        ("ollama", "claude-3-5-sonnet"),
        ("vllm", "meta-llama/Llama-3.1-8B-Instruct"),
        ("lmstudio", "qwen2.5-7b-instruct"),
        ("litellm-proxy", "my-alias"),
        ("local", "anything"),
        ("flatkey", "gpt-5.5"),
        ("vertex", "google/gemini-2.0-flash-001"),
        ("azure-openai", "my-gpt4o-deployment"),
        ("anthropic", "claude-opus-4-6"),
        ("deepseek", "deepseek-v4-flash"),
        ("deepseek", "deepseek-chat"),
        ("groq", "llama-3.3-70b-versatile"),
        ("groq", "openai/gpt-oss-120b"),
        ("mistral", "mistral-large-latest"),
        ("mistral", "codestral-latest"),
        ("mistral", "mistral-embed"),
        ("mistral", "open-mixtral-8x22b"),
        ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo"),
        ("fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct"),
        ("xai", "grok-4"),
        ("perplexity", "sonar"),
        ("perplexity", "sonar-pro"),
        ("perplexity", "r1-1776"),
        ("cerebras", "gpt-oss-120b"),
        ("cerebras", "llama-3.3-70b"),
        ("huggingface", "Qwen/Qwen3-Coder-Next:novita"),
        ("huggingface", "meta-llama/Llama-3.3-70B-Instruct"),
        ("portkey", "@openai-prod/gpt-4o"),
        ("cloudflare-ai-gateway", "google-ai-studio/gemini-2.5-flash"),
        ("vercel-ai-gateway", "anthropic/claude-sonnet-4"),
    ],
)
def test_served(catalog, provider_id, model):
    assert judge_model(catalog, catalog.providers[provider_id], model) is None


def test_flatkey_without_pins_does_not_confirm_other_ids(catalog):
    verdict = judge_model(catalog, catalog.providers["flatkey"], "gemini-2.0-flash")
    assert verdict is not None and verdict.kind == UNCONFIRMED


def test_flatkey_with_pins(catalog):
    pinned = load_catalog(pinned={"flatkey": ("gemini-2.0-flash",)})
    assert judge_model(pinned, pinned.providers["flatkey"], "gemini-2.0-flash") is None
    verdict = judge_model(pinned, pinned.providers["flatkey"], "gpt-5.5")
    assert verdict is not None and verdict.kind == UNCONFIRMED


def test_router_suggests_the_vendor_form(catalog):
    openrouter = catalog.providers["openrouter"]
    for model, expected in (
        ("gpt-4o", "openai/gpt-4o"),
        ("claude-3-5-sonnet", "anthropic/claude-3-5-sonnet"),
        ("gemini-2.5-flash", "google/gemini-2.5-flash"),
        ("models/gemini-2.5-flash", "google/gemini-2.5-flash"),
        ("grok-4", "x-ai/grok-4"),
        ("sonar-pro", "perplexity/sonar-pro"),
    ):
        verdict = judge_model(catalog, openrouter, model)
        assert verdict is not None and verdict.kind == NOT_SERVED
        assert verdict.suggestion == expected, model


@pytest.mark.parametrize(
    "model, suggestion",
    [
        ("openrouter/gpt-4o-mini", "openai/gpt-4o-mini"),  # a bare vendor ID under OpenRouter's namespace
        ("openrouter/claude-3-5-haiku-20241022", "anthropic/claude-3-5-haiku-20241022"),
        ("openrouter/gemini-2.5-flash", "google/gemini-2.5-flash"),
        ("openrouter/openai/gpt-4o-mini", "openai/gpt-4o-mini"),  # LiteLLM's whole model string
        ("openrouter/openrouter/auto", "openrouter/auto"),  # the prefix doubled
    ],
)
def test_leaked_routing_prefix_in_openrouter_namespace_is_not_served(catalog, model, suggestion):
    verdict = judge_model(catalog, catalog.providers["openrouter"], model)
    assert verdict is not None and verdict.kind == NOT_SERVED, model
    assert verdict.suggestion == suggestion
    assert "own namespace" in verdict.reason


def test_openrouter_namespace_holds_only_its_documented_products(catalog):
    openrouter = catalog.providers["openrouter"]
    for model in ("openrouter/auto", "openrouter/auto-code", "openrouter/auto-beta", "openrouter/free"):
        assert judge_model(catalog, openrouter, model) is None, model
    verdict = judge_model(catalog, openrouter, "openrouter/smart")  # the `vendor/model` shape alone does not confirm it
    assert verdict is not None and verdict.kind == UNCONFIRMED and "openrouter/auto" in verdict.reason
    pinned = load_catalog(pinned={"openrouter": ("openrouter/smart", "openai/gpt-4o-mini")})
    assert judge_model(pinned, pinned.providers["openrouter"], "openrouter/smart") is None


def test_closed_model_list_reports_unlisted_ids_in_the_providers_style_as_unconfirmed(catalog):
    deepseek = catalog.providers["deepseek"]
    assert deepseek.closed_list and not deepseek.is_router
    for model in ("deepseek-r2", "deepseek-v3", "deepseek-v4-flsh"):
        verdict = judge_model(catalog, deepseek, model)
        assert verdict is not None and verdict.kind == UNCONFIRMED, model
        assert "deepseek-v4-flash" in verdict.reason  # the documented list is the hint
    assert judge_model(catalog, deepseek, "gpt-4o").kind == NOT_SERVED  # another style: cannot be served
    pinned = load_catalog(pinned={"deepseek": ("deepseek-v4-flash", "deepseek-r2")})
    assert judge_model(pinned, pinned.providers["deepseek"], "deepseek-r2") is None
    verdict = judge_model(pinned, pinned.providers["deepseek"], "deepseek-v4-pro")  # the pin replaces the shipped list
    assert verdict is not None and verdict.kind == UNCONFIRMED


def test_open_lists_stay_silent_on_direct_providers(catalog):
    # Mistral documents examples, not a closed list: an unknown ID in its style is not judged
    assert judge_model(catalog, catalog.providers["mistral"], "mistral-large-2511") is None


def test_closed_model_list_needs_the_list():
    table = {"id": "x", "name": "X", "kind": "provider", "models": {"closed": True, "serves": ["^x-"]}}
    with pytest.raises(ValueError, match="closed = true needs"):
        provider_from_table(table, "x.toml")


def test_known_models_are_served_where_they_are_listed(catalog):
    for provider in catalog.providers.values():
        for model in provider.known_models:
            assert judge_model(catalog, provider, model) is None, f"{model} on {provider.id}"


# --------------------------------------------------------------------------- endpoints


def test_perplexity_is_chat_only(catalog):
    unsupported = catalog.providers["perplexity"].unsupported_endpoints
    for pattern in ("embeddings.*", "files.*", "images.*", "audio.*", "responses.*", "batches.*", "completions.*",
                    "moderations.*", "fine_tuning.*", "vector_stores.*", "beta.assistants.*", "beta.threads.*",
                    "uploads.*"):
        assert pattern in unsupported
    assert not any(pattern.startswith("chat") for pattern in unsupported)


def test_gemini_lacks_files(catalog):
    assert "files.*" in catalog.providers["gemini"].unsupported_endpoints

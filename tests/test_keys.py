"""Key detection pieces: generic keys by context, placeholders, decoding, escapes, env reads."""

from __future__ import annotations

import codecs
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_json

from routelint.catalog import load_catalog
from routelint.catalog.generic_keys import generic_keys, key_like_name, looks_random
from routelint.catalog.keys import is_placeholder, is_template_text
from routelint.discover import PYTHON, TEXT
from routelint.facts import Span
from routelint.keyscan import env_reads, find_secrets, unescape
from routelint.scan import is_binary
from routelint.textio import decode

TOKEN = "Hq2AK7EGHZbKoXi0d9TH4QgTNBEjE4o2"  # random, generated offline
RESELLER = "sk-huG8GP38g4o5MNJAYKJ1UXXFWXLCpaNfhs0gCa05RFRunzqw"
GROQ = "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"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


# ---------------------------------------------------------------------------- names and values


@pytest.mark.parametrize("name", ["OPENAI_API_KEY", "apiKey", "api_key", "x-api-key", "client_secret", "token",
                                  "SECRET", "authToken", "settings.llm_api_key", "RELAY_TOKEN", "openaiKey"])
def test_key_like_names(name):
    assert key_like_name(name)


@pytest.mark.parametrize("name", ["monkey", "key", "cache_key", "public_key", "PUBLISHABLE_KEY", "sort_key",
                                  "page_token", "next_token", "csrf_token", "commit_sha_key", "max_tokens",
                                  "primary_key", "idempotency_key", "api_key_env"])
def test_names_that_are_not_secrets(name):
    assert not key_like_name(name)


@pytest.mark.parametrize("value", [TOKEN, RESELLER, "sk-c46c03c21bb00fa9ea3fe546dae72c16", "4hOSDRET79IqJzQtJZPGSEZ4zBms1racjP4M9DZH"])
def test_random_values(catalog, value):
    assert looks_random(catalog, value)


@pytest.mark.parametrize("value", [
    "3f2504e0-4f89-11d3-9a0c-0305e82c3301",  # UUID
    "4b825dc642cb6eb9a060e54bf8d69288fbee4904"[:30],  # short hex
    "https://platform.openai.com/api-keys2024",  # URL
    "/var/run/secrets/llm/api-key-2024.txt",  # path
    "text-embedding-3-large-2024-01-25",  # words and numbers
    "settings.OPENAI_API_KEY_2024",  # dotted name
    "sha256:4b825dc642cb6eb9a060e54bf8d69288",  # hash
    "abcdefghijklmnopqrstuvwxyzABCD",  # no digits
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa11",  # low entropy
    "YOUR_OPENROUTER_API_KEY_HERE_123",  # template text
    "replace-with-your-service-token-1234",
])
def test_values_that_are_not_keys(catalog, value):
    assert not looks_random(catalog, value)


def test_generic_keys_in_each_syntax(catalog):
    lines = [
        f'api_key="{TOKEN}"',  # keyword argument
        f'OPENAI_API_KEY: str = "{TOKEN}"',  # annotated target
        f'{{"apiKey": "{TOKEN}"}}',  # JSON / dict
        f'os.environ["RELAY_TOKEN"] = "{TOKEN}"',  # environment write
        f'headers = {{"Authorization": "Bearer {TOKEN}"}}',  # bearer header
    ]
    for line in lines:
        assert [value for _, _, value in generic_keys(catalog, line, bare_values=False)] == [TOKEN], line
    assert [v for _, _, v in generic_keys(catalog, f"SERVICE_TOKEN={TOKEN}", bare_values=True)] == [TOKEN]
    # in Python, an unquoted value is code, not a string
    assert list(generic_keys(catalog, f"api_key = {TOKEN}", bare_values=False)) == []
    assert list(generic_keys(catalog, f'if token == "{TOKEN}":', bare_values=False)) == []


# ---------------------------------------------------------------------------- placeholders (zero findings)

PLACEHOLDERS = ["YOUR_API_KEY", "YOUR_OPENROUTER_API_KEY_HERE", "API_KEY_HERE", "<OPENAI_API_KEY>", "INSERT_KEY"]


@pytest.mark.parametrize("text", PLACEHOLDERS)
def test_template_text_is_a_placeholder(catalog, text):
    assert is_template_text(text) and is_placeholder(catalog, text)


def test_placeholder_precision_zero_findings(tree):
    """Every placeholder form, as the key of a route in every file kind: no RL202, no RL203, no RL201."""
    files: dict[str, str] = {}
    for index, text in enumerate(PLACEHOLDERS):
        files[f"app/client{index}.py"] = (
            "from openai import OpenAI\n"
            f'client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="{text}")\n'
            f'OPENAI_API_KEY = "{text}"\n'
        )
        files[f"deploy/{index}/.env.example"] = f"OPENAI_BASE_URL=https://openrouter.ai/api/v1\nOPENAI_API_KEY={text}\n"
        files[f"config/{index}.yaml"] = f"llm:\n  base_url: https://openrouter.ai/api/v1\n  api_key: \"{text}\"\n"
        files[f"config/{index}.toml"] = f'[llm]\nbase_url = "https://openrouter.ai/api/v1"\napi_key = "{text}"\n'
        files[f"config/{index}.json"] = json.dumps({"llm": {"baseURL": "https://openrouter.ai/api/v1", "apiKey": text}})
    root = tree(files)
    _, document = run_json("--no-cache", str(root))
    keyed = [d for d in document["diagnostics"] if d["code"] in ("RL201", "RL202", "RL203")]
    assert keyed == []


# ---------------------------------------------------------------------------- decoding


@pytest.mark.parametrize("codec,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                       ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE),
                                       ("utf-8", codecs.BOM_UTF8)])
def test_a_bom_decides_the_encoding(codec, bom):
    text = f'GROQ_API_KEY = "{GROQ}"\n'
    assert decode(bom + text.encode(codec)) == (text, None)
    assert not is_binary(bom + text.encode(codec), TEXT)


def test_bomless_utf16_is_recognised():
    text = f"GROQ_API_KEY={GROQ}\n"
    assert decode(text.encode("utf-16-le"))[0] == text
    assert decode(text.encode("utf-16-be"))[0] == text


def test_binary_and_text_with_a_stray_nul():
    assert is_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" * 20, TEXT)
    assert not is_binary(b"GROQ_API_KEY=x\0\n" + b"plain text line\n" * 20, TEXT)  # one stray NUL
    assert not is_binary(b"\0\0\0\0", PYTHON)  # an analysed kind is never skipped


def test_undecodable_bom_file_is_rl001(tree):
    root = tree({"app.py": codecs.BOM_UTF16_LE + b"\x00\xd8"})  # a lone surrogate
    _, document = run_json("--no-cache", str(root))
    assert [d["code"] for d in document["diagnostics"]] == ["RL001"]
    assert "UTF-16" in document["diagnostics"][0]["message"]


# ---------------------------------------------------------------------------- escapes and env reads


def test_unescape_resolves_the_common_escapes():
    assert unescape(r"\x41\u0042\U00000043\104\N{LATIN CAPITAL LETTER E}\n\"") == 'ABCDE\n"'
    assert unescape(r"\q") == "q"


def test_escaped_key_is_reported_at_the_literal_with_its_written_form(catalog):
    written = "\\x67" + GROQ[1:]
    text = f'client_key = "{written}"\n'
    found = find_secrets("a.py", PYTHON, text, catalog)
    assert [(s.text, s.encoded, s.provider, s.span) for s in found] == [
        (GROQ, written, "groq", Span(1, 15, 1, 15 + len(written)))]


def test_env_reads():
    text = ('a = os.getenv("A_KEY")\nb = os.environ["B_KEY"]\nc = config("C_KEY")\n'
            'd = process.env.D_KEY\ne: ${E_KEY}\nf: os.environ/F_KEY\n')
    assert env_reads(text) == ("A_KEY", "B_KEY", "C_KEY", "D_KEY", "E_KEY", "F_KEY")
    assert env_reads("nothing here") == ()
    assert env_reads('token = os.getenv(\n    "HF_TOKEN",\n)') == ("HF_TOKEN",)  # a call spread over lines


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="ab_KEY\n", max_size=300), reach=st.integers(min_value=1, max_value=20))
def test_env_read_windows_cover_every_name_and_search_each_character_once(text, reach):
    """env_reads searches only near key-like names: the windows cover `reach` characters either side
    of each, never overlap, and so never add up to more than the text (a 4 MB one-line tokenizer JSON
    was searched whole once per name ending)."""
    from routelint.keyscan import _windows

    windows = list(_windows(text, ("_KEY", "Y"), reach))
    assert all(a < b <= c for (_, a), (b, c) in zip(windows, windows[1:]))  # ordered, apart
    assert sum(end - start for start, end in windows) <= len(text)
    for word in ("_KEY", "Y"):
        for index in (i for i in range(len(text)) if text.startswith(word, i)):
            covered = (max(0, index - reach), min(len(text), index + len(word) + reach))
            assert any(start <= covered[0] and covered[1] <= end for start, end in windows)


def test_long_identifier_next_to_a_provider_word_is_not_a_prefixless_key(catalog):
    """32 letters of a class name beside `Mistral` (a real false positive in pydantic-ai) is no key."""
    text = "from mistralai import (\n    ChatCompletionChoiceFinishReason as MistralFinishReason,\n)\n"
    assert find_secrets("m.py", PYTHON, text, catalog) == []


def test_a_run_cut_out_of_base64_data_is_not_a_key(catalog):
    """Minified JS inlines images as base64: a 32-character run between `/` and `+` there took the shape
    of a Mistral key (five false positives in litellm's bundled UI). The same value written as a value
    is still a key."""
    image = f"iVBORw0KGgoAAAANSUhEUgAAA/{TOKEN}+TAAAAAElFTkSuQmCC"
    bundle = f'const mistral={{src:"data:image/png;base64,{image}",width:24}};\n'
    assert find_secrets("chunk.js", TEXT, bundle, catalog) == []
    assert find_secrets("chunk.js", TEXT, bundle.replace("+TAAAA", "=TAAAA").replace("A/", "A+"), catalog) == []
    written = f'const mistral = {{apiKey: "{TOKEN}"}};\n'
    assert [item.text for item in find_secrets("chunk.js", TEXT, written, catalog)] == [TOKEN]


def test_a_generic_key_after_text_that_lowers_longer_is_still_found(catalog):
    """The key words were found in `text.lower()` and the assignment read at those positions of the
    text: 'İ' lowers to two characters, so each one earlier in a file moved every later position."""
    key = "Zx9kQ2mP7vL4nR8sT1wY6bH3cJ5dF0gA"
    text = 'title = "' + "İ" * 50 + f'"\napi_key = "{key}"\n'
    assert [secret.text for secret in find_secrets("settings.py", PYTHON, text, catalog)] == [key]

"""Messages built from names read as English whichever name they get (the wording bugs "a Anthropic
model" and "1 have unsafe fixes" shipped before these helpers and the per-rule snapshots)."""

from __future__ import annotations

import pytest

from routelint.wording import one_of, plural, with_article


@pytest.mark.parametrize(("name", "expected"), [
    ("Anthropic", "an Anthropic"), ("OpenAI", "an OpenAI"), ("Azure OpenAI", "an Azure OpenAI"),
    ("OpenRouter", "an OpenRouter"), ("Ollama", "an Ollama"), ("xAI", "an xAI"), ("LM Studio", "an LM Studio"),
    ("Google Gemini", "a Google Gemini"), ("Groq", "a Groq"), ("vLLM", "a vLLM"), ("LiteLLM proxy", "a LiteLLM proxy"),
    ("a local server", "a local server"),
])
def test_article(name: str, expected: str) -> None:
    assert with_article(name) == expected


def test_every_provider_name_takes_an_article_once() -> None:
    from routelint.catalog import load_catalog

    for provider in load_catalog().providers.values():
        phrase = with_article(provider.name)
        assert phrase.split(" ", 1)[0] in ("a", "an") and not phrase.startswith(("a a ", "an a ", "a an "))


def test_alternatives_and_plurals() -> None:
    assert [one_of([]), one_of(["A"]), one_of(["A", "B"]), one_of(["A", "B", "C"])] == ["", "A", "A or B", "A, B or C"]
    assert [plural(0, "fix", "fixes"), plural(1, "fix", "fixes"), plural(2, "file")] == ["0 fixes", "1 fix", "2 files"]

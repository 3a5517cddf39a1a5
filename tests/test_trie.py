"""The trie pattern finds a text exactly when one of its words occurs in it."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from routelint.trie import compiled_trie, trie_pattern

# few letters, and regex metacharacters among them, so words share prefixes and need escaping
_ALPHABET = "ab.*(|\\"
_words = st.sets(st.text(alphabet=_ALPHABET, min_size=1, max_size=5), max_size=8)


@settings(max_examples=200, deadline=None)
@given(words=_words, text=st.text(alphabet=_ALPHABET, max_size=12))
def test_pattern_matches_iff_a_word_occurs(words: set[str], text: str) -> None:
    found = re.search(trie_pattern(words), text) is not None
    assert found == any(word in text for word in words)


def test_shared_prefixes_are_factored_and_a_longer_word_behind_a_shorter_adds_nothing() -> None:
    assert trie_pattern({"OPENAI_API_KEY", "OPENAI_BASE_URL", "GROQ_API_KEY"}) == (
        r"(?:GROQ_API_KEY|OPENAI_(?:API_KEY|BASE_URL))")
    assert trie_pattern({"api.openai.com", "api.openai.com/v1"}) == re.escape("api.openai.com")


def test_no_words_match_nothing_and_empty_words_are_ignored() -> None:
    for words in (set(), {""}):
        assert re.search(trie_pattern(words), "anything at all") is None
        assert re.search(trie_pattern(words), "") is None
    assert re.search(trie_pattern({"", "abc"}), "xabcx")  # an empty word beside a real one (matched nothing before)


def test_a_word_set_is_built_once() -> None:
    """Every run asks for the same word sets; the trie is built and compiled once per set (re's own
    cache would keep the compiled pattern, not save building the pattern text)."""
    compiled_trie.cache_clear()
    words = frozenset({"alpha", "beta"})
    first = compiled_trie(words)
    assert compiled_trie(frozenset({"beta", "alpha"})) is first
    assert compiled_trie.cache_info().hits == 1 and compiled_trie.cache_info().misses == 1


def test_occurrences_are_in_text_order_and_at_the_text_s_own_positions() -> None:
    from routelint.trie import occurrences

    text = "İ" * 3 + "API_KEY token Key"
    assert occurrences(text, ("key", "token"), ignore_case=True) == [(7, 10), (11, 16), (17, 20)]
    assert [text[start:end] for start, end in occurrences(text, ("key", "token"), ignore_case=True)] == ["KEY", "token", "Key"]
    assert occurrences(text, ("key",)) == []  # case-sensitive unless asked

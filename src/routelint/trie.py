"""Many literal words, one fast search.

Python's `re` tries the branches of an alternation one by one at every position of the text; a
pattern factored as a trie follows one branch per position instead, which scans several times
faster. Used wherever a file's raw text is searched for any of many words (the prefilter, key gates).

The pattern only answers "does any word occur?", so a word that has a shorter word as its prefix adds
nothing and is dropped. Every run (and every test) asks for the same few word sets, so the compiled
pattern is kept per set.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

_NEVER = r"(?!x)x"


def trie_pattern(terms: Iterable[str]) -> str:
    """One regular expression matching any of `terms`, factored as a trie."""
    kept: list[str] = []
    for term in sorted({term for term in terms if term}):
        # sorted order puts a prefix right before the words it starts: the shortest is enough
        if not kept or not term.startswith(kept[-1]):
            kept.append(term)
    return _branches(kept, 0) if kept else _NEVER


def _branches(words: Sequence[str], depth: int) -> str:
    """The pattern for `words` (sorted, none a prefix of another, sharing `depth` characters), from `depth`."""
    if len(words) == 1:
        # a chain of single children: the rest of the word, escaped as a whole
        return re.escape(words[0][depth:])
    groups: list[str] = []
    start = 0
    while start < len(words):
        char = words[start][depth]
        end = start + 1
        while end < len(words) and words[end][depth] == char:
            end += 1
        groups.append(re.escape(char) + _branches(words[start:end], depth + 1))
        start = end
    return groups[0] if len(groups) == 1 else "(?:" + "|".join(groups) + ")"


def occurrences(text: str, words: Iterable[str], *, ignore_case: bool = False) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of each word in `text`, in text order, found with `str.find`
    (several times faster than a regex for a handful of words). `ignore_case` is for ASCII words: the
    text is lowered without changing its length, so positions stay the text's own ('İ'.lower() is two
    characters, which shifted every later position)."""
    if ignore_case:
        lowered = text.lower()
        text = lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)
        words = [word.lower() for word in words]
    found: list[tuple[int, int]] = []
    for word in words:
        index = text.find(word)
        while index >= 0:
            found.append((index, index + len(word)))
            index = text.find(word, index + len(word))
    return sorted(found)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=16)
def compiled_trie(terms: frozenset[str]) -> re.Pattern[str]:
    """`trie_pattern(terms)`, compiled once per distinct set of words."""
    return re.compile(trie_pattern(terms))

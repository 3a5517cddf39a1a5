"""Many literal words, one fast search.

Python's `re` tries the branches of an alternation one by one at every position of the text; a
pattern factored as a trie follows one branch per position instead, which scans several times
faster. Used wherever a file's raw text is searched for any of many words (the prefilter, key gates).
"""

from __future__ import annotations

import re
from typing import Iterable


def trie_pattern(terms: Iterable[str]) -> str:
    """One regular expression matching any of `terms`, factored as a trie."""
    root: dict = {}
    for term in terms:
        node = root
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # a term may end here: what follows is optional, and the shortest match is enough to decide
        return "" if "" in node else body

    return build(root) or r"(?!x)x"

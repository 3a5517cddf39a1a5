"""Decide cheaply, from raw text, whether a file can hold anything of interest.

The terms come from the catalog and the SDK data (provider hosts, key and base-URL environment
variable names, each SDK's `prefilter` markers), never from a hand-written list, so a new provider
file widens it automatically. They are compiled into one regular expression shaped as a trie: at
each position of the text the engine follows one branch instead of trying every term in turn, which
makes the scan several times faster than a plain alternation. Most files of a large tree never
reach a parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from routelint.catalog.keys import may_hold_key
from routelint.catalog.model import Catalog
from routelint.discover import DOTENV, PYTHON
from routelint.sdks import SdkCatalog

# Route-like keys of config files (`base_url:`, `apiBase`, LiteLLM's `litellm_params`): too common in
# Python to keep a .py file, but a YAML/TOML/JSON file holding one is worth parsing
_CONFIG_TERMS = re.compile(r"(?i)base[_-]?url|api[_-]?base|litellm_params")


@dataclass
class Prefilter:
    route_pattern: re.Pattern[str]
    catalog: Catalog

    def is_candidate(self, text: str, kind: str = PYTHON) -> bool:
        if self.route_pattern.search(text) is not None:
            return True
        if kind == DOTENV:
            return True  # env files fill the project environment of code: always read
        return kind != PYTHON and _CONFIG_TERMS.search(text) is not None

    def may_hold_key(self, text: str) -> bool:
        return may_hold_key(self.catalog, text)


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


def build_prefilter(catalog: Catalog, sdks: SdkCatalog) -> Prefilter:
    terms: set[str] = set(sdks.markers)
    for provider in catalog.providers.values():
        terms.update(host.lstrip("*.-") for host in provider.hosts if host.lstrip("*.-"))
        terms.update(provider.key_env)
        terms.update(provider.base_url_env)
    for sink in sdks.sinks.values():
        if sink.kind != "http":  # `import requests` alone is no route: a provider host must appear
            terms.update(sink.base_url_env)
            terms.update(sink.api_key_env)
    return Prefilter(re.compile(trie_pattern(terms)), catalog)

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

from routelint.catalog.keys import key_gate_words, may_hold_key
from routelint.catalog.model import Catalog
from routelint.discover import DOTENV, NOTEBOOK, PYTHON
from routelint.modules import JS_KINDS
from routelint.sdks import SdkCatalog
from routelint.trie import compiled_trie

# Route-like keys of config files (`base_url:`, `apiBase`, LiteLLM's `litellm_params`): too common in
# Python to keep a .py file, but a YAML/TOML/JSON file holding one is worth parsing
_CONFIG_TERMS = re.compile(r"(?i)base[_-]?url|api[_-]?base|litellm_params")


@dataclass
class Prefilter:
    route_pattern: re.Pattern[str]
    catalog: Catalog
    # route terms and key gate words in one trie: most files miss it, and are done after one pass
    any_pattern: re.Pattern[str]

    def is_candidate(self, text: str, kind: str = PYTHON) -> bool:
        if self.route_pattern.search(text) is not None:
            return True
        return _candidate_by_kind(text, kind)

    def may_hold_key(self, text: str) -> bool:
        return may_hold_key(self.catalog, text)

    def classify(self, text: str, kind: str) -> tuple[bool, bool]:
        """(worth parsing, may hold a key), in a single pass over the text for most files."""
        if self.any_pattern.search(text) is None:
            return _candidate_by_kind(text, kind), False
        return self.is_candidate(text, kind), self.may_hold_key(text)


def _candidate_by_kind(text: str, kind: str) -> bool:
    if kind in (DOTENV, NOTEBOOK):
        # env files fill the project environment of code: always read; a notebook is always checked
        # for validity (RL001), and its code reaches a full parse only through the Python gate
        return True
    return kind not in (PYTHON, *JS_KINDS) and _CONFIG_TERMS.search(text) is not None


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
    gate = key_gate_words(catalog)
    combined = compiled_trie(frozenset(terms | gate)) if gate is not None else re.compile(r"")
    return Prefilter(compiled_trie(frozenset(terms)), catalog, combined)

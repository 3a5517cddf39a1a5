"""Decide cheaply, from raw text, whether a file can hold anything of interest.

The pattern is built from the catalog and the SDK data (provider hosts, key/base-URL environment
variable names, SDK import names, endpoint resource names), never from a hand-written list, so a new
provider file widens it automatically. Most files of a large tree never reach a parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from routelint.catalog.model import Catalog
from routelint.discover import DOTENV, PYTHON
from routelint.sdks import SdkCatalog

# Endpoint calls on a client imported from elsewhere: `client.chat.completions.create(...)`
_ENDPOINT_WORDS = ("completions", "embeddings", ".files.", ".uploads.", ".responses.", ".batches.", "vector_stores", "fine_tuning", "ChatCompletion")
# Route-like keys of config files (`base_url:`, `apiBase`, LiteLLM's `litellm_params`): too common in
# Python to keep a .py file, but a YAML/TOML/JSON file holding one is worth parsing
_CONFIG_TERMS = re.compile(r"(?i)base[_-]?url|api[_-]?base|litellm_params")


@dataclass
class Prefilter:
    route_pattern: re.Pattern[str]
    key_pattern: re.Pattern[str]

    def is_candidate(self, text: str, kind: str = PYTHON) -> bool:
        if self.route_pattern.search(text) is not None:
            return True
        if kind == DOTENV:
            return True  # env files fill the project environment of code: always read
        return kind != PYTHON and _CONFIG_TERMS.search(text) is not None

    def may_hold_key(self, text: str) -> bool:
        return self.key_pattern.search(text) is not None


def _host_term(host: str) -> str:
    return host.lstrip("*.-")


def build_prefilter(catalog: Catalog, sdks: SdkCatalog) -> Prefilter:
    terms: set[str] = set()
    for provider in catalog.providers.values():
        terms.update(_host_term(host) for host in provider.hosts if _host_term(host))
        terms.update(provider.key_env)
        terms.update(provider.base_url_env)
    for sink in sdks.sinks.values():
        if sink.kind != "http":  # `import requests` alone is no route: a provider host must appear
            terms.update(sink.base_url_env)
            terms.update(sink.api_key_env)
    http_modules = {sink.names[0].split(".")[0] for sink in sdks.sinks.values() if sink.kind == "http"}
    for module in sdks.import_names:
        if module not in http_modules:
            terms.add(f"import {module}")
            terms.add(f"from {module}")
    terms.update(_ENDPOINT_WORDS)
    route = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)))
    keys = [pattern.regex.pattern for provider in catalog.providers.values() for pattern in provider.key_patterns]
    key_pattern = re.compile("|".join(f"(?:{pattern})" for pattern in keys) if keys else r"(?!x)x")
    return Prefilter(route, key_pattern)

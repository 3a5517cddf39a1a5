"""The provider catalog as typed data, loaded from `rules/providers/*.toml`.

One TOML file describes one provider; nothing in the code names a provider except through this data.
See `rules/providers/README.md` for the file format.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Optional

KINDS = ("provider", "router", "local")


@dataclass(frozen=True)
class KeyPattern:
    id: str
    regex: re.Pattern[str]
    prefix: str  # literal prefix ("" for prefix-less patterns)
    min_entropy: float  # bits/char measured on the part after the prefix
    needs_context: bool  # prefix-less patterns need provider context on the same line
    context: tuple[str, ...]  # words that count as context (lower-case)


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    kind: str
    docs: str
    checked: str
    sources: tuple[str, ...]
    # base URL
    canonical_base_url: Optional[str]
    hosts: tuple[str, ...]  # exact hosts or "*.suffix" / "*-suffix" wildcards
    base_path: str  # path an SDK base URL must start with ("" = any)
    base_path_optional: bool  # e.g. DeepSeek: root or /v1 both work
    base_url_env: tuple[str, ...]
    fix_base_url_env: Optional[str]
    local_ports: tuple[int, ...]
    local_names: tuple[str, ...]
    # keys
    key_env: tuple[str, ...]
    fix_key_env: Optional[str]
    key_patterns: tuple[KeyPattern, ...]
    accepts_key_from: tuple[str, ...]  # other providers whose keys this route accepts
    # models
    model_style: str
    serves: tuple[re.Pattern[str], ...]  # when set, IDs outside are RL301
    owned: tuple[re.Pattern[str], ...]  # IDs only this provider serves (not checked on routers)
    owned_everywhere: tuple[re.Pattern[str], ...]  # IDs no other route serves, routers included
    serves_any: bool  # deployment names etc.: no naming rule applies
    strip_prefix: str
    known_models: tuple[str, ...]
    confirm: tuple[re.Pattern[str], ...]  # router IDs confirmed by their documented style
    model_hint: str  # human text: what IDs look like here
    model_vendor: Optional[str]  # this provider's slug in routers' `vendor/model` IDs
    # endpoints
    unsupported_endpoints: tuple[str, ...]
    notes: tuple[str, ...] = ()
    # `known` is the provider's complete, documented model list: an ID in its style (`serves`) that is
    # not on it is unconfirmed (RL302), even on a direct provider (DeepSeek)
    closed_list: bool = False
    # the provider's own model namespace (OpenRouter's `openrouter/`): only its own products live there
    namespace: str = ""

    @property
    def is_router(self) -> bool:
        return self.kind == "router"

    @property
    def is_local(self) -> bool:
        return self.kind == "local"

    def unsupported(self, endpoint: str) -> Optional[str]:
        """The `unsupported_endpoints` pattern that rules out `endpoint` here (`files.*`), or None."""
        for pattern in self.unsupported_endpoints:
            if fnmatch.fnmatchcase(endpoint, pattern) or endpoint == pattern.rstrip(".*"):
                return pattern
        return None


@dataclass(eq=False)
class Catalog:
    """Compared and hashed by identity: one catalog per run, used as a cache key."""

    providers: dict[str, Provider]
    endpoint_suffixes: tuple[str, ...]  # URL path endings that are endpoints, not bases
    placeholder_words: tuple[str, ...]
    endpoint_paths: dict[str, str]  # raw-HTTP path ending -> SDK resource chain
    digest: str
    pinned: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # JS framework prefixes that ship a variable to the browser (`NEXT_PUBLIC_`, `VITE_`): stripped before
    # a variable name is judged, and a key behind one is exposed
    public_env_prefixes: tuple[str, ...] = ()

    def get(self, provider_id: Optional[str]) -> Optional[Provider]:
        if provider_id is None:
            return None
        return self.providers.get(provider_id)

    def name(self, provider_id: Optional[str]) -> str:
        provider = self.get(provider_id)
        return provider.name if provider else (provider_id or "an unknown provider")

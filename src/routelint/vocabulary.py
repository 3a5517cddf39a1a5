"""The words the frontends read routes with, loaded from `rules/vocabulary.toml`.

Which mapping keys hold a base URL, a key or a model, which env variable suffixes go together, which
words say a config path configures an LLM, which file names are templates, which JSON files allow
comments, which request arguments mean an endpoint feature: knowledge, so it is data next to the providers and SDKs (validated by its schema like
every file under rules/), not constants spread over the frontends.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from routelint.data import load_toml, rules_dir
from routelint.schema import ensure_valid


@dataclass(frozen=True)
class ConfigVocabulary:
    sdk_base_keys: tuple[str, ...]
    http_base_keys: tuple[str, ...]
    key_keys: tuple[str, ...]
    key_env_keys: tuple[str, ...]
    model_keys: tuple[str, ...]
    url_suffixes: tuple[str, ...]
    key_suffixes: tuple[str, ...]
    model_suffixes: tuple[str, ...]
    model_vars: tuple[str, ...]
    llm_words: tuple[str, ...]
    llm_whole_words: frozenset[str]
    template_words: tuple[str, ...]
    jsonc_dirs: tuple[str, ...]
    jsonc_names: frozenset[str]
    jsonc_name_prefixes: tuple[str, ...]
    request_features: dict[str, tuple[tuple[str, str], ...]]  # language -> (argument, feature), data order


@lru_cache(maxsize=1)
def config_vocabulary() -> ConfigVocabulary:
    ensure_valid(rules_dir())
    data = load_toml(rules_dir() / "vocabulary.toml")
    keys, env, jsonc = data["config_keys"], data["env_names"], data["jsonc"]
    return ConfigVocabulary(
        sdk_base_keys=tuple(keys["sdk_base"]),
        http_base_keys=tuple(keys["http_base"]),
        key_keys=tuple(keys["key"]),
        key_env_keys=tuple(keys["key_env"]),
        model_keys=tuple(keys["model"]),
        url_suffixes=tuple(env["url_suffixes"]),
        key_suffixes=tuple(env["key_suffixes"]),
        model_suffixes=tuple(env["model_suffixes"]),
        model_vars=tuple(env["model_vars"]),
        llm_words=tuple(data["llm_words"]),
        llm_whole_words=frozenset(data["llm_whole_words"]),
        template_words=tuple(data["template_words"]),
        jsonc_dirs=tuple(jsonc["dirs"]),
        jsonc_names=frozenset(jsonc["names"]),
        jsonc_name_prefixes=tuple(jsonc["name_prefixes"]),
        request_features={language: tuple(table.items()) for language, table in data["request_features"].items()},
    )


def is_template_path(path: str) -> bool:
    """`.env.example`, `.env.template`, `sample.env`, `config.example.yaml`: documents, not settings."""
    name = path.rsplit("/", 1)[-1].lower()
    return any(word in name for word in config_vocabulary().template_words)


def request_features(language: str, arguments: Iterable[tuple[str, bool]]) -> tuple[str, ...]:
    """The endpoint features a request uses, from its (argument name, set to the literal false) pairs:
    `stream=True` is streaming, `stream=False` is not. In the order of rules/vocabulary.toml."""
    given = {name for name, false in arguments if not false}
    table = config_vocabulary().request_features.get(language, ())
    return tuple(dict.fromkeys(feature for name, feature in table if name in given))


__all__ = ["ConfigVocabulary", "config_vocabulary", "is_template_path", "request_features"]

"""Load and validate the provider catalog from TOML files."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional

from routelint.catalog.model import Catalog, KeyPattern, Provider
from routelint.data import load_toml, rules_dir, tomllib
from routelint.schema import RulesDataError, ensure_valid, validate


class CatalogError(RulesDataError):
    """A catalog file is malformed; the message names the file and the key."""


def _regexes(where: str, items: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for item in items:
        try:
            compiled.append(re.compile(item))
        except re.error as exc:
            raise CatalogError(f"{where}: bad regex {item!r}: {exc}") from None
    return tuple(compiled)


def provider_from_table(data: dict[str, Any], where: str, validated: bool = False) -> Provider:
    """Build a Provider from one parsed TOML table (a catalog file or a user's config entry), checked
    against rules/schema/providers.schema.json unless it was (`validated`: a shipped file)."""
    if not validated:
        validate("providers", data, where, CatalogError)
    base = data.get("base_url", {})
    keys = data.get("keys", {})
    models = data.get("models", {})
    patterns = []
    for index, raw in enumerate(keys.get("patterns", [])):
        (regex,) = _regexes(f"{where}: keys.patterns[{index}]", [raw["regex"]])
        patterns.append(
            KeyPattern(
                id=raw.get("id", f"{data['id']}-{index + 1}"),
                regex=regex,
                prefix=raw.get("prefix", ""),
                min_entropy=float(raw.get("min_entropy", 3.0)),
                needs_context=bool(raw.get("needs_context", not raw.get("prefix"))),
                context=tuple(word.lower() for word in raw.get("context", [])),
            )
        )
    return Provider(
        id=data["id"],
        name=data["name"],
        kind=data["kind"],
        docs=data.get("docs", ""),
        checked=data.get("checked", ""),
        sources=tuple(data.get("sources", [])),
        notes=tuple(data.get("notes", [])),
        canonical_base_url=base.get("canonical"),
        hosts=tuple(host.lower() for host in base.get("hosts", [])),
        base_path=base.get("path", "").rstrip("/"),
        base_path_optional=bool(base.get("path_optional", False)),
        base_url_env=tuple(base.get("env", [])),
        fix_base_url_env=base.get("fix_env"),
        local_ports=tuple(int(port) for port in base.get("local_ports", [])),
        local_names=tuple(name.lower() for name in base.get("local_names", [])),
        key_env=tuple(keys.get("env", [])),
        fix_key_env=keys.get("fix_env"),
        key_patterns=tuple(patterns),
        accepts_key_from=tuple(keys.get("accepts_from", [])),
        model_style=models.get("style", "any"),
        serves=_regexes(f"{where}: models.serves", models.get("serves", [])),
        owned=_regexes(f"{where}: models.owned", models.get("owned", [])),
        owned_everywhere=_regexes(f"{where}: models.owned_everywhere", models.get("owned_everywhere", [])),
        serves_any=bool(models.get("serves_any", False)),
        strip_prefix=models.get("strip_prefix", ""),
        known_models=tuple(models.get("known", [])),
        confirm=_regexes(f"{where}: models.confirm", models.get("confirm", [])),
        model_hint=models.get("hint", ""),
        model_vendor=models.get("vendor"),
        closed_list=_closed_list(where, models),
        namespace=models.get("namespace", ""),
        unsupported_endpoints=tuple(data.get("endpoints", {}).get("unsupported", [])),
    )


def _closed_list(where: str, models: dict) -> bool:
    """`closed = true` needs the list it closes: a provider cannot document a closed list of nothing."""
    closed = bool(models.get("closed", False))
    if closed and not models.get("known"):
        raise CatalogError(f"{where}: models.closed = true needs the documented list in 'known'")
    return closed


@lru_cache(maxsize=4)
def _shipped(root: Path) -> tuple[dict[str, Provider], dict[str, Any], bytes]:
    """The provider files and shared vocabulary under `root`, validated and parsed once per process."""
    ensure_valid(root)
    digest = hashlib.sha256()
    providers: dict[str, Provider] = {}
    for path in sorted((root / "providers").glob("*.toml")):
        raw_bytes = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw_bytes)
        provider = provider_from_table(tomllib.loads(raw_bytes.decode("utf-8")), str(path), validated=True)
        if provider.id in providers:
            raise CatalogError(f"{path}: duplicate provider id {provider.id!r}")
        providers[provider.id] = provider
    shared_path = root / "catalog.toml"
    digest.update(shared_path.read_bytes())
    # the config frontends' words (rules/vocabulary.toml) change facts too: cached facts must not outlive them
    digest.update(b"\0vocabulary\0" + (rules_dir() / "vocabulary.toml").read_bytes())
    return providers, load_toml(shared_path), digest.digest()


def load_catalog(
    directory: Optional[Path] = None,
    extra_providers: Iterable[dict[str, Any]] = (),
    pinned: Optional[dict[str, tuple[str, ...]]] = None,
) -> Catalog:
    """Every provider file plus `catalog.toml` (shared vocabulary) and any user-defined providers."""
    shipped, shared, shipped_digest = _shipped((directory or rules_dir()).resolve())
    digest = hashlib.sha256(shipped_digest)
    providers = dict(shipped)
    for index, table in enumerate(extra_providers):
        provider = provider_from_table(table, f"config provider #{index + 1}")
        digest.update(repr(sorted(table.items())).encode())
        providers[provider.id] = provider
    pins = dict(pinned or {})
    for provider_id, models in sorted(pins.items()):
        digest.update(f"pin:{provider_id}:{','.join(models)}".encode())
    return Catalog(
        providers=providers,
        endpoint_suffixes=tuple(shared.get("endpoint_suffixes", [])),
        placeholder_words=tuple(word.lower() for word in shared.get("placeholder_words", [])),
        endpoint_paths=dict(shared.get("endpoint_paths", {})),
        public_env_prefixes=tuple(shared.get("public_env_prefixes", ())),
        digest=digest.hexdigest(),
        pinned=pins,
    )

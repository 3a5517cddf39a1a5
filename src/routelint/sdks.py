"""What each SDK's route sinks look like, loaded from `rules/sdks/*.toml`.

A sink is a callable that sets up a route (a client constructor, a one-shot completion call, a raw
HTTP request) together with the parameters that carry its base URL, key and model, and the
environment variables the SDK reads when a parameter is absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from routelint.data import load_toml, rules_dir

SINK_KINDS = ("client", "call", "http")


@dataclass(frozen=True)
class Sink:
    sdk: str
    kind: str
    names: tuple[str, ...]
    base_url: tuple[str, ...] = ()
    base_url_position: Optional[int] = None
    api_key: tuple[str, ...] = ()
    model: tuple[str, ...] = ()
    model_position: Optional[int] = None
    base_url_env: tuple[str, ...] = ()
    api_key_env: tuple[str, ...] = ()
    base_is_root: bool = False  # the value is a resource root the SDK extends (Azure endpoint)
    default_endpoint: Optional[str] = None  # the API family the call uses (a one-shot call's endpoint)
    model_prefixes: bool = False  # model strings carry LiteLLM-style `<provider>/` routing prefixes


@dataclass(frozen=True)
class LegacySpec:
    module: str
    base_url_attrs: tuple[str, ...]
    api_key_attrs: tuple[str, ...]
    base_url_env: tuple[str, ...]
    api_key_env: tuple[str, ...]
    resources: tuple[str, ...]
    calls: dict[str, str]


@dataclass
class SdkCatalog:
    sinks: dict[str, Sink]  # qualified name -> sink
    legacy: list[LegacySpec]
    import_names: tuple[str, ...]
    digest_parts: list[bytes] = field(default_factory=list)


def _sink(sdk: str, raw: dict, where: str) -> Sink:
    kind = raw.get("kind")
    if kind not in SINK_KINDS:
        raise ValueError(f"{where}: sink kind must be one of {SINK_KINDS}, not {kind!r}")
    return Sink(
        sdk=sdk,
        kind=kind,
        names=tuple(raw["names"]),
        base_url=tuple(raw.get("base_url", raw.get("url", ()))),
        base_url_position=raw.get("url_position", raw.get("base_url_position")),
        api_key=tuple(raw.get("api_key", ())),
        model=tuple(raw.get("model", ())),
        model_position=raw.get("model_position"),
        base_url_env=tuple(raw.get("base_url_env", ())),
        api_key_env=tuple(raw.get("api_key_env", ())),
        base_is_root=bool(raw.get("base_is_root", False)),
        default_endpoint=raw.get("default_endpoint"),
        model_prefixes=bool(raw.get("model_prefixes", False)),
    )


def load_sdks(directory: Optional[Path] = None) -> SdkCatalog:
    root = (directory or rules_dir()) / "sdks"
    sinks: dict[str, Sink] = {}
    legacy: list[LegacySpec] = []
    imports: list[str] = []
    parts: list[bytes] = []
    for path in sorted(root.glob("*.toml")):
        parts.append(path.read_bytes())
        data = load_toml(path)
        sdk = data["id"]
        imports.extend(data.get("imports", []))
        for index, raw in enumerate(data.get("sinks", [])):
            sink = _sink(sdk, raw, f"{path} sink #{index + 1}")
            for name in sink.names:
                sinks[name] = sink
        if "legacy" in data:
            raw = data["legacy"]
            legacy.append(
                LegacySpec(
                    module=raw["module"],
                    base_url_attrs=tuple(raw.get("base_url_attrs", ())),
                    api_key_attrs=tuple(raw.get("api_key_attrs", ())),
                    base_url_env=tuple(raw.get("base_url_env", ())),
                    api_key_env=tuple(raw.get("api_key_env", ())),
                    resources=tuple(raw.get("resources", ())),
                    calls=dict(raw.get("calls", {})),
                )
            )
    return SdkCatalog(sinks=sinks, legacy=legacy, import_names=tuple(dict.fromkeys(imports)), digest_parts=parts)


@lru_cache(maxsize=1)
def shipped_sdks() -> SdkCatalog:
    return load_sdks()

"""JS/TS route sinks, loaded from the `language = "javascript"` files of `rules/sdks/`.

A sink is named `<module specifier>#<export>` (`openai#default`, `@ai-sdk/openai#createOpenAI`,
`axios#default.post`); a global that needs no import is `global#fetch`. Values sit in the sink's
options object, one level down or more (`configuration.baseURL` of LangChain.js), so parameters are
property paths. Kinds:

- `client`: `new OpenAI({...})`; endpoint calls on the result use its route (`client.files.create`).
- `provider`: a Vercel AI SDK provider factory (`createOpenAI({...})`); calling the provider or one of
  its methods with a model ID (`p("m")`, `p.chat("m")`) calls an endpoint. `instance = true` marks a
  ready-made provider (`openai` of `@ai-sdk/openai`) that reads only the environment.
- `http`: one raw request (`fetch(url, init)`, `axios.post(url, data, config)`): the URL is a full endpoint.
- `http-client`: `axios.create({ baseURL })`; `.post("/chat/completions", data)` calls an endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from routelint.data import load_toml, rules_dir
from routelint.schema import ensure_valid

JS_LANGUAGE = "javascript"


@dataclass(frozen=True)
class VersionSwitch:
    """From `major` of `package` on, the listed calls use the sink's endpoint; below it, `below`."""

    package: str
    major: int
    below: str
    applies_to: tuple[str, ...] = ("",)


@dataclass(frozen=True)
class JsSink:
    sdk: str
    kind: str
    names: tuple[str, ...]
    options: int = 0  # which argument holds the options object
    base_url: tuple[str, ...] = ()  # property paths in the options object
    api_key: tuple[str, ...] = ()
    key_headers: tuple[str, ...] = ()  # `headers.Authorization: "Bearer ..."`
    model: tuple[str, ...] = ()
    base_url_env: tuple[str, ...] = ()
    api_key_env: tuple[str, ...] = ()
    browser_flag: Optional[str] = None  # `dangerouslyAllowBrowser`
    default_endpoint: Optional[str] = None
    endpoint_flag: Optional[tuple[str, str]] = None  # (option set to true, endpoint): `useResponsesApi`
    resources: tuple[str, ...] = ()  # client: first members of endpoint chains (`chat`, `files`, ...)
    methods: dict[str, str] = field(default_factory=dict)  # provider: method ("" = call) -> endpoint
    version: Optional[VersionSwitch] = None
    instance: bool = False
    implied_provider: Optional[str] = None
    consumer: str = "sdk"
    native_label: Optional[str] = None
    url_position: int = 0  # http
    data_position: Optional[int] = None  # http: the argument holding the JSON body (axios)
    init_position: Optional[int] = None  # http: the argument holding headers/body (fetch init, axios config)


@dataclass(frozen=True, eq=False)
class JsSinks:
    sinks: dict[str, JsSink]
    modules: frozenset[str]  # module specifiers any sink comes from


def _sink(sdk: str, raw: dict) -> JsSink:
    """One `[[sinks]]` table; its keys and kinds were checked by rules/schema/sdks.schema.json."""
    version = raw.get("version")
    flag = raw.get("endpoint_flag")
    return JsSink(
        sdk=sdk,
        kind=raw["kind"],
        names=tuple(raw["names"]),
        options=int(raw.get("options", 0)),
        base_url=tuple(raw.get("base_url", ())),
        api_key=tuple(raw.get("api_key", ())),
        key_headers=tuple(raw.get("key_headers", ())),
        model=tuple(raw.get("model", ())),
        base_url_env=tuple(raw.get("base_url_env", ())),
        api_key_env=tuple(raw.get("api_key_env", ())),
        browser_flag=raw.get("browser_flag"),
        default_endpoint=raw.get("default_endpoint"),
        endpoint_flag=(str(flag["option"]), str(flag["endpoint"])) if flag else None,
        resources=tuple(raw.get("resources", ())),
        methods=dict(raw.get("methods", {})),
        version=VersionSwitch(str(version["package"]), int(version["major"]), str(version["below"]),
                              tuple(version.get("applies_to", ("",)))) if version else None,
        instance=bool(raw.get("instance", False)),
        implied_provider=raw.get("implied_provider"),
        consumer=raw.get("consumer", "sdk"),
        native_label=raw.get("native_label"),
        url_position=int(raw.get("url_position", 0)),
        data_position=raw.get("data_position"),
        init_position=raw.get("init_position"),
    )


def load_js_sinks(directory: Optional[Path] = None) -> JsSinks:
    ensure_valid(directory or rules_dir())
    root = (directory or rules_dir()) / "sdks"
    sinks: dict[str, JsSink] = {}
    for path in sorted(root.glob("*.toml")):
        data = load_toml(path)
        if data.get("language") != JS_LANGUAGE:
            continue
        for raw in data.get("sinks", []):
            sink = _sink(data["id"], raw)
            for name in sink.names:
                sinks[name] = sink
    modules = frozenset(name.split("#", 1)[0] for name in sinks)
    return JsSinks(sinks, modules)


@lru_cache(maxsize=1)
def shipped_js_sinks() -> JsSinks:
    return load_js_sinks()

"""What each SDK's route sinks look like, loaded from `rules/sdks/*.toml`.

A sink is a callable that sets up a route or uses one, together with the parameters that carry its
base URL, key, model and client, and the environment variables the SDK reads when a parameter is
absent. Sink kinds:

- `client`: constructs a client (`OpenAI(...)`, LangChain `ChatOpenAI(...)`); endpoint calls on the
  result use its route. With a `client` parameter given (`OpenAIProvider(openai_client=c)`), the
  sink uses that client's route instead of building one.
- `call`: a one-shot call that is route and request at once (`litellm.completion(...)`).
- `router`: a list of one-shot routes (`litellm.Router(model_list=[{litellm_params: {...}}])`).
- `model`: sends a model over a client built elsewhere (`OpenAIChatCompletionsModel(model, client)`).
- `install`: makes a client the default of a framework (`set_default_openai_client(client)`).
- `wrap`: returns the client it is given (`instructor.from_openai(client)`).
- `http`: a raw HTTP request; the URL is a full endpoint.
- `http-client`: a raw HTTP client with a `base_url`; `.post("/chat/completions")` calls an endpoint.

Optional keys beyond those every frontend reads (a frontend that does not know one ignores it, so
adding them never changes what an older evaluator finds):
- `methods`: `{invoke = "chat.completions.create"}` — a method of the object the sink returns that
  sends a request, and the endpoint it calls (`llm.invoke(...)`, `generator.run(...)`);
- `provider_param` + `provider_table`: a parameter that names the provider (`model_provider="openai"`,
  a config entry's `"api_type": "google"`), read like a model prefix of that table;
- `api_key_object`: the key parameter takes an object that reads the key (Haystack's `Secret`), not
  the key text, so no fix passes it a plain `os.environ[...]`;
- `entry_kwargs`: a router whose own keywords form one entry when the list parameter is absent
  (AG2's `LLMConfig(model=..., base_url=...)`); `list_param` may be a dotted path into a dict
  argument (`llm_config.config_list`).
Per SDK file: `sources` and `checked` (the date the facts were last compared with them); `env_getters`
(calls whose first argument names an environment variable they read, like `os.getenv`) and
`passthrough` (calls that return their first argument: a secret wrapper); `config_files` (file names
without a telling suffix that hold configuration of a kind: `OAI_CONFIG_LIST = "json"`).
Prefix tables: `[prefix_separators]` sets a table's separator (default `/`); `[inferred.<table>]` maps
the start of an unprefixed model name to the table entry its SDK infers (`claude = "anthropic"`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from routelint.data import load_toml, rules_dir
from routelint.schema import RulesDataError, ensure_valid


@dataclass(frozen=True)
class ModelPrefix:
    """`gemini/` in a LiteLLM model string: which provider it routes to, and how."""

    provider: Optional[str]  # None: the route's base URL decides (LiteLLM's `openai/`)
    native: bool = False  # the provider's native API, not its OpenAI-compatible layer
    strip: bool = True  # the prefix is removed before the ID reaches the endpoint
    base_env: tuple[str, ...] = ()
    key_env: tuple[str, ...] = ()
    label: str = ""  # how messages name it: "LiteLLM's gemini/ provider"


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
    client: tuple[str, ...] = ()
    client_position: Optional[int] = None
    base_url_env: tuple[str, ...] = ()
    api_key_env: tuple[str, ...] = ()
    base_is_root: bool = False  # the value is a resource root the SDK extends (Azure endpoint)
    default_endpoint: Optional[str] = None  # the API family the sink calls
    # a module-level call that switches the default endpoint: (qualified name, argument, endpoint)
    switch: Optional[tuple[str, str, str]] = None
    # a parameter that switches it: (name, python literal text, endpoint), e.g. use_responses=False
    endpoint_param: Optional[tuple[str, str, str]] = None
    model_prefixes: Optional[str] = None  # id of the prefix table model strings are read with
    list_param: Optional[str] = None  # router: the parameter holding the list of routes (dotted: nested)
    params_key: Optional[str] = None  # router: the key of each entry that holds its parameters
    # optional keys (see the module docstring)
    methods: tuple[tuple[str, str], ...] = ()  # (method name, endpoint) of the object the sink returns
    provider_param: Optional[str] = None
    provider_table: Optional[str] = None
    entry_kwargs: bool = False
    api_key_object: bool = False

    def method_endpoint(self, name: str) -> Optional[str]:
        """The endpoint `obj.<name>(...)` calls on what this sink returns, if it sends a request."""
        return next((endpoint for method, endpoint in self.methods if method == name), None)


@dataclass(frozen=True)
class LegacySpec:
    module: str
    base_url_attrs: tuple[str, ...]
    api_key_attrs: tuple[str, ...]
    base_url_env: tuple[str, ...]
    api_key_env: tuple[str, ...]
    resources: tuple[str, ...]
    calls: dict[str, str]


@dataclass(eq=False)
class SdkCatalog:
    """Compared and hashed by identity, like the provider catalog: one per process, a cache key."""

    sinks: dict[str, Sink]  # qualified name -> sink
    legacy: list[LegacySpec]
    markers: tuple[str, ...]  # text that makes a Python file worth parsing (the prefilter)
    prefixes: dict[str, dict[str, ModelPrefix]] = field(default_factory=dict)  # table id -> prefix -> spec
    digest_parts: list[bytes] = field(default_factory=list)
    separators: dict[str, str] = field(default_factory=dict)  # table id -> separator, when not "/"
    inferred: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # table -> (name start, prefix)
    env_getters: frozenset[str] = frozenset()  # qualified names of calls reading the env var named by arg 0
    passthrough: frozenset[str] = frozenset()  # qualified names of calls returning their first argument
    config_files: dict[str, str] = field(default_factory=dict)  # file name -> file kind
    names: dict[str, str] = field(default_factory=dict)  # SDK id -> display name

    def split_model(self, table: Optional[str], model: str) -> tuple[Optional[ModelPrefix], str, str]:
        """(prefix spec, prefix text, ID that reaches the endpoint) for a prefixed model string; an
        unprefixed name its SDK maps to a provider (`claude-...` in LangChain) gives that spec and no
        prefix text."""
        if not table or table not in self.prefixes:
            return None, "", model
        separator = self.separators.get(table, "/")  # "": the table has no explicit prefixes
        head, found, rest = model.partition(separator) if separator else (model, "", "")
        spec = self.prefixes[table].get(head.lower()) if found else None
        if spec is not None:
            return (spec, head + separator, rest) if spec.strip else (spec, "", model)
        lower = model.lower()
        for start, prefix in self.inferred.get(table, ()):
            if lower.startswith(start):
                return self.prefixes[table].get(prefix), "", model
        return None, "", model

    def provider_spec(self, table: Optional[str], value: str) -> Optional[ModelPrefix]:
        """The spec a provider parameter's value names (`model_provider="openai"`), if the table knows it."""
        entries = self.prefixes.get(table or "", {})
        return entries.get(value.lower()) or entries.get(value.lower().replace("-", "_"))


def _triple(raw: Optional[dict], keys: tuple[str, str, str]) -> Optional[tuple[str, str, str]]:
    return None if raw is None else tuple(str(raw[key]) for key in keys)  # type: ignore[return-value]


def _sink(sdk: str, raw: dict) -> Sink:
    """One `[[sinks]]` table; its keys and kinds were checked by rules/schema/sdks.schema.json."""
    return Sink(
        sdk=sdk,
        kind=raw["kind"],
        names=tuple(raw["names"]),
        base_url=tuple(raw.get("base_url", raw.get("url", ()))),
        base_url_position=raw.get("url_position", raw.get("base_url_position")),
        api_key=tuple(raw.get("api_key", ())),
        model=tuple(raw.get("model", ())),
        model_position=raw.get("model_position"),
        client=tuple(raw.get("client", ())),
        client_position=raw.get("client_position"),
        base_url_env=tuple(raw.get("base_url_env", ())),
        api_key_env=tuple(raw.get("api_key_env", ())),
        base_is_root=bool(raw.get("base_is_root", False)),
        default_endpoint=raw.get("default_endpoint"),
        switch=_triple(raw.get("switch"), ("call", "value", "endpoint")),
        endpoint_param=_triple(raw.get("endpoint_param"), ("name", "value", "endpoint")),
        model_prefixes=raw.get("model_prefixes"),
        list_param=raw.get("list_param"),
        params_key=raw.get("params_key"),
        methods=tuple((str(name), str(endpoint)) for name, endpoint in raw.get("methods", {}).items()),
        provider_param=raw.get("provider_param"),
        provider_table=raw.get("provider_table"),
        entry_kwargs=bool(raw.get("entry_kwargs", False)),
        api_key_object=bool(raw.get("api_key_object", False)),
    )


def load_sdks(directory: Optional[Path] = None) -> SdkCatalog:
    ensure_valid(directory or rules_dir())
    root = (directory or rules_dir()) / "sdks"
    catalog = SdkCatalog(sinks={}, legacy=[], markers=())
    markers: list[str] = []
    getters: set[str] = set()
    passthrough: set[str] = set()
    inferred: dict[str, list[tuple[str, str]]] = {}
    reexports: dict[str, str] = {}  # another package's name for a sink -> the sink's own name
    for path in sorted(root.glob("*.toml")):
        catalog.digest_parts.append(path.read_bytes())
        data = load_toml(path)
        sdk = data["id"]
        catalog.names[sdk] = str(data.get("name", sdk))
        markers.extend(data.get("prefilter", []))
        getters.update(data.get("env_getters", []))
        passthrough.update(data.get("passthrough", []))
        catalog.config_files.update({str(name): str(kind) for name, kind in data.get("config_files", {}).items()})
        catalog.separators.update({str(table): str(sep) for table, sep in data.get("prefix_separators", {}).items()})
        for table, entries in data.get("inferred", {}).items():
            inferred.setdefault(table, []).extend((str(start).lower(), str(prefix).lower()) for start, prefix in entries.items())
        reexports.update(data.get("reexports", {}))
        if data.get("language", "python") != "python":
            continue  # another language's sinks (JS/TS: routelint.frontends.js.sinks); markers still count
        for raw in data.get("sinks", []):
            sink = _sink(sdk, raw)
            for name in sink.names:
                catalog.sinks[name] = sink
        for table, entries in data.get("prefixes", {}).items():
            bucket = catalog.prefixes.setdefault(table, {})
            for prefix, spec in entries.items():
                bucket[prefix.lower()] = ModelPrefix(
                    provider=spec.get("provider"),
                    native=bool(spec.get("native", False)),
                    strip=bool(spec.get("strip", True)),
                    base_env=tuple(spec.get("base_env", ())),
                    key_env=tuple(spec.get("key_env", ())),
                    label=spec.get("label", f"{table}'s {prefix}{catalog.separators.get(table, '/')} provider"),
                )
        if "legacy" in data:
            raw = data["legacy"]
            catalog.legacy.append(
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
    for alias, canonical in reexports.items():  # `from agents import AsyncOpenAI` is openai's AsyncOpenAI
        if canonical in catalog.sinks:
            catalog.sinks.setdefault(alias, catalog.sinks[canonical])
    catalog.markers = tuple(dict.fromkeys(markers))
    catalog.env_getters = frozenset(getters)
    catalog.passthrough = frozenset(passthrough)
    for table, starts in inferred.items():  # the longest start wins (`gpt-4o` before `gpt-`)
        catalog.inferred[table] = tuple(sorted(starts, key=lambda item: -len(item[0])))
        unknown = [prefix for _, prefix in starts if prefix not in catalog.prefixes.get(table, {})]
        if unknown:
            raise RulesDataError(f"{root}: inferred.{table} names prefixes the table does not have: "
                                 f"{', '.join(sorted(set(unknown)))}")
    return catalog


@lru_cache(maxsize=1)
def shipped_sdks() -> SdkCatalog:
    return load_sdks()

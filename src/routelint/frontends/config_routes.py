"""Route shapes shared by the config frontends (.env, YAML, TOML, JSON).

Each config frontend parses its file with a well-kept parser, turns the result into the small neutral
tree below (mappings, sequences and scalars whose string values remember exactly where their text is
written), and hands it to `RouteCollector`, which knows the shapes a route takes in configuration:

- env-style variable sets (`.env`, docker-compose `environment:` as a map or a `KEY=value` list,
  GitHub Actions `env:` at workflow/job/step level, Kubernetes ConfigMap/Secret data and container
  `env: [{name, value}]`): a base-URL variable (`OPENAI_BASE_URL`, a provider's documented variable,
  or any `*_BASE_URL`/`*_URL`) paired with the key and model variables of the same prefix;
- LiteLLM proxy `model_list[].litellm_params` with LiteLLM's routing prefixes (`openai/<id>` sends
  `<id>` to `api_base`, `gemini/<id>` is Gemini's native API, ...);
- any mapping whose sibling keys look like a route (`base_url`/`api_base`/`baseURL`/`endpoint`,
  `api_key`/`apiKey`, `model`).

Values are literals (origin ORIGIN_CONFIG: configuration, never "hardcoded"), or references to an
environment variable (`${VAR}`, `${VAR:-default}`, `$VAR`, `$(VAR)`, `os.environ/VAR`,
`${{ secrets.X }}`, `${env:VAR}`), which the project environment resolves later. Frontends know nothing about rules.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Union

from routelint.catalog.model import Catalog
from routelint.catalog.urls import parse_url, provider_for_url
from routelint.facts import (
    CONSUMER_HTTP,
    CONSUMER_NATIVE,
    CONSUMER_SDK,
    ENV,
    LITERAL,
    ORIGIN_CONFIG,
    ORIGIN_DEFAULT,
    UNKNOWN,
    UNKNOWN_VALUE,
    FileFacts,
    Location,
    ProblemFact,
    RouteSite,
    SecretCandidate,
    Span,
    Value,
)
from routelint.sdks import SdkCatalog
from routelint import textio
from routelint.vocabulary import config_vocabulary, is_template_path

CONSUMER_ROOT = "root"  # a resource root the client extends itself (Azure endpoint, a native Ollama host)
LITELLM_TABLE = "litellm"  # the model-prefix table in rules/sdks/litellm.toml
MAX_DEPTH = 64  # deeper parts of a config tree are not searched for routes

# --------------------------------------------------------------------------- positions


class LineIndex(textio.LineIndex):
    """Offsets in a text -> 1-based line and column (columns count characters), and spans."""

    def span(self, start: int, end: int) -> Span:
        line, column = self.point(start)
        end_line, end_column = self.point(max(start, end))
        return Span(line, column, end_line, end_column)

    def line_span(self, line: int) -> Span:
        """The first non-blank character of a 1-based line."""
        line = max(1, min(line, len(self.starts)))
        start = self.starts[line - 1]
        stop = self.text.find("\n", start)
        stop = len(self.text) if stop < 0 else stop
        content = self.text[start:stop]
        indent = len(content) - len(content.lstrip())
        return self.span(start + indent, stop)


@dataclass
class Text:
    """A string value and where it is written. `exact`: value[i] is the character at start + i."""

    value: str
    path: str
    lines: LineIndex
    start: int
    end: int
    exact: bool
    # the delimiter of the scalar the text is written in (`"`, `'`, `"""`, or "" when plain), for fixes;
    # None when unknown. Only meaningful while `exact`.
    quote: Optional[str] = None

    def loc(self, i: int = 0, j: Optional[int] = None) -> Location:
        if self.exact:
            stop = len(self.value) if j is None else j
            return Location(self.path, self.lines.span(self.start + i, self.start + stop))
        return Location(self.path, self.lines.span(self.start, self.end))

    def sub(self, i: int, j: Optional[int] = None) -> "Text":
        stop = len(self.value) if j is None else j
        if self.exact:
            return Text(self.value[i:stop], self.path, self.lines, self.start + i, self.start + stop, True, self.quote)
        return Text(self.value[i:stop], self.path, self.lines, self.start, self.end, False)

    def replaced(self, value: str) -> "Text":
        """The same place holding a decoded value (a base64 Secret): positions are the whole text."""
        return Text(value, self.path, self.lines, self.start, self.end, False)


def text_at(value: str, path: str, lines: LineIndex, start: int, end: int) -> Text:
    """A value written between `start` and `end`: exact when the written text is the value itself."""
    return Text(value, path, lines, start, end, lines.text[start:end] == value)


# --------------------------------------------------------------------------- the neutral tree


@dataclass
class Scalar:
    value: Optional[str]  # the text of the scalar (numbers as written); None for null
    text: Optional[Text] = None  # where it is written (strings)
    kind: str = "str"  # str | int | float | bool | null | other


@dataclass
class Mapping:
    span: Span
    items: dict[str, tuple[Span, "Node"]] = field(default_factory=dict)  # key -> (key span, value); last wins

    def get(self, key: str) -> Optional["Node"]:
        item = self.items.get(key)
        return item[1] if item else None

    def put(self, key: str, key_span: Span, node: "Node") -> None:
        self.items.pop(key, None)  # a duplicate key: the last one wins, as in every loader
        self.items[key] = (key_span, node)


@dataclass
class Sequence:
    span: Span
    items: list["Node"] = field(default_factory=list)


Node = Union[Scalar, Mapping, Sequence, None]


def scalar_text(node: Node) -> Optional[Text]:
    if isinstance(node, Scalar) and node.value is not None and node.text is not None:
        return node.text
    return None


# --------------------------------------------------------------------------- references

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_GH_REF = re.compile(r"\$\{\{\s*(?:secrets|vars|env|inputs)\.(" + _NAME + r")\s*\}\}")
_LITELLM_REF = re.compile(r"os\.environ/(" + _NAME + r")")
_BRACED_REF = re.compile(r"\$\{(" + _NAME + r")(?:(:?[-=])([^}]*)|:?[?+][^}]*)?\}")
_K8S_REF = re.compile(r"\$\((" + _NAME + r")\)")
_VSCODE_REF = re.compile(r"\$\{env:(" + _NAME + r")\}")
_BARE_REF = re.compile(r"\$(" + _NAME + r")")
_ANY_REF = re.compile(r"\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\(" + _NAME + r"\)")
_GH_EXPR = re.compile(r"\$\{\{.*?\}\}", re.S)


def parse_reference(
    text: Text,
    *,
    identifier: Optional[str] = None,
    slot: Optional[str] = None,
    lookup: Optional[Callable[[str], Optional[str]]] = None,
) -> Value:
    """A config value: a literal (ORIGIN_CONFIG) or a reference to an environment variable.

    `slot` is the environment variable the value is assigned to (`OPENAI_API_KEY=...`): a literal
    remembers it, so checks can judge a key by the variable it sits in. `lookup` resolves
    `${VAR}` parts of a mixed value from earlier definitions in the same file.
    """
    raw = text.value
    stripped = raw.strip()
    lead = len(raw) - len(raw.lstrip())
    whole = text.sub(lead, lead + len(stripped)) if stripped != raw else text

    quote = whole.quote if whole.exact else None  # for fixes: the text at loc is exactly the value

    def named(match: re.Match[str]) -> Optional[tuple[Location, str]]:
        # for fixes: where the variable's name is written inside the reference
        return (whole.sub(match.start(1), match.end(1)).loc(), quote) if quote is not None else None

    for pattern in (_GH_REF, _LITELLM_REF, _K8S_REF, _VSCODE_REF, _BARE_REF):
        match = pattern.fullmatch(stripped)
        if match:
            return Value(ENV, env_var=match.group(1), loc=whole.loc(), origin=ORIGIN_CONFIG, identifier=identifier,
                         name_literal=named(match))
    match = _BRACED_REF.fullmatch(stripped)
    if match:
        var, operator, default = match.group(1), match.group(2), match.group(3)
        if operator and default:
            where = whole.sub(match.start(3), match.end(3))
            return Value(ENV, text=default, env_var=var, loc=where.loc(), origin=ORIGIN_CONFIG, identifier=identifier,
                         config_quote=quote)
        return Value(ENV, env_var=var, loc=whole.loc(), origin=ORIGIN_CONFIG, identifier=identifier, name_literal=named(match))
    if _ANY_REF.search(stripped):
        # a mixed value (`${HOST}/v1`): known parts stay, unknown ones become `{NAME}` holes
        partial = False

        def substitute(found: re.Match[str]) -> str:
            nonlocal partial
            token = found.group(0)
            name_match = (_BRACED_REF.fullmatch(token) or _GH_REF.fullmatch(token) or _K8S_REF.fullmatch(token)
                          or _VSCODE_REF.fullmatch(token))
            name = name_match.group(1) if name_match else "expr"
            resolved = lookup(name) if lookup and name_match else None
            if resolved is not None:
                return resolved
            partial = True
            return "{" + name + "}"

        value = _ANY_REF.sub(substitute, stripped)
        result = Value(LITERAL, text=value, loc=whole.loc(), origin=ORIGIN_CONFIG, partial=partial, identifier=identifier)
        return result.with_(env_var=slot) if slot else result
    result = Value(LITERAL, text=stripped, loc=whole.loc(), origin=ORIGIN_CONFIG, identifier=identifier, config_quote=quote)
    return result.with_(env_var=slot) if slot else result


def pass_through(name: str, where: Location) -> Value:
    """`- OPENAI_API_KEY` in a compose environment list: the value comes from the environment."""
    return Value(ENV, env_var=name, loc=where, origin=ORIGIN_CONFIG, identifier=name)


_URL_PLACEHOLDER = re.compile(r"(your|<|>|\.\.\.|…|xxx|changeme|replace|example|placeholder)", re.I)


def is_url_placeholder(text: str) -> bool:
    """A base-URL value that is no URL and no reference: a template's hint for the user."""
    stripped = text.strip()
    if not stripped or parse_url(stripped).is_url:
        return False
    return True if _URL_PLACEHOLDER.search(stripped) or " " in stripped or "/" not in stripped else False


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class BaseVar:
    """An environment variable that holds a base URL, and the variables that go with it."""

    name: str
    provider: Optional[str]
    consumer: str  # sdk: an OpenAI-style SDK reads it; root: a resource/native root; http: unknown use
    keys: tuple[str, ...]
    models: tuple[str, ...]


# env variable suffixes (`*_BASE_URL` with `*_API_KEY`, `*_MODEL`) and mapping keys: rules/vocabulary.toml


def _prefix(name: str, suffixes: Iterable[str]) -> Optional[str]:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return None


class Vocabulary:
    """Which environment variables carry base URLs and keys, from the catalog and SDK data."""

    def __init__(self, catalog: Catalog, sdks: SdkCatalog) -> None:
        self.catalog = catalog
        self.known: dict[str, BaseVar] = {}
        self.key_names: set[str] = set()
        provider_of: dict[str, str] = {}
        for provider in catalog.providers.values():
            self.key_names.update(provider.key_env)
            for name in provider.base_url_env:
                provider_of.setdefault(name, provider.id)
        sink_keys: dict[str, tuple[str, ...]] = {}
        sink_consumer: dict[str, str] = {}
        for sink in sdks.sinks.values():
            if sink.kind == "http":
                continue
            for name in sink.base_url_env:
                sink_keys.setdefault(name, sink.api_key_env)
                sink_consumer.setdefault(name, CONSUMER_ROOT if sink.base_is_root else CONSUMER_SDK)
            self.key_names.update(sink.api_key_env)
        # LiteLLM reads these for its prefixes; a native prefix's variable holds the provider's host root
        prefix_keys: dict[str, tuple[str, ...]] = {}
        for spec in getattr(sdks, "prefixes", {}).get(LITELLM_TABLE, {}).values():
            for name in spec.base_env:
                if spec.provider:
                    provider_of.setdefault(name, spec.provider)
                if spec.native:
                    sink_consumer[name] = CONSUMER_ROOT
                prefix_keys[name] = prefix_keys.get(name, ()) + tuple(spec.key_env)
        for name in list(provider_of) + [name for name in sink_consumer if name not in provider_of]:
            provider = catalog.get(provider_of.get(name))
            if name in sink_consumer:
                consumer = sink_consumer[name]
            elif provider is not None and (provider.is_local or not provider.base_path):
                consumer = CONSUMER_ROOT  # OLLAMA_HOST, AZURE_OPENAI_ENDPOINT: native roots, not /v1 bases
            else:
                consumer = CONSUMER_SDK
            prefix = _prefix(name, config_vocabulary().url_suffixes + ("_HOST",)) or name
            keys = self._keys_for(prefix) + sink_keys.get(name, ()) + prefix_keys.get(name, ()) + (provider.key_env if provider else ())
            self.known[name] = BaseVar(name, provider.id if provider else None, consumer, tuple(dict.fromkeys(keys)), self._models_for(prefix))

    @staticmethod
    def _keys_for(prefix: str) -> tuple[str, ...]:
        return tuple(prefix + suffix for suffix in config_vocabulary().key_suffixes)

    @staticmethod
    def _models_for(prefix: str) -> tuple[str, ...]:
        return tuple(prefix + suffix for suffix in config_vocabulary().model_suffixes)

    def base_var(self, name: str) -> Optional[BaseVar]:
        if name in self.known:
            return self.known[name]
        prefix = _prefix(name, config_vocabulary().url_suffixes)
        if prefix is None:
            return None
        return BaseVar(name, None, CONSUMER_HTTP, self._keys_for(prefix), self._models_for(prefix))


_VOCABULARIES: dict[tuple[int, int], tuple[Catalog, SdkCatalog, Vocabulary]] = {}


def vocabulary(catalog: Catalog, sdks: SdkCatalog) -> Vocabulary:
    """One vocabulary per (catalog, SDK data) pair; both live for the whole run."""
    cached = _VOCABULARIES.get((id(catalog), id(sdks)))
    if cached is not None and cached[0] is catalog and cached[1] is sdks:
        return cached[2]
    if len(_VOCABULARIES) > 8:
        _VOCABULARIES.clear()
    made = Vocabulary(catalog, sdks)
    _VOCABULARIES[(id(catalog), id(sdks))] = (catalog, sdks, made)
    return made


# --------------------------------------------------------------------------- config keys

def norm_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


# the mapping keys that hold a base URL, key or model (normalised like norm_key): rules/vocabulary.toml

_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_ENV_ITEM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*(=|$)")

@dataclass
class Entry:
    """`NAME=value` in an env-style set."""

    name: str
    name_span: Span
    value: Value


# --------------------------------------------------------------------------- collector


class RouteCollector:
    """Turns env-style sets and config mappings into RouteSites (in_code=False) on `facts`."""

    def __init__(self, facts: FileFacts, catalog: Catalog, sdks: SdkCatalog, lines: LineIndex) -> None:
        self.facts = facts
        self.catalog = catalog
        self.sdks = sdks
        self.vocab = vocabulary(catalog, sdks)
        self.lines = lines
        self.template = is_template_path(facts.path)
        self._seen: set[tuple] = set()
        self._count = 0
        self._decoded: set[int] = set()  # Secret `data` mappings, read base64-decoded in `document`

    # ---------------------------------------------------------------- sites
    def _add(self, site_span: Span, sdk: str, base: Value, key: Value, model: Optional[Value], consumer: str,
             implied: Optional[str] = None, *, endpoint: bool = True) -> Optional[RouteSite]:
        identity = (_loc_key(base), _loc_key(key), _loc_key(model), consumer, implied)
        if identity in self._seen:
            return None
        self._seen.add(identity)
        self._count += 1
        site = RouteSite(
            id=f"{self.facts.path}:{site_span.line}:{site_span.column}:config{self._count}",
            path=self.facts.path,
            span=site_span,
            sdk=sdk,
            base_url=base,
            api_key=key,
            model=model,
            consumer=consumer,
            in_code=False,
            implied_provider=implied,
        )
        if consumer == CONSUMER_HTTP and endpoint:
            site.endpoint = self.endpoint_of(base)
            if site.endpoint and base.loc is not None and base.loc.path == site.path:
                site.span = base.loc.span  # the call is the full endpoint URL: report it there
        self.facts.routes.append(site)
        return site

    def endpoint_of(self, base: Value) -> Optional[str]:
        """The endpoint a full-endpoint URL calls (`.../openai/files`), judged on the OpenAI-compatible path only."""
        if base.text is None or base.partial:
            return None
        provider = provider_for_url(self.catalog, base.text)
        if provider is None or provider.is_local:
            return None
        path = parse_url(base.text).path.rstrip("/")
        if provider.base_path and not (path + "/").startswith(provider.base_path.rstrip("/") + "/"):
            return None  # a native API path (Gemini's /upload/v1beta/files), not the compatibility layer
        for suffix, endpoint in sorted(self.catalog.endpoint_paths.items(), key=lambda item: -len(item[0])):
            if path.endswith(suffix):
                return endpoint
        return None

    # ---------------------------------------------------------------- env-style sets
    def env_routes(self, entries: dict[str, Entry], sdk: str) -> None:
        """Pair each base-URL variable with the key and model variables of the same prefix."""
        bases = [(entry, self.vocab.base_var(name)) for name, entry in entries.items()]
        bases = [(entry, var) for entry, var in bases if var is not None]
        for entry, var in bases:
            base = entry.value
            if base.kind == UNKNOWN:
                continue
            if self.template and base.kind == LITERAL and base.text is not None and is_url_placeholder(base.text):
                continue  # `OPENAI_BASE_URL=<your endpoint>` in a template is a hint, not a route
            key_entry = next((entries[name] for name in var.keys if name in entries), None)
            model_entry = next((entries[name] for name in var.models if name in entries), None)
            if model_entry is None and len(bases) == 1:
                model_entry = next((entries[name] for name in config_vocabulary().model_vars if name in entries), None)
            not_url = base.kind == LITERAL and base.text is not None and not parse_url(base.text).is_url
            if not_url and var.consumer == CONSUMER_ROOT:
                continue  # OLLAMA_HOST=0.0.0.0:11434: a native client's host, not an SDK base
            if var.consumer == CONSUMER_HTTP:
                if not_url:
                    continue
                provider = provider_for_url(self.catalog, base.text) if base.text else None
                if key_entry is None and (provider is None or provider.is_local):
                    continue  # DATABASE_URL, REDIS_URL: no route
            self._add(
                entry.name_span,
                sdk,
                base,
                key_entry.value if key_entry else UNKNOWN_VALUE,
                model_entry.value if model_entry else None,
                var.consumer,
            )

    def entry(self, name: str, name_span: Span, node: Node, *, passthrough: bool = False) -> Optional[Entry]:
        text = scalar_text(node)
        if text is not None:
            return Entry(name, name_span, parse_reference(text, identifier=name, slot=name))
        if passthrough and (node is None or (isinstance(node, Scalar) and node.value is None)):
            return Entry(name, name_span, pass_through(name, Location(self.facts.path, name_span)))
        return None

    def _decoded_secrets(self, encoded: Optional[Text], decoded: Optional[Text]) -> None:
        """A key base64-encoded in a Kubernetes Secret's `data` is still a committed key (RL202)."""
        if encoded is None or decoded is None or decoded.value == encoded.value:
            return
        from routelint.catalog.keys import find_keys

        for match in find_keys(self.catalog, decoded.value):
            self.facts.secrets.append(SecretCandidate(
                path=self.facts.path, span=encoded.loc().span, text=match.text, provider=match.provider,
                pattern=match.pattern, encoded=encoded.value.strip(),
            ))

    def env_mapping(self, node: Mapping, *, passthrough: bool = False, decode: bool = False) -> dict[str, Entry]:
        entries: dict[str, Entry] = {}
        for name, (span, child) in node.items.items():
            if not _ENV_NAME.match(name):
                continue
            if decode:
                encoded = scalar_text(child)
                child = _base64_decoded(child)
                self._decoded_secrets(encoded, scalar_text(child))
            entry = self.entry(name, span, child, passthrough=passthrough)
            if entry is not None:
                entries[name] = entry
        return entries

    def env_list(self, node: Sequence, *, passthrough: bool) -> dict[str, Entry]:
        """`["KEY=value", ...]` (compose) or `[{name: KEY, value: ...}, ...]` (Kubernetes)."""
        entries: dict[str, Entry] = {}
        if node.items and all(isinstance(item, Mapping) and isinstance(item.get("name"), Scalar) for item in node.items):
            for item in node.items:
                assert isinstance(item, Mapping)
                name_node = item.get("name")
                name_text = scalar_text(name_node)
                if name_text is None or not _ENV_NAME.match(name_text.value):
                    continue
                name_span = name_text.loc().span
                value = item.get("value")
                source = item.get("valueFrom")
                value_text = scalar_text(value)
                if value_text is not None:
                    reference = parse_reference(value_text, identifier=name_text.value, slot=name_text.value)
                    entries[name_text.value] = Entry(name_text.value, name_span, reference)
                elif isinstance(source, Mapping):
                    ref = source.get("secretKeyRef") or source.get("configMapKeyRef")
                    key_text = scalar_text(ref.get("key")) if isinstance(ref, Mapping) else None
                    if key_text is not None:
                        entries[name_text.value] = Entry(
                            name_text.value,
                            name_span,
                            Value(ENV, env_var=key_text.value, loc=key_text.loc(), origin=ORIGIN_CONFIG, identifier=name_text.value),
                        )
            return entries
        texts = [scalar_text(item) for item in node.items]
        if not texts or any(text is None for text in texts):
            return entries
        for text in texts:
            assert text is not None
            match = _ENV_ITEM.match(text.value)
            if match is None:
                return {}
            name = match.group(1)
            name_loc = text.loc(match.start(1), match.end(1))
            if match.group(2) != "=":  # `- OPENAI_API_KEY`: passed through from the environment
                if passthrough and _ENV_NAME.match(name):
                    entries[name] = Entry(name, name_loc.span, pass_through(name, name_loc))
                continue
            if not _ENV_NAME.match(name):
                continue
            value_text = text.sub(match.end(), len(text.value))
            entries[name] = Entry(name, name_loc.span, parse_reference(value_text, identifier=name, slot=name))
        return entries

    # ---------------------------------------------------------------- documents
    def document(self, root: Node, sdk: str) -> None:
        """Every route shape in one parsed document (a YAML document, a TOML or JSON file)."""
        if isinstance(root, Mapping):
            flavour = _flavour(root)
            sdk = flavour or sdk
            if flavour == "github-actions":
                self._github_actions(root)
            if flavour == "kubernetes" and _scalar_value(root.get("kind")) == "Secret":
                data = root.get("data")
                if isinstance(data, Mapping):
                    self._decoded.add(id(data))
                    self.env_routes(self.env_mapping(data, decode=True), sdk)
        self._walk(root, (), 0, sdk)

    def _walk(self, node: Node, keys: tuple, depth: int, sdk: str) -> None:
        if depth > MAX_DEPTH:
            return
        parent = keys[-1] if keys and isinstance(keys[-1], str) else ""
        if isinstance(node, Mapping):
            if parent == "litellm_params":
                self._litellm(node)
            else:
                self._mapping_route(node, keys, sdk)
            if id(node) not in self._decoded:
                self.env_routes(self.env_mapping(node, passthrough=parent == "environment"), sdk)
            for key, (_, child) in node.items.items():
                if keys == () and key == "tool" and isinstance(child, Mapping) and "routelint" in child.items:
                    child = Mapping(child.span, {k: v for k, v in child.items.items() if k != "routelint"})
                self._walk(child, keys + (key,), depth + 1, sdk)
        elif isinstance(node, Sequence):
            entries = self.env_list(node, passthrough=parent == "environment")
            if entries:
                self.env_routes(entries, sdk)
            for index, child in enumerate(node.items):
                self._walk(child, keys + (index,), depth + 1, sdk)

    def _github_actions(self, root: Mapping) -> None:
        """`env:` at workflow, job and step level: a step sees all three, the innermost wins."""
        workflow = self.env_mapping(root.get("env")) if isinstance(root.get("env"), Mapping) else {}
        jobs = root.get("jobs")
        if not isinstance(jobs, Mapping):
            return
        for _, (_, job) in jobs.items.items():
            if not isinstance(job, Mapping):
                continue
            job_env = self.env_mapping(job.get("env")) if isinstance(job.get("env"), Mapping) else {}  # type: ignore[arg-type]
            merged = {**workflow, **job_env}
            if job_env and workflow:
                self.env_routes(merged, "github-actions")
            steps = job.get("steps")
            if not isinstance(steps, Sequence):
                continue
            for step in steps.items:
                if isinstance(step, Mapping) and isinstance(step.get("env"), Mapping):
                    step_env = self.env_mapping(step.get("env"))  # type: ignore[arg-type]
                    if step_env and merged:
                        self.env_routes({**merged, **step_env}, "github-actions")

    # ---------------------------------------------------------------- mappings with route-like keys
    def _find(self, node: Mapping, names: tuple[str, ...]) -> Optional[tuple[str, Span, Node]]:
        normalised: dict[str, tuple[str, Span, Node]] = {}
        for key, (span, child) in node.items.items():
            normalised.setdefault(norm_key(key), (key, span, child))
            normalised.setdefault(norm_key(key.rsplit(".", 1)[-1]), (key, span, child))
        for name in names:
            if name in normalised:
                return normalised[name]
        return None

    def _mapping_route(self, node: Mapping, keys: tuple, sdk: str) -> None:
        words = config_vocabulary()
        found = self._find(node, words.sdk_base_keys)
        consumer = CONSUMER_SDK
        if found is None:
            found = self._find(node, words.http_base_keys)
            consumer = CONSUMER_HTTP
        if found is None:
            return
        base_key, base_span, base_node = found
        base_text = scalar_text(base_node)
        if base_text is None or _ENV_NAME.match(base_key):
            return
        base = parse_reference(base_text, identifier=base_key)
        key = self._key_value(node)
        model_found = self._find(node, words.model_keys)
        model_text = scalar_text(model_found[2]) if model_found else None
        model = parse_reference(model_text, identifier=model_found[0]) if model_text is not None and model_found else None
        provider = provider_for_url(self.catalog, base.text) if base.kind == LITERAL and base.text and not base.partial else None
        if base.kind == LITERAL and base.text is not None and not parse_url(base.text).is_url:
            if consumer == CONSUMER_HTTP or base.partial or not (model is not None or _llm_context(keys)):
                return  # `url: /health`, `endpoint: users`: no route
        plausible = (
            model is not None
            or (provider is not None and provider.id != "local")
            or _llm_context(keys)
            or (base.kind == ENV and base.env_var in self.vocab.known)
        )
        if not plausible:
            return  # `base_url` of a weather API or the app's own backend
        if consumer == CONSUMER_SDK and provider is not None and provider.is_local:
            consumer = CONSUMER_ROOT  # a local server's root may be for its native client; code decides
        self._add(base_span, sdk, base, key, model, consumer)

    def _key_value(self, node: Mapping) -> Value:
        found = self._find(node, config_vocabulary().key_keys)
        text = scalar_text(found[2]) if found else None
        if found is not None and text is not None:
            return parse_reference(text, identifier=found[0])
        found = self._find(node, config_vocabulary().key_env_keys)
        text = scalar_text(found[2]) if found else None
        if found is not None and text is not None and _ENV_NAME.match(text.value.strip()):
            exact = text.exact and text.quote is not None and text.value == text.value.strip()
            return Value(ENV, env_var=text.value.strip(), loc=text.loc(), origin=ORIGIN_CONFIG, identifier=found[0],
                         name_literal=(text.loc(), text.quote) if exact else None)  # `api_key_env = "NAME"`
        return UNKNOWN_VALUE

    # ---------------------------------------------------------------- LiteLLM proxy
    def _litellm(self, params: Mapping) -> None:
        """`model_list[].litellm_params`: the prefix of `model` picks LiteLLM's provider (data:
        `[prefixes.litellm]` in rules/sdks/litellm.toml); the rest of the string is the ID that
        reaches the endpoint, judged against `api_base` or the provider the prefix implies."""
        model_item = params.items.get("model")
        model_text = scalar_text(model_item[1]) if model_item else None
        if model_item is None or model_text is None:
            return
        site_span = model_item[0]
        where = Location(self.facts.path, site_span)
        base_found = self._find(params, ("apibase", "baseurl"))
        base_text = scalar_text(base_found[2]) if base_found else None
        base = parse_reference(base_text, identifier=base_found[0]) if base_text is not None and base_found else None
        key_item = params.items.get("api_key")
        key_text = scalar_text(key_item[1]) if key_item else None
        key = parse_reference(key_text, identifier="api_key") if key_text is not None else None

        raw = model_text.value
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        if _ANY_REF.search(stripped) or _LITELLM_REF.fullmatch(stripped) or _BARE_REF.fullmatch(stripped):
            return  # the model comes from the environment
        table = self.sdks.prefixes.get(LITELLM_TABLE, {}) if hasattr(self.sdks, "prefixes") else {}
        custom = _scalar_value(params.get("custom_llm_provider"))
        if custom:
            spec, model_start = table.get(custom.strip().lower()), lead
            if spec is None:
                return
        else:
            head = stripped.split("/", 1)[0].lower() if "/" in stripped else ""
            spec = table.get(head)
            if head and spec is None:
                return  # bedrock/, cohere/, ...: providers the catalog does not model
            model_start = lead + (len(head) + 1 if spec is not None and spec.strip else 0)
        model = parse_reference(model_text.sub(model_start, lead + len(stripped)), identifier="model")
        if spec is None:
            # no prefix: LiteLLM guesses the provider from the ID and sends it to api_base, whose
            # shape then depends on that guess; only the model is judged against the base
            if base is None:
                return
            self._add(site_span, "litellm-proxy", base, key or UNKNOWN_VALUE, model, CONSUMER_HTTP, endpoint=False)
            return
        if base is None and spec.base_env:
            base = Value(ENV, env_var=spec.base_env[0], implicit=True, loc=where, origin=ORIGIN_DEFAULT)
        if key is None and spec.key_env:
            key = Value(ENV, env_var=spec.key_env[0], implicit=True, loc=where, origin=ORIGIN_DEFAULT)
        site = self._add(
            site_span,
            "litellm-proxy",
            base or UNKNOWN_VALUE,
            key or UNKNOWN_VALUE,
            model,
            CONSUMER_NATIVE if spec.native else CONSUMER_SDK,
            spec.provider,
        )
        if site is not None and spec.native and hasattr(site, "native_label"):
            site.native_label = spec.label


def _loc_key(value: Optional[Value]) -> Optional[tuple]:
    if value is None:
        return None
    if value.loc is None:
        return (value.kind, value.env_var, value.text)
    return (value.loc.path, value.loc.span, value.kind)


def _scalar_value(node: Node) -> Optional[str]:
    return node.value if isinstance(node, Scalar) else None


def _flavour(root: Mapping) -> Optional[str]:
    keys = root.items
    if "model_list" in keys:
        return "litellm-proxy"
    if "jobs" in keys and ("on" in keys or "true" in keys or "True" in keys):
        return "github-actions"
    if "apiVersion" in keys and "kind" in keys:
        return "kubernetes"
    if "services" in keys and isinstance(root.get("services"), Mapping):
        return "docker-compose"
    return None


def _base64_decoded(node: Node) -> Node:
    text = scalar_text(node)
    if text is None:
        return node
    try:
        decoded = base64.b64decode(text.value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return node
    return Scalar(decoded, text.replaced(decoded))


def _llm_context(keys: tuple) -> bool:
    """Does the path to this mapping say it configures an LLM (`[llm]`, `openai:`, `models.chat`)?"""
    vocabulary = config_vocabulary()
    for key in keys:
        if not isinstance(key, str):
            continue
        words = re.findall(r"[a-z]+|[A-Z][a-z]*", key)
        lowered = key.lower()
        if any(word.lower() in vocabulary.llm_whole_words for word in words):
            return True
        if any(word in lowered for word in vocabulary.llm_words):
            return True
    return False


def problem(facts: FileFacts, message: str, span: Optional[Span] = None) -> FileFacts:
    facts.problems.append(ProblemFact(facts.path, span or Span.at_line(1), message))
    return facts


__all__ = [
    "CONSUMER_ROOT",
    "Entry",
    "LineIndex",
    "Mapping",
    "RouteCollector",
    "Scalar",
    "Sequence",
    "Text",
    "is_url_placeholder",
    "parse_reference",
    "problem",
    "text_at",
]

"""Language-neutral facts that frontends produce and checks consume.

Frontends (Python, .env, YAML, TOML, JSON) know nothing about rules: they only say where a route is
set up, which values feed it and where those values are written. Everything here is plain data so it
can cross process boundaries and be cached.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace
from typing import Optional


@dataclass(frozen=True, order=True)
class Span:
    """A 1-based, end-inclusive-line / end-exclusive-column region of a file."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def at_line(cls, line: int) -> "Span":
        return cls(line, 1, line, 1)


@dataclass(frozen=True, order=True)
class Location:
    path: str
    span: Span


# Value kinds
LITERAL = "literal"  # text known and written at `loc`
ENV = "env"  # read from an environment variable (`env_var`), maybe with a default in `text`
REF = "ref"  # a name imported from another module of the scanned tree, resolved after all files are read
# the module part of a REF that stands for a parameter of a factory (FactoryTemplate): `(PARAM, "base_url")`;
# its `pieces`, when set, hold the one value used when the call site passes nothing (`base_url or DEFAULT`)
PARAM = "param:"
UNKNOWN = "unknown"  # cannot be known statically (function parameter, computed value)

# Value origins: why the text is what it is
ORIGIN_CODE = "code"  # literal written in code: a hardcoded value
ORIGIN_DEFAULT = "default"  # default of an env lookup or settings field: configurable
ORIGIN_ENV_FILE = "env-file"  # value of an env variable found in the project's env files
ORIGIN_CONFIG = "config"  # literal in a configuration file (YAML/TOML/JSON/.env)


@dataclass(frozen=True)
class Value:
    """One of a route's parts (base URL, key, model) and where it comes from."""

    kind: str
    text: Optional[str] = None
    loc: Optional[Location] = None
    env_var: Optional[str] = None
    implicit: bool = False  # the SDK reads `env_var` because the argument is absent
    identifier: Optional[str] = None  # the Python/config name the value was bound to
    ref: Optional[tuple[str, str]] = None  # (module, name) for REF values
    partial: bool = False  # literal with unknown interpolated parts, e.g. f"https://{region}-..."
    origin: str = ORIGIN_CODE
    via: tuple[Location, ...] = ()  # other places the value passed through (env files, constants)
    # prefix + quote of the plain string literal written at `loc` (`"`, `'`, `r"`, `"""`), None when
    # `loc` is not exactly one plain literal whose value is `text` (f-string, concatenation, call): fixes need it
    quote: Optional[str] = None
    # an env lookup without default whose variable name is a plain literal written in the lookup itself:
    # (where that name literal is, its quote) - a fix can change the variable and keep the lookup's form
    name_literal: Optional[tuple[Location, str]] = None
    # a config-file string (.env/YAML/TOML/JSON) whose text is written exactly at `loc`: the delimiter of
    # the scalar it sits in (`"`, `'`, `"""`, `'''`, or "" for a plain/unquoted scalar); None when not exact
    config_quote: Optional[str] = None
    # a string built from parts, one of them a name of another module (`f"{BASE}/v1"` with BASE
    # imported): kind REF, the parts (text, or Values) are joined once the resolver knows each name
    pieces: tuple = ()
    # a string built from parts that is placed at its leading part (`f"{BASE}/chat/completions"` at BASE's
    # literal): the text written at `loc`, which `text` extends; None when `loc` is the whole value
    written: Optional[str] = None

    def refs(self):
        """Every (module, name) this value waits for, its parts' included (a factory's parameters are
        not names of a module: a call site fills them)."""
        if self.kind == REF and self.ref is not None and self.ref[0] != PARAM:
            yield self.ref
        for piece in self.pieces:
            if isinstance(piece, Value):
                yield from piece.refs()

    @property
    def known(self) -> bool:
        return self.text is not None

    def with_(self, **changes) -> "Value":
        return replace(self, **changes)


def literal(text: str, loc: Optional[Location], *, origin: str = ORIGIN_CODE, partial: bool = False) -> Value:
    return Value(LITERAL, text=text, loc=loc, origin=origin, partial=partial)


def env_value(var: str, default: Optional[Value] = None, *, implicit: bool = False, loc: Optional[Location] = None) -> Value:
    """An environment lookup; the default (if literal) stays visible but is configurable."""
    if default is not None and default.text is not None:
        return Value(
            ENV,
            text=default.text,
            loc=default.loc,
            env_var=var,
            implicit=implicit,
            partial=default.partial,
            origin=ORIGIN_DEFAULT,
            identifier=default.identifier,
            quote=default.quote,
        )
    return Value(ENV, env_var=var, implicit=implicit, loc=loc, origin=ORIGIN_DEFAULT)


UNKNOWN_VALUE = Value(UNKNOWN)


# Consumers of a base URL: decides which URL shapes are wrong
CONSUMER_SDK = "sdk"  # an OpenAI-style SDK appends the endpoint path itself
CONSUMER_HTTP = "http"  # raw HTTP: the URL is the full endpoint
CONSUMER_NATIVE = "native"  # a provider's native API (LiteLLM `gemini/`, `ollama/` root)


@dataclass
class RouteSite:
    """Where a client, SDK call or config block sets up a route."""

    id: str
    path: str
    span: Span
    sdk: str
    base_url: Value
    api_key: Value
    model: Optional[Value] = None
    consumer: str = CONSUMER_SDK
    in_code: bool = True
    # the provider a model-string prefix or SDK implies when no base URL says otherwise (LiteLLM `gemini/`)
    implied_provider: Optional[str] = None
    # the API family the SDK calls by default (openai-agents defaults to the Responses API)
    default_endpoint: Optional[str] = None
    # an endpoint the site itself calls (raw HTTP POST to .../chat/completions)
    endpoint: Optional[str] = None
    # who calls a provider's native API here ("LiteLLM's ollama/ provider"): wants the host root as base
    native_label: Optional[str] = None
    # for fixes: where a key argument can be added to the call: (zero-width span, text before, "api_key=", text after)
    key_arg_insert: Optional[tuple[Span, str, str, str]] = None
    # where the key meets the route in this file: the key argument, the `"api_key"` entry of a splatted
    # dict, the Authorization header of a raw request (None when the SDK reads its implicit variable)
    api_key_span: Optional[Span] = None
    # request methods of the object this site builds, method -> endpoint ("" = calling the object itself):
    # `llm.invoke(...)` (LangChain), `p(id)` / `p.chat(id)` (Vercel AI SDK); an EndpointCall's `method`
    call_methods: dict[str, str] = field(default_factory=dict)
    # ...and the package version that changes it: (package, first major of the new default, endpoint below it,
    # methods it applies to); resolved against the project's package.json / lockfile
    endpoint_version: Optional[tuple[str, int, str, tuple[str, ...]]] = None
    # why code running in a browser holds this route's key (`dangerouslyAllowBrowser: true`), if it does
    exposure: Optional[str] = None


@dataclass
class EndpointCall:
    """A call of an endpoint on a route: `client.files.create(...)`."""

    path: str
    span: Span
    endpoint: str  # resource chain after the client, e.g. "chat.completions.create"
    route_id: Optional[str] = None  # a RouteSite.id in the same file
    route_ref: Optional[tuple[str, str]] = None  # a client imported from another module
    model: Optional[Value] = None
    features: tuple[str, ...] = ()  # streaming, tools, ... (for the audit)
    # a request method whose endpoint the route decides (`p("m")` is method "", `p.chat("m")` is "chat",
    # `llm.invoke(...)` on a client of another module is "invoke"): the route's `call_methods` map it
    method: Optional[str] = None


@dataclass
class FactoryTemplate:
    """A module-level function or client subclass that builds routes from its parameters, for its call
    sites in other modules (`make_client(base_url=...)`, `GeminiClient(model=...)`): the routes its sink
    calls set up, with each parameter a `(PARAM, name)` placeholder the resolver fills from a call site
    (the caller's argument wins, else the parameter's default)."""

    params: tuple[str, ...]  # in the order positional arguments bind (a class's `self` left out)
    defaults: dict[str, Value] = field(default_factory=dict)
    sites: list[RouteSite] = field(default_factory=list)  # the client it returns first; ids are suffixes
    # route part ("base_url", "api_key", "model") -> the sink's keyword names for it, for the parts a
    # caller's extra keywords reach through `**kwargs` forwarded to the sink
    forwards: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class FactoryCall:
    """A call, with arguments, of a function or class imported from another module of the tree: the
    resolver builds the routes of that module's FactoryTemplate (if any) here."""

    id: str  # the route id of the client the call returns (what names bound to it refer to)
    path: str
    span: Span
    ref: tuple[str, str]  # (module reference, name)
    args: tuple[Value, ...] = ()
    keywords: dict[str, Value] = field(default_factory=dict)
    arg_spans: tuple[Span, ...] = ()  # where each positional argument is written
    keyword_spans: dict[str, Span] = field(default_factory=dict)


@dataclass
class SecretCandidate:
    """Key-shaped text found in a file's raw text. `text` is secret: only redact() may show it."""

    path: str
    span: Span
    text: str
    provider: Optional[str]
    pattern: str
    in_comment: bool = False
    encoded: Optional[str] = None  # the text as written, when the key is stored encoded (base64 Secret data)


@dataclass
class EnvDefinition:
    """`NAME=value` in an env-style file: fills env lookups of code in that directory and below."""

    name: str
    value: Value
    path: str
    template: bool = False  # .env.example-style file


@dataclass
class ProblemFact:
    """A file that could not be read or parsed (becomes RL001)."""

    path: str
    span: Span
    message: str


@dataclass
class Suppression:
    path: str
    line: int
    codes: tuple[str, ...]  # empty = all codes
    span: Span
    end_line: int = 0  # last line it covers (a Python statement's first line covers the statement); 0 = `line` only
    malformed: str = ""  # why a malformed directive suppresses nothing (reported as RL002); "" = well-formed


@dataclass
class FileFacts:
    """Everything one frontend learned from one file."""

    path: str
    kind: str
    routes: list[RouteSite] = field(default_factory=list)
    calls: list[EndpointCall] = field(default_factory=list)
    secrets: list[SecretCandidate] = field(default_factory=list)
    env: list[EnvDefinition] = field(default_factory=list)
    problems: list[ProblemFact] = field(default_factory=list)
    # module-level names other modules can import: constants (Value) and clients (route ids)
    exports: dict[str, Value] = field(default_factory=dict)
    client_exports: dict[str, str] = field(default_factory=dict)
    # names this module imports from other modules, as (module, name), resolved across the tree
    client_imports: dict[str, tuple[str, str]] = field(default_factory=dict)
    suppressions: list[Suppression] = field(default_factory=list)
    # every import of a Python module, read from its text (parsed or not): (module reference, member)
    imports: tuple[tuple[str, str], ...] = ()
    parsed: bool = False  # did this file reach a full parser (for the benchmark's share)
    # for fixes (Python): digest of the analysed text, so the fixer never writes a file changed since;
    # plain string literals that may hold a key, as (span incl. quotes, value, prefix + quote);
    # module-level names for os.environ, as (expression, line of the import); where `import os` can go
    digest: str = ""
    key_literals: list[tuple[Span, str, str]] = field(default_factory=list)
    environ_names: list[tuple[str, int]] = field(default_factory=list)
    import_line: int = 1
    # for fixes (config and env files): the line a line appended at the end of the file starts on
    append_line: int = 0
    # the column `import os` goes at on `import_line` (a notebook's line starts inside a JSON string)
    import_column: int = 1
    # notebooks: where each cell line starts in the .ipynb text, as (line, column, cell number, line in
    # the cell (0: its outputs, -1: elsewhere in it), column of a `#` comment on that line or 0)
    cells: tuple[tuple[int, int, int, int, int], ...] = ()
    # JS/TS projects: package -> version (exact from a lockfile, else the package.json range), from
    # package.json / package-lock.json / pnpm-lock.yaml / yarn.lock / bun.lock
    packages: dict[str, str] = field(default_factory=dict)
    # JS/TS: why this module runs in the browser ("'use client' module"), empty when it does not
    browser: str = ""
    # names of environment variables the text reads (`os.getenv("X")`, `${X}`): RL203 knows them as real
    env_reads: tuple[str, ...] = ()
    # Python: factories other modules may call (name -> template), and calls of other modules' factories
    factories: dict[str, FactoryTemplate] = field(default_factory=dict)
    factory_calls: list[FactoryCall] = field(default_factory=list)

    def cell_label(self, line: int, column: int) -> str:
        """`cell 3, line 2` (`cell 3, output`) for a position in a notebook's .ipynb text, whose lines
        and columns are the JSON file's; empty outside a cell and in any other file."""
        index = bisect.bisect_right(self.cells, (line, column, float("inf")))
        if index == 0 or self.cells[index - 1][2] == 0:
            return ""
        # a cell line may go on in the next string, on the next JSON line
        _, _, cell, number, _ = self.cells[index - 1]
        if number > 0:
            return f"cell {cell}, line {number}"
        return f"cell {cell}, output" if number == 0 else f"cell {cell}"

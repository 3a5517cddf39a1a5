"""The pre-1.0 openai module globals (`openai.api_base = ...`, `openai.ChatCompletion.create(...)`):
one implicit route per module, whose base URL and key are the globals assigned anywhere in it.
Which module and attributes count is data (`[legacy]` in `rules/sdks/*.toml`)."""

from __future__ import annotations

import ast
from typing import Optional

from routelint.facts import ENV, ORIGIN_DEFAULT, UNKNOWN_VALUE, FileFacts, Location, RouteSite, Span, Value
from routelint.frontends.python.symbols import Symbols
from routelint.sdks import LegacySpec, SdkCatalog


class LegacyGlobals:
    def __init__(self, symbols: Symbols, facts: FileFacts, sdks: SdkCatalog) -> None:
        self.sym = symbols
        self.facts = facts
        self.specs = {spec.module: spec for spec in sdks.legacy}
        self.routes: dict[str, str] = {}  # module -> route id
        self.values: dict[tuple[str, str], Value] = {}
        self.written: dict[tuple[str, str], Span] = {}  # where each global's value is written

    def spec_of(self, local_name: str) -> Optional[LegacySpec]:
        return self.specs.get(self.sym.imports.get(local_name, ""))

    def route(self, module: str, node: Optional[ast.AST] = None) -> str:
        if module in self.routes:
            return self.routes[module]
        span = self.sym.source.span(node) if node is not None else Span(1, 1, 1, 1)
        route_id = f"{self.sym.path}:legacy:{module}"
        site = RouteSite(id=route_id, path=self.sym.path, span=span, sdk=f"{module}-legacy",
                         base_url=UNKNOWN_VALUE, api_key=UNKNOWN_VALUE)
        self.facts.routes.append(site)
        self.routes[module] = route_id
        return route_id

    def assign(self, target: ast.Attribute, value: ast.expr) -> bool:
        """`openai.api_base = ...`: True when `target` is a legacy global."""
        module = self.sym.qualified(target.value) or ""
        if module not in self.specs:
            return False
        self.values[(module, target.attr)] = self.sym.eval.evaluate(value)
        self.written[(module, target.attr)] = self.sym.source.span(value)
        self.route(module, target)
        return True

    def endpoint(self, local_name: str, names: list[str]) -> Optional[tuple[str, str]]:
        """(endpoint, module) of `openai.ChatCompletion.create` / `openai.chat.completions.create`."""
        spec = self.spec_of(local_name)
        if spec is None:
            return None
        joined = ".".join(names)
        if joined in spec.calls:
            return spec.calls[joined], spec.module
        if names[0] in spec.resources and len(names) >= 2:
            return joined, spec.module
        return None

    def finish(self) -> None:
        """The globals are known once the whole module is read: fill each legacy route."""
        for module, route_id in self.routes.items():
            spec = self.specs[module]
            site = next(site for site in self.facts.routes if site.id == route_id)
            loc = Location(self.sym.path, site.span)
            base = next((self.values[(module, attr)] for attr in spec.base_url_attrs if (module, attr) in self.values), None)
            key_attr = next((attr for attr in spec.api_key_attrs if (module, attr) in self.values), None)
            site.base_url = base or self._implicit(spec.base_url_env, loc)
            if key_attr is not None:
                site.api_key = self.values[(module, key_attr)]
                site.api_key_span = self.written[(module, key_attr)]
            else:
                site.api_key = self._implicit(spec.api_key_env, loc)

    def _implicit(self, envs: tuple[str, ...], loc: Location) -> Value:
        if not envs:
            return UNKNOWN_VALUE
        if envs[0] in self.sym.env_writes:
            return self.sym.env_writes[envs[0]].with_(env_var=envs[0])
        return Value(ENV, env_var=envs[0], implicit=True, loc=loc, origin=ORIGIN_DEFAULT)

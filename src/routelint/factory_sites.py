"""Routes a factory of one module sets up at its call sites in other modules (the resolver's half of
frontends/python/factories.py).

A `FactoryTemplate`'s sites hold `(PARAM, name)` placeholders; a `FactoryCall` holds the Values its
arguments evaluated to. Each placeholder becomes the caller's argument when one is passed for that
parameter (positionally or by name), else the parameter's default, else unknown; `param or fallback`
takes the fallback when the caller's value is unknown, as the evaluator's `or` does. Keywords a
factory forwards through `**kwargs` reach the sink's own parameters. The sites are placed at the call,
and the key is reported on the caller's argument when the caller passes it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Optional

from routelint.facts import ENV, PARAM, REF, UNKNOWN, UNKNOWN_VALUE, FactoryCall, FactoryTemplate, RouteSite, Span, Value, env_value

PARTS = ("base_url", "api_key", "model")


def _param(value: Optional[Value]) -> Optional[str]:
    if value is not None and value.kind == REF and value.ref is not None and value.ref[0] == PARAM:
        return value.ref[1]
    return None


def _depends_on_params(value: Value) -> bool:
    return _param(value) is not None or any(isinstance(piece, Value) and _depends_on_params(piece) for piece in value.pieces)


def _either(given: Value, fallback: Value) -> Value:
    """`given or fallback` for a caller's value: what the caller passes wins (an env lookup, a name of
    another module) unless it is unknown; an env lookup without default takes the fallback as default."""
    if given.kind == ENV and given.text is None and fallback.text is not None:
        return env_value(given.env_var or "", fallback)
    return fallback if given.kind == UNKNOWN else given


def instantiate(template: FactoryTemplate, call: FactoryCall) -> list[RouteSite]:
    bound: dict[str, Value] = dict(zip(template.params, call.args))
    spans: dict[str, Span] = dict(zip(template.params, call.arg_spans))
    extra: dict[str, Value] = {}
    for name, value in call.keywords.items():
        if name in template.params:
            bound[name] = value
            if name in call.keyword_spans:
                spans[name] = call.keyword_spans[name]
        else:
            extra[name] = value

    def fill(value: Optional[Value]) -> Optional[Value]:
        name = _param(value)
        if name is not None:
            given = bound.get(name) or template.defaults.get(name, UNKNOWN_VALUE)
            return _either(given, fill(value.pieces[0]) or UNKNOWN_VALUE) if value.pieces else given  # type: ignore[union-attr]
        if value is not None and value.kind == REF and value.pieces:
            return replace(value, pieces=tuple(fill(piece) if isinstance(piece, Value) else piece for piece in value.pieces))
        return value

    sites: list[RouteSite] = []
    for shape in template.sites:
        site = replace(shape, id=call.id + shape.id, path=call.path, span=call.span, key_arg_insert=None, api_key_span=None,
                       base_url=fill(shape.base_url) or UNKNOWN_VALUE, api_key=fill(shape.api_key) or UNKNOWN_VALUE,
                       model=fill(shape.model))
        # where the key meets the route: the caller's key argument; the call when the caller's choice not
        # to pass one picks the factory's fallback; else (a key no parameter touches) where the factory
        # writes it, as its own route reports it, once however many callers
        key_param = _param(shape.api_key)
        if key_param in bound:
            site.api_key_span = spans.get(key_param, call.span)  # type: ignore[arg-type]
        elif _depends_on_params(shape.api_key):
            site.api_key_span = call.span
        if not shape.id.startswith("'"):  # the sink call the factory forwards **kwargs to
            for part, names in template.forwards.items():
                name = next((name for name in names if name in extra), None)
                if name is not None and part in PARTS:
                    setattr(site, part, extra[name])
                    if part == "api_key":
                        site.api_key_span = call.keyword_spans.get(name)
        sites.append(site)
    return sites

"""YAML files: docker-compose, GitHub Actions, Kubernetes, LiteLLM proxy configs and any mapping that
looks like a route.

PyYAML composes the file (SafeLoader; `compose_all`, so multi-document files work) into nodes that
carry positions (`start_mark`/`end_mark`, character offsets). Nothing is constructed into Python
objects, so no tag runs code. Anchors and aliases are followed when the nodes are turned into the
neutral tree of `config_routes`, with merge keys (`<<: *defaults`) applied and the last of duplicate
keys winning, as PyYAML's constructor does.

Hostile input is refused, never expanded: a document with more than MAX_NODES composed nodes, or
whose aliases would expand to more than MAX_EXPANDED nodes (an alias bomb), or a file over MAX_CHARS,
is an RL001 problem. The pure-Python loader is used on purpose: libyaml's C composer recurses without
a bound and crashes the process on deeply nested flow collections, where the Python one raises
RecursionError. Flow collections (`[[[...`) nested past MAX_TREE_DEPTH are refused as the scanner
meets them: its work per token grows with the flow depth, so 5,000 brackets took a second to reach
that RecursionError.
"""

from __future__ import annotations

from routelint.catalog.model import Catalog
from routelint.facts import FileFacts, Span
from routelint.frontends.config_routes import (
    LineIndex,
    Mapping,
    Node,
    RouteCollector,
    Scalar,
    Sequence,
    Text,
    problem,
)
from routelint.sdks import SdkCatalog

MAX_CHARS = 2_000_000
MAX_NODES = 200_000
MAX_EXPANDED = 200_000
MAX_TREE_DEPTH = 200

_MERGE = "tag:yaml.org,2002:merge"
_KINDS = {
    "tag:yaml.org,2002:str": "str",
    "tag:yaml.org,2002:int": "int",
    "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool",
    "tag:yaml.org,2002:null": "null",
}


_TOO_DEEP = "cannot be analysed: YAML nested too deeply"


class Refused(Exception):
    """The file is too large or expands too far to analyse."""


def _loader_class():
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        """SafeLoader that counts composed nodes (alias uses included) and stops at MAX_NODES."""

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.node_count = 0

        def compose_node(self, parent, index):  # type: ignore[override]
            self.node_count += 1
            if self.node_count > MAX_NODES:
                raise Refused(f"has more than {MAX_NODES} YAML nodes: not analysed")
            return super().compose_node(parent, index)

        def fetch_flow_collection_start(self, TokenClass):  # type: ignore[override]
            super().fetch_flow_collection_start(TokenClass)
            if self.flow_level > MAX_TREE_DEPTH:
                raise Refused(_TOO_DEEP)

    return BoundedLoader


def _expanded_size(root, limit: int) -> int:
    """How many nodes the document has once every alias is expanded (stops counting past `limit`)."""
    import yaml

    sizes: dict[int, int] = {}
    active: set[int] = set()
    # iterative post-order walk over the node graph; shared nodes are counted once per use
    stack: list[tuple[object, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            total = 1
            if isinstance(node, yaml.SequenceNode):
                total += sum(sizes.get(id(child), 1) for child in node.value)
            elif isinstance(node, yaml.MappingNode):
                total += sum(sizes.get(id(k), 1) + sizes.get(id(v), 1) for k, v in node.value)
            sizes[key] = min(total, limit + 1)
            continue
        if key in sizes or key in active:
            continue  # already counted, or a recursive alias (counted as one node where it recurs)
        active.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, False) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append((k, False))
                stack.append((v, False))
    return sizes.get(id(root), 1)


class _Converter:
    """PyYAML nodes -> the neutral tree, with positions, merges and aliases applied."""

    def __init__(self, path: str, lines: LineIndex) -> None:
        self.path = path
        self.lines = lines
        self.active: set[int] = set()

    def span(self, node) -> Span:
        return self.lines.span(node.start_mark.index, node.end_mark.index)

    def scalar(self, node) -> Scalar:
        kind = _KINDS.get(node.tag, "other")
        if kind == "null":
            return Scalar(None, None, "null")
        start, end = node.start_mark.index, node.end_mark.index
        written = self.lines.text[start:end]
        value = node.value
        if node.style in ("'", '"') and written[:1] == node.style and written[-1:] == node.style:
            inner = written[1:-1]
            text = Text(value, self.path, self.lines, start + 1, end - 1, inner == value, node.style)
        elif node.style is None:
            text = Text(value, self.path, self.lines, start, end, written == value, "")
        else:  # block scalars (| and >): the value is not written character for character
            text = Text(value, self.path, self.lines, start, end, False)
        return Scalar(value, text, kind)

    def convert(self, node, depth: int = 0) -> Node:
        import yaml

        if node is None or depth > MAX_TREE_DEPTH or id(node) in self.active:
            return None
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return Sequence(self.span(node), [self.convert(child, depth + 1) for child in node.value])
            if isinstance(node, yaml.MappingNode):
                result = Mapping(self.span(node))
                explicit: list[tuple[str, Span, Node]] = []
                merged: list[tuple[str, Span, Node]] = []
                for key_node, value_node in node.value:
                    if key_node.tag == _MERGE:
                        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                        for source in sources:
                            converted = self.convert(source, depth + 1)
                            if isinstance(converted, Mapping):
                                # earlier merge sources win over later ones; explicit keys win over all
                                merged.extend((k, s, v) for k, (s, v) in converted.items.items()
                                              if k not in {m[0] for m in merged})
                        continue
                    if not isinstance(key_node, yaml.ScalarNode):
                        continue
                    explicit.append((key_node.value, self.span(key_node), self.convert(value_node, depth + 1)))
                explicit_keys = {key for key, _, _ in explicit}
                for key, span, value in merged:
                    if key not in explicit_keys:
                        result.put(key, span, value)
                for key, span, value in explicit:
                    result.put(key, span, value)
                return result
            return None
        finally:
            self.active.discard(id(node))


def analyze_yaml(path: str, text: str, catalog: Catalog, sdks: SdkCatalog) -> FileFacts:
    import yaml

    facts = FileFacts(path=path, kind="yaml")
    lines = LineIndex(text)
    if len(text) > MAX_CHARS:
        return problem(facts, f"is a YAML file of {len(text)} characters, over the {MAX_CHARS} this analysis reads: not analysed")
    loader = None
    documents = []
    try:  # the reader refuses some characters (form feed, DEL, ...) already while being built
        loader = _loader_class()(text)
        while loader.check_node():
            documents.append(loader.get_node())
    except Refused as exc:
        return problem(facts, str(exc))
    except yaml.MarkedYAMLError as exc:
        if "{{" in text and "}}" in text and "${{" not in text:
            return facts  # a Helm/Jinja template, not YAML until rendered
        mark = exc.problem_mark or exc.context_mark
        span = lines.span(mark.index, mark.index) if mark is not None else None
        reason = (exc.problem or exc.context or "syntax error").strip()
        return problem(facts, f"is not valid YAML: {reason}", span)
    except yaml.YAMLError as exc:
        return problem(facts, f"is not valid YAML: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    except RecursionError:
        return problem(facts, _TOO_DEEP)
    finally:
        if loader is not None:
            loader.dispose()
    for document in documents:
        if _expanded_size(document, MAX_EXPANDED) > MAX_EXPANDED:
            span = lines.span(document.start_mark.index, document.start_mark.index)
            return problem(facts, f"has YAML aliases that expand to more than {MAX_EXPANDED} nodes (an alias bomb?): not analysed", span)
    collector = RouteCollector(facts, catalog, sdks, lines)
    converter = _Converter(path, lines)
    for document in documents:
        root = converter.convert(document)
        collector.document(root, "yaml")
    return facts


__all__ = ["analyze_yaml"]

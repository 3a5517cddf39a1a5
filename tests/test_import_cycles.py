"""No import cycle among routelint's modules, counting imports placed inside functions.

A function-level import hides a cycle from the interpreter (it runs late) but not from a reader: the
modules still depend on each other, and moving one import to the top breaks the program. Every module
is parsed with `ast`; every `import` and `from ... import` anywhere in it is an edge; the strongly
connected components of the graph must all be single modules. The detector is tested on small
synthetic packages first, so it is known to fail when there is a cycle.

The layering the README's "Architecture" section draws is checked too: a stage knows nothing above it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO, write_tree

SOURCE_ROOT = REPO / "src"


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every module of `package` under `root`."""
    found: dict[str, Path] = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """`name` or its nearest enclosing module of the package (`pkg.mod.Class` -> `pkg.mod`)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> dict[str, int]:
    """Modules of the package that `module` imports, anywhere in its file -> the first line doing so."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package_parts = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    edges: dict[str, int] = {}
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[:len(package_parts) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            # `from pkg import sub` imports the submodule pkg.sub when there is one, else a name of pkg
            targets = [f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin for alias in node.names]
        for target in targets:
            known = _known(target, modules)
            if known is not None and known != module:
                edges.setdefault(known, node.lineno)
    return edges


def import_graph(root: Path, package: str) -> dict[str, dict[str, int]]:
    modules = module_files(root, package)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, {})))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _describe(graph: dict[str, dict[str, int]], component: list[str]) -> str:
    inside = set(component)
    return "; ".join(f"{name} -> {target} (line {line})" for name in component
                     for target, line in sorted(graph[name].items()) if target in inside)


# --------------------------------------------------------------------------- the detector itself


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    write_tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/engine.py": "from pkg.scan import scan\n\ndef run():\n    return scan()\n",
        "pkg/scan.py": "from pkg import fixer\n\ndef scan():\n    return fixer\n",
        "pkg/fixer.py": "def fix():\n    from pkg.engine import run  # late: the interpreter never notices\n    return run()\n",
        "pkg/leaf.py": "import os\n",
    })
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.fixer"] == {"pkg.engine": 2}
    assert cycles(graph) == [["pkg.engine", "pkg.fixer", "pkg.scan"]]


def test_relative_and_aliased_imports_count(tmp_path):
    write_tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": "from .a import A\n",
        "pkg/sub/a.py": "import pkg.b as b\nA = 1\n",
        "pkg/b.py": "def f():\n    from .sub import a\n    return a\n",
    })
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.sub"] == {"pkg.sub.a": 1}
    assert graph["pkg.b"] == {"pkg.sub.a": 2}
    assert cycles(graph) == [["pkg.b", "pkg.sub.a"]]


def test_an_acyclic_package_has_no_cycle(tmp_path):
    write_tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/top.py": "from pkg.middle import m\nfrom pkg import bottom\n",
        "pkg/middle.py": "def m():\n    from pkg.bottom import b\n    return b\n",
        "pkg/bottom.py": "b = 1\n",
    })
    assert cycles(import_graph(tmp_path, "pkg")) == []


# --------------------------------------------------------------------------- routelint


@pytest.fixture(scope="module")
def graph() -> dict[str, dict[str, int]]:
    return import_graph(SOURCE_ROOT, "routelint")


def test_routelint_has_no_import_cycle(graph):
    assert len(graph) > 50  # the whole package was read
    found = cycles(graph)
    assert not found, "import cycles: " + " | ".join(_describe(graph, component) for component in found)


ABOVE_THE_STAGES = ("routelint.engine", "routelint.cli", "routelint.fix_passes", "routelint.stdin", "routelint.reporters",
                    "routelint.audit", "routelint.baseline")


def _reaches(graph: dict[str, dict[str, int]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


@pytest.mark.parametrize("stage", ["inputs", "analysis", "closure", "checking", "postprocess"])
def test_a_stage_knows_nothing_above_it(graph, stage):
    reached = _reaches(graph, f"routelint.stages.{stage}")
    above = sorted(name for name in reached if name.startswith(ABOVE_THE_STAGES))
    assert not above, f"routelint.stages.{stage} reaches {above}"


def _reached_from_package(graph: dict[str, dict[str, int]], package: str) -> set[str]:
    inside = {name for name in graph if name == package or name.startswith(package + ".")}
    return {name for module in inside for name in _reaches(graph, module)} - inside


READERS_OF_FILES = ("routelint.frontends", "routelint.scan", "routelint.discover", "routelint.filekinds",
                    "routelint.keyscan", "routelint.stages")
RULES = ("routelint.checks", "routelint.diagnostics", "routelint.rules_docs", "routelint.project", "routelint.stages")


@pytest.mark.parametrize("package, forbidden", [
    ("routelint.checks", READERS_OF_FILES),  # checks turn facts into diagnostics; they never read a file
    ("routelint.frontends", RULES),  # frontends turn one file into facts; they know no rule or resolver
    ("routelint.catalog", RULES + READERS_OF_FILES),  # provider knowledge: verdicts, never codes or files
])
def test_the_layers_the_readme_draws(graph, package, forbidden):
    reached = _reached_from_package(graph, package)
    assert not sorted(name for name in reached if name.startswith(forbidden)), f"{package} reaches them"


@pytest.mark.parametrize("reader", ["routelint.reporters", "routelint.audit.inventory", "routelint.audit.html",
                                    "routelint.audit.formats"])
def test_readers_of_a_result_do_not_depend_on_the_engine(graph, reader):
    reached = _reaches(graph, reader)
    assert "routelint.run_result" in reached
    assert not {name for name in reached if name == "routelint.engine" or name.startswith("routelint.stages")}


def test_the_readme_architecture_names_modules_that_exist():
    """The stage diagram cannot drift from the code: every module or folder it names is there, and
    every stage module is in it."""
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    named = {name for name in re.findall(r"[\w/]+\.py|\b[a-z]+/(?=[\s,;)])", section) if not name.startswith("tests/")}
    package = SOURCE_ROOT / "routelint"
    assert len(named) > 20
    missing = sorted(name for name in named if not (package / name).exists())
    assert not missing, f"README's Architecture names what src/routelint/ does not hold: {missing}"
    stages = {f"stages/{path.name}" for path in (package / "stages").glob("*.py") if path.name != "__init__.py"}
    assert stages <= named, f"stage modules missing from README's Architecture: {sorted(stages - named)}"

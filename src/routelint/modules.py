"""How Python module names map to files of the scanned tree.

One vocabulary for the frontend, the scanner, the resolver and the engine: a *module reference* is
`mod:app.config` (an absolute import) or `path:pkg/config` (a relative import, already joined with
the importing file's folder); a *stem* is a file path without `.py` / `/__init__.py`.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from typing import Iterable, Iterator

_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(?:\(([^)]*)\)|([\w, \t]+))"
    r"|import[ \t]+([\w., \t]+))",
    re.MULTILINE,
)


def module_ref(importer: str, module: str, level: int) -> str:
    """The reference for `from <level dots><module> import ...` written in the file `importer`."""
    if level == 0:
        return "mod:" + module
    base = posixpath.dirname(importer)
    for _ in range(level - 1):
        base = posixpath.dirname(base)
    tail = module.replace(".", "/")
    return "path:" + (posixpath.join(base, tail) if tail else base)


def file_stem(path: str) -> str:
    stem = path[:-3] if path.endswith(".py") else path
    return stem[: -len("/__init__")] if stem.endswith("/__init__") else stem


@lru_cache(maxsize=65536)
def ref_stem(reference: str) -> tuple[str, str]:
    """(kind, stem) of a module reference."""
    kind, _, name = reference.partition(":")
    stem = name if kind == "path" else name.replace(".", "/")
    return kind, (posixpath.normpath(stem) if stem else stem)


def stem_index(paths: Iterable[str]) -> dict[str, list[str]]:
    """Every dotted-suffix stem of each file (`a/b/config.py` -> `a/b/config`, `b/config`, `config`)."""
    index: dict[str, list[str]] = {}
    for path in paths:
        parts = file_stem(path).split("/")
        for start in range(len(parts)):
            index.setdefault("/".join(parts[start:]), []).append(path)
    return index


def targets(index: dict[str, list[str]], reference: str, member: str = "") -> Iterator[str]:
    """Files a `(reference, member)` import may load: the module, or a submodule named `member`."""
    kind, stem = ref_stem(reference)
    candidates = [stem] + ([posixpath.join(stem, member.split(".")[0])] if member else [])
    for candidate in candidates:
        for path in index.get(candidate, []):
            if kind != "path" or path in (candidate + ".py", candidate + "/__init__.py"):
                yield path


def imports_in(path: str, text: str) -> tuple[tuple[str, str], ...]:
    """The imports of a module read from its text alone (no parse): (reference, member) pairs.

    Every import statement contains the word `import`: `str.find` jumps between its occurrences (a
    handful per file) and the statement pattern is tried only at the start of those lines."""
    found: list[tuple[str, str]] = []
    position = 0
    while True:
        at = text.find("import", position)
        if at < 0:
            break
        match = _IMPORT.match(text, text.rfind("\n", 0, at) + 1)
        position = max(at + 6, match.end()) if match else at + 6
        if match is None:
            continue
        dots, module, grouped, names, plain = match.groups()
        if plain is not None:
            for item in plain.split(","):
                name = item.strip().split(" ")[0]
                if name:
                    found.append(("mod:" + name, ""))
            continue
        reference = module_ref(path, module, len(dots))
        listed = re.sub(r"#[^\n]*", "", grouped) if grouped is not None else names
        for item in listed.replace("\n", " ").split(","):
            name = item.strip().split(" ")[0]
            if name.isidentifier():
                found.append((reference, name))
    return tuple(dict.fromkeys(found))

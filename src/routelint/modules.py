"""How module names map to files of the scanned tree.

One vocabulary for the frontends, the scanner, the resolver and the engine: a *module reference* is
`mod:app.config` (an absolute Python import), `path:pkg/config` (a relative one, already joined with
the importing file's folder), `js:src/lib/ai` (a relative JS/TS import) or `jsalias:lib/ai` (a path
alias such as `@/lib/ai`); a *stem* is a file path without `.py` / `/__init__.py`.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from typing import Iterable, Iterator, Optional

JS_KINDS = ("javascript", "typescript")  # file kinds of the JS/TS frontend (their modules: `js:` references)
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")

# the head of an import statement, tried only at the start of a line holding the word `import`;
# a parenthesised name list is read by `_grouped` (a regex for it rescans to the end of the file for
# every unclosed parenthesis: quadratic on hostile input)
_IMPORT = re.compile(
    r"[ \t]*(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(?:(\()|([\w, \t]+))"
    r"|import[ \t]+([\w., \t]+))"
)
_GROUP_STOP = re.compile(r"[()#]")


def module_ref(importer: str, module: str, level: int) -> str:
    """The reference for `from <level dots><module> import ...` written in the file `importer`."""
    if level == 0:
        return "mod:" + module
    base = posixpath.dirname(importer)
    for _ in range(level - 1):
        base = posixpath.dirname(base)
    tail = module.replace(".", "/")
    return "path:" + (posixpath.join(base, tail) if tail else base)


JS_ALIAS_PREFIXES = ("@/", "~/", "#/", "$lib/")


def js_module_ref(importer: str, specifier: str) -> Optional[str]:
    """The module reference of a JS/TS import: `js:<path stem>` for a relative path, `jsalias:<rest>`
    for a path alias (`@/lib/ai`, resolved against the tree's files like a tsconfig `paths` entry),
    None for a package."""
    if specifier.startswith("."):
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
        return "js:" + _strip_js_suffix(joined)
    for prefix in JS_ALIAS_PREFIXES:
        if specifier.startswith(prefix):
            return "jsalias:" + _strip_js_suffix(specifier[len(prefix):])
    return None


def _strip_js_suffix(path: str) -> str:
    stem, ext = posixpath.splitext(path)
    return stem if ext.lower() in JS_SUFFIXES else path


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


def _grouped(text: str, start: int) -> tuple[str, int] | None:
    """(names, end) of the name list `a, b  # comment\n c)` that starts at `start` (after its `(`), or
    None when another `(` or the end of the text comes first. Each character is looked at once, and
    the stretch read ends at the next parenthesis, so the stretches of all statements do not overlap:
    linear in the file."""
    names: list[str] = []
    position = start
    while True:
        stop = _GROUP_STOP.search(text, position)
        if stop is None or stop.group() == "(":
            return None
        names.append(text[position : stop.start()])
        if stop.group() == ")":
            return "".join(names), stop.end()
        newline = text.find("\n", stop.end())  # a comment: skip to the end of its line
        if newline < 0:
            return None
        position = newline


def imports_in(path: str, text: str) -> tuple[tuple[str, str], ...]:
    """The imports of a module read from its text alone (no parse): (reference, member) pairs.

    Every import statement contains the word `import`: `str.find` jumps between its occurrences and
    the statement pattern is tried once per line that holds the word, at the start of that line.
    Linear in the text: line starts are found by searching only the stretch since the previous
    occurrence, and a line is never tried twice."""
    found: list[tuple[str, str]] = []
    position = 0
    searched = 0  # text[:searched] has been searched for line breaks
    line_start = 0
    tried = -1  # the last line start tried
    while True:
        at = text.find("import", position)
        if at < 0:
            break
        newline = text.rfind("\n", searched, at)
        if newline >= 0:
            line_start = newline + 1
        searched = at
        if line_start == tried:
            position = at + 6
            continue
        tried = line_start
        match = _IMPORT.match(text, line_start)
        position = at + 6
        if match is None:
            continue
        dots, module, paren, names, plain = match.groups()
        position = max(position, match.end())
        if plain is not None:
            for item in plain.split(","):
                name = item.strip().split(" ")[0]
                if name:
                    found.append(("mod:" + name, ""))
            continue
        listed = names
        if paren is not None:
            group = _grouped(text, match.end())
            if group is None:
                continue
            listed, position = group[0], max(position, group[1])
        reference = module_ref(path, module, len(dots))
        for item in listed.replace("\n", " ").split(","):
            name = item.strip().split(" ")[0]
            if name.isidentifier():
                found.append((reference, name))
    return tuple(dict.fromkeys(found))


_JS_IMPORT = re.compile(r"""(?:\bfrom|\bimport|\brequire\s*\(|\bimport\s*\()\s*["']([.@~#$][^"'\n]*)["']""")


def js_imports_in(path: str, text: str) -> tuple[tuple[str, str], ...]:
    """The local modules a JS/TS file imports (ESM, `require`, dynamic `import()`), read from its text:
    (`js:`/`jsalias:` reference, ""). Package imports are left out."""
    found = []
    for match in _JS_IMPORT.finditer(text):
        reference = js_module_ref(path, match.group(1))
        if reference is not None:
            found.append((reference, ""))
    return tuple(dict.fromkeys(found))

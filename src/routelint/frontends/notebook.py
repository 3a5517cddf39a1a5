"""Jupyter notebooks (`.ipynb`): the code cells are one Python module, the rest is text for the key scan.

The code cells, in order, become one module (a client built in one cell and called in a later one is
one route), analysed by the Python frontend as it is. IPython syntax is blanked, not an error: a cell
magic (`%%bash`) blanks its cell unless its body is Python (`%%time`, `%%capture`, ...); line magics,
`!shell` lines and `obj?` help lines become `pass` at their indentation (so a block stays a block);
`files = !ls` keeps its target. A cell that uses top-level `await` (valid in IPython) has the `await`
and `async` keywords blanked, which keeps every column. A cell that is still not Python is reported
(RL001 at that cell) and left out; the other cells are analysed.

Every position is mapped back to the `.ipynb` text on disk: the line and column of the character inside
the JSON string that holds it, so editors, SARIF viewers and baselines point at a real line, and fixes
(`--fix`) are edits of those source strings (the fixer JSON-escapes their text). Key-shaped text is
found by the raw-text scan of the whole file, so markdown cells and outputs (a printed key is a leak)
are covered without a frontend; this module only tells which of those hits sit in a code comment.
`FileFacts.cells` keeps where each cell line starts so the human reports can add `cell N, line M`.

Why plain `json` and not `nbformat`:
- positions: neither keeps where a string sits in the file, so the file's text is walked here once
  more anyway (with `json`'s own C string decoder) to find each source string; nbformat adds nothing
  to that walk;
- cost: importing nbformat (jsonschema, fastjsonschema, traitlets, jupyter_core) takes ~250 ms, a
  quarter of the pre-commit hook's whole budget, for every run that meets one notebook;
- validity: the parts of the nbformat 4 schema the analysis relies on are checked here (a top-level
  object with `nbformat` 4, `nbformat_minor`, `metadata` and a `cells` list; each cell an object with a
  known `cell_type`, a string or list-of-strings `source` and a `metadata` object; code cells with an
  `outputs` list). A file failing them is RL001 with the reason, and the run goes on. The tests load
  every notebook `--fix` writes with nbformat itself (`nbformat.read` + `nbformat.validate`).
"""

from __future__ import annotations

import ast
import bisect
import io
import json
import re
import tokenize
import warnings
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, Callable, Optional

from routelint.catalog.model import Catalog
from routelint.facts import FileFacts, Location, ProblemFact, SecretCandidate, Span, Suppression
from routelint.sdks import SdkCatalog
from routelint.textio import LineIndex

KIND = "notebook"
SUFFIX = ".ipynb"

# Cell magics whose body is still Python: only their first line is blanked
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "pypy", "python", "python3"})
_CELL_KINDS = ("code", "markdown", "raw")

_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKET_OR_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)
_SCALAR = re.compile(r"-?[0-9][0-9.eE+\-]*|true|false|null")
_PIECE = re.compile(r'\\u([0-9a-fA-F]{4})|\\(.)|[^\\]+', re.S)
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_MAGIC_LINE = re.compile(r"^([ \t]*)(?:[!%]|\?)")
_HELP_LINE = re.compile(r"^([ \t]*)[\w.]+\?\??[ \t]*$")
_MAGIC_ASSIGN = re.compile(r"^[ \t]*[\w.]+(?:[ \t]*,[ \t]*[\w.]+)*[ \t]*=[ \t]*(?=[!%])")


class NotebookError(ValueError):
    """Not a notebook this frontend can read: the message says why (it becomes RL001)."""


@dataclass
class JsonString:
    """A string of the notebook's JSON: its decoded text and, for each character, the offset in the
    file text where its (possibly escaped) spelling starts; one more offset for the closing quote."""

    text: str
    offsets: list[int]


@dataclass
class Cell:
    number: int  # 1-based, counting every cell as notebook front-ends do
    kind: str
    start: int  # offset of the cell object in the file text
    source: list[JsonString]
    outputs: Optional[int] = None  # offset of the outputs list


@dataclass
class Line:
    """One line of the module built from the code cells."""

    text: str  # with its newline, as analysed (IPython syntax blanked)
    offsets: list[int]  # file offset of each character of `text`, plus one past its end
    cell: int
    number: int  # line within the cell, 1-based


@dataclass
class Notebook:
    text: str
    cells: list[Cell]
    end: int  # offset just past the cells list


# --------------------------------------------------------------------------- reading the file


def _decode(raw: str, base: int) -> JsonString:
    """Decode the inside of a JSON string literal starting at file offset `base`, keeping offsets."""
    parts: list[str] = []
    offsets: list[int] = []
    surrogates = False
    for match in _PIECE.finditer(raw):
        start = base + match.start()
        if match.group(1) is not None:
            code = int(match.group(1), 16)
            surrogates = surrogates or 0xD800 <= code <= 0xDFFF
            parts.append(chr(code))
            offsets.append(start)
        elif match.group(2) is not None:
            if match.group(2) not in _SIMPLE_ESCAPES:
                raise NotebookError(f"invalid JSON escape at offset {start}")
            parts.append(_SIMPLE_ESCAPES[match.group(2)])
            offsets.append(start)
        else:
            chunk = match.group(0)
            parts.append(chunk)
            offsets.extend(range(start, start + len(chunk)))
    text = "".join(parts)
    if surrogates:  # `\ud83d\ude00` is one character to json.loads: pair them up the same way
        chars: list[str] = []
        kept: list[int] = []
        index = 0
        while index < len(text):
            char = text[index]
            if 0xD800 <= ord(char) <= 0xDBFF and index + 1 < len(text) and 0xDC00 <= ord(text[index + 1]) <= 0xDFFF:
                char = (char + text[index + 1]).encode("utf-16", "surrogatepass").decode("utf-16")
                chars.append(char)
                kept.append(offsets[index])
                index += 2
                continue
            chars.append(char)
            kept.append(offsets[index])
            index += 1
        text, offsets = "".join(chars), kept
    offsets.append(base + len(raw))
    return JsonString(text, offsets)


class _Walker:
    """Walks the text of a document `json.loads` accepted, to find where the cells' strings are."""

    def __init__(self, text: str) -> None:
        self.text = text

    def ws(self, pos: int) -> int:
        match = _WS.match(self.text, pos)
        return match.end() if match else pos

    def char(self, pos: int) -> str:
        return self.text[pos] if pos < len(self.text) else ""

    def string(self, pos: int) -> tuple[JsonString, int]:
        match = _STRING.match(self.text, pos)
        if match is None:
            raise NotebookError(f"expected a string at offset {pos}")
        return _decode(self.text[pos + 1: match.end() - 1], pos + 1), match.end()

    def skip(self, pos: int) -> int:
        """The end of the value starting at `pos` (iterative: nesting depth costs no recursion)."""
        pos = self.ws(pos)
        first = self.char(pos)
        if first == '"':
            return self.string(pos)[1]
        if first in ("[", "{"):
            depth = 0
            for match in _BRACKET_OR_STRING.finditer(self.text, pos):
                token = match.group(0)
                if token in ("[", "{"):
                    depth += 1
                elif token in ("]", "}"):
                    depth -= 1
                    if depth == 0:
                        return match.end()
            raise NotebookError("unbalanced brackets")
        match = _SCALAR.match(self.text, pos)
        if match is None:
            raise NotebookError(f"unexpected text at offset {pos}")
        return match.end()

    def _sequence(self, pos: int, opener: str, closer: str, one: Callable[[int, int], int]) -> int:
        """Walk the object or list at `pos`: `one(index, offset) -> end` reads each member or item."""
        pos = self.ws(pos)
        if self.char(pos) != opener:
            raise NotebookError(f"expected {opener!r} at offset {pos}")
        pos = self.ws(pos + 1)
        if self.char(pos) == closer:
            return pos + 1
        index = 0
        while True:
            pos = self.ws(one(index, self.ws(pos)))
            index += 1
            if self.char(pos) == ",":
                pos += 1
                continue
            if self.char(pos) == closer:
                return pos + 1
            raise NotebookError(f"expected ',' or {closer!r} at offset {pos}")

    def members(self, pos: int, handle: Callable[[str, int], int]) -> int:
        """Call `handle(key, value offset) -> value end` for each member of the object at `pos`."""

        def member(_: int, at: int) -> int:
            key, after = self.string(at)
            after = self.ws(after)
            if self.char(after) != ":":
                raise NotebookError(f"expected ':' at offset {after}")
            return handle(key.text, self.ws(after + 1))

        return self._sequence(pos, "{", "}", member)

    def items(self, pos: int, handle: Callable[[int, int], int]) -> int:
        """Call `handle(index, value offset) -> value end` for each item of the list at `pos`."""
        return self._sequence(pos, "[", "]", handle)


def _check_structure(document: Any) -> None:
    """The parts of the nbformat 4 schema the analysis relies on (see the module docstring)."""
    if not isinstance(document, dict):
        raise NotebookError("not a notebook: the top level is not a JSON object")
    major = document.get("nbformat")
    if not isinstance(major, int) or isinstance(major, bool):
        raise NotebookError("not a notebook: no integer 'nbformat' version")
    if major != 4:
        raise NotebookError(f"nbformat {major} notebooks are not analysed (only nbformat 4)")
    if not isinstance(document.get("nbformat_minor"), int):
        raise NotebookError("invalid notebook: no integer 'nbformat_minor'")
    if not isinstance(document.get("metadata"), dict):
        raise NotebookError("invalid notebook: no 'metadata' object")
    cells = document.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("invalid notebook: no 'cells' list")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"invalid notebook: cell {number} is not an object")
        if cell.get("cell_type") not in _CELL_KINDS:
            raise NotebookError(f"invalid notebook: cell {number} has cell_type {cell.get('cell_type')!r}")
        source = cell.get("source")
        if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(part, str) for part in source))):
            raise NotebookError(f"invalid notebook: the source of cell {number} is not a string or a list of strings")
        if not isinstance(cell.get("metadata"), dict):
            raise NotebookError(f"invalid notebook: cell {number} has no 'metadata' object")
        if cell["cell_type"] == "code" and not isinstance(cell.get("outputs"), list):
            raise NotebookError(f"invalid notebook: code cell {number} has no 'outputs' list")


def read_notebook(text: str) -> Notebook:
    """The notebook in `text`, with the position of every source string; NotebookError says why not."""
    try:
        document = json.loads(text)
    except RecursionError:
        raise NotebookError("not valid JSON: nested too deeply") from None
    except ValueError as exc:
        raise NotebookError(f"not valid JSON: {exc}") from None
    _check_structure(document)
    walker = _Walker(text)
    cells: list[Cell] = []
    end = [len(text)]

    def cell_member(cell: Cell) -> Callable[[str, int], int]:
        def handle(key: str, pos: int) -> int:
            if key == "source":
                if walker.char(pos) == '"':
                    string, after = walker.string(pos)
                    cell.source = [string]
                    return after

                def part(_: int, at: int) -> int:
                    string, after = walker.string(at)
                    cell.source.append(string)
                    return after

                cell.source = []
                return walker.items(pos, part)
            if key == "outputs":
                cell.outputs = pos
            return walker.skip(pos)

        return handle

    def each_cell(index: int, pos: int) -> int:
        cell = Cell(number=index + 1, kind=str(document["cells"][index]["cell_type"]), start=pos, source=[])
        cells.append(cell)
        return walker.members(pos, cell_member(cell))

    def top(key: str, pos: int) -> int:
        if key == "cells":
            cells.clear()  # a duplicated key: json.loads keeps the last one, and so does this walk
            end[0] = walker.items(pos, each_cell)
            return end[0]
        return walker.skip(pos)

    walker.members(0 if not text.startswith("\ufeff") else 1, top)
    for cell, raw in zip(cells, document["cells"]):
        expected = raw["source"] if isinstance(raw["source"], str) else "".join(raw["source"])
        if "".join(part.text for part in cell.source) != expected:  # the walk must agree with json
            raise NotebookError(f"cell {cell.number}: its source could not be located in the file")
    return Notebook(text, cells, end[0])


# --------------------------------------------------------------------------- the module of the code cells


def _cell_lines(cell: Cell) -> list[Line]:
    """The lines of a cell's source (joined over its strings), each ending in a newline."""
    lines: list[Line] = []
    text: list[str] = []
    offsets: list[int] = []
    last_end: Optional[int] = None
    for part in cell.source:
        start = 0
        while start < len(part.text):
            newline = part.text.find("\n", start)
            stop = len(part.text) if newline == -1 else newline + 1
            text.append(part.text[start:stop])
            offsets.extend(part.offsets[start:stop])
            if newline != -1:
                offsets.append(part.offsets[stop])
                lines.append(Line("".join(text), offsets, cell.number, len(lines) + 1))
                text, offsets = [], []
            start = stop
        last_end = part.offsets[-1]
    if text:  # a last line without newline: the newline added here sits at the closing quote
        assert last_end is not None
        offsets.extend([last_end, last_end])
        lines.append(Line("".join(text) + "\n", offsets, cell.number, len(lines) + 1))
    return lines


def _replace(line: Line, keep: int, new: str) -> Line:
    """`line` with everything after its first `keep` characters replaced by `new` (then a newline)."""
    body = line.text[:keep] + new + "\n"
    anchor = line.offsets[min(keep, len(line.text) - 1)]
    offsets = line.offsets[:keep] + [anchor] * len(new) + line.offsets[-2:]
    return Line(body, offsets, line.cell, line.number)


def _blank_ipython(lines: list[Line]) -> list[Line]:
    if not lines:
        return lines
    first = lines[0].text.strip()
    if first.startswith("%%"):
        name = first[2:].split(maxsplit=1)[0] if len(first) > 2 else ""
        if name in PYTHON_CELL_MAGICS:
            return [_replace(lines[0], 0, "")] + _blank_ipython(lines[1:])
        return [_replace(line, 0, "") for line in lines]
    out = []
    for line in lines:
        body = line.text.rstrip("\r\n")
        assign = _MAGIC_ASSIGN.match(body)
        magic = _MAGIC_LINE.match(body) or _HELP_LINE.match(body)
        if assign:
            out.append(_replace(line, assign.end(), "None"))
        elif magic:
            out.append(_replace(line, len(magic.group(1)), "pass"))
        else:
            out.append(line)
    return out


def _parse_error(source: str, flags: int = 0) -> Optional[SyntaxError]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source, "<cell>", "exec", flags | ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        return exc
    except (ValueError, RecursionError, MemoryError) as exc:
        return SyntaxError(f"cannot be analysed: {type(exc).__name__}")
    return None


def _blank_await(lines: list[Line]) -> list[Line]:
    """Top-level `await x` -> `      x`, `async with`/`async for` -> `with`/`for`: same columns."""
    source = "".join(line.text for line in lines)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return lines
    blank: dict[int, list[tuple[int, int]]] = {}
    for index, token in enumerate(tokens):
        following = tokens[index + 1].string if index + 1 < len(tokens) else ""
        if token.type == tokenize.NAME and (token.string == "await" or (token.string == "async" and following in ("for", "with"))):
            blank.setdefault(token.start[0], []).append((token.start[1], token.end[1]))
    out = []
    for number, line in enumerate(lines, start=1):
        text = line.text
        for start, stop in blank.get(number, []):
            text = text[:start] + " " * (stop - start) + text[stop:]
        out.append(Line(text, line.offsets, line.cell, line.number))
    return out


@dataclass
class Module:
    source: str
    lines: list[Line]
    problems: list[tuple[Line, str]]  # (where, why) for cells left out


def build_module(notebook: Notebook) -> Module:
    """The code cells as one module; a cell that is not Python (after blanking IPython syntax) is left
    out as blank lines, so every other line keeps its number."""
    cells = [_blank_ipython(_cell_lines(cell)) for cell in notebook.cells if cell.kind == "code"]
    problems: list[tuple[Line, str]] = []
    if _parse_error("".join(line.text for lines in cells for line in lines)) is not None:
        for index, lines in enumerate(cells):
            source = "".join(line.text for line in lines)
            error = _parse_error(source)
            if error is None:
                continue
            if _parse_error(source, ast.PyCF_ALLOW_TOP_LEVEL_AWAIT) is None:
                lines = _blank_await(lines)
                cells[index] = lines
                if _parse_error("".join(line.text for line in lines)) is None:
                    continue
            where = lines[min(max((error.lineno or 1) - 1, 0), len(lines) - 1)]
            problems.append((where, f"syntax error in cell {where.cell}: {error.msg}"))
            cells[index] = [_replace(line, 0, "") for line in lines]
    flat = [line for lines in cells for line in lines]
    return Module("".join(line.text for line in flat), flat, problems)


# --------------------------------------------------------------------------- positions


class Positions:
    """Maps (line, column) of the module to (line, column) of the notebook file."""

    def __init__(self, text: str, lines: list[Line]) -> None:
        self.lines = lines
        self.index = LineIndex(text)

    def at_offset(self, offset: int) -> tuple[int, int]:
        """(line, column) of an offset of the notebook file (not clamped: one past the end is a column)."""
        line = self.index.line(offset)
        return line, offset - self.index.starts[line - 1] + 1

    def offset(self, line: int, column: int) -> int:
        if not self.lines:
            return 0
        if line > len(self.lines):
            return self.lines[-1].offsets[-1]
        offsets = self.lines[max(line, 1) - 1].offsets
        return offsets[min(max(column, 1), len(offsets)) - 1]

    def point(self, line: int, column: int) -> tuple[int, int]:
        return self.at_offset(self.offset(line, column))

    def span(self, span: Span) -> Span:
        line, column = self.point(span.line, span.column)
        end_line, end_column = self.point(span.end_line, span.end_column)
        return Span(line, column, end_line, end_column)


def _relocate(item: Any, path: str, positions: Positions) -> Any:
    """Every span of `item` (facts of the module) moved to the notebook file; shares what is unchanged."""
    if isinstance(item, Span):
        return positions.span(item)
    if isinstance(item, Location):
        return Location(item.path, positions.span(item.span)) if item.path == path else item
    if is_dataclass(item) and not isinstance(item, type):
        changes = {}
        for spec in fields(item):
            old = getattr(item, spec.name)
            new = _relocate(old, path, positions)
            if new is not old:
                changes[spec.name] = new
        if not changes:
            return item
        if getattr(type(item), "__dataclass_params__").frozen:
            return replace(item, **changes)
        for name, value in changes.items():
            setattr(item, name, value)
        return item
    if isinstance(item, tuple):
        moved = tuple(_relocate(value, path, positions) for value in item)
        return item if all(new is old for new, old in zip(moved, item)) else moved
    if isinstance(item, list):
        item[:] = [_relocate(value, path, positions) for value in item]
        return item
    if isinstance(item, dict):
        for key in list(item):
            item[key] = _relocate(item[key], path, positions)
        return item
    return item


def _cell_segments(notebook: Notebook, module: Module, positions: Positions) -> tuple[tuple[int, int, int, int, int], ...]:
    """Where each cell line starts in the file: (line, column, cell, line in cell or 0 for the
    outputs or -1 for the rest of the cell, column of a `#` comment on that line or 0)."""
    from routelint.directives import comment_start

    segments: list[tuple[int, int, int, int, int]] = []
    code_lines: dict[int, list[Line]] = {}
    for line in module.lines:
        code_lines.setdefault(line.cell, []).append(line)
    for cell in notebook.cells:
        segments.append((*positions.at_offset(cell.start), cell.number, -1, 0))
        lines = code_lines.get(cell.number) if cell.kind == "code" else _cell_lines(cell)
        for line in lines or []:
            line_no, column = positions.at_offset(line.offsets[0])
            comment = comment_start(line.text, True) if cell.kind == "code" and "#" in line.text else None
            comment_column = 0
            if comment is not None:
                comment_line, comment_column = positions.at_offset(line.offsets[comment])
                comment_column = comment_column if comment_line == line_no else 0
            segments.append((line_no, column, cell.number, line.number, comment_column))
        if cell.source:  # past the closing quote of its last string: the rest of the cell
            segments.append((*positions.at_offset(cell.source[-1].offsets[-1] + 1), cell.number, -1, 0))
        if cell.outputs is not None:
            segments.append((*positions.at_offset(cell.outputs), cell.number, 0, 0))
    segments.append((*positions.at_offset(notebook.end), 0, -1, 0))
    return tuple(sorted(segments))


def mark_comments(cells: tuple[tuple[int, int, int, int, int], ...], secrets: list[SecretCandidate]) -> None:
    """Set `in_comment` of keys found in the raw text: true in a code cell's `#` comment only."""
    for secret in secrets:
        index = bisect.bisect_right(cells, (secret.span.line, secret.span.column, float("inf")))
        segment = cells[index - 1] if index else None
        secret.in_comment = bool(segment and segment[0] == secret.span.line and segment[4]
                                 and secret.span.column > segment[4])


# --------------------------------------------------------------------------- the frontend


def analyze_notebook(path: str, text: str, catalog: Catalog, sdks: SdkCatalog, *, force: bool = False) -> FileFacts:
    from routelint.directives import python_directives
    from routelint.frontends.python import analyze_python
    from routelint.modules import imports_in
    from routelint.textio import text_digest

    try:
        notebook = read_notebook(text)
    except NotebookError as exc:
        facts = FileFacts(path=path, kind=KIND)
        facts.problems.append(ProblemFact(path, Span.at_line(1), str(exc)))
        return facts
    module = build_module(notebook)
    positions = Positions(text, module.lines)
    facts = analyze_python(path, module.source, catalog, sdks, force=force) if module.source.strip() else FileFacts(path=path, kind="python")
    facts = _relocate(facts, path, positions)
    facts.kind = KIND
    facts.import_line, facts.import_column = positions.point(facts.import_line, 1)
    facts.environ_names = [(name, positions.point(line, 1)[0]) for name, line in facts.environ_names]
    for where, message in module.problems:
        line, column = positions.at_offset(where.offsets[0])
        facts.problems.append(ProblemFact(path, Span(line, column, line, column), message))
    facts.suppressions = [_moved_suppression(item, positions) for item in python_directives(path, module.source)]
    facts.imports = imports_in(path, module.source) if module.source.strip() else ()
    facts.cells = _cell_segments(notebook, module, positions)
    facts.digest = text_digest(text)
    return facts


def _moved_suppression(item: Suppression, positions: Positions) -> Suppression:
    return replace(item, line=positions.point(item.line, 1)[0], span=positions.span(item.span),
                   end_line=positions.point(item.end_line, 1)[0] if item.end_line else 0)


def suppressions_in(path: str, text: str) -> list[Suppression]:
    """The suppression comments of a notebook's code cells, at the notebook's own lines."""
    from routelint.directives import python_directives

    try:
        notebook = read_notebook(text)
    except NotebookError:
        return []
    module = build_module(notebook)
    positions = Positions(text, module.lines)
    return [_moved_suppression(item, positions) for item in python_directives(path, module.source)]


def with_comment(text: str, line: int, render: Callable[[str], str]) -> Optional[str]:
    """`text` with the code-cell line that starts on notebook line `line` rewritten by `render` (a
    suppression comment appended), spelled inside its JSON string; None when no code line starts
    there, the line is IPython syntax, or the cells would no longer mean the same."""
    try:
        notebook = read_notebook(text)
    except NotebookError:
        return None
    module = build_module(notebook)
    positions = Positions(text, module.lines)
    target = next((item for item in module.lines if positions.at_offset(item.offsets[0])[0] == line), None)
    if target is None:
        return None
    cell = next(cell for cell in notebook.cells if cell.number == target.cell)
    original = _cell_lines(cell)[target.number - 1]
    if original.text != target.text:  # a magic or shell line: not Python, nothing to comment
        return None
    body = target.text.rstrip("\r\n")
    start, end = target.offsets[0], target.offsets[len(body)]
    if positions.at_offset(end)[0] != line:  # the line continues in the next string: leave it alone
        return None
    edited = text[:start] + json_escape(render(body)) + text[end:]
    try:
        after = build_module(read_notebook(edited))
        if ast.dump(ast.parse(after.source)) != ast.dump(ast.parse(module.source)):
            return None
    except (NotebookError, SyntaxError, ValueError, RecursionError):
        return None
    return edited


def still_valid(text: str, before: Optional[str]) -> Optional[str]:
    """For the fixer: None when `text` is a notebook whose code cells parse (no more cells failing than
    in `before`), else why not."""
    try:
        module = build_module(read_notebook(text))
    except NotebookError as exc:
        return str(exc)
    failing = len(module.problems)
    if before is not None:
        try:
            failing -= len(build_module(read_notebook(before)).problems)
        except NotebookError:
            pass
    if failing > 0:
        return module.problems[-1][1]
    import libcst

    try:
        libcst.parse_module(module.source)
    except Exception as exc:  # libcst refuses what the fixer's edits rely on
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


def json_escape(content: str) -> str:
    """Python text as it is spelled inside a JSON string of the notebook."""
    return json.dumps(content, ensure_ascii=False)[1:-1]

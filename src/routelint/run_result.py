"""What one run hands to everything after it: reporters, the fix passes, baselines, routes and audit.

It lives apart from the engine so that its readers depend on the result, not on the machinery that
produced it (a reporter imports no pipeline stage)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

from routelint.catalog.model import Catalog
from routelint.config import ConfigSet
from routelint.diagnostics import Diagnostic
from routelint.discover import Discovery
from routelint.facts import FileFacts
from routelint.project import Route


@dataclass
class RunResult:
    diagnostics: list[Diagnostic]
    routes: list[Route]
    files: list[FileFacts]
    catalog: Catalog
    files_seen: int = 0
    files_parsed: int = 0
    secrets: set[str] = field(default_factory=set)
    suppressed: int = 0  # findings hidden by suppression comments
    scanned: list[str] = field(default_factory=list)  # the files checked (not the env files read for context)
    configs: Optional[ConfigSet] = None  # each file's configuration
    baseline: Optional[dict] = None  # set by routelint.baseline.apply_baseline
    warnings: list[str] = field(default_factory=list)  # discovery's notes (a named file that is excluded)
    overlay: dict[str, bytes] = field(default_factory=dict)  # text read from stdin (--stdin-filename)
    discovery: Optional[Discovery] = None  # how the files were found (a fix pass runs again the same way)

    def cell_label(self, path: str, line: int, column: int) -> str:
        """`cell 3, line 2` for a position in a notebook (its line is one of the .ipynb file's JSON), else ""."""
        facts = self._notebooks.get(path)
        return facts.cell_label(line, column) if facts is not None else ""

    @cached_property
    def _notebooks(self) -> dict[str, FileFacts]:
        return {facts.path: facts for facts in self.files if facts.cells}

    def source_bytes(self, path: str) -> Optional[bytes]:
        """The bytes of `path` as this run analysed them: stdin's text for --stdin-filename, else disk."""
        if path in self.overlay:
            return self.overlay[path]
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except OSError:
            return None

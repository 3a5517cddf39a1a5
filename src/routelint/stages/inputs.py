"""Stage 1, discover: the files a run checks, the env files it reads for context, their configurations."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from typing import Iterable, Sequence

from routelint.config import Config, ConfigSet
from routelint.discover import DOTENV, Discovery, SourceFile, discover, file_kind


@dataclass
class Inputs:
    """What discovery hands to analysis."""

    sources: list[SourceFile]  # the files to check, in a stable order
    context: list[SourceFile]  # env files beside named files, read only to fill env lookups
    configs: ConfigSet  # each file's configuration
    per_file: list[Config]  # the distinct configurations of the analysed files
    discovery: Discovery  # how the files were found (and its warnings)
    overlay: dict[str, bytes]  # path -> text to analyse instead of the file's (stdin)

    @property
    def analysed(self) -> list[SourceFile]:
        return self.sources + self.context

    @property
    def context_paths(self) -> set[str]:
        return {source.path for source in self.context}


def gather(paths: Sequence[str], configs: ConfigSet, discovery: Discovery,
           overlay: dict[str, bytes]) -> Inputs:
    """Walk `paths` (each entry excluded by its own folder's configuration) and add the project's env
    files for the explicitly named ones. Missing paths raise FileNotFoundError."""
    discovery.virtual = discovery.virtual | frozenset(overlay)

    def excluded(display: str, name: str, named: bool) -> bool:
        own = configs.for_path(posixpath.dirname(display) or ".")
        return own.excluded(display) if named else own.excludes_entry(display, name)

    sources = list(discover(paths, excluded=excluded, options=discovery))
    context = project_env_files(sources, configs, discovery)
    per_file = distinct(configs.for_path(source.path) for source in sources + context)
    return Inputs(sources, context, configs, per_file, discovery, overlay)


def project_env_files(sources: Sequence[SourceFile], configs: ConfigSet, discovery: Discovery) -> list[SourceFile]:
    """Env-style files (`.env`, `.env.*`, `*.env`) beside each explicitly named file and in every
    parent folder up to the repository root (or the current folder outside a repository).

    pre-commit passes only the changed files; their routes still read the project's env files, so
    those are analysed as context: they fill env lookups but are not checked themselves. An env file
    git ignores (a developer's own `.env`) is not read unless discovery does not respect git.
    """
    named = {source.path for source in sources}
    found: list[SourceFile] = []
    visited: set[str] = set()
    for source in sources:
        if not source.explicit:
            continue
        start = os.path.dirname(os.path.abspath(source.path))
        limit = discovery.git.root_of(start) or os.path.abspath(".")
        directory = posixpath.dirname(source.path)
        while directory not in visited:
            visited.add(directory)
            real = directory or "."
            try:
                names = sorted(os.listdir(real))
            except OSError:
                names = []
            for name in names:
                shown = posixpath.join(directory, name) if directory else name
                if shown in named or file_kind(name) != DOTENV or not os.path.isfile(os.path.join(real, name)):
                    continue
                if configs.for_path(shown).excluded(shown):
                    continue
                if discovery.respect_gitignore and discovery.ignored(shown):
                    continue
                named.add(shown)
                found.append(SourceFile(shown, DOTENV))
            absolute = os.path.abspath(real)
            if absolute == limit or not absolute.startswith(limit.rstrip(os.sep) + os.sep):
                break
            parent = posixpath.dirname(directory)
            if parent == directory:
                break
            directory = parent
    return found


def distinct(configs: Iterable[Config]) -> list[Config]:
    """Each configuration object once, in first-seen order (files of one folder share one object)."""
    seen: dict[int, Config] = {}
    for config in configs:
        seen.setdefault(id(config), config)
    return list(seen.values())

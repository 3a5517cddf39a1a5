"""Find the files to check and classify each by kind.

Directories are walked without following symlinks (no loops, nothing outside the tree) and, in a git
repository, the way git sees them (`gitfiles.py`), so pre-commit, CI and a colleague check the same
files. Files named explicitly (as pre-commit passes them) are checked even when excluded, with a
warning, unless --force-exclude. `.env*` files are hidden files: they are included on purpose.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Optional, Sequence

from routelint.gitfiles import IGNORED, TRACKED, GitFiles, IgnoreFiles, RepoListing

# Directories nobody wants linted (the same spirit as Ruff's default excludes). They hide only what
# git does not track: a tracked file is checked wherever it lives.
SKIP_DIRS = frozenset({
    "build", "dist",
    ".git", ".hg", ".svn", ".bzr", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".routelint_cache", "site-packages", ".eggs",
    "__pypackages__", "_build", "buck-out", ".direnv", ".ipynb_checkpoints",
    # JS/TS build output and package caches: generated, never edited
    "bower_components", "jspm_packages", ".next", ".nuxt", ".svelte-kit", ".turbo", ".vercel", ".output",
    ".yarn", ".pnpm-store",
})

PYTHON = "python"
DOTENV = "dotenv"
YAML = "yaml"
TOML = "toml"
JSON = "json"
NOTEBOOK = "notebook"  # Jupyter .ipynb: code cells are Python, the rest is scanned for keys
JAVASCRIPT = "javascript"  # .js .mjs .cjs .jsx
TYPESCRIPT = "typescript"  # .ts .mts .cts .tsx
TEXT = "text"  # any other text file: scanned for keys only
ANALYSED_KINDS = (PYTHON, DOTENV, YAML, TOML, JSON, NOTEBOOK, JAVASCRIPT, TYPESCRIPT)
# bundles and minified files: generated, not written; only their raw text is scanned for keys
_BUNDLE_SUFFIXES = (".min.js", ".min.mjs", ".min.cjs", ".bundle.js", ".chunk.js", "-bundle.js")


def file_kind(path: str) -> str:
    name = posixpath.basename(path)
    lower = name.lower()
    if lower.endswith((".py", ".pyw")):
        return PYTHON
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        return DOTENV
    if lower.endswith((".yml", ".yaml")):
        return YAML
    if lower.endswith(".toml"):
        return TOML
    if lower.endswith(".json"):
        return JSON
    if lower.endswith(".ipynb"):
        return NOTEBOOK
    if lower.endswith((".js", ".mjs", ".cjs", ".jsx")) and not lower.endswith(_BUNDLE_SUFFIXES):
        return JAVASCRIPT
    if lower.endswith((".ts", ".mts", ".cts", ".tsx")) and not lower.endswith(".d.ts"):
        return TYPESCRIPT
    return _named_kinds().get(name, TEXT)


@lru_cache(maxsize=1)
def _named_kinds() -> dict[str, str]:
    """Configuration files known by their exact name only (`config_files` in rules/sdks/)."""
    from routelint.sdks import shipped_sdks

    return shipped_sdks().config_files


@dataclass(frozen=True)
class SourceFile:
    path: str  # as shown to the user: given prefix + relative part, '/' separators
    kind: str
    explicit: bool = False


def _display(prefix: str, relative: str) -> str:
    joined = posixpath.join(prefix.replace(os.sep, "/"), relative.replace(os.sep, "/")) if relative else prefix
    while joined.startswith("./"):
        joined = joined[2:]
    return joined


def display_path(given: str) -> str:
    """How a path named on the command line is shown (and keyed) everywhere: '/' separators, no './'."""
    return _display(given, "")


def matches_any(path: str, patterns: Sequence[str]) -> bool:
    """gitignore-like matching: a pattern matches the path, its basename, or any parent folder."""
    if not patterns:
        return False
    parts = path.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, "*/" + pattern):
            return True
        if "/" not in pattern and any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


# excluded(display path, name, named explicitly?) -> skip it
Excluded = Callable[[str, str, bool], bool]


@dataclass
class Discovery:
    """How a run finds its files, and what it has to say about them.

    `respect_gitignore`: in a git repository only tracked files and untracked files git does not
    ignore are checked; elsewhere `.gitignore` files are honoured. Tracked files are always checked,
    whatever folder they sit in (a committed `build/` or a folder with a `pyvenv.cfg`); the default
    excludes only hide files git does not track. A path named on the command line is checked even
    when it is excluded, with a warning, unless `force_exclude` (Ruff's semantics, for pre-commit).
    `virtual` names files whose text comes from stdin: they need not exist on disk."""

    respect_gitignore: bool = True
    force_exclude: bool = False
    virtual: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)
    git: GitFiles = field(default_factory=GitFiles)
    ignores: IgnoreFiles = field(default_factory=IgnoreFiles)

    def again(self) -> "Discovery":
        """The same rules for another run (a --fix pass), with no warnings yet."""
        return Discovery(self.respect_gitignore, self.force_exclude, self.virtual, [], self.git, self.ignores)

    def ignored(self, path: str) -> bool:
        """Would git ignore this file (a developer's local `.env`)? Tracked files never are."""
        status = self.git.status(path)
        if status is not None:
            return status == IGNORED
        return self.ignores.ignored(os.path.abspath(path), False)


def is_virtualenv(directory: str) -> bool:
    """A folder with a `pyvenv.cfg` that says where its interpreter lives (`home = ...`): an empty or
    unrelated file of that name does not make a folder a virtual environment."""
    try:
        with open(os.path.join(directory, "pyvenv.cfg"), encoding="utf-8", errors="replace") as handle:
            return any(line.split("=", 1)[0].strip().lower() == "home" for line in handle.read(65536).splitlines())
    except OSError:
        return False


def discover(paths: Iterable[str], exclude: Sequence[str] = (), excluded: Optional[Excluded] = None,
             options: Optional[Discovery] = None) -> Iterator[SourceFile]:
    """Yield each file once, in a stable order. Missing paths raise FileNotFoundError.

    `excluded`, when given, replaces matching `exclude` against every path (routelint check passes
    each file's own configuration through it)."""
    options = options or Discovery()
    seen: set[str] = set()
    skip: Excluded = excluded or (lambda display, name, named: matches_any(display, exclude))
    for given in paths:
        display = _display(given, "")
        if display in options.virtual or os.path.isfile(given):
            reason = _named_file_excluded(display, skip, options)
            if reason and options.force_exclude:
                continue
            if reason:
                options.warnings.append(f"{display} is {reason}; checked because it was named "
                                        "(--force-exclude skips it)")
            if display not in seen:
                seen.add(display)
                yield SourceFile(display, file_kind(display), explicit=True)
            continue
        if not os.path.lexists(given):
            raise FileNotFoundError(given)
        listing, relative = options.git.locate(given) if options.respect_gitignore else (None, "")
        hidden = (listing is not None and relative not in listing.dirs and not _is_repo_root(given)) or \
            (listing is None and options.respect_gitignore and options.git.root_of(os.path.abspath(given)) is None
             and options.ignores.ignored(os.path.abspath(given), True))
        if hidden:  # a folder git ignores, named on purpose: checked whole, with a warning
            if options.force_exclude:
                continue
            found = list(_walk(given, skip, seen, options, respect=False))
            if found:
                options.warnings.append(f"{display} is ignored by git; checked because it was named "
                                        "(--force-exclude skips it)")
            yield from found
            continue
        yield from _walk(given, skip, seen, options, respect=options.respect_gitignore)


def _is_repo_root(path: str) -> bool:
    return os.path.exists(os.path.join(path, ".git"))


def _named_file_excluded(display: str, skip: Excluded, options: Discovery) -> Optional[str]:
    """Why a file named on the command line would not be checked had its folder been walked."""
    if skip(display, posixpath.basename(display), True):
        return "excluded by the configuration"
    status = options.git.status(display) if display not in options.virtual or os.path.exists(display) else None
    if status == TRACKED:
        return None
    if options.respect_gitignore and (status == IGNORED or (status is None and options.ignored(display))):
        return "ignored by git" if status == IGNORED else "matched by a .gitignore"
    folders = display.split("/")[:-1]
    default = next((part for part in folders if part in SKIP_DIRS), None)
    return f"in a folder excluded by default ({default}/)" if default else None


def _walk(root: str, skip: Excluded, seen: set[str], options: Discovery, respect: bool) -> Iterator[SourceFile]:
    """Walk `root`: each folder knows its repository listing (a nested repository or submodule gets
    its own) and whether only tracked files count in it (a default-excluded folder)."""
    listing, base = options.git.locate(root)
    # (display-relative path, listing, path in that repository, tracked files only?)
    stack: list[tuple[str, Optional[RepoListing], str, bool]] = [("", listing, base, False)]
    while stack:
        relative, listing, in_repo, tracked_only = stack.pop()
        directory = os.path.join(root, relative) if relative else root
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            rel = posixpath.join(relative, entry.name) if relative else entry.name
            repo_rel = posixpath.join(in_repo, entry.name) if in_repo else entry.name
            display = _display(root, rel)
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name == ".git" or skip(display, entry.name, False):
                        continue
                    child = listing
                    child_rel = repo_rel
                    if _is_repo_root(entry.path):  # a nested repository or a submodule: its own rules
                        child, child_rel = options.git.listing(os.path.abspath(entry.path)), ""
                    if child is not None and respect and child_rel not in child.dirs:
                        continue  # nothing git shows lives there
                    if child is None and respect and options.ignores.ignored(os.path.abspath(entry.path), True):
                        continue
                    only = tracked_only or entry.name in SKIP_DIRS or is_virtualenv(entry.path)
                    if only and (child is None or child_rel not in child.tracked_dirs):
                        continue
                    subdirs.append((rel, child, child_rel, only))
                elif entry.is_file(follow_symlinks=False):
                    if display in seen or skip(display, entry.name, False):
                        continue
                    if listing is not None:
                        status = listing.status(repo_rel)
                        if (tracked_only and status != TRACKED) or (respect and status == IGNORED):
                            continue
                    elif respect and options.ignores.ignored(os.path.abspath(entry.path), False):
                        continue
                    seen.add(display)
                    yield SourceFile(display, file_kind(display))
            except OSError:
                continue
        stack.extend(reversed(subdirs))


def find_upward(start: str, names: Sequence[str], stop: Optional[str] = None) -> Iterator[str]:
    """Yield existing files named `names` in `start` and each parent folder."""
    current = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        for name in names:
            candidate = os.path.join(current, name)
            if os.path.isfile(candidate):
                yield candidate
        parent = os.path.dirname(current)
        if parent == current or current == stop:
            return
        current = parent

"""What git would show of a tree: tracked files, untracked files git does not ignore, ignored files.

Discovery asks this module, never the working directory's git: each repository is listed once with
`git -C <root> ls-files` (so `routelint check ../other-repo` follows *that* repository's ignore
rules), nested repositories and submodules get their own listing, and outside a repository the
`.gitignore` files of the folder and its parents are read with `pathspec` (git's own matching rules).
Results therefore do not depend on the current directory or on who runs routelint.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from dataclasses import dataclass
from typing import Optional

GIT_TIMEOUT = 60  # seconds; a listing of a very large repository takes well under one


@dataclass(frozen=True)
class RepoListing:
    """One repository's files, as paths relative to its root with '/' separators."""

    root: str  # absolute
    tracked: frozenset[str]
    visible: frozenset[str]  # tracked + untracked-not-ignored
    dirs: frozenset[str]  # every folder holding a visible file ("" is the root)
    tracked_dirs: frozenset[str]  # every folder holding a tracked file

    def status(self, relative: str) -> str:
        if relative in self.tracked:
            return TRACKED
        return UNTRACKED if relative in self.visible else IGNORED


TRACKED = "tracked"
UNTRACKED = "untracked"
IGNORED = "ignored"


def _ancestors(paths: frozenset[str]) -> frozenset[str]:
    found = {""}
    for path in paths:
        parent = posixpath.dirname(path)
        while parent not in found:
            found.add(parent)
            parent = posixpath.dirname(parent)
    return frozenset(found)


def _git_list(root: str, *args: str) -> Optional[list[str]]:
    try:
        completed = subprocess.run(["git", "-C", root, "ls-files", "-z", *args], capture_output=True,
                                   timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:  # not a repository after all, a broken one, or one git refuses to read
        return None
    return [item for item in completed.stdout.decode("utf-8", errors="surrogateescape").split("\0") if item]


def list_repository(root: str) -> Optional[RepoListing]:
    """The listing of the repository whose top folder is `root`; None when git cannot list it (no git,
    a stray `.git` that is no repository, one git refuses to read)."""
    try:  # git looks upward past a broken .git: make sure `root` is the top of the repository it lists
        top = subprocess.run(["git", "-C", root, "rev-parse", "--show-toplevel"], capture_output=True,
                             timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    shown = top.stdout.decode("utf-8", errors="surrogateescape").strip()
    if top.returncode != 0 or not shown or os.path.realpath(shown) != os.path.realpath(root):
        return None
    tracked = _git_list(root, "--cached")
    others = _git_list(root, "--others", "--exclude-standard") if tracked is not None else None
    if tracked is None or others is None:
        return None
    # a nested repository shows as 'sub/' among the others: it is listed on its own when walked
    tracked_set = frozenset(path.rstrip("/") for path in tracked)
    visible = tracked_set | frozenset(path.rstrip("/") for path in others)
    return RepoListing(root, tracked_set, visible, _ancestors(visible), _ancestors(tracked_set))


class GitFiles:
    """Repository roots and listings, each computed once per run."""

    def __init__(self) -> None:
        self._roots: dict[str, Optional[str]] = {}
        self._listings: dict[str, Optional[RepoListing]] = {}

    def root_of(self, directory: str) -> Optional[str]:
        """The nearest folder at or above `directory` (absolute) holding `.git` (a folder, or the file
        of a worktree or submodule)."""
        walked = []
        current = directory
        while current not in self._roots:
            walked.append(current)
            if os.path.exists(os.path.join(current, ".git")):
                self._roots[current] = current
                break
            parent = os.path.dirname(current)
            if parent == current:
                self._roots[current] = None
                break
            current = parent
        found = self._roots[current]
        for folder in walked:
            self._roots[folder] = found
        return found

    def listing(self, root: str) -> Optional[RepoListing]:
        if root not in self._listings:
            self._listings[root] = list_repository(root)
        return self._listings[root]

    def locate(self, path: str) -> tuple[Optional[RepoListing], str]:
        """(listing of the repository holding `path`, path relative to its root); (None, '') outside
        a repository git can list."""
        absolute = os.path.abspath(path)
        directory = absolute if os.path.isdir(absolute) else os.path.dirname(absolute)
        root = self.root_of(directory)
        listing = self.listing(root) if root else None
        if listing is None:
            return None, ""
        relative = os.path.relpath(absolute, root).replace(os.sep, "/")
        return listing, "" if relative == "." else relative

    def status(self, path: str) -> Optional[str]:
        """TRACKED, UNTRACKED or IGNORED for a file; None outside a repository."""
        listing, relative = self.locate(path)
        return listing.status(relative) if listing is not None else None


class IgnoreFiles:
    """`.gitignore` rules outside a git repository, read with pathspec (git's wildmatch semantics).

    Each folder's `.gitignore` applies to paths below it; a deeper file's rule (a `!negation` too)
    overrides a shallower one, as in git."""

    def __init__(self) -> None:
        self._specs: dict[str, object] = {}

    def _spec(self, directory: str):
        if directory not in self._specs:
            spec = None
            path = os.path.join(directory, ".gitignore")
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    lines = handle.read().splitlines()
            except OSError:
                lines = []
            if lines:
                import pathspec

                spec = pathspec.GitIgnoreSpec.from_lines(lines)
            self._specs[directory] = spec
        return self._specs[directory]

    def ignored(self, path: str, is_dir: bool) -> bool:
        """Does any `.gitignore` in the folders above `path` (absolute) ignore it?"""
        verdict: Optional[bool] = None
        directory = os.path.dirname(path)
        chain = []
        while True:
            chain.append(directory)
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent
        for folder in reversed(chain):  # outermost first: the nearest file has the last word
            spec = self._spec(folder)
            if spec is None:
                continue
            relative = os.path.relpath(path, folder).replace(os.sep, "/") + ("/" if is_dir else "")
            result = spec.check_file(relative)
            if result.include is not None:
                verdict = result.include
        return bool(verdict)

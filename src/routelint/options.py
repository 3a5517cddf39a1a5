"""`RunOptions`: everything a command decides about how its runs analyse, in one frozen value.

The CLI builds it once from its flags; `check`, each `--fix` pass, the fix passes over stdin,
`routes` and `audit` hand the same object on unchanged. A later run cannot forget a flag (a fix pass
that re-listed a subset of them once dropped `--ignore-suppressions` and reported RL002), and a new
setting is one field here rather than one more parameter threaded through every caller."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

from routelint.config import Config, ConfigSet
from routelint.discover import Discovery


@dataclass(frozen=True)
class RunOptions:
    configs: ConfigSet = field(default_factory=ConfigSet)  # each file's (layered) configuration
    jobs: int = 0  # worker processes; 0: one per CPU
    ignore_suppressions: bool = False  # report what suppression comments hide, and no RL002
    cache_dir: Optional[str] = None  # where per-file facts are cached; None: no cache
    respect_gitignore: Optional[bool] = None  # None: as the first path's configuration says
    force_exclude: bool = False  # skip excluded files even when named (pre-commit)
    unsafe_fixes: bool = False  # fix passes also apply fixes that may change behaviour

    @classmethod
    def of(cls, config: Config, **settings) -> "RunOptions":
        """Options for callers that built one `Config` themselves (tests, library use): every file
        gets it unless `configs=` says otherwise."""
        configs = settings.pop("configs", None) or ConfigSet.of(config)
        return cls(configs=configs, **settings)

    def config(self, paths: Sequence[str]) -> Config:
        """The run-wide settings (providers, pinned catalogs, git rules): those of the first path."""
        return self.configs.for_path(paths[0] if paths else ".")

    def discovery(self, config: Config) -> Discovery:
        """A fresh discovery state for one run, with this command's rules."""
        respect = config.respect_gitignore if self.respect_gitignore is None else self.respect_gitignore
        return Discovery(respect_gitignore=respect, force_exclude=self.force_exclude)

"""Where the shipped knowledge (`rules/`) lives: inside the wheel, or at the top of a source checkout."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["rules_dir", "load_toml", "tomllib"]


@lru_cache(maxsize=1)
def rules_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent.parent / "rules"):
        if (candidate / "providers").is_dir():
            return candidate
    raise FileNotFoundError("routelint's rules/ data folder is missing from this installation")


def load_toml(path: Path) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)

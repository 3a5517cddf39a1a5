"""The suite itself: it works on copies, names its fixture trees, and keeps its slow tests marked."""

from __future__ import annotations

from conftest import FIXTURE_TREES, REPO


def test_fixtures_hold_exactly_the_named_trees() -> None:
    """fixtures/ holds the trees the suite names (conftest.FIXTURE_TREES) and nothing else: a folder
    written there by a run (a cache) fails here instead of becoming a new parametrized case."""
    assert sorted(path.name for path in (REPO / "fixtures").iterdir()) == sorted(FIXTURE_TREES)


def test_the_slow_marker_is_registered() -> None:
    """`python -m pytest -m "not slow"` is the quick suite; an unregistered marker would only warn."""
    from routelint.data import tomllib

    markers = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]["markers"]
    assert any(marker.startswith("slow:") for marker in markers)

"""The digest of routelint's own files, rules/ data, interpreter and parser libraries that keys the
facts cache (tests/test_cache.py shows a cached run does not reuse facts when it changes)."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import write_tree
from routelint import tool_digest

def test_digest_follows_an_edited_source_file(tmp_path):
    package = write_tree(tmp_path / "pkg", {"frontend.py": "RULE = 1\n", "data/x.toml": "a = 1\n"})
    before = tool_digest.digest_files([package])
    assert tool_digest.digest_files([package]) == before  # stable
    target = package / "frontend.py"
    stamp = target.stat().st_mtime_ns
    target.write_text("RULE = 2\n", encoding="utf-8")  # same size, new content
    os.utime(target, ns=(stamp + 1_000_000, stamp + 1_000_000))
    assert tool_digest.digest_files([package]) != before
    (package / "data" / "y.toml").write_text("", encoding="utf-8")  # a new data file
    after_edit = tool_digest.digest_files([package])
    (package / "data" / "y.toml").unlink()
    assert tool_digest.digest_files([package]) != after_edit


def test_digest_covers_the_package_and_the_rules(monkeypatch):
    from routelint.data import rules_dir

    seen: list[list[Path]] = []
    real = tool_digest.digest_files
    monkeypatch.setattr(tool_digest, "digest_files", lambda roots: seen.append(list(roots)) or real(roots))
    tool_digest.tool_digest.cache_clear()
    try:
        tool_digest.tool_digest()
    finally:
        tool_digest.tool_digest.cache_clear()
    assert seen == [[Path(tool_digest.__file__).resolve().parent, rules_dir()]]

"""The facts cache: warm runs reuse facts, anything that could change them invalidates them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import routelint
from conftest import REPO, run_cli
from routelint import engine
from routelint.stages import analysis
from routelint.config import Config, ConfigSet

APP = '''import os
from openai import OpenAI

client = OpenAI(base_url="https://router.flatkey.ai/v1", api_key=os.environ["FLATKEY_API_KEY"])
client.chat.completions.create(model="gemini-2.0-flash", messages=[])
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    tmp_path = tmp_path / "project"  # the caches these tests make live beside it, not inside
    tmp_path.mkdir()
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    (tmp_path / "util.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("nothing here\n", encoding="utf-8")
    return tmp_path


def _run(root: Path, cache: Path, monkeypatch, config: Config | None = None):
    """One in-process run; returns (diagnostics as tuples, the paths the frontends analysed)."""
    analysed: list[str] = []
    real = analysis.prepare_file

    def counting(source, ctx, force=False):
        analysed.append(Path(source.path).name)
        return real(source, ctx, force)

    monkeypatch.setattr(analysis, "prepare_file", counting)
    config = config or Config()
    result = engine.run([str(root)], config, jobs=1, cache_dir=str(cache), configs=ConfigSet.of(config))
    found = [(Path(d.path).name, d.span.line, d.span.column, d.code, d.message) for d in result.diagnostics]
    return found, sorted(analysed)


def test_warm_run_reuses_facts_and_finds_the_same(project, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cold, analysed_cold = _run(project, cache, monkeypatch)
    warm, analysed_warm = _run(project, cache, monkeypatch)
    assert cold == warm and any(code == "RL302" for *_, code, _ in cold)
    assert analysed_cold == ["app.py", "notes.md", "util.py"]
    assert analysed_warm == []
    assert (cache / ".gitignore").read_text().strip().endswith("*")


def test_content_change_invalidates_only_that_file(project, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _run(project, cache, monkeypatch)
    (project / "app.py").write_text(APP.replace("gemini-2.0-flash", "gpt-5.5"), encoding="utf-8")
    found, analysed = _run(project, cache, monkeypatch)
    assert analysed == ["app.py"]
    assert not any(code == "RL302" for *_, code, _ in found)


def test_config_change_invalidates(project, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _run(project, cache, monkeypatch)
    _, analysed = _run(project, cache, monkeypatch, Config(ignore=("RL101",)))
    assert analysed == ["app.py", "notes.md", "util.py"]


def test_catalog_change_invalidates(project, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _run(project, cache, monkeypatch)
    pinned = Config(pinned={"flatkey": ("gemini-2.0-flash",)})  # pins are part of the catalog digest
    found, analysed = _run(project, cache, monkeypatch, pinned)
    assert analysed == ["app.py", "notes.md", "util.py"]
    assert not any(code == "RL302" for *_, code, _ in found)


def test_version_change_invalidates(project, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    _run(project, cache, monkeypatch)
    monkeypatch.setattr(routelint, "__version__", "999.0.0")
    _, analysed = _run(project, cache, monkeypatch)
    assert analysed == ["app.py", "notes.md", "util.py"]


def test_other_analysis_code_invalidates(project, tmp_path, monkeypatch):
    """Same version number, other code (an edited frontend, an upgraded parser): nothing is reused."""
    from routelint import tool_digest

    cache = tmp_path / "cache"
    _run(project, cache, monkeypatch)
    assert _run(project, cache, monkeypatch)[1] == []
    monkeypatch.setattr(tool_digest, "tool_digest", lambda: "another build of routelint")
    _, analysed = _run(project, cache, monkeypatch)
    assert analysed == ["app.py", "notes.md", "util.py"]


def test_damaged_cache_is_ignored_and_rebuilt(project, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cold, _ = _run(project, cache, monkeypatch)
    for stored in cache.glob("facts-*.json"):
        stored.write_text('{"format": 1, "files": {"x": [1, 2', encoding="utf-8")
    again, analysed = _run(project, cache, monkeypatch)
    assert again == cold and len(analysed) == 3
    # a foreign object in the file is never turned into code: the entry is simply dropped
    for stored in cache.glob("facts-*.json"):
        document = json.loads(stored.read_text())
        for entry in document["files"].values():
            if entry[2] is not None:
                entry[2] = {"__t": "os.system", "command": "echo pwned"}
        stored.write_text(json.dumps(document), encoding="utf-8")
    third, analysed = _run(project, cache, monkeypatch)
    assert third == cold and "app.py" in analysed


def test_no_cache_flag_and_cli_default(project, tmp_path):
    cache = tmp_path / "cli-cache"
    first = run_cli("check", "--format", "json", "--cache-dir", str(cache), str(project))
    second = run_cli("check", "--format", "json", "--cache-dir", str(cache), str(project))
    assert json.loads(first.output)["diagnostics"] == json.loads(second.output)["diagnostics"]
    assert list(cache.glob("facts-*.json"))
    other = tmp_path / "unused"
    run_cli("check", "--no-cache", "--cache-dir", str(other), str(project))
    assert not other.exists()


@pytest.mark.slow  # four concurrent subprocesses
def test_concurrent_runs_never_corrupt_the_cache(project, tmp_path):
    for index in range(30):
        (project / f"mod{index}.py").write_text(APP.replace("gemini-2.0-flash", f"gemini-{index}"), encoding="utf-8")
    cache = tmp_path / "shared-cache"
    command = [sys.executable, "-m", "routelint", "check", "--format", "json", "--cache-dir", str(cache), str(project)]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO) for _ in range(4)]
    outputs = [process.communicate(timeout=300) for process in processes]
    documents = [json.loads(out) for out, _ in outputs]
    assert all(process.returncode == 1 for process in processes)
    assert all(document["diagnostics"] == documents[0]["diagnostics"] for document in documents)
    for stored in cache.glob("facts-*.json"):
        json.loads(stored.read_text())  # whole, valid JSON: writes are atomic
    assert not list(cache.glob(".facts-*.tmp")) and not list(cache.glob("*routelint-tmp"))


def test_findings_identical_for_jobs_and_warm_cache(tmp_path):
    root = REPO / "fixtures" / "demo-app"
    cache = tmp_path / "cache"
    runs = [
        run_cli("check", "--format", "json", "--no-cache", "--jobs", "1", str(root)),
        run_cli("check", "--format", "json", "--no-cache", "--jobs", "2", str(root)),
        run_cli("check", "--format", "json", "--cache-dir", str(cache), "--jobs", "2", str(root)),
        run_cli("check", "--format", "json", "--cache-dir", str(cache), "--jobs", "2", str(root)),
    ]
    documents = [json.loads(result.output)["diagnostics"] for result in runs]
    assert documents[0] and all(document == documents[0] for document in documents)

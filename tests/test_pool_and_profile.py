"""Where the per-file work runs (in-process below `stages.analysis.POOL_BYTES` of candidates, a pool above) and the
opt-in stage profile (`ROUTELINT_PROFILE=1`) the benchmark reads. Counts and records, no timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEMO_APP, REPO

from routelint import engine
from routelint.stages import analysis
from routelint.config import Config, ConfigSet

PLAIN = "def add(a, b):\n    return a + b\n"


def _route(index: int) -> str:
    return (
        "import os\nfrom openai import OpenAI\n\n"
        f'client_{index} = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])\n'
        f'reply = client_{index}.chat.completions.create(model="gpt-4o-mini", messages=[])\n'
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for index in range(6):
        (tmp_path / f"route_{index}.py").write_text(_route(index), encoding="utf-8")
    for index in range(30):  # many plain files: the file count must not start a pool
        (tmp_path / f"plain_{index}.py").write_text(PLAIN, encoding="utf-8")
    return tmp_path


def _run(root: Path, jobs: int, monkeypatch, pool_bytes: int) -> tuple[list[tuple], int]:
    started = []
    real = analysis._start_pool

    def counting(ctx, workers):
        started.append(workers)
        return real(ctx, workers)

    monkeypatch.setattr(analysis, "_start_pool", counting)
    monkeypatch.setattr(analysis, "POOL_BYTES", pool_bytes)
    result = engine.run([str(root)], Config(), jobs=jobs, configs=ConfigSet.of(Config()))
    found = [(Path(d.path).name, d.span.line, d.code) for d in result.diagnostics]
    return found, len(started)


def test_few_candidate_bytes_stay_in_process_however_many_files(project, monkeypatch):
    found, pools = _run(project, 2, monkeypatch, pool_bytes=10_000_000)
    assert pools == 0
    assert sorted(f for f in found if f[2] == "RL301") == sorted((f"route_{i}.py", 5, "RL301") for i in range(6))


def test_candidate_bytes_past_the_threshold_start_one_pool_with_the_same_findings(project, monkeypatch):
    single, _ = _run(project, 1, monkeypatch, pool_bytes=1)
    pooled, pools = _run(project, 2, monkeypatch, pool_bytes=2 * len(_route(0).encode()))
    assert pools == 1  # started once the second candidate arrived, for it and every later one
    assert pooled == single and sum(1 for f in single if f[2] == "RL301") == 6


def test_one_job_never_starts_a_pool(project, monkeypatch):
    _, pools = _run(project, 1, monkeypatch, pool_bytes=1)
    assert pools == 0


def _cli(args: list[str], cwd: Path, profile: bool) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "ROUTELINT_PROFILE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH", "")]))
    if profile:
        env["ROUTELINT_PROFILE"] = "1"
    return subprocess.run([sys.executable, "-m", "routelint", *args], cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


def _records(stderr: str) -> list[dict]:
    prefix = "routelint-profile "
    return [json.loads(line[len(prefix):]) for line in stderr.splitlines() if line.startswith(prefix)]


def test_profile_records_each_file_and_stage_on_stderr_only(tmp_path):
    plain = _cli(["check", "--no-cache", "--format", "json", "-j", "1", str(DEMO_APP)], tmp_path, profile=False)
    done = _cli(["check", "--no-cache", "--format", "json", "-j", "1", str(DEMO_APP)], tmp_path, profile=True)
    assert done.returncode == plain.returncode == 1, done.stderr[-2000:]
    assert json.loads(done.stdout) == json.loads(plain.stdout)  # the profile never changes a result
    assert _records(plain.stderr) == []
    records = _records(done.stderr)
    stages = [r["stage"] for r in records if r["profile"] == "stage"]
    assert stages == ["discover", "analyse", "imports", "resolve", "checks", "suppressions"]
    files = [r for r in records if r["profile"] == "file"]
    summary = json.loads(done.stdout)["summary"]
    assert len({r["path"] for r in files}) == summary["files"]  # every visited file (demo-app has no binaries)
    python = [r for r in files if r["candidate"] and r["kind"] == "python"]
    assert python and all(r["parse"] > 0 and "evaluate" in r and "read" in r and "prefilter" in r for r in python)
    assert all("parse" not in r for r in files if not r["candidate"])  # skipped files are never parsed


def test_profile_of_pool_workers_reaches_stderr(tmp_path, project):
    script = "import sys, routelint.stages.analysis as a; a.POOL_BYTES = 1; from routelint.cli import main; main(sys.argv[1:])"
    env = dict(os.environ, ROUTELINT_PROFILE="1", PYTHONPATH=str(REPO / "src"))
    done = subprocess.run([sys.executable, "-c", script, "check", "--no-cache", "--format", "json", "-j", "2", str(project)],
                          capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stderr[-2000:]
    records = _records(done.stderr)
    main = {r["pid"] for r in records if r["profile"] == "stage"}
    files = [r for r in records if r["profile"] == "file"]
    candidates = [r for r in files if r["candidate"]]
    assert len(main) == 1 and len(candidates) == 6 and len(files) == 36
    assert not main & {r["pid"] for r in candidates}  # every frontend ran in a worker

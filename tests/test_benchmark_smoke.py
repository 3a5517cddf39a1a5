"""The benchmark script works, and the two speed properties that are counts (not timings) hold.

No timing is asserted here: timings belong to `python benchmarks/run.py`, on a quiet machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
sys.path.insert(0, str(BENCH))

from generate import TreeSpec, generate_cached, generate_tree  # noqa: E402


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "src"), env.get("PYTHONPATH", "")]))
    return env


def test_generator_is_deterministic(tmp_path: Path) -> None:
    spec = TreeSpec(python_files=80)
    first = generate_tree(str(tmp_path / "a"), spec)
    second = generate_tree(str(tmp_path / "b"), spec)
    assert first.files == second.files and first.lines == second.lines
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    assert all((tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes() for p in files_a)
    assert first.route_files >= 2  # a few percent of the modules hold routes


@pytest.mark.slow  # benchmark smoke run
def test_smoke_run_prints_the_table(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--smoke", "--files", "60", "--cache-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=600, env=_env(),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "| corpus | files | .py files | .py lines | candidates (parsed) | parsed share |" in done.stdout
    assert re.search(r"Generated tree: parsed share \d+\.\d%", done.stdout), done.stdout[-3000:]
    assert "routelint --version" in done.stdout
    # issue 11: default --jobs against -j 1, and the stage split from the ROUTELINT_PROFILE hook
    assert re.search(r"\| generated \(60 \.py\) \| \d+ \| [\d.]+ s \| [\d.]+ s \| [\d.]+ \|", done.stdout), done.stdout[-3000:]
    assert re.search(r"\| \d+ \| [\d.]+ \| [\d.]+ s \| [\d.]+ s \| [\d.]+ s \| [\d.]+ s \| [\d.]+ s \| [\d.]+ s \| [\d.]+ s \| \*\*[\d.]+×\*\* \|",
                     done.stdout), done.stdout[-3000:]
    assert (tmp_path / "trees" / "generated-60").is_dir()


def test_run_without_candidates_does_not_import_libcst(tmp_path: Path) -> None:
    tree = tmp_path / "plain"
    stats = generate_tree(str(tree), TreeSpec(python_files=40, route_share=0.0, keys_in_env_files=False, configs=False, false_triggers=False))
    assert stats.python_files >= 40
    script = (
        "import sys\n"
        "from routelint.cli import main\n"
        "try:\n"
        f"    main(['check', '--no-cache', '--format', 'json', {str(tree)!r}])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "print('EXIT', code)\n"
        "print('LIBCST', 'libcst' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=_env())
    assert "EXIT 0" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    assert "LIBCST False" in done.stdout
    summary = json.loads(done.stdout[: done.stdout.rindex("EXIT")])["summary"]
    assert summary["files_parsed"] == 0


@pytest.mark.slow  # a generated tree of 400 files
@pytest.mark.parametrize("python_files", [400])
def test_generated_tree_parsed_share_is_under_ten_percent(tmp_path: Path, python_files: int) -> None:
    tree = tmp_path / "generated"
    stats = generate_cached(str(tree), TreeSpec(python_files=python_files))
    done = subprocess.run([sys.executable, "-m", "routelint", "check", "--no-cache", "--format", "json", str(tree)],
                          capture_output=True, text=True, timeout=600, env=_env())
    assert done.returncode in (0, 1), done.stderr[-3000:]
    summary = json.loads(done.stdout)["summary"]
    assert summary["files"] == stats.files
    assert summary["files_parsed"] >= stats.route_files  # every route module is a candidate
    assert summary["files_parsed"] / summary["files"] < 0.10, summary

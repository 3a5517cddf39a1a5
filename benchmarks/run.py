#!/usr/bin/env python
"""routelint benchmark: one command, numbers in a markdown table.

    python benchmarks/run.py [--quick] [PATH ...]

Measures routelint (the console script next to this interpreter) on
  * a generated monorepo (>= 2,000 Python files, a few percent with routes; see generate.py) and the same
    tree with 9 more trees of plain files added (10x the files, no more routes);
  * real corpora from PyPI, unpacked from pinned wheels (skipped with --quick);
  * any PATH given;
and runs peers on the same trees, alternating runs: detect-secrets, semgrep (one local rule), fixit (one
local rule) and ruff (S105,S106). Peers live in their own virtual environments under the cache folder,
created here on first use; a peer that is missing or fails is reported, never fatal.

Everything generated or downloaded goes to the cache folder (default ~/.cache/routelint-bench, or
$ROUTELINT_BENCH_CACHE, or --cache-dir), never into the repository. The table is printed and written to
benchmarks/results.md (--output to change, --output '' for none).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from typing import Callable, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from generate import TreeSpec, generate_cached  # noqa: E402
import stages  # noqa: E402

CORPORA = {  # name -> pinned version; the wheel is a zip of the package's sources
    "langchain-community": "0.4.2",
    "litellm": "1.110.2",
    "pydantic-ai-slim": "2.68.0",
}
PEER_VERSIONS = {
    "detect-secrets": "1.5.0",
    "semgrep": "1.185.0",
    "fixit": "2.2.1",
    "ruff": "0.17.6",
}
PEERS_DIR = os.path.join(HERE, "peers")
SEMGREP_RULE = os.path.join(PEERS_DIR, "semgrep-routes.yml")  # three route rules (issue 11)
VERSION_BAR_S = 0.15
PARSED_SHARE_BAR = 0.10
SCALING_BAR = 1.5
PRECOMMIT_BAR_S = 0.5
MEMORY_BAR_MB = 150
AST_PARSE_BAR = 2.0  # issue 11: analysis cost per candidate module <= 2x its ast.parse
STAGE_CORPORA = ("litellm", "langchain-community")  # profiled per stage (issue 11); --only/PATH trees too


# ------------------------------------------------------------------------------------------------
# measuring one command


@dataclass
class Run:
    wall: float
    cpu: float
    maxrss_mb: float
    returncode: Optional[int]
    timed_out: bool
    stdout: str
    stderr: str

    def ok(self, accepted: tuple[int, ...]) -> bool:
        return not self.timed_out and self.returncode in accepted


def measure(cmd: list[str], cwd: Optional[str] = None, env: Optional[dict[str, str]] = None, timeout: Optional[float] = None,
            keep_stdout: bool = True) -> Run:
    """Run `cmd`, returning wall time and the child's own rusage (CPU, peak RSS of its largest process).

    os.wait4 gives the rusage of this one child, including the descendants it waited for (a process
    pool's workers, semgrep-core): unlike RUSAGE_CHILDREN it is not mixed with earlier runs.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env or bench_env(), stdout=out if keep_stdout else subprocess.DEVNULL, stderr=err,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            return Run(0.0, 0.0, 0.0, None, False, "", f"cannot start: {exc}")
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        try:  # leftovers of a killed or sloppy tool must not outlive the measurement
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        out.seek(0)
        err.seek(0)
        return Run(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            maxrss_mb=usage.ru_maxrss / 1024.0,
            returncode=proc.returncode,
            timed_out=timed_out.is_set(),
            stdout=out.read().decode("utf-8", "replace") if keep_stdout else "",
            stderr=err.read().decode("utf-8", "replace"),
        )


def bench_env(**extra: str) -> dict[str, str]:
    """The environment of every measured command.

    PYTHONDONTWRITEBYTECODE is dropped: with it set (as on this workplace's machines) an editable install
    never gets its .pyc files and every run would recompile routelint's sources, a cost no installed
    copy pays. A warm-up run writes the bytecode before anything is timed.
    """
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# ------------------------------------------------------------------------------------------------
# routelint and the peers


def routelint_command() -> list[str]:
    script = os.path.join(sysconfig.get_path("scripts"), "routelint")
    if os.path.isfile(script) and os.access(script, os.X_OK):
        return [script]
    return [sys.executable, "-m", "routelint"]


@dataclass
class Tool:
    name: str
    command: Callable[[str], list[str]]  # target folder (or files) -> argv
    accepted: tuple[int, ...]
    env: Optional[dict[str, str]] = None
    count: Optional[Callable[[str], Optional[int]]] = None  # stdout -> number of findings
    status: str = "ok"  # or why the tool is unavailable


_CACHE_FLAG: Optional[bool] = None


def has_result_cache() -> bool:
    """Does this routelint cache per-file results (`check --no-cache`)? Older builds did not."""
    global _CACHE_FLAG
    if _CACHE_FLAG is None:
        try:
            done = subprocess.run(routelint_command() + ["check", "--help"], capture_output=True, text=True, timeout=60, env=bench_env())
            _CACHE_FLAG = "--no-cache" in done.stdout
        except (OSError, subprocess.SubprocessError):
            _CACHE_FLAG = False
    return _CACHE_FLAG


def check_command(*targets: str, cache_dir: Optional[str] = None, jobs: Optional[int] = None) -> list[str]:
    """`routelint check --format json`: cold (`--no-cache`) unless a cache folder is given; `-j` when given.

    The cache never goes to its default place (`.routelint_cache` in the tree being measured), where the
    peers would scan it.
    """
    cmd = routelint_command() + ["check", "--format", "json"]
    if has_result_cache():
        cmd += ["--cache-dir", cache_dir] if cache_dir else ["--no-cache"]
    if jobs is not None:
        cmd += ["-j", str(jobs)]
    return cmd + list(targets)


def _routelint_tool() -> Tool:
    return Tool("routelint", lambda target: check_command(target), (0, 1))


SINGLE = "routelint -j 1"


def _single_process_tool() -> Tool:
    """The same check in one process: the default `--jobs` must never be slower than this."""
    return Tool(SINGLE, lambda target: check_command(target, jobs=1), (0, 1))


def _json_count(key: str) -> Callable[[str], Optional[int]]:
    def count(stdout: str) -> Optional[int]:
        try:
            data = json.loads(stdout)
        except ValueError:
            return None
        value = data.get(key)
        if isinstance(value, dict):  # detect-secrets: {path: [secrets]}
            return sum(len(items) for items in value.values())
        return len(value) if isinstance(value, list) else None

    return count


def _line_count(pattern: str) -> Callable[[str], Optional[int]]:
    regex = re.compile(pattern, re.M)
    return lambda stdout: len(regex.findall(stdout))


def peer_tools(cache: str, install: bool, log: Callable[[str], None], names: Optional[list[str]] = None) -> list[Tool]:
    """The peers (all four, or those named), each from its own venv (semgrep and fixit cannot share one:
    their pins conflict)."""
    venvs = os.path.join(cache, "peers-venv")
    tools = []
    bins = {"detect-secrets": "detect-secrets", "semgrep": "semgrep", "fixit": "fixit", "ruff": "ruff"}
    for name, version in PEER_VERSIONS.items():
        if names is not None and name not in names:
            continue
        venv = os.path.join(venvs, name)
        exe = os.path.join(venv, "bin", bins[name])
        status = "ok"
        if not os.path.isfile(exe) and install:
            log(f"installing {name}=={version} into {venv}")
            try:
                subprocess.run([sys.executable, "-m", "venv", venv], check=True, capture_output=True, timeout=300)
                done = subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-q", f"{name}=={version}"],
                                      capture_output=True, text=True, timeout=900)
                if done.returncode != 0:
                    status = "install failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:120]
            except (OSError, subprocess.SubprocessError) as exc:
                status = f"install failed: {exc}"
        if status == "ok" and not os.path.isfile(exe):
            status = "not installed" + ("" if install else " (run without --quick to install)")
        env = bench_env()
        if name == "detect-secrets":
            tool = Tool(name, lambda target, exe=exe: [exe, "scan", "--all-files", target], (0,), count=_json_count("results"))
        elif name == "semgrep":
            env.update(SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
            tool = Tool(name, lambda target, exe=exe: [
                exe, "scan", "--config", SEMGREP_RULE, "--metrics=off", "--disable-version-check",
                "--x-ignore-semgrepignore-files",  # the default .semgrepignore skips tests/: scan what the others scan
                "--json", "--quiet", target], (0, 1), env=env, count=_json_count("results"))
        elif name == "fixit":
            env["PYTHONPATH"] = PEERS_DIR  # the local rule module provider_host_rule.py
            tool = Tool(name, lambda target, exe=exe: [exe, "--rules", "provider_host_rule", "lint", target], (0, 1), env=env,
                        count=_line_count(r"^\S.*@\d+:\d+ ProviderHostString"))
        else:
            tool = Tool(name, lambda target, exe=exe: [
                exe, "check", "--isolated", "--no-cache", "--select", "S105,S106", "--exit-zero", "--output-format", "concise", target],
                (0,), count=_line_count(r"^\S.*:\d+:\d+: S10[56]"))
        tool.status = status
        tools.append(tool)
    return tools


# ------------------------------------------------------------------------------------------------
# corpora


@dataclass
class Corpus:
    name: str
    root: str
    note: str = ""
    py_files: int = 0
    py_lines: int = 0
    all_files: int = 0


def count_tree(corpus: Corpus) -> None:
    for directory, dirs, files in os.walk(corpus.root):
        dirs[:] = [d for d in dirs if d not in (".git", "__pycache__")]
        for name in files:
            corpus.all_files += 1
            if name.endswith(".py"):
                corpus.py_files += 1
                with open(os.path.join(directory, name), "rb") as handle:
                    corpus.py_lines += handle.read().count(b"\n")


def fetch_corpora(cache: str, log: Callable[[str], None]) -> tuple[list[Corpus], list[str]]:
    wheels = os.path.join(cache, "wheels")
    os.makedirs(wheels, exist_ok=True)
    corpora, problems = [], []
    for name, version in CORPORA.items():
        root = os.path.join(cache, "corpora", f"{name}-{version}")
        stamp = root + ".stamp"
        if not os.path.isfile(stamp):
            prefix = name.replace("-", "_")
            wheel = next((w for w in sorted(os.listdir(wheels)) if w.lower().startswith(f"{prefix}-{version}-") and w.endswith(".whl")), None)
            if wheel is None:
                log(f"downloading {name}=={version}")
                done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", wheels, f"{name}=={version}"],
                                      capture_output=True, text=True, timeout=600)
                wheel = next((w for w in sorted(os.listdir(wheels)) if w.lower().startswith(f"{prefix}-{version}-") and w.endswith(".whl")), None)
                if done.returncode != 0 or wheel is None:
                    problems.append(f"{name}=={version}: download failed: {(done.stderr.strip().splitlines() or ['?'])[-1][:160]}")
                    continue
            shutil.rmtree(root, ignore_errors=True)
            with zipfile.ZipFile(os.path.join(wheels, wheel)) as archive:
                for member in archive.namelist():  # sources only: a wheel's *.dist-info is metadata
                    if ".dist-info/" not in member:
                        archive.extract(member, root)
            with open(stamp, "w", encoding="utf-8") as handle:
                handle.write(wheel + "\n")
        corpora.append(Corpus(f"{name} {version}", root))
    return corpora, problems


def precommit_files(root: str, count: int = 10) -> list[str]:
    """`count` Python files spread evenly over the sorted tree, relative to root (as pre-commit passes them)."""
    found = []
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".py"):
                found.append(os.path.relpath(os.path.join(directory, name), root))
    found.sort()
    if len(found) <= count:
        return found
    step = len(found) / count
    return [found[int(i * step)] for i in range(count)]


# ------------------------------------------------------------------------------------------------
# the measurements


@dataclass
class ToolResult:
    runs: list[Run] = field(default_factory=list)
    status: str = "ok"
    findings: Optional[int] = None
    timeout_s: Optional[float] = None

    @property
    def wall(self) -> float:
        return median([r.wall for r in self.runs])

    @property
    def cpu(self) -> float:
        return median([r.cpu for r in self.runs])

    @property
    def maxrss(self) -> float:
        return max((r.maxrss_mb for r in self.runs), default=float("nan"))


@dataclass
class Rerun:
    cached: bool  # does this routelint have a result cache at all
    fill: Optional[Run] = None  # the run that filled a fresh cache
    warm: list[Run] = field(default_factory=list)  # re-runs with nothing changed
    status: str = "ok"
    same_findings: Optional[bool] = None
    warm_parsed: Optional[int] = None


@dataclass
class CorpusResult:
    corpus: Corpus
    tools: dict[str, ToolResult]
    summary: dict = field(default_factory=dict)
    precommit: Optional[ToolResult] = None
    rerun: Optional[Rerun] = None


def _why(run: Run, timeout: Optional[float]) -> str:
    if run.timed_out:
        return f"timeout (>{timeout:.0f} s)"
    last = (run.stderr.strip().splitlines() or ["no output"])[-1]
    return f"failed (exit {run.returncode}: {last[:100]})"


def bench_corpus(corpus: Corpus, routelint: Tool, peers: list[Tool], runs: int, timeout: float, slow: float, cache_root: str,
                 log: Callable[[str], None], precommit: bool = True, rerun: bool = True) -> CorpusResult:
    count_tree(corpus)
    tools = [routelint, _single_process_tool()] + peers
    results = {tool.name: ToolResult(status=tool.status) for tool in tools}
    for round_ in range(runs):
        for tool in tools:  # alternating: routelint, peer, peer, ..., routelint, ...
            result = results[tool.name]
            if result.status != "ok":
                continue
            if result.runs and result.runs[0].wall > slow:
                continue  # a slow tool is measured once: its ratio does not need three runs to be clear
            if result.runs and results["routelint"].status != "ok":
                continue  # no ratio to compute: one run of each peer says enough
            ours = tool.name in ("routelint", SINGLE)
            run = measure(tool.command("."), cwd=corpus.root, env=tool.env, timeout=None if ours else timeout, keep_stdout=tool.name != SINGLE)
            if not run.ok(tool.accepted):
                result.status = _why(run, timeout)
                result.timeout_s = timeout if run.timed_out else None
                log(f"  {corpus.name}: {tool.name} {result.status}")
                if ours:
                    sys.stderr.write(run.stderr[-4000:])
                continue
            result.runs.append(run)
            if tool.count and result.findings is None:
                result.findings = tool.count(run.stdout)
            log(f"  {corpus.name} round {round_ + 1}: {tool.name} {run.wall:.2f} s")
    out = CorpusResult(corpus, results)
    lint = results["routelint"]
    if lint.runs:
        out.summary = json.loads(lint.runs[0].stdout).get("summary", {})
        out.summary["_diagnostics"] = json.loads(lint.runs[0].stdout).get("diagnostics", [])
        for run in lint.runs:  # drop the big stdout once read
            run.stdout = ""
    if precommit and lint.runs:
        files = precommit_files(corpus.root)
        shape = ToolResult()
        for _ in range(max(runs, 3) if runs > 1 else 1):
            run = measure(check_command(*files), cwd=corpus.root)
            if not run.ok(routelint.accepted):
                shape.status = _why(run, None)
                break
            shape.runs.append(run)
        out.precommit = shape
    if rerun and lint.runs:
        out.rerun = bench_rerun(corpus, cache_root, runs, out.summary)
    return out


def bench_rerun(corpus: Corpus, cache_root: str, runs: int, cold_summary: dict) -> Rerun:
    """A run that fills a fresh result cache, then re-runs with nothing changed (median)."""
    out = Rerun(cached=has_result_cache())
    if not out.cached:
        run = measure(check_command("."), cwd=corpus.root, keep_stdout=False)
        out.fill = run
        out.warm.append(run)
        return out
    cache_dir = os.path.join(cache_root, "routelint-cache", re.sub(r"[^\w.-]+", "_", corpus.name))
    shutil.rmtree(cache_dir, ignore_errors=True)
    out.fill = measure(check_command(".", cache_dir=cache_dir), cwd=corpus.root, keep_stdout=False)
    for index in range(max(runs, 3)):
        run = measure(check_command(".", cache_dir=cache_dir), cwd=corpus.root, keep_stdout=index == 0)
        if index == 0 and run.ok((0, 1)):
            try:  # the warm run must report what the cold run reported
                doc = json.loads(run.stdout)
                out.same_findings = doc.get("diagnostics") == cold_summary.get("_diagnostics")
                out.warm_parsed = doc.get("summary", {}).get("files_parsed")
            except ValueError:
                out.same_findings = False
            run.stdout = ""
        if not run.ok((0, 1)):
            out.status = _why(run, None)
            break
        out.warm.append(run)
    return out


def bench_scaling(base: Corpus, big: Corpus, routelint: Tool, runs: int, slow: float,
                  log: Callable[[str], None]) -> tuple[CorpusResult, CorpusResult]:
    """routelint on the base tree and on the 10x tree, runs alternating (once each when the 10x run is slow)."""
    out = []
    for corpus in (base, big):
        count_tree(corpus)
        out.append(CorpusResult(corpus, {"routelint": ToolResult()}))
    for round_ in range(runs):
        for res in out:
            lint = res.tools["routelint"]
            if lint.status != "ok" or (round_ and out[1].tools["routelint"].runs and out[1].tools["routelint"].runs[0].wall > slow):
                continue
            run = measure(routelint.command("."), cwd=res.corpus.root)
            if not run.ok(routelint.accepted):
                lint.status = _why(run, None)
                continue
            if not res.summary:
                res.summary = json.loads(run.stdout).get("summary", {})
            run.stdout = ""
            lint.runs.append(run)
            log(f"  {res.corpus.name} round {round_ + 1}: {run.wall:.2f} s")
    return out[0], out[1]


@dataclass
class Startup:
    version_times: list[float] = field(default_factory=list)
    version_error: str = ""
    import_total_ms: float = float("nan")
    site_ms: float = float("nan")
    top_imports: list[tuple[str, float]] = field(default_factory=list)
    libcst_on_plain_run: Optional[bool] = None
    plain_run_note: str = ""


def bench_startup(plain_dir: str, repeats: int) -> Startup:
    out = Startup()
    cmd = routelint_command() + ["--version"]
    for _ in range(repeats):
        run = measure(cmd)
        if run.returncode != 0:
            out.version_error = _why(run, None)
            break
        out.version_times.append(run.wall)
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import routelint.cli"], capture_output=True, text=True, timeout=120,
                          env=bench_env())
    rows = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            rows.append((match.group(4), int(match.group(2)) / 1000.0, len(match.group(3))))
    cli = next((i for i, row in enumerate(rows) if row[0] == "routelint.cli"), None)
    if cli is not None:  # importtime prints post-order: the rows just before a module, indented deeper, are what it imported
        out.import_total_ms = rows[cli][1]
        out.site_ms = next((ms for name, ms, indent in rows if name == "site" and indent <= 1), float("nan"))
        depth = rows[cli][2]
        children = []
        for name, ms, indent in reversed(rows[:cli]):
            if indent <= depth:
                break
            if indent == depth + 2:
                children.append((name, ms))
        out.top_imports = sorted(children, key=lambda item: -item[1])[:6]
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "routelint"] + check_command(plain_dir)[len(routelint_command()):],
                          capture_output=True, text=True, timeout=300, env=bench_env())
    summary = None
    if done.returncode in (0, 1):
        try:
            summary = json.loads(done.stdout)["summary"]
        except (ValueError, KeyError, TypeError):
            summary = None
    if summary is not None:  # only a run that really checked the folder says anything about libcst
        out.libcst_on_plain_run = bool(re.search(r"\|\s*libcst\b", done.stderr))
        out.plain_run_note = f"{summary.get('files')} files, {summary.get('files_parsed')} parsed"
    else:
        last = [line for line in done.stderr.strip().splitlines() if not line.startswith("import time:")] or ["?"]
        out.plain_run_note = f"run failed (exit {done.returncode}): {last[-1][:120]}"
    return out


# ------------------------------------------------------------------------------------------------
# the report


def load_average() -> str:
    try:
        return "/".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            mem = f"{int(handle.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        mem = "unknown"
    try:
        version = subprocess.run(routelint_command() + ["--version"], capture_output=True, text=True, timeout=60).stdout.strip()
        version = version.removeprefix("routelint ").strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        version = "unknown"
    try:
        commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, timeout=30).stdout.strip()
        commit = commit + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    return {
        "load": load_average(),
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "nproc": str(os.cpu_count()),
        "memory": mem,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": f"{platform.system()} {platform.release()}",
        "routelint": f"{version} ({commit})",
    }


def fmt_s(value: float) -> str:
    if value != value:  # nan
        return "–"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def fmt_mb(value: float) -> str:
    return "–" if value != value else f"{value:.0f} MB"


def fmt_share(parsed: Optional[int], files: Optional[int]) -> str:
    if not files or parsed is None:
        return "–"
    return f"{100.0 * parsed / files:.1f}%"


def _peer_cell(result: ToolResult, base: float) -> str:
    if result.status.startswith("timeout") and result.timeout_s and base == base and base > 0:
        return f"{result.status} (>{result.timeout_s / base:.1f}×)"
    if result.status != "ok":
        return result.status
    if not result.runs:
        return "–"
    runs = f"n={len(result.runs)}" if len(result.runs) < 3 else ""
    if base == base and base > 0:
        ratio = result.wall / base
        ratio_text = f"{ratio:.1f}×" if ratio >= 0.95 else f"{ratio:.2f}×" if ratio >= 0.01 else f"{ratio:.3f}×"
        return f"{fmt_s(result.wall)} ({ratio_text}{', ' + runs if runs else ''})"
    return f"{fmt_s(result.wall)}{' (' + runs + ')' if runs else ''}"


def render(info: dict[str, str], startup: Startup, results: list[CorpusResult], scaling: Optional[tuple[CorpusResult, CorpusResult]],
           peers: list[Tool], args: argparse.Namespace, problems: list[str]) -> str:
    lines = ["## Benchmark results", ""]
    lines.append(f"Run {info['date']} with `{shlex.join(['python', 'benchmarks/run.py'] + args.argv)}`"
                 f" ({args.runs} run{'s' if args.runs != 1 else ''} per tool, medians).")
    lines.append("")
    lines.append(f"Machine: {info['cpu']}, {info['nproc']} cores (nproc), {info['memory']} RAM, {info['os']}, {info['python']}; "
                 f"routelint {info['routelint']}. Load average (1/5/15 min) at the start: {info['load']}, at the end: "
                 f"{load_average()} (other work on the machine shows up here and in every number below).")
    lines.append("")
    lines.append("### routelint per tree")
    lines.append("")
    lines.append("| corpus | files | .py files | .py lines | candidates (parsed) | parsed share | wall | CPU | peak RSS | files/s | routes | diagnostics |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for result in results:
        lint = result.tools["routelint"]
        s = result.summary
        if lint.status != "ok" or not lint.runs:
            lines.append(f"| {result.corpus.name} | {result.corpus.all_files} | {result.corpus.py_files} | {result.corpus.py_lines:,} | "
                         f"– | – | {lint.status} | – | – | – | – | – |")
            continue
        files = s.get("files")
        lines.append(
            f"| {result.corpus.name} | {files:,} | {result.corpus.py_files:,} | {result.corpus.py_lines:,} | {s.get('files_parsed')} | "
            f"{fmt_share(s.get('files_parsed'), files)} | {fmt_s(lint.wall)} | {fmt_s(lint.cpu)} | {fmt_mb(lint.maxrss)} | "
            f"{(files or 0) / lint.wall:,.0f} | {s.get('routes', '–')} | {s.get('diagnostics', '–')} |")
    lines.append("")
    lines.append("files: what routelint visited (summary.files); candidates: files that passed the prefilter and were parsed "
                 "(summary.files_parsed, config files included); every run cold (`--no-cache`); CPU: user+system of routelint and its worker processes; "
                 "peak RSS: ru_maxrss of the largest single process (main or one worker).")
    gen = next((r for r in results if r.corpus.name.startswith("generated")), None)
    if gen and gen.summary.get("files"):
        share = gen.summary["files_parsed"] / gen.summary["files"]
        lines.append("")
        lines.append(f"Generated tree: parsed share {100 * share:.1f}% ({gen.summary['files_parsed']}/{gen.summary['files']} files; "
                     f"bar < {100 * PARSED_SHARE_BAR:.0f}%: {'met' if share < PARSED_SHARE_BAR else 'MISSED'}).")
    if scaling:
        base, big = scaling
        lines.append("")
        lines.append("### Cost grows with candidates, not tree size")
        lines.append("")
        lines.append("| tree | files | candidates | wall | CPU | peak RSS |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for res in (base, big):
            lint = res.tools["routelint"]
            files = res.summary.get("files")
            lines.append(f"| {res.corpus.name} | {f'{files:,}' if isinstance(files, int) else '–'} | {res.summary.get('files_parsed', '–')} | "
                         f"{fmt_s(lint.wall)} | {fmt_s(lint.cpu)} | {fmt_mb(lint.maxrss)} |")
        bw, gw = base.tools["routelint"].wall, big.tools["routelint"].wall
        if bw == bw and gw == gw and bw > 0:
            ratio = gw / bw
            lines.append("")
            lines.append(f"10x tree / base tree wall time: {ratio:.2f}× (target < {SCALING_BAR}×: {'met' if ratio < SCALING_BAR else 'MISSED'}).")
    lines.append("")
    lines.append("### Start-up")
    lines.append("")
    vt = startup.version_times
    if vt:
        med = median(vt)
        lines.append(f"- `routelint --version`: median {1000 * med:.0f} ms of {len(vt)} (min {1000 * min(vt):.0f} ms; "
                     f"bar {1000 * VERSION_BAR_S:.0f} ms: {'met' if med < VERSION_BAR_S else 'MISSED'}).")
    else:
        lines.append(f"- `routelint --version`: {startup.version_error or 'not measured'}")
    if startup.top_imports:
        lines.append(f"- `python -X importtime -c \"import routelint.cli\"`: routelint.cli {startup.import_total_ms:.0f} ms cumulative; "
                     "its largest direct imports: " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in startup.top_imports)
                     + f". Interpreter start-up (`site`, with the environment's .pth imports) adds {startup.site_ms:.0f} ms.")
    if startup.libcst_on_plain_run is not None:
        lines.append(f"- a run over files with no candidates ({startup.plain_run_note}) imports libcst: "
                     f"{'YES (should not)' if startup.libcst_on_plain_run else 'no'}.")
    elif startup.plain_run_note:
        lines.append(f"- run over files with no candidates: {startup.plain_run_note}")
    if any(r.precommit or r.rerun for r in results):
        lines.append("")
        lines.append("### Pre-commit shape and re-run")
        lines.append("")
        lines.append("| corpus | 10 files passed explicitly: wall | CPU | run filling a fresh cache | warm re-run, nothing changed | "
                     "same findings as cold |")
        lines.append("|---|---:|---:|---:|---:|---|")
        cached = False
        for result in results:
            pre = result.precommit
            pre_cell = (fmt_s(pre.wall) if pre.status == "ok" else pre.status) if pre else "–"
            pre_cpu = fmt_s(pre.cpu) if pre and pre.status == "ok" else "–"
            rr = result.rerun
            if rr is None:
                fill = warm = same = "–"
            else:
                cached = cached or rr.cached
                fill = fmt_s(rr.fill.wall) if rr.fill and rr.cached else "–"
                warm = rr.status if rr.status != "ok" else fmt_s(median([r.wall for r in rr.warm]))
                same = {True: "yes", False: "NO", None: "–"}[rr.same_findings]
            lines.append(f"| {result.corpus.name} | {pre_cell} | {pre_cpu} | {fill} | {warm} | {same} |")
        lines.append("")
        lines.append(f"Pre-commit shape: 10 `.py` files spread over the sorted tree, passed explicitly, `--no-cache` (bar "
                     f"{1000 * PRECOMMIT_BAR_S:.0f} ms). "
                     + ("Warm re-run: a fresh `--cache-dir` is filled by one run, then the check is re-run with nothing changed "
                        "(median of 3; bar 300 ms on langchain-community); \"same findings\" compares its diagnostics with the cold run's."
                        if cached else "Warm re-run: not measured (`--no-rerun`)." if args.no_rerun
                        else "This routelint has no result cache: the re-run is a second full run with a warm OS page cache."))
    if peers:
        lines.append("")
        lines.append("### Peers (median wall time; ratio = peer / routelint)")
        lines.append("")
        lines.append("| corpus | routelint | " + " | ".join(p.name for p in peers) + " |")
        lines.append("|---|---:|" + "---:|" * len(peers))
        for result in results:
            lint = result.tools["routelint"]
            base = lint.wall if lint.runs else float("nan")
            cells = [_peer_cell(result.tools[p.name], base) for p in peers if p.name in result.tools]
            if len(cells) != len(peers):
                continue
            lines.append(f"| {result.corpus.name} | {fmt_s(base)} | " + " | ".join(cells) + " |")
        lines.append("")
        lines.append("| corpus | routelint diagnostics | " + " | ".join(f"{p.name} findings" for p in peers) + " |")
        lines.append("|---|---:|" + "---:|" * len(peers))
        for result in results:
            if not all(p.name in result.tools for p in peers):
                continue
            cells = [str(result.tools[p.name].findings) if result.tools[p.name].findings is not None else "–" for p in peers]
            lines.append(f"| {result.corpus.name} | {result.summary.get('diagnostics', '–')} | " + " | ".join(cells) + " |")
        lines.append("")
        commands = {
            "detect-secrets": "`detect-secrets scan --all-files .`",
            "semgrep": "`semgrep scan --config benchmarks/peers/semgrep-routes.yml --metrics=off --disable-version-check "
                       "--x-ignore-semgrepignore-files --json .`",
            "fixit": "`fixit --rules provider_host_rule lint .` (rule in benchmarks/peers/)",
            "ruff": "`ruff check --isolated --no-cache --select S105,S106 .`",
        }
        lines.append("Peers: " + "; ".join(f"{p.name} {PEER_VERSIONS[p.name]}" for p in peers) + ". Commands: "
                     + "; ".join(commands[p.name] for p in peers) + ". A peer slower than "
                     f"{args.slow:.0f} s on its first run is measured once (n=1; the same holds for routelint); each peer run has a "
                     f"{args.timeout:.0f} s timeout.")
    budgets = []
    for result in results:
        lint = result.tools["routelint"]
        if lint.runs and lint.maxrss > MEMORY_BAR_MB:
            budgets.append(f"peak RSS {lint.maxrss:.0f} MB on {result.corpus.name} (target < {MEMORY_BAR_MB} MB)")
    if budgets:
        lines.append("")
        lines.append("Over budget: " + "; ".join(budgets) + ".")
    if problems:
        lines.append("")
        lines.append("Problems: " + "; ".join(problems) + ".")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------


def render_issue11(results: list[CorpusResult], profiles: dict[str, "stages.StageProfile"], crossover_rows: list,
                   pool_bytes: Optional[int]) -> str:
    """The speed and memory targets of issue 11: Semgrep, -j 1 against the default, the stage split, the pool crossover."""
    lines = ["", "### Issue 11: cold check against Semgrep's three route rules", ""]
    lines.append("| corpus | candidates | routelint (default -j) | routelint -j 1 | semgrep | routelint / semgrep | peak RSS default | "
                 "peak RSS -j 1 | semgrep peak RSS |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for result in results:
        lint, single, semgrep = (result.tools.get(name) for name in ("routelint", SINGLE, "semgrep"))
        if semgrep is None or lint is None or not lint.runs:
            continue
        sem = semgrep.wall if semgrep.status == "ok" and semgrep.runs else float("nan")
        ratio = lint.wall / sem if sem == sem and sem > 0 else float("nan")
        verdict = "–" if ratio != ratio else f"**{ratio:.2f}×** ({'met' if ratio <= 1.0 else 'missed'})"
        lines.append(f"| {result.corpus.name} | {result.summary.get('files_parsed', '–')} | {fmt_s(lint.wall)} | "
                     f"{fmt_s(single.wall) if single and single.runs else single.status if single else '–'} | "
                     f"{fmt_s(sem) if sem == sem else semgrep.status} | {verdict} | {fmt_mb(lint.maxrss)} | "
                     f"{fmt_mb(single.maxrss) if single and single.runs else '–'} | {fmt_mb(semgrep.maxrss) if semgrep.runs else '–'} |")
    lines += ["", "Target: no slower than Semgrep (ratio <= 1); peak RSS < 150 MB on litellm. Semgrep runs "
              "`peers/semgrep-routes.yml`: a literal `base_url`/`api_base` passed to a call, a provider's API host in a string, "
              "`$C.files.create(...)`. Peak RSS is ru_maxrss of the largest single process (main or one worker).", ""]
    lines += ["### Default `--jobs` against `-j 1`", "",
              "| corpus | candidates | default | -j 1 | default / -j 1 | |", "|---|---:|---:|---:|---:|---|"]
    for result in results:
        lint, single = result.tools.get("routelint"), result.tools.get(SINGLE)
        if not (lint and lint.runs and single and single.runs):
            continue
        ratio = lint.wall / single.wall
        note = "never slower: met" if ratio <= 1.05 else "slower: MISSED"
        lines.append(f"| {result.corpus.name} | {result.summary.get('files_parsed', '–')} | {fmt_s(lint.wall)} | {fmt_s(single.wall)} | "
                     f"{ratio:.2f} | {note} |")
    lines += ["", "Medians of alternating runs; a ratio within 5% is noise on this shared machine.", ""]
    if profiles:
        lines += ["### Where the time goes: stages per candidate module against `ast.parse`", ""]
        lines += [f"Target: analysis cost per candidate module <= {AST_PARSE_BAR:.0f}x its `ast.parse` time. All figures are "
                  "CPU seconds (`time.process_time`), which the neighbours' load on a shared machine barely moves. "
                  "read / prefilter (candidate trie, key scan, imports, suppression comments) / parse (`ast.parse` inside the "
                  "frontend) / evaluate (the rest of the frontend) are summed over the candidate modules of one profiled "
                  "`ROUTELINT_PROFILE=1 routelint check --no-cache -j 1` run (a module analysed twice counts both passes); "
                  "checks is the run-wide resolve + checks + suppressions, all charged to the candidates; ast.parse is each "
                  "module's best of 3 in a fresh interpreter.", ""]
        for name, profile in profiles.items():
            lines += stages.render_profile(name, profile, AST_PARSE_BAR)
    if crossover_rows:
        lines += ["### When a process pool pays (the `POOL_BYTES` crossover)", "",
                  "Trees of the first N bytes of litellm's candidate modules (sorted by path), checked cold with `-j 1`, with "
                  "a 2-worker pool forced on (`stages.analysis.POOL_BYTES = 0`) and with the defaults, alternating. The best of the "
                  "runs decides (the run the neighbours' load disturbed least); medians in brackets.", ""]
        lines += stages.render_crossover(crossover_rows, pool_bytes)
        lines.append("")
    return "\n".join(lines)


def default_cache() -> str:
    if os.environ.get("ROUTELINT_BENCH_CACHE"):
        return os.environ["ROUTELINT_BENCH_CACHE"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "routelint-bench")


def _measured_argv(argv: list[str]) -> list[str]:
    """The command line as the results header shows it: where the table was written says nothing of
    what was measured (and would put a local path into results.md)."""
    shown: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--output":
            skip = True
        elif not arg.startswith("--output="):
            shown.append(arg)
    return shown


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", metavar="PATH", help="more trees to measure")
    parser.add_argument("--quick", action="store_true", help="one run per tool, generated trees only; peers only if already installed")
    parser.add_argument("--smoke", action="store_true", help="tiny generated tree (see --files), no peers, no corpora: checks the script works")
    parser.add_argument("--files", type=int, default=None, help="Python files in the generated tree (default 2000; 60 with --smoke)")
    parser.add_argument("--runs", type=int, default=None, help="runs per tool (default 3; 1 with --quick)")
    parser.add_argument("--cache-dir", default=None, help="where trees, wheels and peer venvs go (default ~/.cache/routelint-bench)")
    parser.add_argument("--no-peers", action="store_true", help="measure routelint only")
    parser.add_argument("--peers", default=None, metavar="NAMES",
                        help=f"comma-separated peers to run (default all: {','.join(PEER_VERSIONS)})")
    parser.add_argument("--no-profile", action="store_true", help="skip the per-stage profile (ROUTELINT_PROFILE) of the real corpora")
    parser.add_argument("--no-crossover", action="store_true", help="skip the pool crossover measurement (-j 1 against a forced pool)")
    parser.add_argument("--no-rerun", action="store_true", help="skip the warm re-run (a cache-filling run plus warm runs per tree)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds before a peer run is stopped (default 180)")
    parser.add_argument("--slow", type=float, default=60.0, help="a tool slower than this on its first run is measured once (default 60)")
    parser.add_argument("--only", action="append", default=None, metavar="NAME",
                        help="measure only the trees whose name contains NAME (repeatable; 'generated' = the generated trees)")
    parser.add_argument("--output", default=None, help="markdown file for the table (default benchmarks/results.md; none with --smoke)")
    args = parser.parse_args(argv)
    args.argv = _measured_argv(list(argv if argv is not None else sys.argv[1:]))
    if args.smoke:
        args.quick = True
        args.no_peers = True
    args.files = args.files or (60 if args.smoke else 2000)
    args.runs = args.runs or (1 if args.quick else 3)
    cache = os.path.abspath(args.cache_dir or default_cache())
    os.makedirs(cache, exist_ok=True)
    output = args.output if args.output is not None else ("" if args.smoke else os.path.join(HERE, "results.md"))

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    info = machine()
    log(f"cache folder {cache}")
    spec = TreeSpec(python_files=args.files)
    trees = os.path.join(cache, "trees")
    base_dir = os.path.join(trees, f"generated-{args.files}")
    big_dir = os.path.join(trees, f"generated-{args.files}-x10")
    plain_dir = os.path.join(trees, "plain-50")
    log("generating trees (once; reused while the generator and its arguments are unchanged)")
    generate_cached(base_dir, spec)
    generate_cached(big_dir, spec, extra_copies=9)
    generate_cached(plain_dir, TreeSpec(python_files=50, route_share=0.0, keys_in_env_files=False, configs=False, false_triggers=False))

    problems: list[str] = []
    log("warm-up run (writes bytecode)")
    measure(check_command(base_dir), keep_stdout=False)
    log("start-up: --version, import time, libcst on a plain run")
    startup = bench_startup(plain_dir, 3 if args.smoke else 10)

    peers: list[Tool] = []
    if not args.no_peers:
        names = [name.strip() for name in args.peers.split(",") if name.strip()] if args.peers else None
        unknown = sorted(set(names or ()) - set(PEER_VERSIONS))
        if unknown:
            parser.error(f"unknown peer {unknown[0]!r} (known: {', '.join(PEER_VERSIONS)})")
        peers = peer_tools(cache, install=not args.quick, log=log, names=names)
        for peer in peers:
            if peer.status != "ok":
                problems.append(f"{peer.name}: {peer.status}")

    corpora = [Corpus(f"generated ({args.files} .py)", base_dir)]
    if not args.quick:
        real, fetch_problems = fetch_corpora(cache, log)
        corpora += real
        problems += fetch_problems
    corpora += [Corpus(os.path.basename(os.path.abspath(p)) or p, os.path.abspath(p)) for p in args.paths]
    extra_roots = {os.path.abspath(p) for p in args.paths}

    if args.only:
        corpora = [c for c in corpora if any(name in c.name for name in args.only)]
    routelint = _routelint_tool()
    results: list[CorpusResult] = []
    failed = False
    for corpus in corpora:
        if not os.path.isdir(corpus.root):
            problems.append(f"{corpus.root}: not a directory")
            continue
        log(f"measuring {corpus.name}")
        result = bench_corpus(corpus, routelint, peers, args.runs, args.timeout, args.slow, cache, log, rerun=not args.no_rerun)
        failed |= result.tools["routelint"].status != "ok"
        results.append(result)

    scaling = None
    if not args.only or any(name in "generated" for name in args.only):
        log("measuring the 10x tree against the base tree, alternating")
        scaling = bench_scaling(Corpus(f"generated ({args.files} .py)", base_dir), Corpus(f"generated x10 ({10 * args.files} .py)", big_dir),
                                routelint, args.runs, args.slow, log)
        for res in scaling:
            if res.tools["routelint"].status != "ok":
                failed = True
                problems.append(f"routelint on {res.corpus.name}: {res.tools['routelint'].status}")

    profiles: dict[str, stages.StageProfile] = {}
    if not args.no_profile:
        for result in results:
            # the corpora issue 11 names, the generated tree in a smoke run, and any tree given as PATH
            wanted = any(name in result.corpus.name for name in STAGE_CORPORA) or args.smoke or result.corpus.root in extra_roots
            if wanted and result.tools["routelint"].status == "ok":
                log(f"profiling {result.corpus.name} per stage (ROUTELINT_PROFILE=1, -j 1)")
                profiles[result.corpus.name] = stages.profile_tree(result.corpus.root, measure, check_command, bench_env(), sys.executable)
    crossover_rows: list[stages.CrossoverRow] = []
    if not (args.no_crossover or args.quick):
        source = next(((name, profile) for name, profile in profiles.items() if "litellm" in name), None)
        if source is None:
            problems.append("pool crossover not measured: it needs the litellm profile (run without --no-profile, with litellm)")
        else:
            name, profile = source
            root = next(r.corpus.root for r in results if r.corpus.name == name)
            log(f"pool crossover on the candidate modules of {name}")
            crossover_rows = stages.crossover(root, profile.candidates(), os.path.join(trees, "crossover"), args.runs, measure,
                                              check_command, sys.executable, log)
    report = render(info, startup, results, scaling, peers, args, problems)
    report += render_issue11(results, profiles, crossover_rows, stages.engine_pool_bytes(sys.executable, bench_env()) if crossover_rows else None)
    report += f"\nTotal benchmark time: {time.perf_counter() - started:.0f} s.\n"
    print(report)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(report)
        log(f"wrote {output}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

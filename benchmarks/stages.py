"""Where routelint's time goes, and when a process pool pays: two measurements for benchmarks/run.py.

* `profile_tree`: one cold `routelint check -j 1` with `ROUTELINT_PROFILE=1` (see
  src/routelint/profiling.py) gives every file's read / prefilter / parse / evaluate seconds and the
  run's stage wall times; a separate process then times `ast.parse` of each candidate module, the
  yardstick of issue 11 ("analysis cost per candidate module <= 2x its ast.parse time").
* `crossover`: trees made of the first N bytes of a corpus's candidate modules, checked cold with
  `-j 1`, with a forced 2-worker pool and with the defaults, alternating; the smallest size where the
  pool wins is where `stages.analysis.POOL_BYTES` belongs.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Callable, Optional

PROFILE_PREFIX = "routelint-profile "
FILE_STAGES = ("read", "prefilter", "parse", "evaluate")
RUN_WIDE = ("resolve", "checks", "suppressions")  # after the per-file work: charged to the candidates
CROSSOVER_SIZES = (100_000, 250_000, 500_000, 1_000_000, 2_000_000, 4_000_000)

# CPU seconds of ast.parse of each file named on stdin (one per line), best of `repeats`, in a fresh interpreter
_AST_TIMER = r"""
import ast, json, sys, time
repeats = int(sys.argv[1])
out = {}
for path in sys.stdin.read().splitlines():
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8-sig", "replace")
    best = None
    for _ in range(repeats):
        start = time.process_time()
        try:
            ast.parse(text, filename=path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            break
        elapsed = time.process_time() - start
        best = elapsed if best is None else min(best, elapsed)
    if best is not None:
        out[path] = best
print(json.dumps(out))
"""


@dataclass
class Module:
    path: str
    kind: str
    size: int
    candidate: bool
    seconds: dict[str, float] = field(default_factory=dict)
    ast_parse: Optional[float] = None
    records: int = 0  # analysis passes (2: skipped by the gate, then forced by the import stage)

    @property
    def cost(self) -> float:
        return sum(self.seconds.get(stage, 0.0) for stage in FILE_STAGES)


@dataclass
class StageProfile:
    wall: float = float("nan")
    cpu: float = float("nan")
    stages: dict[str, float] = field(default_factory=dict)  # run-wide stage -> wall seconds
    stage_cpu: dict[str, float] = field(default_factory=dict)  # run-wide stage -> CPU seconds (main process)
    modules: dict[str, Module] = field(default_factory=dict)
    status: str = "ok"

    def candidates(self, kind: str = "python") -> list[Module]:
        return [m for m in self.modules.values() if m.candidate and m.kind == kind]

    def others(self) -> list[Module]:
        return [m for m in self.modules.values() if not m.candidate]

    @property
    def run_wide(self) -> float:
        """CPU seconds of the run-wide stages after the per-file work (wall where a CPU figure is missing)."""
        return sum(self.stage_cpu.get(stage, self.stages.get(stage, 0.0)) for stage in RUN_WIDE)


def parse_profile(stderr: str) -> tuple[dict[str, Module], dict[str, float], dict[str, float]]:
    """The per-file and per-stage records of a profiled run. A file analysed twice (skipped by the
    prefilter, then parsed because a route imports from it) adds up to one module, a candidate."""
    modules: dict[str, Module] = {}
    stages: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith(PROFILE_PREFIX):
            continue
        record = json.loads(line[len(PROFILE_PREFIX):])
        if record.get("profile") == "stage":
            stages[record["stage"]] = stages.get(record["stage"], 0.0) + record["seconds"]
            cpu[record["stage"]] = cpu.get(record["stage"], 0.0) + record.get("cpu", float("nan"))
            continue
        module = modules.setdefault(record["path"], Module(record["path"], record["kind"], record["bytes"], False))
        module.candidate = module.candidate or bool(record["candidate"])
        module.records += 1 if record["candidate"] else 0
        for stage in FILE_STAGES:
            module.seconds[stage] = module.seconds.get(stage, 0.0) + record.get(stage, 0.0)
    return modules, stages, cpu


def time_ast_parse(python: str, root: str, paths: list[str], env: dict[str, str], repeats: int = 3) -> dict[str, float]:
    if not paths:
        return {}
    done = subprocess.run([python, "-c", _AST_TIMER, str(repeats)], input="\n".join(paths), capture_output=True, text=True,
                          cwd=root, env=env, timeout=1800)
    if done.returncode != 0:
        return {}
    return json.loads(done.stdout)


def profile_tree(root: str, measure: Callable, check: Callable[..., list[str]], env: dict[str, str], python: str) -> StageProfile:
    """One cold, single-process, profiled check of `root`; then the ast.parse yardstick per candidate module."""
    out = StageProfile()
    run = measure(check(".", jobs=1), cwd=root, env=dict(env, ROUTELINT_PROFILE="1"), keep_stdout=False)
    if run.timed_out or run.returncode not in (0, 1):
        out.status = f"failed (exit {run.returncode})"
        return out
    out.wall, out.cpu = run.wall, run.cpu
    out.modules, out.stages, out.stage_cpu = parse_profile(run.stderr)
    if not out.modules:
        out.status = "no profile records (this routelint has no ROUTELINT_PROFILE hook)"
        return out
    candidates = out.candidates()
    yardstick = time_ast_parse(python, root, [m.path for m in candidates], env)
    for module in candidates:
        module.ast_parse = yardstick.get(module.path)
    return out


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def render_profile(name: str, profile: StageProfile, bar: float) -> list[str]:
    """Markdown for one tree: the stage split of its candidate modules against their ast.parse time."""
    lines = [f"**{name}**: profiled cold run, `-j 1`: {profile.wall:.1f} s wall, {profile.cpu:.1f} s CPU."]
    if profile.status != "ok":
        return lines + ["", f"not measured: {profile.status}", ""]
    stage_times = ", ".join(f"{stage} {profile.stage_cpu.get(stage, float('nan')):.2f} s ({seconds:.2f} s wall)"
                            for stage, seconds in profile.stages.items())
    lines += [f"Stages (CPU of the one process): {stage_times}.", ""]
    candidates = [m for m in profile.candidates() if m.ast_parse]
    if not candidates:
        return lines + ["No candidate Python module.", ""]
    per_module_checks = profile.run_wide / len(candidates)
    total = {stage: sum(m.seconds.get(stage, 0.0) for m in candidates) for stage in FILE_STAGES}
    cost = sum(total.values()) + profile.run_wide
    yardstick = sum(m.ast_parse for m in candidates)
    ratios = [(m.cost + per_module_checks) / m.ast_parse for m in candidates]
    within = sum(1 for ratio in ratios if ratio <= bar)
    size = sum(m.size for m in candidates)
    lines += [
        "| candidate .py modules | MB | read | prefilter | parse | evaluate | checks | total | ast.parse | total / ast.parse |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {len(candidates)} | {size / 1e6:.1f} | {total['read']:.2f} s | {total['prefilter']:.2f} s | {total['parse']:.2f} s | "
        f"{total['evaluate']:.2f} s | {profile.run_wide:.2f} s | {cost:.2f} s | {yardstick:.2f} s | **{cost / yardstick:.2f}×** |",
        "",
        f"Per module (its stages plus an equal share of the run-wide resolve/checks/suppressions): median "
        f"{statistics.median(ratios):.2f}× its ast.parse, 90th percentile {_percentile(ratios, 0.9):.2f}×; "
        f"{within} of {len(candidates)} within {bar:.0f}×. Slowest against their parse:",
        "",
    ]
    worst = sorted(candidates, key=lambda m: -(m.cost + per_module_checks) / m.ast_parse)[:5]
    for module in worst:
        split = ", ".join(f"{stage} {1000 * module.seconds.get(stage, 0.0):.1f} ms" for stage in FILE_STAGES)
        lines.append(f"- `{module.path}` ({module.size / 1000:.0f} kB): {(module.cost + per_module_checks) / module.ast_parse:.1f}× "
                     f"(ast.parse {1000 * module.ast_parse:.1f} ms; {split})")
    others = profile.others()
    config = [m for m in profile.modules.values() if m.candidate and m.kind != "python"]
    lines.append("")
    twice = sum(1 for m in profile.modules.values() if m.records > 1)
    if twice:
        lines.append(f"Modules analysed twice (skipped by the frontend's gate, then parsed again because a route imports "
                     f"from them): {twice}.")
        lines.append("")
    lines.append(f"Files the prefilter skipped: {len(others):,} ({sum(m.size for m in others) / 1e6:.1f} MB), read "
                 f"{sum(m.seconds.get('read', 0.0) for m in others):.2f} s + prefilter and key scan "
                 f"{sum(m.seconds.get('prefilter', 0.0) for m in others):.2f} s in all. Config/env candidates: {len(config)}, "
                 f"{sum(m.cost for m in config):.2f} s.")
    lines.append("")
    return lines


# ------------------------------------------------------------------------------------------------
# when a pool pays


FORCED_POOL = ("import sys, routelint.stages.analysis as analysis; analysis.POOL_BYTES = 0; "
               "from routelint.cli import main; main(sys.argv[1:])")


@dataclass
class CrossoverRow:
    size: int
    files: int
    walls: dict[str, list[float]] = field(default_factory=dict)  # variant -> wall seconds

    def median(self, variant: str) -> float:
        values = self.walls.get(variant) or []
        return statistics.median(values) if values else float("nan")

    def best(self, variant: str) -> float:
        """The fastest run: the one the neighbours' load disturbed least."""
        values = self.walls.get(variant) or []
        return min(values) if values else float("nan")


def build_subset(root: str, modules: list[Module], size: int, target: str) -> int:
    """Copy candidate modules (sorted by path) into `target` until they reach `size` bytes; file count."""
    if os.path.isdir(target):
        shutil.rmtree(target)
    total = count = 0
    for module in sorted(modules, key=lambda m: m.path):
        if total >= size:
            break
        destination = os.path.join(target, module.path)
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        shutil.copyfile(os.path.join(root, module.path), destination)
        total += module.size
        count += 1
    return count


def crossover(root: str, modules: list[Module], work: str, runs: int, measure: Callable, check: Callable[..., list[str]],
              python: str, log: Callable[[str], None], sizes: tuple[int, ...] = CROSSOVER_SIZES) -> list[CrossoverRow]:
    rows = []
    total = sum(m.size for m in modules)
    for size in sizes:
        if size > total:
            break
        target = os.path.join(work, f"crossover-{size}")
        row = CrossoverRow(size, build_subset(root, modules, size, target))
        variants = {
            "-j 1": check(".", jobs=1),
            "pool of 2": [python, "-c", FORCED_POOL] + check(".", jobs=2)[len(check_prefix(check)):],
            "default": check("."),
        }
        for _ in range(runs):
            for variant, command in variants.items():
                run = measure(command, cwd=target, keep_stdout=False)
                if run.timed_out or run.returncode not in (0, 1):
                    log(f"  crossover {size}: {variant} failed (exit {run.returncode}): {run.stderr[-300:]}")
                    continue
                row.walls.setdefault(variant, []).append(run.wall)
        log(f"  crossover {size / 1e6:.2f} MB ({row.files} files): " + ", ".join(
            f"{variant} best {row.best(variant):.2f} s" for variant in variants))
        rows.append(row)
    return rows


def check_prefix(check: Callable[..., list[str]]) -> list[str]:
    """The argv before `check` (the console script, or `python -m routelint`)."""
    argv = check(".")
    return argv[: argv.index("check")]


def render_crossover(rows: list[CrossoverRow], pool_bytes: Optional[int]) -> list[str]:
    lines = ["| candidate bytes | files | -j 1 best (median) | pool of 2, forced, best (median) | default best (median) | "
             "pool / -j 1 (best) | default / -j 1 (best) |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        single, pool, default = row.best("-j 1"), row.best("pool of 2"), row.best("default")
        lines.append(f"| {row.size / 1e6:.2f} MB | {row.files} | {single:.2f} s ({row.median('-j 1'):.2f}) | "
                     f"{pool:.2f} s ({row.median('pool of 2'):.2f}) | {default:.2f} s ({row.median('default'):.2f}) | "
                     f"{pool / single:.2f} | {default / single:.2f} |")

    def wins(row: CrossoverRow) -> bool:  # by more than the 5% this shared machine wanders between runs
        return row.best("pool of 2") < 0.95 * row.best("-j 1")

    first = next((row.size for row in rows if all(wins(r) for r in rows if r.size >= row.size)), None)
    lines.append("")
    threshold = f"`stages.analysis.POOL_BYTES` is {pool_bytes / 1e6:.2f} MB" if pool_bytes else "`stages.analysis.POOL_BYTES` is unknown"
    if first is not None:
        lines.append(f"The forced pool is more than 5% faster from {first / 1e6:.2f} MB of candidates on (and at every larger "
                     f"size measured); {threshold}.")
    elif any(wins(row) for row in rows):
        lines.append(f"The pool wins at some sizes but not at every larger one: load on the machine decides there; {threshold}.")
    else:
        lines.append(f"The forced pool is never more than 5% faster at these sizes; {threshold}.")
    return lines


def engine_pool_bytes(python: str, env: dict[str, str]) -> Optional[int]:
    done = subprocess.run([python, "-c", "import routelint.stages.analysis as a; print(getattr(a, 'POOL_BYTES', ''))"],
                          capture_output=True, text=True, env=env, timeout=60)
    try:
        return int(done.stdout.strip())
    except ValueError:
        return None


def main(argv: Optional[list[str]] = None) -> int:
    """`python benchmarks/stages.py TREE...`: the stage profile of each tree alone (no peers, no
    crossover), for working on the frontend's cost between full benchmark runs. CPU seconds are the
    figures to compare on a shared machine."""
    import argparse

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import run as bench  # the benchmark's own measuring and command line

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("trees", nargs="+")
    parser.add_argument("--bar", type=float, default=2.0, help="the analysis/ast.parse ratio to count modules against")
    args = parser.parse_args(argv)
    for tree in args.trees:
        profile = profile_tree(os.path.abspath(tree), bench.measure, bench.check_command, bench.bench_env(), sys.executable)
        print("\n".join(render_profile(tree, profile, args.bar)))
        per_stage = {stage: sum(m.seconds.get(stage, 0.0) for m in profile.modules.values()) for stage in FILE_STAGES}
        print("CPU seconds per file stage, all files: " + ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in per_stage.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

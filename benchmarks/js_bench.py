#!/usr/bin/env python
"""routelint on real JavaScript/TypeScript trees, against Semgrep with JS rules: one command.

    python benchmarks/js_bench.py [--runs N] [--cache-dir DIR] [--output FILE]

The trees are npm packages' published sources (`npm pack <name>@<pinned version>`, unpacked under the
cache folder, never into the repository): openai-node, the Vercel AI SDK's OpenAI provider and
LangChain.js's OpenAI integration, plus all three as one tree. Semgrep (pinned, in its own virtual
environment under the cache folder, created on first use) runs the local rules in
benchmarks/peers/semgrep-js-openai.yml. Runs alternate between the tools; the table shows the median
wall time, CPU time and peak memory, and the findings each tool reports. Written to
benchmarks/results-js.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from run import PEERS_DIR, bench_env, measure  # noqa: E402  (one way to time a command)

PACKAGES = {"openai": "7.59.0", "@ai-sdk/openai": "4.0.118", "@langchain/openai": "1.6.0"}
SEMGREP_VERSION = "1.185.0"
SEMGREP_RULES = os.path.join(PEERS_DIR, "semgrep-js-openai.yml")
JS_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")


def log(message: str) -> None:
    print(f"[js-bench] {message}", file=sys.stderr, flush=True)


def fetch(cache: str) -> dict[str, str]:
    """name -> unpacked tree of each pinned package (npm pack; cached)."""
    packs = os.path.join(cache, "npm")
    os.makedirs(packs, exist_ok=True)
    trees = {}
    for name, version in PACKAGES.items():
        slug = name.replace("@", "").replace("/", "-")
        root = os.path.join(cache, "corpora", f"npm-{slug}-{version}")
        if not os.path.isfile(root + ".stamp"):
            log(f"npm pack {name}@{version}")
            done = subprocess.run(["npm", "pack", f"{name}@{version}", "--silent", "--pack-destination", packs],
                                  capture_output=True, text=True, timeout=600, check=True)
            tarball = os.path.join(packs, done.stdout.strip().splitlines()[-1])
            shutil.rmtree(root, ignore_errors=True)
            with tarfile.open(tarball) as archive:
                archive.extractall(root, filter="data")
            open(root + ".stamp", "w").close()
        trees[name] = root
    return trees


def semgrep(cache: str) -> str:
    venv = os.path.join(cache, "peers-venv", "semgrep")
    exe = os.path.join(venv, "bin", "semgrep")
    if not os.path.isfile(exe):
        log(f"installing semgrep=={SEMGREP_VERSION} into {venv}")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
        subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "-q", f"semgrep=={SEMGREP_VERSION}"],
                       check=True, timeout=1200)
    return exe


def count(root: str) -> tuple[int, int, int]:
    """(JS/TS files, their lines, all files) of a tree."""
    files = lines = everything = 0
    for directory, _, names in os.walk(root):
        for name in names:
            everything += 1
            if name.lower().endswith(JS_SUFFIXES):
                files += 1
                with open(os.path.join(directory, name), "rb") as handle:
                    lines += handle.read().count(b"\n")
    return files, lines, everything


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache-dir", default=os.environ.get("ROUTELINT_BENCH_CACHE", os.path.expanduser("~/.cache/routelint-bench")))
    parser.add_argument("--output", default=os.path.join(HERE, "results-js.md"))
    args = parser.parse_args()
    trees = fetch(args.cache_dir)
    targets = {**{f"{name}@{PACKAGES[name]}": [root] for name, root in trees.items()}, "all three": list(trees.values())}
    routelint = os.path.join(os.path.dirname(sys.executable), "routelint")
    sg = semgrep(args.cache_dir)
    sg_env = bench_env(SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    tools = {  # name -> (command for the given paths, environment, JSON list of findings)
        "routelint": (lambda paths: [routelint, "check", "--no-cache", "--format", "json", *paths], None, "diagnostics"),
        f"semgrep {SEMGREP_VERSION}": (lambda paths: [sg, "scan", "--config", SEMGREP_RULES, "--metrics=off", "--disable-version-check",
                                                       "--x-ignore-semgrepignore-files", "--json", "--quiet", *paths], sg_env, "results"),
    }
    rows = []
    for label, paths in targets.items():
        files, lines, everything = (sum(values) for values in zip(*(count(path) for path in paths)))
        for command, env, _ in tools.values():
            measure(command(paths), env=env, timeout=900)  # warm-up: bytecode, semgrep's rule cache
        samples: dict[str, list] = {name: [] for name in tools}
        for _ in range(args.runs):
            for name, (command, env, _) in tools.items():
                samples[name].append(measure(command(paths), env=env, timeout=900))
        for name, runs in samples.items():
            good = [run for run in runs if run.ok((0, 1))]
            findings = "?"
            if good:
                try:
                    findings = str(len(json.loads(good[-1].stdout).get(tools[name][2], [])))
                except ValueError:
                    findings = "unreadable"
            rows.append((label, files, lines, everything, name,
                         statistics.median(run.wall for run in good) if good else None,
                         statistics.median(run.cpu for run in good) if good else None,
                         max((run.maxrss_mb for run in good), default=None), findings, len(good), len(runs)))
    write(args.output, rows, args.runs)
    return 0


def write(path: str, rows: list, runs: int) -> None:
    lines = [
        "# routelint on JavaScript/TypeScript trees (benchmarks/js_bench.py)",
        "",
        f"{_dt.date.today().isoformat()}, {platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"median of {runs} alternating runs after one warm-up each. Trees: npm packages' published files (`npm pack`).",
        "Semgrep runs the two local rules of `benchmarks/peers/semgrep-js-openai.yml` (literal baseURL in a client, provider key literals);",
        "routelint runs every rule. Findings are not comparable one to one: they show that both tools looked at the code.",
        "",
        "| tree | JS/TS files | JS/TS lines | all files | tool | wall s | CPU s | peak RSS MB | findings | ok runs |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, files, js_lines, everything, tool, wall, cpu, rss, findings, good, total in rows:
        def fmt(value, spec):
            return format(value, spec) if value is not None else "-"
        lines.append(f"| {label} | {files} | {js_lines} | {everything} | {tool} | {fmt(wall, '.2f')} | {fmt(cpu, '.2f')} | "
                     f"{fmt(rss, '.0f')} | {findings} | {good}/{total} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    sys.exit(main())

"""Hostile inputs: time and peak memory of routelint on each reproduction of a stall, bomb or crash.

    python benchmarks/hostile.py                 # every case, a markdown table on stdout
    python benchmarks/hostile.py --case env-doubling --case import-parens
    python benchmarks/hostile.py --big-module    # the 5 MB module alone, and --jobs 2 on two of them

Each case is a small generated tree (seeded: byte-identical on every machine) checked by the
`routelint` next to this interpreter in a child process with an address-space limit (`--memory`,
default 3 GiB) and a timeout (`--timeout`, default 120 s), so a regression shows up as a number, not as
a machine out of memory. Wall time is measured around the process; peak RSS is `ru_maxrss` of the
largest process (routelint or one of its workers) from `os.wait4`.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROUTE = 'from openai import OpenAI\nclient = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/")\n'


def _key(rng: random.Random) -> str:
    return "sk-or-v1-" + "".join(rng.choice("0123456789abcdef") for _ in range(64))


def import_parens() -> dict[str, str]:
    return {"imports.py": "from a import (\n" * 20_000}


def env_doubling() -> dict[str, str]:
    lines = ["A0=xxxxxxxxxxxxxxxx"] + [f"A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, 27)]
    return {".env": "\n".join(lines) + "\n", "app.py": "import os\nfrom openai import OpenAI\nc = OpenAI(base_url=os.getenv('A26'))\n"}


def env_chain() -> dict[str, str]:
    lines = ["V0=x"] + [f"V{i}=${{V{i - 1}}}x" for i in range(1, 100_000)]
    return {".env": "\n".join(lines) + "\n"}


def suppression_line() -> dict[str, str]:
    return {"s.py": "x = 1  # " + "# routelint: ignore[" * (100_000 // 20) + "\n"}


def config_fixes(documents: int = 4000) -> Callable[[], dict[str, str]]:
    def build() -> dict[str, str]:
        rng = random.Random(12)
        docs = [f"llm:\n  base_url: https://openrouter.ai/api/v1\n  api_key: {_key(rng)}\n  model: openai/gpt-4o-mini\n"
                for _ in range(documents)]
        return {"config/llm.yaml": "---\n".join(docs)}

    return build


def module(size: int) -> str:
    """A Python module of about `size` bytes holding one route among ordinary code."""
    rng = random.Random(size)
    parts = [ROUTE]
    total = len(ROUTE)
    index = 0
    while total < size:
        index += 1
        body = (f"def handler_{index}(request, limit={rng.randint(1, 99)}):\n"
                f"    items = [item for item in request.items if item.size < limit]\n"
                f"    return {{'count': len(items), 'name': 'handler_{index}'}}\n\n\n")
        parts.append(body)
        total += len(body)
    return "".join(parts)


def big_module() -> dict[str, str]:
    return {"big.py": module(600 * 1024)}


def huge_int() -> dict[str, str]:
    return {"data.json": '{"n": ' + "9" * 5000 + "}\n", "c.toml": "n = " + "9" * 5000 + "\n", "app.py": ROUTE}


def yaml_form_feed() -> dict[str, str]:
    return {"odd.yaml": "a: b\x0c\nc: \x7f\n", "app.py": ROUTE}


CASES: dict[str, tuple[Callable[[], dict[str, str]], list[str]]] = {
    "import-parens": (import_parens, []),
    "env-doubling": (env_doubling, []),
    "env-chain": (env_chain, []),
    "suppression-line": (suppression_line, []),
    "config-fixes-4000": (config_fixes(4000), []),
    "config-fixes-10000": (config_fixes(10_000), []),
    "module-600k": (big_module, []),
    "huge-int": (huge_int, []),
    "yaml-form-feed": (yaml_form_feed, []),
}


def measure(root: Path, args: list[str], memory: int, timeout: float) -> dict:
    command = [str(Path(sys.executable).with_name("routelint")), "check", "--no-cache", "--format", "json", *args, "."]

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        os.setsid()

    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limit)
    deadline = started + timeout
    status, usage, timed_out = 0, None, False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            _, status, usage = os.wait4(process.pid, 0)
            timed_out = True
            break
        time.sleep(0.05)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "rss_mb": max(usage.ru_maxrss, 0) / 1024, "exit": "timeout" if timed_out else code,
            "internal": "internal error" in stderr or "Traceback" in stderr,
            "stderr": stderr.strip().splitlines()[-1:] if stderr.strip() else []}


def run_case(name: str, build: Callable[[], dict[str, str]], args: list[str], memory: int, timeout: float) -> dict:
    root = Path(tempfile.mkdtemp(prefix=f"routelint-hostile-{name}-"))
    try:
        for relative, text in build().items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return measure(root, args, memory, timeout)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="run only these cases")
    parser.add_argument("--memory", type=int, default=3 << 30, help="address-space limit per run, bytes")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--big-module", action="store_true", help="the 5 MB module, alone and twice with --jobs 2")
    options = parser.parse_args(argv)
    print("| case | wall | peak RSS | exit | internal error | last stderr line |")
    print("|---|---:|---:|---|---|---|")
    if options.big_module:
        text = module(5 * 1024 * 1024 - 4096)
        runs = [("5 MB module", {"big.py": text}, ["-j", "1"]),
                ("two 5 MB modules, -j 2", {"big.py": text, "big2.py": text}, ["-j", "2"])]
        cases = [(label, (lambda files=files: files), args) for label, files, args in runs]
    else:
        cases = [(name, *CASES[name]) for name in (options.case or CASES)]
    for name, build, args in cases:
        outcome = run_case(name, build, args, options.memory, options.timeout)
        print(f"| {name} | {outcome['wall']:.2f} s | {outcome['rss_mb']:.0f} MB | {outcome['exit']} | "
              f"{'yes' if outcome['internal'] else 'no'} | {' '.join(outcome['stderr'])[:100]} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

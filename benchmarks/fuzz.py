"""The long profile of the hostile-input suite (`tests/test_fuzz.py`): thousands of generated inputs.

    python benchmarks/fuzz.py                  # 400 inputs per property (1,200 in all)
    python benchmarks/fuzz.py --examples 2000  # more

Runs the same properties as the quick profile of the default test run (every frontend, every output
format, `--fix` safety), seeded and derandomised, with more inputs each, and prints how many inputs
each property ran and the outcome (pytest's exit code: 0 when no input broke a property).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=400, help="inputs per property")
    options = parser.parse_args(argv)
    env = {**os.environ, "ROUTELINT_FUZZ": "long", "ROUTELINT_FUZZ_EXAMPLES": str(options.examples)}
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_fuzz.py",
                                "--hypothesis-show-statistics"], cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    total = 0
    print("| property | inputs | outcome |\n|---|---:|---|")
    for block in re.split(r"\n(?=tests/test_fuzz\.py::)", completed.stdout):
        name = re.match(r"tests/test_fuzz\.py::(\w+)", block)
        counts = re.findall(r"(\d+) passing, (\d+) failing, and (\d+) invalid", block)
        if name and counts:
            passing, failing, _ = (int(value) for value in counts[0])
            total += passing + failing
            print(f"| {name.group(1)} | {passing + failing} | {'ok' if not failing else f'{failing} failing'} |")
    print(f"\n{total} inputs in {elapsed:.0f} s; pytest exit code {completed.returncode}")
    if completed.returncode:
        print(completed.stdout[-4000:])
    return completed.returncode


if __name__ == "__main__":
    sys.exit(main())

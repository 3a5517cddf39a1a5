"""Regenerate the README's generated blocks from the demo app and the configuration schema.

    python scripts/update_readme.py          # rewrite README.md
    python scripts/update_readme.py --check  # exit 1 and name the stale blocks (the test suite runs this)

A block sits between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`; everything inside is
this script's output, so example output in the README cannot drift from what routelint prints.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DEMO = "fixtures/demo-app"
BLOCK = re.compile(r"(<!-- generated:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /generated:(?P=name) -->)", re.S)


def routelint(*args: str, cwd: Path = REPO) -> str:
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    env["COLUMNS"] = "120"
    completed = subprocess.run([sys.executable, "-m", "routelint", *args], cwd=cwd, env=env, capture_output=True,
                               text=True, timeout=600)
    if completed.returncode not in (0, 1):
        raise SystemExit(f"routelint {' '.join(args)} failed ({completed.returncode}): {completed.stderr}")
    return completed.stdout


def fenced(language: str, text: str, command: str = "") -> str:
    prompt = f"$ {command}\n" if command else ""
    return f"```{language}\n{prompt}{text.rstrip()}\n```\n"


def demo_check() -> str:
    command = f"routelint check --format concise {DEMO}"
    return fenced("console", routelint("check", "--format", "concise", "--no-cache", DEMO), command)


def demo_routes() -> str:
    return routelint("routes", f"{DEMO}/app", "--format", "markdown", "--target", "flatkey", "--no-progress").rstrip() + "\n"


def demo_fix() -> str:
    """What `--fix --unsafe-fixes` does to one demo file, on a copy, as a redacted unified diff."""
    from routelint.redact import redact

    name = "app/router_client.py"
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "demo-app"
        shutil.copytree(REPO / DEMO, copy)
        before = (copy / name).read_text(encoding="utf-8")
        env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
        completed = subprocess.run([sys.executable, "-m", "routelint", "check", "--fix", "--unsafe-fixes", "--no-cache",
                                    "--format", "concise", "."], cwd=copy, env=env, capture_output=True, text=True,
                                   timeout=600)
        after = (copy / name).read_text(encoding="utf-8")
    summary = completed.stderr.strip().splitlines()[-1]
    diff = "".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True), f"a/{name}", f"b/{name}"))
    return (f"`routelint check --fix --unsafe-fixes` on a copy of `{DEMO}` ends with `{summary}`; "
            f"its change to `{name}`, key redacted as routelint prints it:\n\n" + fenced("diff", redact(diff)))


def config_reference() -> str:
    sys.path.insert(0, str(REPO / "src"))
    from routelint.config import SCHEMA

    lines = ["| key | type | default | what it does | example |", "|---|---|---|---|---|"]
    for key in SCHEMA:
        example = key.example.replace("\n", "<br>").replace("|", "\\|")
        lines.append(f"| `{key.name}` | {key.type} | `{key.default}` | {key.description} | <code>{example}</code> |")
    return "\n".join(lines) + "\n"


GENERATORS = {"demo-check": demo_check, "demo-routes": demo_routes, "demo-fix": demo_fix, "config-reference": config_reference}


def render(text: str) -> str:
    def replace(match: re.Match) -> str:
        generator = GENERATORS.get(match.group("name"))
        if generator is None:
            raise SystemExit(f"README.md: unknown generated block {match.group('name')!r}")
        return match.group(1) + generator() + match.group(4)

    return BLOCK.sub(replace, text)


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if fresh == current:
            return 0
        stale = [m.group("name") for m, n in zip(BLOCK.finditer(current), BLOCK.finditer(fresh)) if m.group(0) != n.group(0)]
        print(f"README.md is stale ({', '.join(stale)}): run `python scripts/update_readme.py`", file=sys.stderr)
        return 1
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

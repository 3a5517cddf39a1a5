"""Planted keys: every one is reported, and none reaches any output unredacted.

Provider-shaped and generic keys are written plainly, escaped (`\\x41`, `\\u0041`, octal, `\\N{...}`), as
a `${VAR:-<key>}` default, in comments of every file kind, in UTF-16 and UTF-32 files (BOM and
BOM-less) and next to a NUL. The run must report each at the place it is written (RL202), and no
output may show the key or the way it is written: every `check` format, `--diff` context, the
baseline, the audit report (Markdown and HTML) and the cache folder.

The keys are generated here from a fixed seed in the providers' formats; none is real.
"""

from __future__ import annotations

import json
import random
import string
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import run_cli, write_tree

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
_random = random.Random(1414)


def _rand(alphabet: str, size: int) -> str:
    return "".join(_random.choice(alphabet) for _ in range(size))


def _fresh(make) -> str:
    """A random key that has letters and at least two digits in its random part (as real ones do)."""
    while True:
        key = make()
        if sum(ch.isdigit() for ch in key) >= 3 and sum(ch.isalpha() for ch in key) >= 6:
            return key


def gemini() -> str:
    return _fresh(lambda: "AIza" + _rand(ALNUM + "_-", 35))


def groq() -> str:
    return _fresh(lambda: "gsk_" + _rand(ALNUM, 52))


def openrouter() -> str:
    return _fresh(lambda: "sk-or-v1-" + _rand(HEX, 64))


def deepseek() -> str:
    return _fresh(lambda: "sk-" + _rand(HEX, 32))


def reseller() -> str:  # 48-character `sk-` keys of OpenAI-compatible resellers: no known format
    return _fresh(lambda: "sk-" + _rand(ALNUM, 48))


def token() -> str:  # a prefix-less token
    return _fresh(lambda: _rand(ALNUM, 32))


def escaped_x(key: str) -> str:
    return "\\x%02x" % ord(key[0]) + key[1:]


def escaped_u(key: str) -> str:
    return "\\u%04x" % ord(key[0]) + key[1:]


@dataclass
class Plant:
    path: str
    line: int
    key: str
    written: str  # how the key is written in the file (escaped forms differ)


def _plant_tree(root: Path) -> list[Plant]:
    plants: list[Plant] = []
    files: dict[str, str | bytes] = {}

    def add(path: str, lines: list[str], planted: dict[int, tuple[str, str]], encoding: str = "utf-8",
            nul_line: int = 0) -> None:
        text = "\n".join(lines) + "\n"
        data = text.encode(encoding)
        if nul_line:
            # a NUL byte at the end of line `nul_line` (right before its newline)
            encoded_lines = [line.encode(encoding) for line in lines]
            encoded_lines[nul_line - 1] += b"\0"
            data = b"\n".join(encoded_lines) + b"\n"
        files[path] = data
        for line, (key, written) in planted.items():
            plants.append(Plant(path, line, key, written))

    g1, q1, r1, d1, s1, t1 = gemini(), groq(), openrouter(), deepseek(), reseller(), token()
    add("app/plain.py", [
        "import os",
        "from openai import OpenAI",
        "",
        f'gemini = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key="{g1}")',
        f'RESELLER_API_KEY = "{s1}"',
        'client = OpenAI(base_url=os.environ["LLM_BASE_URL"], api_key=RESELLER_API_KEY)',
        f'OPENAI_API_KEY = "{d1}"',
        'deepseek = OpenAI(base_url="https://api.deepseek.com", api_key=OPENAI_API_KEY)',
        f'headers = {{"Authorization": "Bearer {t1}"}}',
    ], {4: (g1, g1), 5: (s1, s1), 7: (d1, d1), 9: (t1, t1)})

    g2, q2, g3, q3 = gemini(), groq(), gemini(), groq()
    octal = "\\%03o" % ord(q3[0]) + q3[1:]
    named = "\\N{LATIN SMALL LETTER G}" + q2[1:]
    add("app/escaped.py", [
        "from openai import OpenAI",
        "",
        f'client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key="{escaped_x(g2)}")',
        f'GROQ_API_KEY = "{named}"',
        f"backup_token = '{octal}'",
    ], {3: (g2, escaped_x(g2)), 4: (q2, named), 5: (q3, octal)})
    add("config/settings.json", [
        "{",
        f'  "llm": {{"baseURL": "https://generativelanguage.googleapis.com/v1beta/openai/", "apiKey": "{escaped_u(g3)}"}}',
        "}",
    ], {2: (g3, escaped_u(g3))})
    r2 = openrouter()
    add("config/app.toml", [
        "[llm]",
        'base_url = "https://openrouter.ai/api/v1"',
        f'api_key = "{escaped_u(r2)}"',
    ], {3: (r2, escaped_u(r2))})
    g4 = gemini()
    add("docker-compose.yml", [
        "services:",
        "  api:",
        "    environment:",
        f"      GEMINI_API_KEY: ${{GEMINI_API_KEY:-{g4}}}",
    ], {4: (g4, g4)})

    # comments, every file kind
    c = [groq(), token(), gemini(), token(), openrouter(), reseller()]
    add("app/commented.py", ["import os", f'# API_KEY = "{c[0]}"', f"# token = '{c[1]}'"],
        {2: (c[0], c[0]), 3: (c[1], c[1])})
    add("deploy/values.yaml", ["llm:", f"  # api_key: {c[2]}", f"  # secret: {c[3]}"], {2: (c[2], c[2]), 3: (c[3], c[3])})
    add("deploy/old.toml", ["[llm]", f'# api_key = "{c[4]}"'], {2: (c[4], c[4])})
    add("deploy/run.sh", ["#!/bin/sh", f"# export OPENAI_API_KEY={c[5]}", "exec app"], {2: (c[5], c[5])})
    e1 = token()
    add("deploy/.env.production", ["# old", f"# SERVICE_TOKEN={e1}", "LOG_LEVEL=info"], {2: (e1, e1)})

    # UTF-16 / UTF-32, with and without BOM
    u1, u2, u3, u4 = groq(), gemini(), token(), openrouter()
    add("app/utf16.py", [f'GROQ_API_KEY = "{u1}"'], {1: (u1, u1)}, encoding="utf-16")  # BOM (LE)
    add("app/utf16be.env", [f"GEMINI_API_KEY={u2}"], {1: (u2, u2)}, encoding="utf-16-be")  # no BOM
    add("deploy/utf32.yaml", ["llm:", f"  api_key: {u3}"], {2: (u3, u3)}, encoding="utf-32")  # BOM
    add("notes/keys.md", ["# notes", f"OPENROUTER_API_KEY={u4}"], {2: (u4, u4)}, encoding="utf-16")

    # next to a NUL
    n1, n2, n3 = gemini(), token(), groq()
    add("app/nul.py", [f'GEMINI_API_KEY = "{n1}"', "x = 1"], {1: (n1, n1)}, nul_line=1)
    add("app/nul.env", ["A=1", f"MY_SERVICE_TOKEN={n2}"], {2: (n2, n2)}, nul_line=1)
    add("notes/nul.txt", [f"GROQ_API_KEY={n3}"], {1: (n3, n3)}, nul_line=1)

    write_tree(root, files)
    return plants


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    root = tmp_path_factory.mktemp("planted")
    (root / "pyproject.toml").write_text("[tool.routelint]\n", encoding="utf-8")
    return root, _plant_tree(root)


def _leaks(plants: list[Plant], text: str) -> list[str]:
    """Keys (or their written forms) visible in `text`: any 12 characters from the middle count."""
    found = []
    for plant in plants:
        for form in {plant.key, plant.written}:
            middle = form[4:-4]
            if middle and middle in text:
                found.append(f"{plant.path}:{plant.line} {form[:6]}...")
    return found


def test_every_planted_key_is_reported(planted):
    root, plants = planted
    result = run_cli("check", "--format", "json", "--no-cache", str(root))
    document = json.loads(result.output)
    reported = {(Path(d["path"]).relative_to(root).as_posix(), d["line"]) for d in document["diagnostics"]
                if d["code"] == "RL202"}
    missing = [f"{plant.path}:{plant.line}" for plant in plants if (plant.path, plant.line) not in reported]
    assert not missing, f"not reported: {missing}\n{result.output}"
    assert not _leaks(plants, result.output)


def test_value_first_deepseek_key_in_an_openai_named_constant(planted):
    root, _ = planted
    document = json.loads(run_cli("check", "--format", "json", "--no-cache", str(root / "app" / "plain.py")).output)
    by_line = {(d["line"], d["code"]): d for d in document["diagnostics"]}
    assert by_line[(7, "RL202")]["provider"] == "deepseek"
    assert (7, "RL201") not in by_line and (8, "RL201") not in by_line
    assert by_line[(5, "RL202")]["provider"] == "unknown"  # reseller key, route of unknown provider


@pytest.mark.parametrize("fmt", ["full", "concise", "json", "sarif", "github"])
def test_no_output_format_shows_a_key(planted, fmt):
    root, plants = planted
    result = run_cli("check", "--format", fmt, "--no-cache", str(root))
    assert result.exit_code == 1
    assert not _leaks(plants, result.output), result.output


def test_diff_context_shows_no_key(planted):
    root, plants = planted
    result = run_cli("check", "--diff", "--unsafe-fixes", "--no-cache", str(root))
    assert "@@" in result.output  # some fix was shown, with its context lines
    assert not _leaks(plants, result.output), result.output


def test_baseline_audit_and_cache_hold_no_key(planted, tmp_path):
    root, plants = planted
    baseline = tmp_path / "baseline.json"
    cache = tmp_path / "cache"
    run_cli("check", "--write-baseline", str(baseline), "--cache-dir", str(cache), str(root))
    assert not _leaks(plants, baseline.read_text(encoding="utf-8"))
    cached = "".join(path.read_text(encoding="utf-8", errors="replace") for path in cache.rglob("*") if path.is_file())
    assert cached and not _leaks(plants, cached)
    # a warm run (keys are found again in files the cache does not store): same findings
    cold = json.loads(run_cli("check", "--format", "json", "--no-cache", str(root)).output)["diagnostics"]
    warm = json.loads(run_cli("check", "--format", "json", "--cache-dir", str(cache), str(root)).output)["diagnostics"]
    assert warm == cold
    html = tmp_path / "audit.html"
    markdown = run_cli("audit", "--no-progress", "--html", str(html), "--markdown", "-", str(root))
    assert "RL202" in markdown.output
    assert not _leaks(plants, markdown.output)
    assert not _leaks(plants, html.read_text(encoding="utf-8"))

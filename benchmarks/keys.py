#!/usr/bin/env python
"""Key accuracy: routelint's RL202 against detect-secrets (`scan --all-files`), one command.

    python benchmarks/keys.py [--corpora] [--cache-dir DIR] [--output FILE]

1. **Labelled examples** built here (seeded, byte-identical on every machine): provider keys, generic
   keys by context, context-gated DeepSeek keys, keys in comments, escaped keys and reference
   defaults, UTF-16 and NUL-holding files, and the negatives that fool scanners (placeholders, template
   text, UUIDs, hashes, integrity strings, model names, base64 images). Each file's key lines are
   labelled; a finding on a labelled line is a true positive, anywhere else a false positive.
2. **Benchmark corpora** (`--corpora`): the pinned wheels `benchmarks/run.py` unpacks (langchain-community,
   litellm, pydantic-ai-slim), from its cache folder. They have no labels: each finding of either tool
   was reviewed by hand, and the verdicts live in `benchmarks/keys_review.toml` (path, line, verdict,
   why; never the secret). A finding without a verdict is counted as unreviewed.

detect-secrets is pinned (1.5.0, the version `benchmarks/run.py` measures) and installed in its own
virtual environment under the cache folder on first use. Each tool's findings on a corpus ((path, line)
pairs, no secret) are kept in the cache folder and reused (`--fresh` runs the tools again): detect-secrets
needs 8-10 minutes per small corpus on two busy cores. routelint is the console script next to
this interpreter, run with `--select RL202 --no-cache`. Both tools' findings are compared per
(file, line): detect-secrets reports one line per secret type, counted once.

Nothing is written into the repository except the table (`benchmarks/keys.md`, or --output).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Optional

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

HERE = os.path.dirname(os.path.abspath(__file__))
DETECT_SECRETS = "detect-secrets==1.5.0"
CORPORA = ("langchain-community-0.4.2", "litellm-1.110.2", "pydantic-ai-slim-2.68.0")
REVIEW = os.path.join(HERE, "keys_review.toml")

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


# ------------------------------------------------------------------------------------------------
# labelled examples


class Keys:
    """Random keys in the providers' formats from one seed: the same bytes on every run."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def _make(self, prefix: str, alphabet: str, size: int) -> str:
        # mixed classes, as real keys are; the floors shrink with the size so that short tokens exist
        # (8 characters can never hold 3 digits and 6 letters: that once looped forever)
        digits, letters = min(3, size // 4), min(6, size // 2)
        while True:
            body = "".join(self.random.choice(alphabet) for _ in range(size))
            if sum(ch.isdigit() for ch in body) >= digits and sum(ch.isalpha() for ch in body) >= letters:
                return prefix + body

    def gemini(self) -> str:
        return self._make("AIza", ALNUM + "_-", 35)

    def groq(self) -> str:
        return self._make("gsk_", ALNUM, 52)

    def openrouter(self) -> str:
        return self._make("sk-or-v1-", HEX, 64)

    def anthropic(self) -> str:
        return self._make("sk-ant-api03-", ALNUM + "_-", 93) + "AA"

    def openai(self) -> str:
        return "sk-proj-" + self._make("", ALNUM + "_-", 74) + "T3BlbkFJ" + self._make("", ALNUM + "_-", 74)

    def xai(self) -> str:
        return self._make("xai-", ALNUM, 80)

    def deepseek(self) -> str:
        return self._make("sk-", HEX, 32)

    def reseller(self) -> str:
        return self._make("sk-", ALNUM, 48)

    def token(self, size: int = 32) -> str:
        return self._make("", ALNUM, size)


@dataclass
class Case:
    category: str
    path: str
    lines: list[str]
    keys: set[int]  # 1-based lines holding a real key
    encoding: str = "utf-8"
    nul_after_line: int = 0  # a NUL byte at the end of this line
    note: str = ""

    def data(self) -> bytes:
        text = "\n".join(self.lines) + "\n"
        if not self.nul_after_line:
            return text.encode(self.encoding)
        encoded = [line.encode(self.encoding) for line in self.lines]
        encoded[self.nul_after_line - 1] += b"\0"
        return b"\n".join(encoded) + b"\n"


def labelled_cases(seed: int = 1414) -> list[Case]:
    k = Keys(seed)
    g = k.gemini
    cases = [
        # provider formats
        Case("provider", "app/gemini_client.py", [
            "from openai import OpenAI",
            f'client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key="{g()}")',
        ], {2}),
        Case("provider", "deploy/.env.production", ["LOG_LEVEL=info", f"GROQ_API_KEY={k.groq()}"], {2}),
        Case("provider", "litellm/config.yaml", [
            "model_list:", "  - model_name: claude", "    litellm_params:",
            "      model: openrouter/anthropic/claude-3.5-sonnet", f"      api_key: {k.openrouter()}",
        ], {5}),
        Case("provider", "config/anthropic.toml", ["[anthropic]", f'api_key = "{k.anthropic()}"'], {2}),
        Case("provider", "config/xai.json", ["{", f'  "grok": {{"key": "{k.xai()}"}}', "}"], {2}),
        Case("provider", "docs/curl.md", [
            "# Calling the API", "", "```sh",
            f'curl https://api.openai.com/v1/models -H "Authorization: Bearer {k.openai()}"', "```",
        ], {4}),
        # generic keys by context
        Case("generic", "app/relay.py", [
            "import os", "from openai import OpenAI", f'RELAY_API_KEY = "{k.reseller()}"',
            'client = OpenAI(base_url=os.environ["RELAY_BASE_URL"], api_key=RELAY_API_KEY)',
        ], {3}),
        Case("generic", "config.toml", ["[openai]", 'base_url = "https://api.relay.example/v1"', f'api_key = "{k.reseller()}"'], {3}),
        Case("generic", "app/vllm.py", [
            "from openai import OpenAI", f'local = OpenAI(base_url="http://gpu-box:8000/v1", api_key="{k.token()}")',
        ], {2}),
        Case("generic", "services/worker/.env", ["LLM_BASE_URL=https://llm.internal/v1", f"LLM_SERVICE_TOKEN={k.token(36)}"], {2}),
        Case("generic", "config/llm.yaml", ["llm:", "  base_url: http://vllm.internal:8000/v1", f"  token: {k.token(28)}"], {3}),
        Case("generic", "config/oauth.json", [f'{{"clientId": "llm-gateway", "clientSecret": "{k.token(40)}"}}'], {1}),
        Case("generic", "app/http_call.py", [
            "import httpx",
            f'resp = httpx.get("https://llm.internal/v1/models", headers={{"Authorization": "Bearer {k.token(24)}"}})',
        ], {2}),
        # context-gated prefix-less keys
        Case("context", "app/deepseek_client.py", [
            "from openai import OpenAI", "", "# DeepSeek", "client = OpenAI(base_url=BASE,",
            f'                api_key="{k.deepseek()}")',
        ], {5}),
        Case("context", "app/deepseek_value_first.py", [
            "from openai import OpenAI", f'OPENAI_API_KEY = "{k.deepseek()}"',
            'client = OpenAI(base_url="https://api.deepseek.com", api_key=OPENAI_API_KEY)',
        ], {2}),
        # comments
        Case("comment", "app/old_settings.py", ["import os", f'# API_KEY = "{k.groq()}"', 'API_KEY = os.environ["API_KEY"]'], {2}),
        Case("comment", "deploy/values.yaml", ["llm:", f"  # api_key: {g()}", "  api_key: ${GEMINI_API_KEY}"], {2}),
        Case("comment", "scripts/dev.sh", ["#!/bin/sh", f"# export OPENAI_API_KEY={k.openai()}", "exec python -m app"], {2}),
        Case("comment", "config/old.toml", ["[llm]", f'# token = "{k.token()}"'], {2}),
    ]
    escaped_gemini, json_gemini, compose_gemini = g(), g(), g()
    cases += [
        # escaped keys and reference defaults
        Case("decoded", "app/escaped.py", [
            "from openai import OpenAI",
            f'client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key="\\x41{escaped_gemini[1:]}")',
        ], {2}),
        Case("decoded", "config/escaped.json", [f'{{"gemini": {{"apiKey": "\\u0041{json_gemini[1:]}"}}}}'], {1}),
        Case("decoded", "docker-compose.yml", [
            "services:", "  api:", "    environment:", f"      GEMINI_API_KEY: ${{GEMINI_API_KEY:-{compose_gemini}}}",
        ], {4}),
        # encodings
        Case("encoding", "app/utf16_settings.py", [f'GROQ_API_KEY = "{k.groq()}"'], {1}, encoding="utf-16"),
        Case("encoding", "deploy/nul.env", ["A=1", f"OPENROUTER_API_KEY={k.openrouter()}"], {2}, nul_after_line=1),
        # negatives: placeholders and template text
        Case("placeholder", "app/templates.py", [
            "from openai import OpenAI",
            'a = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="YOUR_API_KEY")',
            'b = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="YOUR_OPENROUTER_API_KEY_HERE")',
            'c = OpenAI(base_url="https://api.groq.com/openai/v1", api_key="API_KEY_HERE")',
            'd = OpenAI(base_url="https://api.groq.com/openai/v1", api_key="<OPENAI_API_KEY>")',
            'e = OpenAI(base_url="https://api.deepseek.com", api_key="INSERT_KEY")',
            'f = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key="your-gemini-api-key")',
            'h = OpenAI(base_url="https://router.flatkey.ai/v1", api_key="sk-fk-changeme")',
        ], set()),
        Case("placeholder", ".env.example", [
            "OPENAI_BASE_URL=https://openrouter.ai/api/v1", "OPENAI_API_KEY=YOUR_OPENROUTER_API_KEY_HERE",
            "OPENROUTER_API_KEY=sk-or-v1-" + "0" * 64, "GEMINI_API_KEY=AIza" + "x" * 35, "SERVICE_TOKEN=replace-with-your-service-token-1234",
            "LLM_SECRET=<your secret here>",
        ], set()),
        Case("placeholder", "config/templates.yaml", [
            "llm:", "  api_key: ${LLM_API_KEY}", "  token: API_KEY_HERE", "  secret: changeme-changeme-2024",
        ], set()),
        Case("placeholder", "docs/setup.md", [
            "Set your key:", "", "    export OPENAI_API_KEY=sk-...", "    export GROQ_API_KEY=gsk_your_groq_key_here",
        ], set()),
        # negatives: look-alikes
        Case("look-alike", "app/ids.py", [
            'cache_key = "user:1842:profile:v20240611:9f8e7d6c"',
            'PUBLIC_KEY = "pk_live_51H8x2KLmN0pQ3rS4tU5vW6xY7z"',
            'request_token = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"',
            'COMMIT_SHA = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"',
            'model_token = "text-embedding-3-large-2024-01-25"',
            'ASSETS_SECRET = "/var/run/secrets/llm/api-key.txt"',
            'API_KEY_DOCS = "https://platform.openai.com/account/api-keys"',
            "MAX_TOKENS = 4096",
        ], set()),
        Case("look-alike", "web/package-lock.json", [
            "{", '  "packages": {', '    "node_modules/openai": {', '      "version": "4.104.0",',
            '      "integrity": "sha512-p99EFNsA/yX6UhVO93f5kJsDRLAg+CTA2RBqdHK4RtK8u5IJw32Hyb2dTGKbnnFmnuoBN9Wt3J+iDXiP2zFlh2Ng=="',
            "    }", "  }", "}",
        ], set()),
        Case("look-alike", "app/assets.py", [
            'ICON_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="',
            'EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"',
        ], set()),
        Case("look-alike", "deploy/k8s.yaml", [
            "spec:", "  containers:", "    - name: api",
            "      image: ghcr.io/acme/api@sha256:9b2a3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809",
        ], set()),
        # other secrets: not LLM keys, but a user would want them found too
        Case("other secret", "deploy/aws.env", [f"AWS_ACCESS_KEY_ID=AKIA{k.token(16).upper()}",
                                                f"AWS_SECRET_ACCESS_KEY={k._make('', ALNUM + '/+', 40)}"], {1, 2}),
        Case("other secret", "config/notify.yaml", [
            "slack:", f"  webhook: https://hooks.slack.com/services/T{k.token(8).upper()}/B{k.token(10).upper()}/{k.token(24)}",
            "database:", f"  password: {k.token(20)}",
        ], {2, 4}),
    ]
    return cases


def write_cases(root: str, cases: list[Case]) -> None:
    for case in cases:
        target = os.path.join(root, case.path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(case.data())


# ------------------------------------------------------------------------------------------------
# the tools


def detect_secrets_bin(cache_dir: str) -> Optional[str]:
    venv = os.path.join(cache_dir, "peers-venv", "keys-detect-secrets")
    binary = os.path.join(venv, "bin", "detect-secrets")
    if not os.path.exists(binary):
        try:
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", DETECT_SECRETS], check=True)
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"detect-secrets could not be installed: {exc}", file=sys.stderr)
            return None
    return binary


TIMEOUT_S = 3600.0


def run_detect_secrets(binary: str, root: str) -> set[tuple[str, int]]:
    done = subprocess.run([binary, "scan", "--all-files"], cwd=root, capture_output=True, text=True, check=False,
                          timeout=TIMEOUT_S)
    document = json.loads(done.stdout or "{}")
    return {(path, item["line_number"]) for path, items in document.get("results", {}).items() for item in items}


def run_routelint(root: str) -> set[tuple[str, int]]:
    routelint = os.path.join(os.path.dirname(sys.executable), "routelint")
    done = subprocess.run([routelint, "check", "--format", "json", "--select", "RL202", "--no-cache", "--exit-zero", "."],
                          cwd=root, capture_output=True, text=True, check=False, timeout=TIMEOUT_S)
    document = json.loads(done.stdout)
    return {(item["path"].removeprefix("./"), item["line"]) for item in document["diagnostics"] if item["code"] == "RL202"}


# ------------------------------------------------------------------------------------------------
# tables


@dataclass
class Score:
    findings: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    unreviewed: int = 0

    def cells(self) -> list[str]:
        precision = f"{self.tp / (self.tp + self.fp):.0%}" if self.tp + self.fp else "-"
        recall = f"{self.tp / (self.tp + self.fn):.0%}" if self.tp + self.fn else "-"
        return [str(self.findings), str(self.tp), str(self.fp), str(self.fn), precision, recall]


def score_labelled(found: set[tuple[str, int]], truth: set[tuple[str, int]]) -> Score:
    return Score(len(found), len(found & truth), len(found - truth), len(truth - found))


def labelled_section(cases: list[Case], results: dict[str, set[tuple[str, int]]]) -> list[str]:
    truth = {(case.path, line) for case in cases for line in case.keys}
    lines = ["## Labelled examples", "",
             f"{len(cases)} files, {len(truth)} labelled keys, "
             f"{sum(1 for case in cases if not case.keys)} files of negatives (placeholders and look-alikes).", "",
             "| tool | findings | TP | FP | FN | precision | recall |", "|---|---:|---:|---:|---:|---:|---:|"]
    for tool, found in results.items():
        lines.append("| " + " | ".join([tool, *score_labelled(found, truth).cells()]) + " |")
    lines += ["", "By category (TP/FP/FN):", "", "| category | " + " | ".join(results) + " |",
              "|---|" + "---|" * len(results)]
    for category in dict.fromkeys(case.category for case in cases):
        members = [case for case in cases if case.category == category]
        paths = {case.path for case in members}
        cat_truth = {item for item in truth if item[0] in paths}
        cells = []
        for found in results.values():
            score = score_labelled({item for item in found if item[0] in paths}, cat_truth)
            cells.append(f"{score.tp}/{score.fp}/{score.fn}")
        lines.append(f"| {category} | " + " | ".join(cells) + " |")
    lines += ["", "Disagreements (a line one tool reports and the other does not):", ""]
    tools = list(results)
    for case in cases:
        for line in sorted({line for found in results.values() for path, line in found if path == case.path} | case.keys):
            reported = [tool for tool in tools if (case.path, line) in results[tool]]
            if 0 < len(reported) < len(tools):
                verdict = "key" if line in case.keys else "not a key"
                lines.append(f"- `{case.path}:{line}` ({case.category}, {verdict}): only {', '.join(reported)}. "
                             f"{EXPLAIN.get((case.path, line), '')}".rstrip())
    return lines


# why the tools disagree on the labelled lines, by (path, line): written after reading both tools' output
_CALL_LINE = ("detect-secrets' `is_indirect_reference` filter drops every line shaped `name = call(...)`, "
              "so a key passed as a keyword argument of a client constructor or request is never reported.")
EXPLAIN: dict[tuple[str, int], str] = {
    ("app/gemini_client.py", 2): _CALL_LINE,
    ("app/vllm.py", 2): _CALL_LINE,
    ("app/http_call.py", 2): _CALL_LINE,
    ("app/escaped.py", 2): _CALL_LINE + " routelint also decodes the `\\x41` escape.",
    ("docs/curl.md", 4): "The project key holds `-` and `_` next to `T3BlbkFJ`, as real ones do; detect-secrets' "
                         "OpenAI pattern wants 20 alphanumerics there and its base64 charset splits at `-`/`_`.",
    ("config/llm.yaml", 3): "`token` is not on detect-secrets' keyword list, and 28 random characters stay under "
                            "its 4.5 bits/char base64 entropy limit.",
    ("deploy/values.yaml", 2): "detect-secrets reads YAML through a YAML parser, which drops comments.",
    ("docker-compose.yml", 4): "detect-secrets drops `${...}` values as templated; the key is the reference's default.",
    ("app/utf16_settings.py", 1): "detect-secrets reads files as UTF-8 and skips what does not decode (UTF-16).",
    ("config/templates.yaml", 4): "`secret: changeme-changeme-2024` is a placeholder; detect-secrets' keyword "
                                  "detector reports any value of a `secret` key.",
    ("app/ids.py", 2): "A Stripe publishable key (`pk_live_`) is public by design; routelint skips `PUBLIC_KEY` names.",
    ("app/ids.py", 4): "A git commit SHA: detect-secrets' hex entropy plugin reports 40 hex characters anywhere.",
    ("app/ids.py", 7): "A documentation URL assigned to `API_KEY_DOCS`; routelint never takes a URL for a key.",
    ("config/notify.yaml", 2): "A Slack webhook URL: detect-secrets has a Slack plugin; routelint looks for API keys, "
                               "and a URL is never one to it.",
    ("config/notify.yaml", 4): "A database password: detect-secrets' keyword list has `password`; routelint's "
                               "generic rule covers key, token and secret names only.",
}


def load_review() -> dict[tuple[str, str, int], tuple[str, str]]:
    """(corpus, path, line) -> (verdict, why) from keys_review.toml."""
    if not os.path.exists(REVIEW):
        return {}
    with open(REVIEW, "rb") as handle:
        data = tomllib.load(handle)
    return {(item["corpus"], item["path"], item["line"]): (item["verdict"], item.get("why", ""))
            for item in data.get("finding", [])}


def cached_run(cache_dir: str, tool: str, corpus: str, runner: Callable[[str], set[tuple[str, int]]], root: str,
               fresh: bool) -> Optional[set[tuple[str, int]]]:
    """A tool's findings on a corpus, kept in the cache folder (detect-secrets takes 8-10 minutes per
    corpus on two busy cores): (path, line) pairs only, never the secret. None: it failed or timed out."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in f"{tool}-{corpus}")
    stored = os.path.join(cache_dir, "keys-results", slug + ".json")
    if not fresh and os.path.exists(stored):
        with open(stored, encoding="utf-8") as handle:
            return {(path, line) for path, line in json.load(handle)}
    try:
        found = runner(root)
    except (subprocess.TimeoutExpired, ValueError) as exc:
        print(f"{tool} on {corpus}: {type(exc).__name__}", file=sys.stderr)
        return None
    os.makedirs(os.path.dirname(stored), exist_ok=True)
    with open(stored, "w", encoding="utf-8") as handle:
        json.dump(sorted(found), handle)
    return found


def corpus_section(cache_dir: str, tools: dict[str, Callable[[str], set[tuple[str, int]]]], fresh: bool) -> list[str]:
    review = load_review()
    lines = ["## Benchmark corpora", "",
             "Findings of each tool, reviewed by hand (`keys_review.toml`: tp = a key or key-shaped credential "
             "a user must act on, fp = not one).", "",
             "| corpus | tool | findings | TP | FP | unreviewed |", "|---|---|---:|---:|---:|---:|"]
    unreviewed: list[str] = []
    for corpus in CORPORA:
        root = os.path.join(cache_dir, "corpora", corpus)
        if not os.path.isdir(root):
            lines.append(f"| {corpus} | - | not unpacked: run `python benchmarks/run.py` once | | | |")
            continue
        for tool, runner in tools.items():
            found = cached_run(cache_dir, tool, corpus, runner, root, fresh)
            if found is None:
                lines.append(f"| {corpus} | {tool} | did not finish (see --timeout) | | | |")
                continue
            score = Score(findings=len(found))
            for path, line in sorted(found):
                verdict = review.get((corpus, path, line), ("", ""))[0]
                if verdict == "tp":
                    score.tp += 1
                elif verdict == "fp":
                    score.fp += 1
                else:
                    score.unreviewed += 1
                    unreviewed.append(f"{corpus} {tool} {path}:{line}")
            lines.append(f"| {corpus} | {tool} | {score.findings} | {score.tp} | {score.fp} | {score.unreviewed} |")
    notes = sorted({(why, verdict) for (verdict, why) in review.values() if why})
    if notes:
        lines += ["", "Review notes (grouped):", ""] + [f"- {verdict}: {why}" for why, verdict in notes]
    if unreviewed:
        print("unreviewed corpus findings:\n  " + "\n  ".join(unreviewed), file=sys.stderr)
    return lines


def main(argv: Optional[list[str]] = None) -> int:
    global TIMEOUT_S
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", action="store_true", help="also run on the benchmark corpora (reviewed findings)")
    parser.add_argument("--cache-dir", default=os.environ.get("ROUTELINT_BENCH_CACHE", os.path.expanduser("~/.cache/routelint-bench")))
    parser.add_argument("--output", default=os.path.join(HERE, "keys.md"))
    parser.add_argument("--fresh", action="store_true", help="re-run the tools on the corpora instead of reusing their stored findings")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds per tool run (default 3600)")
    args = parser.parse_args(argv)
    TIMEOUT_S = args.timeout
    ds = detect_secrets_bin(args.cache_dir)
    tools: dict[str, Callable[[str], set[tuple[str, int]]]] = {"routelint": run_routelint}
    if ds:
        tools["detect-secrets 1.5.0"] = lambda root: run_detect_secrets(ds, root)
    cases = labelled_cases()
    with tempfile.TemporaryDirectory(prefix="routelint-keys-") as root:
        write_cases(root, cases)
        results = {tool: runner(root) for tool, runner in tools.items()}
    out = ["# Key accuracy: routelint RL202 vs detect-secrets", "",
           "Generated by `python benchmarks/keys.py --corpora`; see the script's docstring for the method.", ""]
    out += labelled_section(cases, results)
    if args.corpora:
        out += [""] + corpus_section(args.cache_dir, tools, args.fresh)
    text = "\n".join(out) + "\n"
    print(text)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

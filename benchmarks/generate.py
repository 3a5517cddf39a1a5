"""Deterministic generator of a realistic Python monorepo for the benchmark.

The tree looks like a company's services folder: packages with models, services, API handlers,
utilities, CLI entry points, migrations and tests, plus per-package configuration (pyproject.toml,
settings YAML, docker-compose files, `.env.example`, a few real `.env` files). A few percent of the
Python files hold LLM routes (OpenAI SDK clients pointed at Gemini, Flatkey, OpenRouter or a local
server, env lookups with defaults, settings classes, raw HTTP calls, consumers of a shared client).

Some plain files contain text that a cheap prefilter may mistake for a route (an `httpx` import, a
Flask `request.files.get(...)`), at the rate such code shows up in real services, so the measured share
of parsed files is honest rather than flattering.

Everything is derived from one seed: the same arguments always give byte-identical trees. Key-shaped
strings are random text made at generation time; none is real.
"""

from __future__ import annotations

import os
import random
import shutil
import string
from dataclasses import dataclass, field

GENERATOR_VERSION = 3

DOMAINS = [
    "billing", "users", "orders", "inventory", "search", "notifications", "reports", "auth", "payments",
    "shipping", "catalog", "analytics", "support", "content", "media", "scheduler", "accounts", "pricing",
    "reviews", "audit", "ledger", "checkout", "profiles", "messaging", "exports", "imports", "webhooks",
    "gateway", "recommendations", "compliance", "onboarding", "invoices", "subscriptions", "tenants",
    "feeds", "ratings", "coupons", "fulfilment", "returns", "warehouse", "loyalty", "insights",
]
NOUNS = [
    "account", "order", "invoice", "customer", "product", "item", "event", "record", "session", "token",
    "report", "entry", "batch", "job", "task", "page", "user", "address", "payment", "refund", "ticket",
    "message", "channel", "document", "asset", "rule", "policy", "schedule", "quota", "metric",
]
VERBS = [
    "get", "load", "fetch", "build", "create", "update", "delete", "sync", "render", "parse", "validate",
    "normalize", "compute", "apply", "merge", "export", "import", "refresh", "resolve", "collect", "format",
]
FIELD_TYPES = ["str", "int", "float", "bool", "Optional[str]", "list[str]", "dict[str, Any]", "datetime"]
NOISE_HOSTS = [
    "api.github.com", "hooks.slack.com", "api.stripe.com", "sentry.io", "api.sendgrid.com",
    "internal-auth.svc.cluster.local", "api.twilio.com", "maps.googleapis.com", "s3.amazonaws.com",
]

# Shares of the plain (non-route) Python modules, by kind
PLAIN_KINDS = [("services", 22), ("models", 14), ("api", 12), ("utils", 14), ("tests", 24), ("cli", 4), ("migrations", 6), ("tasks", 4)]


@dataclass
class TreeSpec:
    python_files: int = 2000  # plain + route modules, not counting package __init__ files
    seed: int = 20261126
    route_share: float = 0.03  # share of Python modules holding a route
    keys_in_env_files: bool = True
    prefix: str = ""  # top-level package name prefix (the 10x tree's extra parts use their own)
    configs: bool = True
    false_triggers: bool = True  # plain files that a cheap prefilter may mistake for routes (httpx, request.files)


@dataclass
class TreeStats:
    python_files: int = 0
    route_files: int = 0
    config_files: int = 0
    files: int = 0
    lines: int = 0
    route_paths: list[str] = field(default_factory=list)


class Writer:
    def __init__(self, root: str, stats: TreeStats) -> None:
        self.root = root
        self.stats = stats

    def write(self, relative: str, text: str) -> None:
        path = os.path.join(self.root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        self.stats.files += 1
        self.stats.lines += text.count("\n")
        if relative.endswith(".py"):
            self.stats.python_files += 1
        else:
            self.stats.config_files += 1


def _ident(rng: random.Random) -> str:
    return f"{rng.choice(VERBS)}_{rng.choice(NOUNS)}"


def _camel(word: str) -> str:
    return "".join(part.capitalize() for part in word.split("_"))


def _random_token(rng: random.Random, length: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


# ----------------------------------------------------------------------------------------------
# plain code


def _statements(rng: random.Random, indent: str, count: int, names: list[str]) -> list[str]:
    lines: list[str] = []
    for _ in range(count):
        choice = rng.random()
        var = rng.choice(NOUNS)
        if choice < 0.18:
            lines.append(f"{indent}{var}s = [x for x in {rng.choice(names)} if x is not None]")
        elif choice < 0.32:
            lines.append(f"{indent}if not {rng.choice(names)}:")
            lines.append(f"{indent}    logger.debug(\"no {var} for %s\", {rng.choice(names)})")
            lines.append(f"{indent}    return None")
        elif choice < 0.44:
            lines.append(f"{indent}for {var} in {rng.choice(names)}:")
            lines.append(f"{indent}    totals[{var}.{rng.choice(['id', 'key', 'kind', 'status'])}] += {rng.randint(1, 9)}")
        elif choice < 0.54:
            lines.append(f"{indent}try:")
            lines.append(f"{indent}    result = {_ident(rng)}({rng.choice(names)}, retries={rng.randint(1, 5)})")
            lines.append(f"{indent}except (KeyError, ValueError) as exc:")
            lines.append(f"{indent}    logger.warning(\"{_ident(rng)} failed: %s\", exc)")
            lines.append(f"{indent}    raise")
        elif choice < 0.64:
            lines.append(f"{indent}payload = {{\"{var}\": {rng.choice(names)}, \"count\": len(totals), \"source\": \"{rng.choice(DOMAINS)}\"}}")
        elif choice < 0.72:
            lines.append(f"{indent}# {rng.choice(VERBS)} the {var} before {rng.choice(VERBS)}ing the {rng.choice(NOUNS)}")
            lines.append(f"{indent}{var}_id = str({rng.choice(names)}).strip().lower()")
        elif choice < 0.80:
            lines.append(f"{indent}started = datetime.now(timezone.utc)")
            lines.append(f"{indent}elapsed = (datetime.now(timezone.utc) - started).total_seconds()")
        elif choice < 0.88:
            lines.append(f"{indent}with open(os.path.join(BASE_DIR, \"{var}.json\"), encoding=\"utf-8\") as handle:")
            lines.append(f"{indent}    data = json.load(handle)")
        else:
            lines.append(f"{indent}value = {rng.choice(names)}.get(\"{var}\", {rng.randint(0, 100)}) * {rng.random():.2f}")
    return lines


def _function(rng: random.Random, name: str, method: bool = False, async_: bool = False) -> list[str]:
    params = rng.sample(NOUNS, rng.randint(1, 3))
    args = (["self"] if method else []) + [f"{p}: Any" for p in params]
    indent = "        " if method else "    "
    head = indent[:-4]
    lines = [f"{head}{'async ' if async_ else ''}def {name}({', '.join(args)}) -> Optional[dict[str, Any]]:"]
    if rng.random() < 0.6:
        lines.append(f"{indent}\"\"\"{name.replace('_', ' ').capitalize()} for the given {params[0]}.\"\"\"")
    lines.append(f"{indent}totals: dict[str, int] = defaultdict(int)")
    lines.extend(_statements(rng, indent, rng.randint(4, 12), params))
    lines.append(f"{indent}return {{\"status\": \"ok\", \"totals\": dict(totals)}}")
    lines.append("")
    return lines


PLAIN_HEADER = [
    "from __future__ import annotations",
    "",
    "import json",
    "import logging",
    "import os",
    "from collections import defaultdict",
    "from datetime import datetime, timezone",
    "from typing import Any, Optional",
    "",
]


def plain_module(rng: random.Random, kind: str, package: str, false_triggers: bool) -> str:
    lines = [f"\"\"\"{kind.capitalize()} for the {package} service.\"\"\"", ""] + PLAIN_HEADER
    uses_httpx = False
    trigger = false_triggers and rng.random() < {"services": 0.03, "utils": 0.04, "api": 0.06, "tasks": 0.05}.get(kind, 0.0)
    if kind == "tests":
        lines += ["import pytest", "", f"from {package}.services import core", ""]
    elif kind == "api" and trigger:
        lines += ["from flask import Blueprint, jsonify, request", ""]
    elif trigger:
        uses_httpx = rng.random() < 0.8
        lines += ["import httpx" if uses_httpx else "import aiohttp", ""]
    elif rng.random() < 0.3:
        lines += ["import requests", ""]
    lines += ["logger = logging.getLogger(__name__)", "BASE_DIR = os.path.dirname(os.path.abspath(__file__))", ""]
    if rng.random() < 0.25:
        host = rng.choice(NOISE_HOSTS)
        env = f"{package.upper()}_{rng.choice(['API_URL', 'SERVICE_URL', 'ENDPOINT'])}"
        lines += [f"SERVICE_URL = os.environ.get(\"{env}\", \"https://{host}/v2\")", ""]
    if rng.random() < 0.08:
        lines += ["STRIPE_API_KEY = os.environ.get(\"STRIPE_SECRET_KEY\", \"\")  # api_key for the billing client", ""]
    if kind == "models":
        lines += ["from dataclasses import dataclass, field", "from enum import Enum", ""]
        for _ in range(rng.randint(2, 5)):
            cls = _camel(rng.choice(NOUNS))
            lines += ["", "@dataclass", f"class {cls}{rng.randint(1, 99)}:"]
            for name in rng.sample(NOUNS, rng.randint(3, 9)):
                lines.append(f"    {name}: {rng.choice(FIELD_TYPES)} = None")
            lines += ["", "    def to_dict(self) -> dict[str, Any]:", "        return dict(self.__dict__)", ""]
            lines += _function(rng, _ident(rng), method=True)
    elif kind == "tests":
        for _ in range(rng.randint(4, 12)):
            name = _ident(rng)
            if rng.random() < 0.3:
                lines += ["@pytest.mark.parametrize(\"value\", [0, 1, 5, 42])", f"def test_{name}(value):"]
            else:
                lines += [f"def test_{name}(tmp_path):"]
                lines += ["    value = 3"]
            lines += [f"    result = core.{name}({{\"id\": value}})", "    assert result is not None",
                      "    assert result[\"status\"] == \"ok\"", ""]
    elif kind == "api":
        if trigger:
            lines += [f"bp = Blueprint(\"{package}\", __name__)", "", "", f"@bp.post(\"/{package}/upload\")", "def upload():",
                      "    upload = request.files.get(\"file\")", "    if upload is None:",
                      "        return jsonify({\"error\": \"missing file\"}), 400", "    return jsonify({\"name\": upload.filename})", ""]
        for _ in range(rng.randint(2, 6)):
            lines += _function(rng, _ident(rng))
    elif kind == "cli":
        lines += ["import argparse", "", "", "def main(argv: Optional[list[str]] = None) -> int:",
                  "    parser = argparse.ArgumentParser()", f"    parser.add_argument(\"--{rng.choice(NOUNS)}\", default=None)",
                  "    args = parser.parse_args(argv)", "    logger.info(\"running with %s\", args)", "    return 0", ""]
        lines += _function(rng, _ident(rng))
        lines += ["", "if __name__ == \"__main__\":", "    raise SystemExit(main())", ""]
    elif kind == "migrations":
        rev = _random_token(rng, 12, "0123456789abcdef")
        lines += [f"revision = \"{rev}\"", "down_revision = None", "", "", "def upgrade() -> None:"]
        table = rng.choice(NOUNS) + "s"
        lines += [f"    op.create_table(\"{table}\","]
        for name in rng.sample(NOUNS, rng.randint(3, 8)):
            lines.append(f"        sa.Column(\"{name}\", sa.String(length={rng.choice([32, 64, 255])}), nullable=True),")
        lines += ["    )", "", "", "def downgrade() -> None:", f"    op.drop_table(\"{table}\")", ""]
    else:
        if uses_httpx:
            lines += ["", f"def fetch_{rng.choice(NOUNS)}(url: str) -> dict[str, Any]:",
                      "    response = httpx.get(url, timeout=10.0)", "    response.raise_for_status()",
                      "    return response.json()", ""]
        if rng.random() < 0.5:
            cls = _camel(rng.choice(NOUNS)) + _camel(rng.choice(["service", "repository", "client", "manager", "handler"]))
            lines += ["", f"class {cls}:", "    def __init__(self, settings: Any) -> None:",
                      "        self.settings = settings", "        self.timeout = getattr(settings, \"timeout\", 30)", ""]
            for _ in range(rng.randint(2, 6)):
                lines += _function(rng, _ident(rng), method=True, async_=rng.random() < 0.2)
        for _ in range(rng.randint(2, 7)):
            lines += _function(rng, _ident(rng), async_=rng.random() < 0.15)
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# route code

GEMINI = "https://generativelanguage.googleapis.com/v1beta/openai/"
FLATKEY = "https://router.flatkey.ai/v1"
OPENROUTER = "https://openrouter.ai/api/v1"


def _key(rng: random.Random, provider: str) -> str:
    if provider == "flatkey":
        return "sk-fk-" + _random_token(rng, 40)
    if provider == "gemini":
        return "AIza" + _random_token(rng, 35, string.ascii_letters + string.digits + "_-")
    return "sk-or-v1-" + _random_token(rng, 64, "0123456789abcdef")


def route_module(rng: random.Random, package: str, variant: int) -> str:
    lines = [f"\"\"\"LLM helpers for the {package} service.\"\"\"", "", "from __future__ import annotations", "", "import os",
             "from typing import Any", ""]
    msg = "[{\"role\": \"user\", \"content\": prompt}]"
    if variant == 0:  # Gemini through the OpenAI SDK, configurable URL
        lines += ["from openai import OpenAI", "",
                  f"GEMINI_BASE_URL = os.getenv(\"GEMINI_BASE_URL\", \"{GEMINI}\")", "",
                  "client = OpenAI(api_key=os.environ[\"GEMINI_API_KEY\"], base_url=GEMINI_BASE_URL)", "", "",
                  "def summarize(prompt: str) -> str:",
                  f"    response = client.chat.completions.create(model=\"gemini-2.5-flash\", messages={msg})",
                  "    return response.choices[0].message.content or \"\"", ""]
    elif variant == 1:  # Flatkey router, hardcoded URL, provider-native model id
        lines += ["from openai import OpenAI", "", "",
                  "def make_client() -> OpenAI:",
                  f"    return OpenAI(base_url=\"{FLATKEY}\", api_key=os.environ[\"FLATKEY_API_KEY\"])", "", "",
                  "def draft_reply(prompt: str) -> str:", "    client = make_client()",
                  f"    response = client.chat.completions.create(model=\"gemini-2.5-pro\", messages={msg})",
                  "    return response.choices[0].message.content or \"\"", ""]
    elif variant == 2:  # OpenRouter, async, vendor/model ids
        lines += ["from openai import AsyncOpenAI", "",
                  f"client = AsyncOpenAI(base_url=\"{OPENROUTER}\", api_key=os.getenv(\"OPENROUTER_API_KEY\"))", "", "",
                  "async def classify(prompt: str) -> str:",
                  f"    response = await client.chat.completions.create(model=\"anthropic/claude-sonnet-4.5\", messages={msg})",
                  "    return response.choices[0].message.content or \"\"", ""]
    elif variant == 3:  # migration half done: OpenAI key and model sent to Gemini
        lines += ["import openai", "",
                  f"client = openai.OpenAI(base_url=\"{GEMINI}\")", "", "",
                  "def extract(prompt: str) -> str:",
                  f"    response = client.chat.completions.create(model=\"gpt-4o\", messages={msg})",
                  "    return response.choices[0].message.content or \"\"", ""]
    elif variant == 4:  # settings class with defaults
        lines += ["from openai import OpenAI", "from pydantic import Field", "from pydantic_settings import BaseSettings", "", "",
                  "class LLMSettings(BaseSettings):",
                  f"    llm_base_url: str = \"{FLATKEY}\"",
                  "    llm_api_key: str = Field(\"\", alias=\"FLATKEY_API_KEY\")",
                  "    llm_model: str = \"claude-opus-4-8\"", "", "",
                  "settings = LLMSettings()",
                  "client = OpenAI(base_url=settings.llm_base_url, api_key=settings.llm_api_key)", ""]
    elif variant == 5:  # raw HTTP to OpenRouter
        lines += ["import httpx", "", "",
                  "def complete(prompt: str) -> dict[str, Any]:",
                  "    response = httpx.post(",
                  f"        \"{OPENROUTER}/chat/completions\",",
                  "        headers={\"Authorization\": f\"Bearer {os.environ['OPENROUTER_API_KEY']}\"},",
                  "        json={\"model\": \"openai/gpt-4o-mini\", \"messages\": [{\"role\": \"user\", \"content\": prompt}]},",
                  "        timeout=30.0,", "    )", "    response.raise_for_status()", "    return response.json()", ""]
    elif variant == 6:  # local Ollama
        lines += ["from openai import OpenAI", "",
                  "client = OpenAI(base_url=os.getenv(\"OLLAMA_BASE_URL\", \"http://localhost:11434/v1\"), api_key=\"ollama\")", "", "",
                  "def embed(texts: list[str]) -> list[list[float]]:",
                  "    response = client.embeddings.create(model=\"nomic-embed-text\", input=texts)",
                  "    return [item.embedding for item in response.data]", ""]
    elif variant == 7:  # Gemini files API (unsupported) and a literal key
        lines += ["from openai import OpenAI", "",
                  f"client = OpenAI(api_key=\"{_key(rng, 'gemini')}\", base_url=\"{GEMINI}\")", "", "",
                  "def upload(path: str) -> str:",
                  "    with open(path, \"rb\") as handle:",
                  "        created = client.files.create(file=handle, purpose=\"batch\")",
                  "    return created.id", ""]
    else:  # env-driven client, unknown provider: must stay silent
        lines += ["from openai import OpenAI", "",
                  "client = OpenAI(base_url=os.environ[\"LLM_BASE_URL\"], api_key=os.environ[\"LLM_API_KEY\"])", "", "",
                  "def answer(prompt: str, model: str) -> str:",
                  f"    response = client.chat.completions.create(model=model, messages={msg})",
                  "    return response.choices[0].message.content or \"\"", ""]
    # a realistic route module also carries plain code around the client
    lines += ["", "import logging", "from collections import defaultdict", "from datetime import datetime, timezone",
              "from typing import Optional", "", "logger = logging.getLogger(__name__)", ""]
    for _ in range(rng.randint(1, 4)):
        lines += _function(rng, _ident(rng))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# configuration files


def package_configs(rng: random.Random, package: str, has_routes: bool, keys: bool) -> dict[str, str]:
    files = {}
    deps = rng.sample(["fastapi", "sqlalchemy", "pydantic", "redis", "celery", "boto3", "requests", "structlog", "alembic"], 4)
    if has_routes:
        deps.append("openai>=1.40")
    files["pyproject.toml"] = "\n".join([
        "[project]", f"name = \"{package}\"", "version = \"0.1.0\"", "requires-python = \">=3.10\"",
        "dependencies = [" + ", ".join(f"\"{d}\"" for d in deps) + "]", "",
        "[tool.pytest.ini_options]", "testpaths = [\"tests\"]", "", "[tool.black]", "line-length = 100", "",
    ])
    settings = ["app:", f"  name: {package}", f"  port: {rng.randint(8000, 8999)}", "database:",
                f"  url: postgresql://{package}@db:5432/{package}", f"  pool_size: {rng.randint(5, 20)}", "cache:",
                "  url: redis://redis:6379/0", f"  ttl_seconds: {rng.choice([60, 300, 3600])}", "features:"]
    settings += [f"  {rng.choice(VERBS)}_{rng.choice(NOUNS)}: {rng.choice(['true', 'false'])}" for _ in range(rng.randint(3, 8))]
    if has_routes:
        settings += ["llm:", f"  base_url: {FLATKEY}", "  model: gemini-2.5-flash", "  api_key_env: FLATKEY_API_KEY"]
    files["config/settings.yaml"] = "\n".join(settings) + "\n"
    env_example = ["DATABASE_URL=postgresql://user:password@localhost:5432/app", "REDIS_URL=redis://localhost:6379/0", "LOG_LEVEL=info"]
    if has_routes:
        env_example += ["FLATKEY_API_KEY=your-flatkey-key", f"FLATKEY_BASE_URL={FLATKEY}", "GEMINI_API_KEY=changeme"]
    files[".env.example"] = "\n".join(env_example) + "\n"
    if rng.random() < 0.4:
        compose = ["services:", "  app:", "    build: .", "    ports:", f"      - \"{rng.randint(8000, 8999)}:8000\"", "    environment:",
                   "      DATABASE_URL: postgresql://app@db:5432/app"]
        if has_routes:
            compose += ["      OPENAI_BASE_URL: http://ollama:11434/v1", "  ollama:", "    image: ollama/ollama"]
        compose += ["  db:", "    image: postgres:16", ""]
        files["docker-compose.yml"] = "\n".join(compose)
    if has_routes and keys:
        files[".env"] = "\n".join([
            "LOG_LEVEL=debug",
            f"FLATKEY_API_KEY={_key(rng, 'flatkey')}",
            f"OPENROUTER_API_KEY={_key(rng, 'openrouter')}",
            "",
        ])
    return files


ROOT_FILES = {
    ".github/workflows/ci.yml": "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                                "      - uses: actions/checkout@v4\n      - run: pip install -e .[test]\n      - run: pytest\n",
    "README.md": "# services\n\nThe company's Python services, one package per folder.\n",
}


# ----------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    total = sum(weight for _, weight in choices)
    pick = rng.uniform(0, total)
    for name, weight in choices:
        pick -= weight
        if pick <= 0:
            return name
    return choices[-1][0]


def generate_tree(root: str, spec: TreeSpec) -> TreeStats:
    """Write the tree under `root` (which must not exist yet) and return what was written."""
    rng = random.Random(spec.seed)
    stats = TreeStats()
    writer = Writer(root, stats)
    packages = max(2, spec.python_files // 50)
    names = [f"{spec.prefix}{DOMAINS[i % len(DOMAINS)]}{'' if i < len(DOMAINS) else '_' + str(i // len(DOMAINS))}" for i in range(packages)]
    routes = round(spec.python_files * spec.route_share)
    if spec.route_share > 0:
        routes = max(routes, 2)
    route_slots = set(rng.sample(range(spec.python_files), min(routes, spec.python_files)))
    per_package: dict[str, list[tuple[str, str]]] = {name: [] for name in names}
    route_packages: set[str] = set()
    variant = 0
    for index in range(spec.python_files):
        package = names[index % packages]
        counter = len(per_package[package])
        if index in route_slots:
            stem = rng.choice(["llm", "ai_client", "assistant", "summarizer", "classifier", "copilot"])
            per_package[package].append((f"{package}/llm/{stem}_{counter}.py", route_module(rng, package, variant % 9)))
            stats.route_paths.append(f"{package}/llm/{stem}_{counter}.py")
            route_packages.add(package)
            variant += 1
            continue
        kind = _weighted(rng, PLAIN_KINDS)
        folder = {"tests": f"{package}/tests", "migrations": f"{package}/migrations/versions", "services": f"{package}/services",
                  "models": f"{package}/models", "api": f"{package}/api", "utils": f"{package}/utils",
                  "cli": f"{package}/cli", "tasks": f"{package}/tasks"}[kind]
        stem = f"test_{rng.choice(NOUNS)}" if kind == "tests" else (f"{counter:04d}_{rng.choice(VERBS)}_{rng.choice(NOUNS)}" if kind == "migrations" else f"{rng.choice(NOUNS)}_{rng.choice(VERBS)}")
        per_package[package].append((f"{folder}/{stem}_{counter}.py", plain_module(rng, kind, package, spec.false_triggers)))
    stats.route_files = len(route_slots)
    for package in names:
        folders = set()
        for relative, text in per_package[package]:
            writer.write(relative, text)
            folders.add(os.path.dirname(relative))
        for folder in sorted(folders):
            if folder.startswith(package):  # package __init__ files along the way
                parts = folder.split("/")
                for depth in range(1, len(parts) + 1):
                    init = "/".join(parts[:depth]) + "/__init__.py"
                    if not os.path.exists(os.path.join(root, init)):
                        writer.write(init, "" if rng.random() < 0.7 else f"\"\"\"{package}.\"\"\"\n")
        if spec.configs:
            for relative, text in package_configs(rng, package, package in route_packages, spec.keys_in_env_files).items():
                writer.write(f"{package}/{relative}" if not relative.startswith("config/") else f"{package}/{relative}", text)
    if spec.configs and not spec.prefix:
        for relative, text in ROOT_FILES.items():
            writer.write(relative, text)
    return stats


def generate_cached(root: str, spec: TreeSpec, extra_copies: int = 0) -> TreeStats:
    """Generate once; later calls with the same spec reuse the tree (a stamp file records the spec).

    With `extra_copies`, the tree holds the spec's tree under `base/` plus that many additional trees of
    plain files only (no routes, no keys), each from its own seed: the "10x more files" shape.
    """
    stamp = root.rstrip("/") + ".stamp"
    signature = repr((GENERATOR_VERSION, spec, extra_copies))
    if os.path.isdir(root) and os.path.isfile(stamp):
        with open(stamp, encoding="utf-8") as handle:
            if handle.readline().rstrip("\n") == signature:
                stats = TreeStats()
                for key, value in (line.rstrip("\n").split("=", 1) for line in handle if "=" in line):
                    setattr(stats, key, int(value))
                return stats
    shutil.rmtree(root, ignore_errors=True)
    if os.path.exists(stamp):
        os.remove(stamp)
    building = root.rstrip("/") + ".building"
    shutil.rmtree(building, ignore_errors=True)
    if extra_copies:
        stats = generate_tree(os.path.join(building, "base"), spec)
        for copy in range(1, extra_copies + 1):
            extra = TreeSpec(python_files=spec.python_files, seed=spec.seed + 1000 * copy, route_share=0.0,
                             keys_in_env_files=False, prefix=f"x{copy}_", configs=spec.configs,
                             false_triggers=spec.false_triggers)
            more = generate_tree(os.path.join(building, f"extra{copy}"), extra)
            for key in ("python_files", "route_files", "config_files", "files", "lines"):
                setattr(stats, key, getattr(stats, key) + getattr(more, key))
    else:
        stats = generate_tree(building, spec)
    os.rename(building, root)
    with open(stamp, "w", encoding="utf-8") as handle:
        handle.write(signature + "\n")
        for key in ("python_files", "route_files", "config_files", "files", "lines"):
            handle.write(f"{key}={getattr(stats, key)}\n")
    return stats

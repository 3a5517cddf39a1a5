"""Issue 8: `routelint routes` inventory, per-route checklist, `--target`, and the `audit` HTML/Markdown report."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEMO_APP, GEMINI_KEY, REPO, run_cli, write_tree

from routelint.audit.inventory import build_inventory, checklist_rules
from routelint.config import discover_config
from routelint.engine import run
from routelint.redact import mask

ROUTER = '''import os
from openai import OpenAI

client = OpenAI(base_url=os.getenv("FLATKEY_BASE_URL", "https://router.flatkey.ai/v1"), api_key=os.environ["FLATKEY_API_KEY"])


def ask(question):
    return client.chat.completions.create(
        model="gpt-5.5",
        messages=[{"role": "user", "content": question}],
        stream=True,
        tools=[{"type": "function", "function": {"name": "lookup", "parameters": {}}}],
    )
'''

GEMINI = f'''from openai import OpenAI

GEMINI_BASE_URL = "https://generativelanguage.googleapis.com/v1beta/openai/"
gemini = OpenAI(base_url=GEMINI_BASE_URL, api_key="{GEMINI_KEY}")


def describe(url):
    return gemini.chat.completions.create(
        model="gpt-4o-mini",
        messages=[{{"role": "user", "content": [{{"type": "image_url", "image_url": {{"url": url}}}}]}}],
        response_format={{"type": "json_object"}},
    )


def index(texts):
    return gemini.embeddings.create(model="text-embedding-004", input=texts)


def upload(path):
    return gemini.files.create(file=open(path, "rb"), purpose="batch")
'''

DEFAULT_CLIENT = '''from openai import OpenAI

client = OpenAI()


def answer(prompt, model):
    return client.responses.create(model=model, input=prompt)


def bulk(file_id):
    return client.batches.create(input_file_id=file_id, endpoint="/v1/chat/completions", completion_window="24h")
'''

FILES = {"app/router.py": ROUTER, "app/gemini.py": GEMINI, "app/default_client.py": DEFAULT_CLIENT}
LOCATIONS = ("app/default_client.py:3:10", "app/gemini.py:4:10", "app/router.py:4:10")

ENV_ROUTE = '''import os
from openai import OpenAI

llm = OpenAI(base_url=os.environ["LLM_BASE_URL"], api_key=os.environ["OPENROUTER_API_KEY"])
llm.chat.completions.create(model="openai/gpt-4o-mini", messages=[])
'''

DOTENV_FRONTEND = REPO / "src" / "routelint" / "frontends" / "dotenv.py"
ALWAYS = checklist_rules().always


@pytest.fixture
def app(tmp_path: Path, monkeypatch) -> Path:
    write_tree(tmp_path, FILES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def inventory(paths=("app",), target=None):
    config = discover_config(paths[0])
    result = run(list(paths), config, jobs=1)
    return result, {row.location: row for row in build_inventory(result, target)}


# ---------------------------------------------------------------------------- inventory
def test_inventory_rows(app):
    result, rows = inventory()
    assert tuple(rows) == LOCATIONS

    router = rows["app/router.py:4:10"]
    assert (router.sdk, router.provider_id, router.provider_name) == ("openai", "flatkey", "Flatkey")
    assert router.base_url == "https://router.flatkey.ai/v1"
    assert router.base_source.kind == "env" and router.base_source.env_var == "FLATKEY_BASE_URL"
    assert "default at app/router.py:4" in router.base_source.description
    assert router.key_source.env_var == "FLATKEY_API_KEY" and router.key_owner == "flatkey"
    assert [(model.id, model.where) for model in router.models] == [("gpt-5.5", "app/router.py:9")]
    assert router.features == ["chat", "streaming", "tools"]

    gemini = rows["app/gemini.py:4:10"]
    assert gemini.provider_id == "gemini"
    assert gemini.base_source.kind == "literal"
    assert "app/gemini.py:3" in gemini.base_source.description and "GEMINI_BASE_URL" in gemini.base_source.description
    assert gemini.key_source.kind == "literal" and mask(GEMINI_KEY) in gemini.key_source.description
    assert GEMINI_KEY not in gemini.key_source.description
    assert gemini.key_owner == "gemini"
    assert {model.id for model in gemini.models} == {"gpt-4o-mini", "text-embedding-004"}
    assert gemini.features == ["chat", "structured-output", "image-input", "embeddings", "files"]
    assert [endpoint.endpoint for endpoint in gemini.endpoints] == ["chat.completions.create", "embeddings.create", "files.create"]

    default = rows["app/default_client.py:3:10"]
    assert default.provider_id is None and default.provider_name == "unknown"  # unknown stays unknown
    assert default.base_url is None and default.base_source.kind == "sdk-default"
    assert default.base_source.env_var == "OPENAI_BASE_URL"
    assert default.key_source.env_var == "OPENAI_API_KEY"
    assert [model.id for model in default.models] == [None]  # a parameter: not statically known
    assert default.features == ["batch", "responses"]


def test_checklist_follows_features(app):
    _, rows = inventory()
    for row in rows.values():
        items = [item["item"] for item in row.checklist]
        assert items[-len(ALWAYS):] == list(ALWAYS)  # always-items on every route
        assert {item["feature"] for item in row.checklist} == set(row.features) | {"always"}
    router = rows["app/router.py:4:10"]
    text = " ".join(item["item"] for item in router.checklist)
    assert "stream handling" in text and "timeouts" in text and "tool_choice" in text and "tool schemas" in text
    gemini_text = " ".join(item["item"] for item in rows["app/gemini.py:4:10"].checklist)
    assert "image format" in gemini_text and "provider-native plan" in gemini_text and "separate endpoint" in gemini_text
    always = " ".join(ALWAYS)
    for words in ("bad model", "usage", "quota", "rollback"):
        assert words in always


def test_checklist_is_data():
    path = REPO / "rules" / "audit" / "checklist.toml"
    assert path.is_file()
    features = {feature.id for feature in checklist_rules().features}
    assert {"chat", "streaming", "tools", "structured-output", "image-input", "audio", "embeddings", "batch", "files",
            "responses"} <= features
    assert all(feature.items for feature in checklist_rules().features)


def test_inventory_env_file_route(tmp_path, monkeypatch):
    if not DOTENV_FRONTEND.exists():
        pytest.skip("src/routelint/frontends/dotenv.py (the .env frontend, another issue) does not exist yet")
    write_tree(tmp_path, {"svc/.env": "LLM_BASE_URL=https://openrouter.ai/api/v1\nOPENROUTER_API_KEY=\n", "svc/llm.py": ENV_ROUTE})
    monkeypatch.chdir(tmp_path)
    _, rows = inventory(("svc",))
    row = rows["svc/llm.py:4:7"]
    assert row.provider_id == "openrouter"
    assert row.base_url == "https://openrouter.ai/api/v1"
    assert row.base_source.kind == "env-file"
    assert row.base_source.path == "svc/.env" and row.base_source.line == 1
    assert "env file svc/.env:1" in row.base_source.description


def test_key_sources_never_show_key_text(tmp_path, monkeypatch):
    write_tree(tmp_path, {
        "a.py": f'import os\nfrom openai import OpenAI\nc = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", '
                f'api_key=os.getenv("GEMINI_API_KEY", "{GEMINI_KEY}"))\n',
        "b.py": 'from openai import OpenAI\nc = OpenAI(base_url="https://router.flatkey.ai/v1", api_key="FLATKEY_API_KEY")\n',
    })
    monkeypatch.chdir(tmp_path)
    _, rows = inventory((".",))
    default_key = rows["a.py:3:5"].key_source
    assert default_key.env_var == "GEMINI_API_KEY" and "a default" in default_key.description
    assert GEMINI_KEY not in default_key.description
    name_as_key = rows["b.py:2:5"].key_source.description
    assert "the variable name FLATKEY_API_KEY passed as the key" in name_as_key
    for fmt in ("json", "csv", "markdown", "table"):
        output = run_cli("routes", ".", "--format", fmt).output
        assert GEMINI_KEY not in output and "a.py:3:5" in output


# ---------------------------------------------------------------------------- --target
def test_target_flatkey(app):
    _, rows = inventory(target="flatkey")
    router = rows["app/router.py:4:10"].target
    assert router.already_there and router.base_url is None and router.key is None
    assert router.models == [] and router.endpoints == []  # gpt-5.5 is a known Flatkey ID

    gemini = rows["app/gemini.py:4:10"].target
    assert not gemini.already_there
    assert gemini.base_url.startswith("https://router.flatkey.ai/v1")
    assert {model["id"] for model in gemini.models} == {"gpt-4o-mini", "text-embedding-004"}
    assert all(model["code"] == "RL302" for model in gemini.models)  # provider-native IDs: unconfirmed on the router
    assert gemini.key["owner"] == "gemini" and gemini.key["set_env"] == "FLATKEY_API_KEY"
    assert gemini.endpoints == []  # Flatkey lists no unsupported endpoints

    default = rows["app/default_client.py:3:10"].target  # OpenAI(): key and base URL from the generic OPENAI_* slot
    assert default.key == {"owner": None, "reason": "key owner unknown: confirm the variable holds a key for the target",
                           "set_env": "FLATKEY_API_KEY"}
    assert [model["id"] for model in default.models] == [None]


def test_target_gemini_unsupported_endpoints(app):
    _, rows = inventory(target="gemini")
    default = rows["app/default_client.py:3:10"].target
    assert [item["endpoint"] for item in default.endpoints] == ["responses.create"]
    gemini = rows["app/gemini.py:4:10"].target
    assert gemini.already_there and [item["endpoint"] for item in gemini.endpoints] == ["files.create"]
    router = rows["app/router.py:4:10"].target
    assert router.key["owner"] == "flatkey" and router.key["set_env"] == "GEMINI_API_KEY"
    assert [model["id"] for model in router.models] == ["gpt-5.5"]


GENERIC_SLOT = '''import os
from openai import OpenAI

client = OpenAI(base_url=os.environ["OPENAI_BASE_URL"], api_key=os.environ["{key}"])
client.chat.completions.create(model="openai/gpt-4o-mini", messages=[])
'''


@pytest.mark.parametrize("key_env, owner", [("OPENAI_API_KEY", None), ("GEMINI_API_KEY", "gemini")])
def test_target_key_owner_agrees_with_check(tmp_path: Path, key_env, owner):
    """Key ownership is judged once: `OPENAI_API_KEY` beside `OPENAI_BASE_URL` is the generic slot, so
    `check` is clean and `routes --target` must not ask to replace the key (it used to: "OpenAI key;
    OpenRouter needs its own key"). A Gemini key on the same route is RL201 and a key to replace."""
    write_tree(tmp_path, {"app/llm.py": GENERIC_SLOT.format(key=key_env), ".env": "OPENAI_BASE_URL=https://openrouter.ai/api/v1\n"})
    check = subprocess.run(_cli_command("check", "--no-cache", "--format", "json", "."), cwd=tmp_path,
                           capture_output=True, text=True, timeout=120, check=False)
    findings = [(d["code"], d["line"]) for d in json.loads(check.stdout)["diagnostics"]]
    routes = subprocess.run(_cli_command("routes", "--target", "openrouter", "--format", "json", "."), cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, check=False)
    assert routes.returncode == 0, routes.stderr
    (route,) = [route for route in json.loads(routes.stdout)["routes"] if route["path"] == "app/llm.py"]
    assert route["provider"]["id"] == "openrouter" and route["target"]["already_there"]
    assert route["key"]["owner"] == owner
    if owner is None:
        assert (check.returncode, findings) == (0, [])
        assert route["target"]["key_to_replace"] is None
    else:
        assert (check.returncode, findings) == (1, [("RL201", 4)])
        assert route["target"]["key_to_replace"] == {
            "owner": "gemini", "reason": "Google Gemini key; OpenRouter needs its own key", "set_env": "OPENROUTER_API_KEY"}


def test_unknown_target_exits_2(app):
    result = run_cli("routes", "app", "--target", "nosuchprovider")
    assert result.exit_code == 2
    assert "unknown provider 'nosuchprovider'" in result.output


# ---------------------------------------------------------------------------- routes formats
def test_routes_json(app):
    result = run_cli("routes", "app", "--format", "json", "--target", "flatkey")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["version"] == 1 and document["target"] == "flatkey"
    assert [route["location"] for route in document["routes"]] == list(LOCATIONS)
    gemini = document["routes"][1]
    assert gemini["provider"]["id"] == "gemini"
    assert gemini["base_url"]["source"]["kind"] == "literal"
    assert gemini["target"]["key_to_replace"]["owner"] == "gemini"
    assert "files" in gemini["features"]
    assert GEMINI_KEY not in result.output


def test_routes_csv(app):
    result = run_cli("routes", "app", "--format", "csv", "--target", "flatkey")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["location"] for row in rows] == list(LOCATIONS)
    by_location = {row["location"]: row for row in rows}
    assert by_location["app/router.py:4:10"]["provider"] == "flatkey"
    assert by_location["app/default_client.py:3:10"]["provider"] == "unknown"
    assert "streaming" in by_location["app/router.py:4:10"]["features"]
    assert "replace key (set FLATKEY_API_KEY)" in by_location["app/gemini.py:4:10"]["target_changes"]
    assert by_location["app/router.py:4:10"]["target_changes"] == "no changes needed"
    assert GEMINI_KEY not in result.output and mask(GEMINI_KEY) in result.output


def test_routes_markdown_and_table(app):
    markdown = run_cli("routes", "app", "--format", "markdown")
    assert markdown.exit_code == 0
    assert "| Location | SDK | Provider |" in markdown.output
    table = run_cli("routes", "app")
    assert table.exit_code == 0
    for output in (markdown.output, table.output):
        for location in LOCATIONS:
            assert location in output
        assert GEMINI_KEY not in output
    assert "Google Gemini" in table.output and "Flatkey" in table.output


# ---------------------------------------------------------------------------- audit report
def _audit(tmp: Path, *extra: str) -> tuple[str, str]:
    html_path, md_path = tmp / "out" / "report.html", tmp / "out" / "report.md"
    html_path.parent.mkdir(exist_ok=True)
    result = run_cli("audit", "app", "--html", str(html_path), "--markdown", str(md_path), *extra)
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    return html_path.read_text(encoding="utf-8"), md_path.read_text(encoding="utf-8")


ASSET_PATTERNS = (
    r"<script\b[^>]*\bsrc\s*=",
    r"<link\b[^>]*\bhref\s*=",
    r"url\(\s*['\"]?\s*(?:https?:)?//",
    r"<img\b[^>]*\bsrc\s*=\s*['\"]?(?:https?:)?//",
    r"@import",
    r"<iframe",
)


def test_audit_html_content(app):
    page, markdown = _audit(app, "--target", "flatkey")
    assert page.startswith("<!DOCTYPE html>")
    assert 'id="summary"' in page and "Routes per provider" in page and "Findings per rule" in page
    assert 'id="by-provider"' in page and 'id="by-rule"' in page
    assert page.count("<svg") == 2  # charts drawn inline
    for location in LOCATIONS:
        assert location in page  # inventory and checklist
        assert page.replace("<wbr>", "").count(location) >= 3
    for code in ("RL101", "RL202", "RL301", "RL401"):
        assert code in page
    # findings with code excerpts; key redacted everywhere
    assert "GEMINI_BASE_URL = &quot;https://generativelanguage.googleapis.com/v1beta/openai/&quot;" in page
    assert GEMINI_KEY not in page and mask(GEMINI_KEY) in page
    assert "Moving to flatkey" in page
    for item in ALWAYS:
        assert item.replace("'", "&#x27;") in page
    assert 'type="checkbox"' in page
    for pattern in ASSET_PATTERNS:
        assert not re.search(pattern, page, re.IGNORECASE), pattern
    assert "<script" not in page.lower()  # no JavaScript needed

    assert "# routelint audit" in markdown and "## Summary" in markdown and "## Route inventory" in markdown
    for location in LOCATIONS:
        assert location in markdown
    assert GEMINI_KEY not in markdown and mask(GEMINI_KEY) in markdown
    assert "- [ ] **streaming**" in markdown


def test_audit_html_escapes_everything(tmp_path, monkeypatch):
    evil = ROUTER.replace('model="gpt-5.5"', 'model="<script>alert(1)</script>"')
    write_tree(tmp_path, {"app/router.py": evil})
    monkeypatch.chdir(tmp_path)
    page, markdown = _audit(tmp_path)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_audit_markdown_to_stdout(app):
    result = run_cli("audit", "app")
    assert result.exit_code == 0
    assert result.output.startswith("# routelint audit")
    assert GEMINI_KEY not in result.output


# ---------------------------------------------------------------------------- a real browser
def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    pytest.skip("chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")


def _browser(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow  # a headless browser
def test_report_renders_in_headless_chromium(app, tmp_path_factory):
    binary = _chromium()
    _audit(app, "--target", "flatkey")
    url = (app / "out" / "report.html").resolve().as_uri()
    dom = _browser(binary, tmp_path_factory.mktemp("profile"), "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = dom.stdout
    assert "<h1>routelint audit</h1>" in rendered
    assert 'id="summary"' in rendered and "Routes per provider" in rendered
    for location in LOCATIONS:
        assert location in rendered
    assert len(re.findall(r'class="route-row"', rendered)) == len(LOCATIONS)
    assert "</html>" in rendered
    for error in ("Failed to load resource", "net::ERR_", "Uncaught", ":CONSOLE("):
        assert error not in dom.stderr, dom.stderr[-2000:]
    shot = tmp_path_factory.mktemp("shot") / "report.png"
    screenshot = _browser(binary, tmp_path_factory.mktemp("profile"), "--window-size=1280,2000", f"--screenshot={shot}", url)
    assert screenshot.returncode == 0, screenshot.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


# ---------------------------------------------------------------------------- progress on a TTY only
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def _cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "routelint", *args]


def _run_on_pty(command: list[str], cwd: Path) -> str:
    import pty

    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="120", LINES="40")
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(command, cwd=cwd, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO once the child closed the pty
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert process.wait(timeout=120) == 0
    return ANSI.sub("", b"".join(chunks).decode("utf-8", errors="replace"))


@pytest.mark.slow  # subprocesses on a pseudo-terminal
def test_audit_progress_on_tty_only(app):
    report = app / "tty.html"
    piped = subprocess.run(_cli_command("audit", "app", "--html", str(report)), cwd=app, capture_output=True, text=True,
                           timeout=120, check=False)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == ""
    assert "analysing" not in piped.stdout and "━" not in piped.stdout
    assert piped.stdout.startswith("Wrote")

    shown = _run_on_pty(_cli_command("audit", "app", "--html", str(report)), app)
    assert "analysing" in shown or "writing report" in shown
    assert "━" in shown  # the bar
    assert re.search(r"\b3/3\b", shown)  # files done / total
    assert "Wrote" in shown


def _frontends_missing() -> list[str]:
    names = ("dotenv", "yaml_config", "toml_config", "json_config")
    return [name for name in names if importlib.util.find_spec(f"routelint.frontends.{name}") is None]


@pytest.mark.slow  # subprocesses on a pseudo-terminal
def test_audit_demo_app_with_and_without_tty(tmp_path):
    missing = _frontends_missing()
    if missing:
        pytest.skip(f"fixtures/demo-app has config files whose frontends are not written yet: {', '.join(missing)}")
    report = tmp_path / "demo.html"
    piped = subprocess.run(_cli_command("audit", "fixtures/demo-app", "--html", str(report)), cwd=REPO, capture_output=True,
                           text=True, timeout=300, check=False)
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == "" and "━" not in piped.stdout
    page = report.read_text(encoding="utf-8")
    assert 'id="summary"' in page and "fixtures/demo-app/app/summarizer.py" in page
    shown = _run_on_pty(_cli_command("audit", "fixtures/demo-app", "--html", str(report)), REPO)
    assert "━" in shown and "Wrote" in shown
    assert DEMO_APP.is_dir()


def test_every_checklist_flag_is_one_a_request_argument_sets():
    """`flags` in rules/audit/checklist.toml are features the frontends read off request arguments
    (rules/vocabulary.toml `request_features`): a flag no argument sets would never match."""
    from routelint.vocabulary import config_vocabulary

    produced = {feature for table in config_vocabulary().request_features.values() for _, feature in table}
    flags = {flag for feature in checklist_rules().features for flag in feature.flags}
    assert flags and flags <= produced, sorted(flags - produced)


def test_an_audio_argument_puts_audio_on_the_checklist(tmp_path: Path):
    write_tree(tmp_path, {
        "app.py": "import os\nfrom openai import OpenAI\n\nclient = OpenAI(base_url=os.environ['LLM_BASE_URL'])\n"
                  "client.chat.completions.create(model=os.environ['MODEL'], messages=[], audio={'voice': 'alloy'})\n",
        "app.ts": 'import OpenAI from "openai";\n\nconst client = new OpenAI({ baseURL: process.env.LLM_BASE_URL });\n'
                  'await client.chat.completions.create({ model: "m", messages: [], audio: { voice: "alloy" } });\n',
    })
    result = run_cli("routes", "--format", "json", ".", cwd=tmp_path)
    features = {route["path"]: [f for call in route["endpoints"] for f in call["features"]] for route in json.loads(result.output)["routes"]}
    assert features == {"app.py": ["chat", "audio"], "app.ts": ["chat", "audio"]}

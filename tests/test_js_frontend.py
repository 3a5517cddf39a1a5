"""The JS/TS frontend end to end: discovery skips generated code, routes/audit list JS routes,
SARIF and the baseline carry them, package versions pick the AI SDK's endpoint, fixes re-parse."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, run_json

from routelint.discover import JAVASCRIPT, TEXT, TYPESCRIPT, file_kind
from routelint.frontends.js import minified
from routelint.frontends.js.packages import read_packages
from routelint.versions import major
from routelint.fixer import parses

CLIENT_TS = '''import OpenAI from "openai";

export const client = new OpenAI({
  baseURL: "https://api.groq.com/openai/v1",
  apiKey: process.env.OPENAI_API_KEY,
});
'''


def test_file_kinds() -> None:
    assert file_kind("src/a.mjs") == JAVASCRIPT and file_kind("src/a.jsx") == JAVASCRIPT
    assert file_kind("src/a.cts") == TYPESCRIPT and file_kind("app/page.tsx") == TYPESCRIPT
    assert file_kind("dist/app.min.js") == TEXT and file_kind("types/index.d.ts") == TEXT


def test_node_modules_and_bundles_are_not_analysed(tree) -> None:
    root = tree({
        "node_modules/openai/index.ts": CLIENT_TS,
        ".next/server/chunk.js": CLIENT_TS,
        "public/app.min.js": CLIENT_TS,
        "src/client.ts": CLIENT_TS,
    })
    code, report = run_json(str(root), "--no-cache")
    assert code == 1
    paths = {Path(item["path"]).name for item in report["diagnostics"]}
    assert paths == {"client.ts"}, report


def test_minified_text_is_detected() -> None:
    assert minified("var a=1;" * 600)
    assert not minified(CLIENT_TS * 50)


def test_routes_list_js_routes_beside_python(tree) -> None:
    root = tree({"src/client.ts": CLIENT_TS, "app.py": "import os\nfrom openai import OpenAI\n\nc = OpenAI(base_url=os.environ['X'])\n"})
    result = run_cli("routes", str(root), "--format", "json")
    rows = json.loads(result.output)
    rows = rows["routes"] if isinstance(rows, dict) else rows
    sdks = sorted(row.get("sdk") for row in rows)
    assert "openai-node" in sdks and "openai" in sdks, rows


def test_sarif_and_baseline_on_js(tree, tmp_path: Path) -> None:
    root = tree({"src/client.ts": CLIENT_TS})
    sarif = run_cli("check", str(root), "--format", "sarif", "--no-cache")
    document = json.loads(sarif.output)
    rules = {result["ruleId"] for result in document["runs"][0]["results"]}
    assert {"RL101", "RL201"} <= rules
    baseline = tmp_path / "baseline.json"
    run_cli("check", str(root), "--no-cache", "--write-baseline", str(baseline))
    again = run_cli("check", str(root), "--no-cache", "--baseline", str(baseline))
    assert again.exit_code == 0, again.output


def test_package_versions() -> None:
    assert read_packages("package.json", '{"dependencies": {"@ai-sdk/openai": "^2.0.1"}}') == {"@ai-sdk/openai": "^2.0.1"}
    lock = '{"packages": {"node_modules/@ai-sdk/openai": {"version": "1.3.22"}}}'
    assert read_packages("package-lock.json", lock) == {"@ai-sdk/openai": "1.3.22"}
    pnpm = "packages:\n\n  '@ai-sdk/openai@2.0.5':\n    resolution: {}\n"
    assert read_packages("pnpm-lock.yaml", pnpm) == {"@ai-sdk/openai": "2.0.5"}
    yarn = '"@ai-sdk/openai@^1.3.0":\n  version "1.3.22"\n'
    assert read_packages("yarn.lock", yarn) == {"@ai-sdk/openai": "1.3.22"}
    assert read_packages("package.json", "{not json") == {}
    assert major("^2.0.1") == 2 and major("~1.3") == 1 and major("latest") is None


def test_fix_reparse_rejects_new_error_nodes() -> None:
    assert parses("a.ts", CLIENT_TS, CLIENT_TS) is None
    assert parses("a.ts", CLIENT_TS.replace("});", "}"), CLIENT_TS) is not None
    broken = "const a = {;\n"
    assert parses("a.js", broken, broken) is None  # errors it already had do not block a fix


def test_fix_rewrites_js_and_stays_parsable(tree) -> None:
    root = tree({"src/client.ts": CLIENT_TS})
    result = run_cli("check", str(root), "--no-cache", "--fix")
    assert result.exit_code in (0, 1), result.output
    text = (root / "src/client.ts").read_text()
    assert 'baseURL: process.env.GROQ_BASE_URL ?? "https://api.groq.com/openai/v1",' in text
    assert parses("src/client.ts", text, CLIENT_TS) is None


def test_js_suppression_comment(tree) -> None:
    root = tree({"src/client.js": CLIENT_TS.replace('"https://api.groq.com/openai/v1",', '"https://api.groq.com/openai/v1", // routelint: ignore[RL101]')})
    code, report = run_json(str(root), "--no-cache")
    codes = {item["code"] for item in report["diagnostics"]}
    assert "RL101" not in codes and "RL002" not in codes and "RL201" in codes


def test_audit_report_lists_js_routes(tree, tmp_path: Path) -> None:
    root = tree({"web/lib/client.ts": CLIENT_TS, "app.py": "import os\nfrom openai import OpenAI\n\nc = OpenAI(base_url=os.environ['X'])\n"})
    markdown = tmp_path / "audit.md"
    result = run_cli("audit", str(root), "--markdown", str(markdown), "--no-progress")
    assert result.exit_code in (0, 1), result.output
    text = markdown.read_text()
    assert "web/lib/client.ts:3" in text and "app.py:4" in text


JOINED_PY = '''import os
from openai import OpenAI

BASE = "https://openrouter.ai/api"
a = OpenAI(base_url=BASE + "/v1", api_key=os.environ["OPENROUTER_API_KEY"])
b = OpenAI(base_url=f"{BASE}/v1", api_key=os.environ["OPENROUTER_API_KEY"])
'''
JOINED_TS = '''import OpenAI from "openai";

const BASE = "https://openrouter.ai/api";
const a = new OpenAI({ baseURL: BASE + "/v1", apiKey: process.env.OPENROUTER_API_KEY });
const b = new OpenAI({ baseURL: `${BASE}/v1`, apiKey: process.env.OPENROUTER_API_KEY });
'''


def test_strings_built_from_a_constant_are_reported_at_the_constant_in_both_languages(tree) -> None:
    """`BASE + "/v1"` and a template (an f-string) built from BASE: one RL101, where BASE's literal is
    written, naming that literal, however many strings are built from it (JS reported each joined
    string at its expression before both languages composed strings the same way)."""
    root = tree({"app.py": JOINED_PY, "app.ts": JOINED_TS})
    _, report = run_json(str(root), "--no-cache", "--select", "RL101")
    found = sorted((Path(d["path"]).name, d["line"], d["column"], d["message"].split(" is ")[0]) for d in report["diagnostics"])
    assert found == [("app.py", 4, 8, "base URL 'https://openrouter.ai/api'"),
                     ("app.ts", 3, 14, "base URL 'https://openrouter.ai/api'")]


BUILT_PY = '''import os
from openai import OpenAI

P = "claude-"
BASE = "https://api.groq.com/openai"
good = OpenAI(base_url=BASE + "/v1", api_key=os.environ["GROQ_API_KEY"])
bad = OpenAI(base_url=f"{BASE}/v1/chat/completions", api_key=os.environ["GROQ_API_KEY"])
good.chat.completions.create(model=P + "3-opus", messages=[])
good.chat.completions.create(model=f"{P}3-haiku", messages=[])
'''
BUILT_TS = '''import OpenAI from "openai";

const P = "claude-";
const BASE = "https://api.groq.com/openai";
const good = new OpenAI({ baseURL: BASE + "/v1", apiKey: process.env.GROQ_API_KEY });
const bad = new OpenAI({ baseURL: `${BASE}/v1/chat/completions`, apiKey: process.env.GROQ_API_KEY });
await good.chat.completions.create({ model: P + "3-opus", messages: [] });
await good.chat.completions.create({ model: `${P}3-haiku`, messages: [] });
'''


def test_different_strings_built_from_one_constant_each_keep_their_finding(tree) -> None:
    """Built strings are placed at the constant's literal; a correct one there must not hide a malformed
    one (RL102), nor one model ID another (RL301): the review of the JS/TS change found both lost."""
    root = tree({"app.py": BUILT_PY, "app.ts": BUILT_TS})
    _, report = run_json(str(root), "--no-cache", "--select", "RL102,RL301")
    found = sorted((Path(d["path"]).name, d["code"], d["line"], d["message"].split(" ")[0 if d["code"] == "RL301" else 2])
                   for d in report["diagnostics"])
    assert found == [
        ("app.py", "RL102", 5, "'https://api.groq.com/openai/v1/chat/completions'"),
        ("app.py", "RL301", 4, "'claude-3-haiku'"), ("app.py", "RL301", 4, "'claude-3-opus'"),
        ("app.ts", "RL102", 4, "'https://api.groq.com/openai/v1/chat/completions'"),
        ("app.ts", "RL301", 3, "'claude-3-haiku'"), ("app.ts", "RL301", 3, "'claude-3-opus'"),
    ]
    _, fixes = run_json(str(root), "--no-cache", "--select", "RL102,RL301", "--unsafe-fixes")
    assert not [d for d in fixes["diagnostics"] if d["fix"] and d["fix"]["edits"]]  # the constant is shared: no edit

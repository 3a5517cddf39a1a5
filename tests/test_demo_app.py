"""`routelint check fixtures/demo-app` — the quick start — shows every rule at its exact position."""

from __future__ import annotations

import json

from conftest import DEMO_APP, REPO, run_cli

EXPECTED = [
    (".env.example", 3, 17, "RL102"),
    ("app/agent.py", 13, 1, "RL401"),
    ("app/chains.py", 15, 29, "RL302"),
    ("app/config.py", 6, 19, "RL101"),
    ("app/config.py", 6, 19, "RL103"),
    ("app/config.py", 11, 17, "RL301"),
    ("app/openrouter_fallback.py", 8, 47, "RL103"),
    ("app/openrouter_fallback.py", 12, 30, "RL202"),
    ("app/openrouter_fallback.py", 17, 15, "RL301"),
    ("app/router_client.py", 8, 14, "RL101"),
    ("app/router_client.py", 8, 14, "RL102"),
    ("app/router_client.py", 9, 13, "RL203"),
    ("app/router_client.py", 12, 57, "RL201"),
    ("app/router_client.py", 12, 58, "RL202"),
    ("app/router_client.py", 17, 15, "RL302"),
    ("app/summarizer.py", 9, 48, "RL201"),
    ("app/summarizer.py", 22, 20, "RL401"),
    ("docker-compose.yml", 11, 24, "RL201"),
    ("litellm/config.yaml", 5, 7, "RL103"),
    ("litellm/config.yaml", 10, 21, "RL302"),
    ("litellm/config.yaml", 17, 17, "RL102"),
    # the notebook: positions are the .ipynb file's own lines (the JSON line holding the cell's source)
    ("notebooks/triage.ipynb", 48, 19, "RL101"),
    ("notebooks/triage.ipynb", 49, 18, "RL201"),
    ("notebooks/triage.ipynb", 90, 16, "RL301"),
    ("notebooks/triage.ipynb", 106, 8, "RL202"),
    ("scripts/legacy_report.py", 5, 1, "RL001"),
    ("scripts/local_eval.py", 5, 25, "RL101"),
    # the Next.js-style service in TypeScript, sharing the root .env(.example) with the Python app
    ("web/app/api/summarize/route.ts", 11, 24, "RL401"),
    ("web/app/api/summarize/route.ts", 13, 12, "RL301"),
    ("web/components/Chat.tsx", 5, 22, "RL202"),
    ("web/components/Chat.tsx", 5, 22, "RL204"),
    ("web/components/Chat.tsx", 10, 34, "RL101"),
    ("web/lib/llm.ts", 10, 12, "RL101"),
    ("web/lib/llm.ts", 10, 12, "RL103"),
    ("web/lib/llm.ts", 11, 11, "RL201"),
    ("web/lib/llm.ts", 16, 45, "RL103"),
    ("web/lib/llm.ts", 19, 27, "RL401"),
    ("worker/.env", 3, 16, "RL201"),
    ("worker/.env", 3, 16, "RL202"),
    ("worker/jobs.py", 10, 15, "RL302"),
]


def test_demo_app_shows_every_rule_at_its_position():
    result = run_cli("check", "--format", "json", "--no-cache", "fixtures/demo-app", cwd=REPO)
    assert result.exit_code == 1
    document = json.loads(result.output)
    found = [(d["path"].removeprefix("fixtures/demo-app/"), d["line"], d["column"], d["code"]) for d in document["diagnostics"]]
    assert found == EXPECTED
    rules = {"RL001", "RL101", "RL102", "RL103", "RL201", "RL202", "RL203", "RL204", "RL301", "RL302", "RL401"}
    assert {code for *_, code in found} == rules


def test_clean_files_of_the_demo_stay_clean():
    result = run_cli("check", "--format", "json", "--no-cache", str(DEMO_APP / "app" / "clean_client.py"),
                     str(DEMO_APP / "app" / "settings.py"), cwd=REPO)
    document = json.loads(result.stdout)
    assert document["diagnostics"] == [] and result.exit_code == 0
    assert document["summary"]["files"] == 2  # named, so checked although the repository excludes fixtures/
    assert "clean_client.py is excluded by the configuration; checked because it was named" in result.stderr

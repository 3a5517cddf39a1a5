"""The audit report at scale, checked in headless Chromium at 0, 20 and 500 findings: the inventory
fits the page (paths wrap at separators), findings are grouped per file behind a table of contents in
collapsible sections (no scripts), the always-on checklist is listed once, chart colours follow
severity, files sort naturally. Screenshots are kept in ROUTELINT_TEST_ARTIFACTS when it is set."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import run_cli, write_tree
from routelint.audit.html import SEVERITY_COLORS, breakable, natural_key
from routelint.audit.inventory import checklist_rules
from test_audit import _browser, _chromium

# a route with two findings (RL101 warning, RL301 error) in a deep package path
ROUTE = '''import os
from openai import OpenAI

client = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/openai/", api_key=os.environ["GEMINI_API_KEY"])
client.chat.completions.create(model="gpt-4o", messages=[])
'''
CLEAN = '''import os
from openai import OpenAI

client = OpenAI(base_url=os.environ.get("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com/v1beta/openai/"),
                api_key=os.environ["GEMINI_API_KEY"])
client.chat.completions.create(model="gemini-2.5-flash", messages=[])
'''
DEEP = "services/payments_reconciliation/adapters/language_models/providers"
# measures the rendered page; added to a copy of the report only (the report itself has no scripts)
MEASURE = """<script>
addEventListener('load', () => {
  const table = document.querySelector('#inventory table');
  const main = document.querySelector('main');
  document.body.dataset.overflow = String(document.documentElement.scrollWidth > innerWidth + 1);
  document.body.dataset.tableFits = String(!table || table.getBoundingClientRect().width <= main.clientWidth + 1);
});
</script>"""


def _tree(tmp_path: Path, clean: int, noisy: int) -> Path:
    files = {f"{DEEP}/clean_client_{index}.py": CLEAN for index in range(clean)}
    files.update({f"{DEEP}/noisy_client_{index}.py": ROUTE for index in range(noisy)})
    return write_tree(tmp_path / "project", files)


def _report(root: Path) -> tuple[str, str]:
    html_path, md_path = root.parent / "report.html", root.parent / "report.md"
    result = run_cli("audit", "--no-progress", "--jobs", "1", str(root), "--html", str(html_path),
                     "--markdown", str(md_path))
    assert result.exit_code == 0, result.output
    return html_path.read_text(encoding="utf-8"), md_path.read_text(encoding="utf-8")


def _render(report: str, tmp_path: Path, name: str) -> str:
    binary = _chromium()
    measured = tmp_path / f"{name}-measured.html"
    measured.write_text(report.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = _browser(binary, tmp_path / f"profile-{name}", "--window-size=1280,900", "--virtual-time-budget=3000",
                   "--dump-dom", measured.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    shot = tmp_path / f"audit-{name}.png"
    plain = tmp_path / f"{name}.html"
    plain.write_text(report, encoding="utf-8")
    taken = _browser(binary, tmp_path / f"shot-{name}", "--window-size=1280,2400", f"--screenshot={shot}", plain.as_uri())
    assert taken.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", taken.stderr[-2000:]
    artifacts = os.environ.get("ROUTELINT_TEST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(artifacts) / shot.name)
    return dom.stdout


@pytest.mark.slow  # a headless browser, up to 500 findings
@pytest.mark.parametrize("clean, noisy, findings", [(3, 0, 0), (14, 10, 20), (0, 250, 500)], ids=["0", "20", "500"])
def test_audit_report_at_scale_in_chromium(tmp_path, clean, noisy, findings):
    root = _tree(tmp_path, clean, noisy)
    report, markdown = _report(root)
    assert f"<h2>Findings ({findings})</h2>" in report
    assert "<script" not in report.lower()
    rendered = _render(report, tmp_path, str(findings))
    assert 'data-overflow="false"' in rendered and 'data-table-fits="true"' in rendered, "the page scrolls sideways"
    rows = len(re.findall(r'class="route-row"', report))
    assert rows == clean + noisy
    # locations break only at separators: every break opportunity follows a '/' or precedes ':<line>'
    cells = re.findall(r'<tr id="route-[^"]*" class="route-row"><td><code>(.*?)</code>', report)
    assert cells and all(re.fullmatch(r"(?:[^<]*?(?:/<wbr>|<wbr>(?=:\d)))*[^<]*", cell) for cell in cells)
    # the always-on checklist once, not once per route
    for item in checklist_rules().always:
        assert report.count(item.replace("'", "&#x27;")) == (1 if rows else 0)
        assert markdown.count(item) == (1 if rows else 0)
    sections = re.findall(r'<details class="file" id="file-(\d+)"( open)?>', report)
    assert len(sections) == noisy
    if findings > 50:
        assert not any(opened for _, opened in sections)  # 500 findings: folded, reached through the contents
        assert report.count('<li><a href="#file-') == noisy
    else:
        assert all(opened for _, opened in sections)
    if findings:
        # files in natural order: noisy_client_2 before noisy_client_10
        order = re.findall(r"<summary><code>[^<]*noisy_client_(\d+)\.py</code>", report)
        assert order == sorted(order, key=int)
        inventory = re.findall(r'<tr id="route-[^"]*noisy_client_(\d+)\.py', report)
        assert inventory == sorted(inventory, key=int)
        assert f'fill="{SEVERITY_COLORS["error"]}"' in report and f'fill="{SEVERITY_COLORS["warning"]}"' in report


def test_breakable_and_natural_order():
    assert breakable("app/x/y.py:12:5") == "app/<wbr>x/<wbr>y.py<wbr>:12<wbr>:5"
    assert breakable("https://host.example/v1") == "https://<wbr>host.example/<wbr>v1"
    assert sorted(["b10.py", "b2.py", "a.py"], key=natural_key) == ["a.py", "b2.py", "b10.py"]


def test_markdown_report_escapes_html_in_table_cells(tmp_path):
    root = write_tree(tmp_path / "p", {"app.py": ROUTE.replace('model="gpt-4o"', 'model="<img src=x onerror=alert(1)>"')})
    _, markdown = _report(root)
    assert "\\<img src=x onerror=alert(1)\\>" in markdown  # a backslash-escaped '<' is text, not HTML
    cells = [line for line in markdown.splitlines() if line.startswith("|")]  # code excerpts are fenced: literal
    assert cells and not any(re.search(r"(?<!\\)<img", line) for line in cells)

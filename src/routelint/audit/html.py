"""`routelint audit --html/--markdown`: one self-contained report.

The HTML file has inline CSS and inline SVG charts drawn here; it references no external asset and
needs no JavaScript, so it works offline and from an email attachment. Every dynamic string passes
through `redact()` (with the run's secrets) and then `html.escape()`.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Iterable, Optional, Sequence

from routelint import __version__
from routelint.audit.formats import base_text, md_cell, models_text, target_text
from routelint.neutralise import data, terminal
from routelint.audit.inventory import InventoryRow, SourceLines, by_provider, by_rule, checklist_rules
from routelint.diagnostics import Diagnostic
from routelint.redact import redact
from routelint.run_result import RunResult

EXCERPT_CONTEXT = 2
EXCERPT_MAX_LINES = 9
OPEN_FINDINGS = 50  # a report with more findings than this starts with every file's section folded
PALETTE = ("#2563eb", "#059669", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569")

CSS = """
:root { --fg:#1f2937; --muted:#6b7280; --bg:#ffffff; --panel:#f8fafc; --line:#e5e7eb; --err:#b91c1c; --warn:#b45309; --ok:#047857; }
@media (prefers-color-scheme: dark) { :root { --fg:#e5e7eb; --muted:#9ca3af; --bg:#111827; --panel:#1f2937; --line:#374151; --err:#f87171; --warn:#fbbf24; --ok:#34d399; } }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
main { max-width: 1200px; margin: 0 auto; padding: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 20px; margin: 32px 0 12px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; } article h3 { margin-top: 0; }
.meta, .muted { color: var(--muted); }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin: 16px 0; }
.card { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:10px 16px; min-width:130px; }
.card b { display:block; font-size:24px; }
.charts { display:flex; flex-wrap:wrap; gap:24px; align-items:flex-start; }
figure { margin:0; background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px; }
figcaption { font-weight:600; margin-bottom:6px; }
svg text { fill: var(--fg); font: 11.5px system-ui, sans-serif; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { text-align:left; vertical-align:top; border:1px solid var(--line); padding:6px 8px; }
th { background: var(--panel); }
td code, li code { word-break: normal; overflow-wrap: normal; }
nav.toc ol { columns: 2; column-gap: 32px; padding-left: 20px; margin: 6px 0 16px; } nav.toc li { break-inside: avoid; }
details.file { border:1px solid var(--line); border-radius:8px; margin: 0 0 10px; padding: 0 12px; }
details.file > summary { cursor: pointer; padding: 8px 0; font-weight: 600; }
details.file[open] > summary { border-bottom: 1px solid var(--line); margin-bottom: 10px; }
details.file .finding { border: none; border-bottom: 1px dashed var(--line); border-radius: 0; padding: 8px 0; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--panel); border:1px solid var(--line); border-radius:6px; padding:8px 0; overflow-x:auto; margin: 6px 0 0; }
pre span.l { display:block; padding: 0 12px; white-space: pre; }
pre span.hit { background: rgba(220, 38, 38, .14); }
pre span.n { color: var(--muted); display:inline-block; min-width: 3.5em; user-select:none; }
.sev-error { color: var(--err); font-weight:600; } .sev-warning { color: var(--warn); font-weight:600; }
.finding, .route { border:1px solid var(--line); border-radius:8px; padding:12px; margin: 0 0 12px; }
.tag { display:inline-block; background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:0 8px; margin:0 4px 2px 0; font-size:12px; }
ul.checklist { list-style:none; padding-left: 4px; margin: 6px 0; } ul.checklist li { margin: 2px 0; }
.ok { color: var(--ok); }
"""


class _Esc:
    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = set(secrets)

    def __call__(self, text: object) -> str:
        return html.escape(data(redact(str(text), self.secrets)), quote=True)


SEVERITY_COLORS = {"error": "#dc2626", "warning": "#d97706"}


def breakable(escaped: str) -> str:
    """Escaped path or URL text with line-break opportunities after each '/' and before ':<line>', so a
    narrow table cell wraps `app/services/llm.py:12:5` at its separators, never inside a name."""
    return _BREAK_AFTER_SLASH.sub("/<wbr>", _BREAK_BEFORE_LINE.sub("<wbr>", escaped))


_BREAK_AFTER_SLASH = re.compile(r"/(?=[^/<])")
_BREAK_BEFORE_LINE = re.compile(r"(?=:\d)")


def natural_key(path: str) -> list:
    """`file2.py` before `file10.py`: digit runs compare as numbers."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", path)]


def bar_chart(title: str, items: Sequence[tuple[str, int]], esc: _Esc, *, width: int = 530,
              colors: Optional[Sequence[str]] = None) -> str:
    """A horizontal bar chart as inline SVG; `colors` gives each bar's colour (default: a palette)."""
    if not items:
        return f'<figure><figcaption>{esc(title)}</figcaption><p class="muted">Nothing to chart.</p></figure>'
    label_width, row, bar_space = 240, 26, width - 240 - 40
    top = max(count for _, count in items) or 1
    height = row * len(items) + 8
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>'
    ]
    for index, (label, count) in enumerate(items):
        y = 4 + index * row
        bar = max(2, round(bar_space * count / top))
        color = colors[index] if colors else PALETTE[index % len(PALETTE)]
        shown = label if len(label) <= 36 else label[:35] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">{esc(shown)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{bar}" height="{row - 8}" rx="3" fill="{color}"/>'
            f'<text x="{label_width + bar + 6}" y="{y + 17}">{count}</text>'
        )
    parts.append("</svg>")
    return f'<figure><figcaption>{esc(title)}</figcaption>{"".join(parts)}</figure>'


def diagnostic_excerpt(sources: SourceLines, diagnostic: Diagnostic) -> list[tuple[int, str, bool]]:
    """(line number, text, is the finding's line) around a finding, a few lines of context each side."""
    lines = sources.lines(diagnostic.path)
    if not lines:
        return []
    first = max(1, diagnostic.span.line - EXCERPT_CONTEXT)
    last = min(len(lines), max(diagnostic.span.end_line, diagnostic.span.line) + EXCERPT_CONTEXT, first + EXCERPT_MAX_LINES - 1)
    return [
        (number, lines[number - 1], diagnostic.span.line <= number <= max(diagnostic.span.end_line, diagnostic.span.line))
        for number in range(first, last + 1)
    ]


def _summary_counts(result: RunResult, rows: list[InventoryRow]) -> dict:
    severities = Counter(diagnostic.severity for diagnostic in result.diagnostics)
    return {
        "files": result.files_seen,
        "routes": len(rows),
        "providers": len({row.provider_name for row in rows}),
        "findings": len(result.diagnostics),
        "errors": severities.get("error", 0),
        "warnings": severities.get("warning", 0),
    }


def _count_text(diagnostics: Sequence[Diagnostic]) -> str:
    from routelint.reporters.common import plural

    errors = sum(1 for diagnostic in diagnostics if diagnostic.severity == "error")
    return (f"{plural(len(diagnostics), 'finding')} ({plural(errors, 'error')}, "
            f"{plural(len(diagnostics) - errors, 'warning')})")


def _findings_by_provider(result: RunResult) -> Counter:
    return Counter(result.catalog.name(diagnostic.provider) if diagnostic.provider else "unknown" for diagnostic in result.diagnostics)


def render_html(result: RunResult, rows: list[InventoryRow], *, paths: Sequence[str] = (), target: Optional[str] = None) -> str:
    rows = sorted(rows, key=lambda row: natural_key(row.location))  # app2.py before app10.py
    esc = _Esc(result.secrets)
    counts = _summary_counts(result, rows)
    providers = by_provider(rows)
    rules = by_rule(result)
    findings_by_provider = _findings_by_provider(result)
    kinds = {row.provider_name: (row.provider_kind or "-") for row in rows}
    out: list[str] = []
    add = out.append
    add('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>routelint audit: {esc(', '.join(paths) or '.')}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n")
    add(f'<header><h1>routelint audit</h1><p class="meta">Paths: {esc(", ".join(paths) or ".")} · routelint {esc(__version__)}'
        + (f" · target: <b>{esc(target)}</b>" if target else "") + "</p></header>\n")

    # summary
    add('<section id="summary"><h2>Summary</h2>\n<div class="cards">')
    for label, key in (("files scanned", "files"), ("routes", "routes"), ("providers", "providers"),
                       ("findings", "findings"), ("errors", "errors"), ("warnings", "warnings")):
        add(f'<div class="card"><b>{counts[key]}</b>{esc(label)}</div>')
    add("</div>\n<div class=\"charts\">")
    add(bar_chart("Routes per provider", providers, esc))
    rule_severity = {diagnostic.code: diagnostic.severity for diagnostic in result.diagnostics}
    add(bar_chart("Findings per rule", [(f"{code} {name}", count) for code, name, count in rules], esc,
                  colors=[SEVERITY_COLORS.get(rule_severity.get(code, ""), PALETTE[-1]) for code, _, _ in rules]))
    add("</div>\n")
    add('<h3 id="by-provider">By provider</h3><table><thead><tr><th>Provider</th><th>Kind</th><th>Routes</th><th>Findings</th></tr></thead><tbody>')
    names = [name for name, _ in providers] + sorted(set(findings_by_provider) - {name for name, _ in providers})
    route_counts = dict(providers)
    for name in names:
        add(f"<tr><td>{esc(name)}</td><td>{esc(kinds.get(name, '-'))}</td><td>{route_counts.get(name, 0)}</td>"
            f"<td>{findings_by_provider.get(name, 0)}</td></tr>")
    add("</tbody></table>\n")
    add('<h3 id="by-rule">By rule</h3>')
    if rules:
        severity = {diagnostic.code: diagnostic.severity for diagnostic in result.diagnostics}
        add("<table><thead><tr><th>Rule</th><th>Name</th><th>Severity</th><th>Findings</th></tr></thead><tbody>")
        for code, name, count in rules:
            add(f'<tr><td><code>{esc(code)}</code></td><td>{esc(name)}</td><td class="sev-{esc(severity[code])}">'
                f"{esc(severity[code])}</td><td>{count}</td></tr>")
        add("</tbody></table>")
    else:
        add('<p class="ok">No findings.</p>')
    add("</section>\n")

    # target
    if target:
        add(f'<section id="target"><h2>Moving to {esc(target)}</h2>')
        add("<p>What each route needs if its traffic moves to the target: base URL, model IDs to map, keys to replace, "
            "endpoints that would become unsupported.</p>")
        add("<table><thead><tr><th>Route</th><th>Now</th><th>Base URL</th><th>Models to map</th><th>Key</th>"
            "<th>Unsupported endpoints</th></tr></thead><tbody>")
        for row in rows:
            evaluation = row.target
            if evaluation is None:
                continue
            models = "".join(
                f"<li><code>{esc(model['id'] or '(unknown)')}</code> @ {esc(model['where'])}: {esc(model['reason'])}"
                + (f" → <code>{esc(model['suggestion'])}</code>" if model.get("suggestion") else "") + "</li>"
                for model in evaluation.models)
            key = evaluation.key
            key_html = (f"{esc(key['reason'])}" + (f" (set <code>{esc(key['set_env'])}</code>)" if key.get("set_env") else "")) if key else '<span class="ok">keep</span>'
            endpoints = "".join(f"<li><code>{esc(item['endpoint'])}</code> @ {esc(item['where'])}</li>" for item in evaluation.endpoints)
            add(f"<tr><td><code>{esc(row.location)}</code></td><td>{esc(row.provider_name)}</td>"
                f"<td>{esc(evaluation.base_url) if evaluation.base_url else '<span class=ok>keep</span>'}</td>"
                f"<td>{'<ul>' + models + '</ul>' if models else '<span class=ok>none</span>'}</td><td>{key_html}</td>"
                f"<td>{'<ul>' + endpoints + '</ul>' if endpoints else '<span class=ok>none</span>'}</td></tr>")
        add("</tbody></table></section>\n")

    # inventory
    add('<section id="inventory"><h2>Route inventory</h2>')
    if rows:
        add("<table><thead><tr><th>Location</th><th>SDK</th><th>Provider</th><th>Base URL</th><th>Key source</th>"
            "<th>Models</th><th>Endpoint features</th></tr></thead><tbody>")
        for row in rows:
            models = "<br>".join(f"<code>{esc(model.id or '(unknown)')}</code> @ {breakable(esc(model.where))}"
                                 for model in row.models) or "-"
            features = "".join(f'<span class="tag">{esc(label)}</span>' for label in row.feature_labels()) or "-"
            add(f'<tr id="route-{esc(row.id)}" class="route-row"><td><code>{breakable(esc(row.location))}</code></td><td>{esc(row.sdk)}</td>'
                f"<td>{esc(row.provider_name)}</td><td><code>{breakable(esc(base_text(row)))}</code><br>"
                f'<span class="muted">{breakable(esc(row.base_source.description))}</span></td>'
                f"<td>{breakable(esc(row.key_source.description))}</td>"
                f"<td>{models}</td><td>{features}</td></tr>")
        add("</tbody></table>")
    else:
        add('<p class="muted">No routes found.</p>')
    add("</section>\n")

    # findings, grouped per file (natural order), a table of contents, each file collapsible
    add(f'<section id="findings"><h2>Findings ({len(result.diagnostics)})</h2>')
    if not result.diagnostics:
        add('<p class="ok">No findings.</p>')
    groups: dict[str, list[Diagnostic]] = {}
    for diagnostic in result.diagnostics:
        groups.setdefault(diagnostic.path, []).append(diagnostic)
    files = sorted(groups, key=natural_key)
    expand = len(result.diagnostics) <= OPEN_FINDINGS
    if len(files) > 1:
        add('<nav class="toc" aria-label="Files with findings"><ol>' + "".join(
            f'<li><a href="#file-{number}"><code>{breakable(esc(path))}</code></a> '
            f'<span class="muted">{_count_text(groups[path])}</span></li>'
            for number, path in enumerate(files, start=1)) + "</ol></nav>")
    sources = SourceLines()
    for number, path in enumerate(files, start=1):
        add(f'<details class="file" id="file-{number}"{" open" if expand else ""}><summary><code>{esc(path)}</code> · '
            f"{_count_text(groups[path])}</summary>")
        for diagnostic in groups[path]:
            add(f'<article class="finding"><h3><span class="sev-{esc(diagnostic.severity)}">{esc(diagnostic.code)}</span> '
                f"{esc(diagnostic.name)} · <code>{esc(diagnostic.path)}:{diagnostic.span.line}:{diagnostic.span.column}</code></h3>"
                f"<p>{esc(diagnostic.message)}</p>")
            excerpt = diagnostic_excerpt(sources, diagnostic)
            if excerpt:
                add("<pre>" + "".join(
                    f'<span class="l{" hit" if hit else ""}"><span class="n">{line}</span>{esc(text)}</span>'
                    for line, text, hit in excerpt) + "</pre>")
            add("</article>")
        add("</details>")
    add("</section>\n")

    # checklists
    add('<section id="checklists"><h2>Smoke-test checklist per route</h2>'
        "<p>What to test on each route before moving real traffic, from the endpoint features it uses.</p>")
    always = checklist_rules().always
    if rows and always:
        add('<h3 id="checklist-every-route">On every route</h3><ul class="checklist">' + "".join(
            f'<li><label><input type="checkbox"> {esc(item)}</label></li>' for item in always) + "</ul>")
    for row in rows:
        add(f'<article class="route" id="checklist-{esc(row.id)}"><h3><code>{esc(row.location)}</code> · {esc(row.provider_name)}</h3>')
        tags = "".join(f'<span class="tag">{esc(label)}</span>' for label in row.feature_labels())
        if tags:
            add(f"<p>{tags}</p>")
        if row.target is not None:
            add(f'<p class="muted">Move to {esc(target)}: {esc(target_text(row))}</p>')
        add('<ul class="checklist">' + "".join(
            f'<li><label><input type="checkbox"> <span class="tag">{esc(item["label"])}</span>{esc(item["item"])}</label></li>'
            for item in row.checklist if item["feature"] != "always") + "</ul></article>")
    add("</section>\n")
    add('<footer class="muted"><p>Generated by routelint. Key text is redacted. No network was used.</p></footer>\n')
    add("</main>\n</body>\n</html>\n")
    return "".join(out)


def text_bars(items: Sequence[tuple[str, int]], width: int = 30) -> str:
    if not items:
        return "(none)"
    top = max(count for _, count in items) or 1
    label_width = min(40, max(len(label) for label, _ in items))
    return "\n".join(f"{label[:label_width]:<{label_width}}  {'█' * max(1, round(width * count / top))} {count}" for label, count in items)


def render_markdown(result: RunResult, rows: list[InventoryRow], *, paths: Sequence[str] = (), target: Optional[str] = None) -> str:
    rows = sorted(rows, key=lambda row: natural_key(row.location))
    secrets = set(result.secrets)

    def r(text: object) -> str:
        return redact(str(text), secrets)

    def cell(text: object) -> str:
        return md_cell(r(text))

    counts = _summary_counts(result, rows)
    providers = by_provider(rows)
    rules = by_rule(result)
    findings_by_provider = _findings_by_provider(result)
    out: list[str] = []
    add = out.append
    add(f"# routelint audit\n\nPaths: {r(', '.join(paths) or '.')} · routelint {__version__}" + (f" · target: **{r(target)}**" if target else "") + "\n")
    add("## Summary\n")
    add(f"{counts['files']} files scanned · {counts['routes']} routes · {counts['providers']} providers · "
        f"{counts['findings']} findings ({counts['errors']} errors, {counts['warnings']} warnings)\n")
    add("Routes per provider:\n\n```text\n" + r(text_bars(providers)) + "\n```\n")
    add("Findings per rule:\n\n```text\n" + r(text_bars([(f"{code} {name}", count) for code, name, count in rules])) + "\n```\n")
    add("### By provider\n\n| Provider | Routes | Findings |\n|---|---|---|")
    names = [name for name, _ in providers] + sorted(set(findings_by_provider) - {name for name, _ in providers})
    route_counts = dict(providers)
    for name in names:
        add(f"| {cell(name)} | {route_counts.get(name, 0)} | {findings_by_provider.get(name, 0)} |")
    add("\n### By rule\n")
    if rules:
        add("| Rule | Name | Findings |\n|---|---|---|")
        for code, name, count in rules:
            add(f"| {cell(code)} | {cell(name)} | {count} |")
    else:
        add("No findings.")
    if target:
        add(f"\n## Moving to {r(target)}\n\n| Route | Now | Changes |\n|---|---|---|")
        for row in rows:
            add(f"| {cell(row.location)} | {cell(row.provider_name)} | {cell(target_text(row))} |")
    add("\n## Route inventory\n")
    if rows:
        add("| Location | SDK | Provider | Base URL | Base URL source | Key source | Models | Features |\n|---|---|---|---|---|---|---|---|")
        for row in rows:
            add("| " + " | ".join(cell(value) for value in (
                row.location, row.sdk, row.provider_name, base_text(row), row.base_source.description,
                row.key_source.description, models_text(row), ", ".join(row.feature_labels()) or "-")) + " |")
    else:
        add("No routes found.")
    add(f"\n## Findings ({len(result.diagnostics)})\n")
    sources = SourceLines()
    for diagnostic in sorted(result.diagnostics, key=lambda item: natural_key(item.path)):
        add(f"### {diagnostic.code} {diagnostic.name} · {cell(f'{diagnostic.path}:{diagnostic.span.line}:{diagnostic.span.column}')}\n")
        add(f"{diagnostic.severity}: {cell(diagnostic.message)}\n")
        excerpt = diagnostic_excerpt(sources, diagnostic)
        if excerpt:
            body = "\n".join(f"{'>' if hit else ' '} {number:>4} | {terminal(r(text))}" for number, text, hit in excerpt).replace("```", "'''")
            add("```text\n" + body + "\n```\n")
    if not result.diagnostics:
        add("No findings.\n")
    add("## Smoke-test checklist per route\n")
    if rows and checklist_rules().always:
        add("On every route:\n")
        for item in checklist_rules().always:
            add(f"- [ ] {cell(item)}")
        add("")
    for row in rows:
        add(f"### {cell(row.location)} · {cell(row.provider_name)}\n")
        if row.features:
            add("Features: " + ", ".join(row.feature_labels()) + "\n")
        if row.target is not None:
            add(f"Move to {cell(target)}: {cell(target_text(row))}\n")
        for item in row.checklist:
            if item["feature"] != "always":
                add(f"- [ ] **{cell(item['label'])}**: {cell(item['item'])}")
        add("")
    return "\n".join(out) + "\n"

"""`routelint routes --format table|json|csv|markdown`: the route inventory in four shapes.

Rows come from `inventory.build_inventory`, whose strings are already redacted; the JSON and CSV
writers redact once more on the way out (belt and braces).
"""

from __future__ import annotations

import csv
import json
from typing import Optional, TextIO

from routelint import __version__
from routelint.audit.inventory import InventoryRow, redact_tree
from routelint.neutralise import csv_cell, data_tree, markdown, terminal
from routelint.redact import redact
from routelint.run_result import RunResult

FORMATS = ("table", "json", "csv", "markdown")


def models_text(row: InventoryRow) -> str:
    if not row.models:
        return "-"
    return ", ".join(f"{model.id or '(unknown)'} @ {model.where}" for model in row.models)


def features_text(row: InventoryRow) -> str:
    return ", ".join(row.feature_labels()) or "-"


def base_text(row: InventoryRow) -> str:
    return row.base_url if row.base_url is not None else "(unknown)"


def target_text(row: InventoryRow) -> str:
    """One line: what moving this route to the target needs."""
    evaluation = row.target
    if evaluation is None:
        return ""
    parts = []
    if evaluation.base_url:
        parts.append(f"base URL -> {evaluation.base_url}")
    for model in evaluation.models:
        label = model["id"] or "(unknown model)"
        hint = f" -> {model['suggestion']}" if model.get("suggestion") else ""
        parts.append(f"map model {label}{hint}")
    if evaluation.key:
        env = f" (set {evaluation.key['set_env']})" if evaluation.key.get("set_env") else ""
        parts.append(f"replace key{env}")
    for endpoint in evaluation.endpoints:
        parts.append(f"unsupported: {endpoint['endpoint']} @ {endpoint['where']}")
    if not parts:
        return "no changes needed" if evaluation.already_there else "ready (no model, key or endpoint changes found)"
    return "; ".join(parts)


def inventory_document(result: RunResult, rows: list[InventoryRow], target: Optional[str]) -> dict:
    return redact_tree(
        {
            "version": 1,
            "tool": {"name": "routelint", "version": __version__},
            "target": target,
            "summary": {"files": result.files_seen, "routes": len(rows), "diagnostics": len(result.diagnostics)},
            "routes": [row.to_dict() for row in rows],
        },
        set(result.secrets),
    )


def write_json(result: RunResult, rows: list[InventoryRow], out: TextIO, target: Optional[str]) -> None:
    json.dump(data_tree(inventory_document(result, rows, target)), out, indent=2, ensure_ascii=False)
    out.write("\n")


CSV_COLUMNS = ("location", "sdk", "provider", "base_url", "base_url_source", "key_source", "models", "features", "checklist")


def write_csv(result: RunResult, rows: list[InventoryRow], out: TextIO, target: Optional[str]) -> None:
    secrets = set(result.secrets)
    columns = list(CSV_COLUMNS) + (["target", "target_changes"] if target else [])
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        values = [
            row.location,
            row.sdk,
            row.provider_id or "unknown",
            base_text(row),
            row.base_source.description,
            row.key_source.description,
            models_text(row),
            features_text(row),
            " | ".join(item["item"] for item in row.checklist),
        ]
        if target:
            values += [target, target_text(row)]
        writer.writerow([csv_cell(redact(str(value), secrets)) for value in values])


def md_cell(text: str) -> str:
    return markdown(str(text))


def markdown_table(result: RunResult, rows: list[InventoryRow], target: Optional[str]) -> str:
    secrets = set(result.secrets)
    header = ["Location", "SDK", "Provider", "Base URL", "Base URL source", "Key source", "Models", "Features"]
    if target:
        header.append(f"Move to {target}")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [row.location, row.sdk, row.provider_name, base_text(row), row.base_source.description,
                 row.key_source.description, models_text(row), features_text(row)]
        if target:
            cells.append(target_text(row))
        lines.append("| " + " | ".join(md_cell(redact(str(cell), secrets)) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def write_markdown(result: RunResult, rows: list[InventoryRow], out: TextIO, target: Optional[str]) -> None:
    from routelint.reporters.common import plural

    out.write(f"# Route inventory\n\n{plural(len(rows), 'route')} in {plural(result.files_seen, 'file')}.\n\n")
    out.write(markdown_table(result, rows, target))


def write_table(result: RunResult, rows: list[InventoryRow], out: TextIO, target: Optional[str], *, color: bool = True) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    secrets = set(result.secrets)
    try:
        is_terminal = out.isatty()
    except (AttributeError, ValueError):
        is_terminal = False
    # a terminal gets its own width; a file or pipe gets room enough that cells rarely wrap
    console = Console(file=out, no_color=not color, highlight=False, soft_wrap=False,
                      force_terminal=bool(color), width=None if is_terminal else 200)
    from routelint.reporters.common import plural

    table = Table(title=plural(len(rows), "route"), show_lines=True, expand=False)
    for name in ("Location", "SDK", "Provider", "Base URL (source)", "Key source", "Models", "Features"):
        table.add_column(name, overflow="fold")
    if target:
        table.add_column(f"Move to {target}", overflow="fold")
    for row in rows:
        cells = [
            row.location,
            row.sdk,
            row.provider_name,
            f"{base_text(row)}\n({row.base_source.description})",
            row.key_source.description,
            models_text(row).replace(", ", "\n"),
            features_text(row),
        ]
        if target:
            cells.append(target_text(row).replace("; ", "\n"))
        table.add_row(*(Text(terminal(redact(cell, secrets)).replace('\\n', '\n')) for cell in cells))
    console.print(table)


def write(fmt: str, result: RunResult, rows: list[InventoryRow], out: TextIO, target: Optional[str], *, color: bool = True) -> None:
    if fmt == "json":
        write_json(result, rows, out, target)
    elif fmt == "csv":
        write_csv(result, rows, out, target)
    elif fmt == "markdown":
        write_markdown(result, rows, out, target)
    else:
        write_table(result, rows, out, target, color=color)

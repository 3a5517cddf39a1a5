"""`routelint routes` and `routelint audit` (registered on the main CLI group in cli.py).

Heavy modules are imported inside the commands so `routelint --version` stays fast.
Exit codes: 0 when the inventory/report was produced (findings do not change that: an inventory is
not a lint run), 1 only for `audit --exit-non-zero-on-findings` when there are findings, 2 on usage,
configuration or internal error.
"""

from __future__ import annotations

import sys
from typing import Optional, Sequence

import click

from routelint.color import CHOICES as COLOR_CHOICES
from routelint.exit_codes import EXIT_CLEAN, EXIT_FINDINGS
from routelint.exit_codes import fail as _fail


def _run(paths: list[str], config_path: Optional[str], jobs: int, target: Optional[str], progress):
    """Run the engine and build the inventory; errors become exit 2."""
    from routelint.audit.inventory import build_inventory
    from routelint.config import ConfigError, ConfigSet
    from routelint.engine import run
    from routelint.options import RunOptions

    try:  # per-file layered configuration, as `routelint check` uses it
        result = run(paths, RunOptions(configs=ConfigSet(config_path), jobs=jobs), progress=progress)
    except ConfigError as exc:
        raise _fail(str(exc))
    except FileNotFoundError as exc:
        raise _fail(f"{exc.args[0] if exc.args else exc}: no such file or directory")
    if target is not None and result.catalog.get(target) is None:
        raise _fail(f"unknown provider {target!r} for --target (known: {', '.join(sorted(result.catalog.providers))})")
    if progress:
        progress("building inventory", 0, len(result.routes))
    rows = build_inventory(result, target)
    if progress:
        progress("building inventory", len(result.routes), len(result.routes))
    return result, rows


_common = [
    click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
    click.option("--target", default=None, metavar="PROVIDER_ID",
                 help="Evaluate every route as if moved to this catalog provider (e.g. flatkey, gemini)."),
    click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (default: CPU count)."),
    click.option("--config", "config_path", type=str, default=None, help="Use this config file instead of discovering one."),
    click.option("--progress/--no-progress", "show_progress", default=None,
                 help="Progress bar on stderr (default: only when it is a terminal)."),
]


def _with_common(func):
    for decorator in reversed(_common):
        func = decorator(func)
    return func


@click.command("routes")
@_with_common
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv", "markdown"]), default="table",
              help="Output format (default: table).")
@click.option("--color", "color", type=click.Choice(COLOR_CHOICES), default=None,
              help="Colour of the table: auto (default: on a terminal unless NO_COLOR is set, or when FORCE_COLOR is), always, never.")
@click.option("--no-color", is_flag=True, help="Same as --color never.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write the inventory here.")
def routes(paths: Sequence[str], target: Optional[str], jobs: int, config_path: Optional[str], show_progress: Optional[bool],
           output_format: str, color: Optional[str], no_color: bool, output_file: Optional[str]) -> None:
    """List every route in PATHS: location, SDK, provider, base URL and key sources, models, endpoint features.

    Exit codes: 0 the inventory was printed (findings do not change it), 2 usage, configuration or internal error.
    """
    from routelint.audit import formats
    from routelint.audit.progress import progress_bar, wants_progress

    paths = list(paths) or ["."]
    enabled = wants_progress(need_stdout_tty=not output_file) if show_progress is None else show_progress
    with progress_bar(enabled) as progress:
        result, rows = _run(paths, config_path, jobs, target, progress)
    from routelint.color import use_color

    color_on = use_color("never" if no_color else color, None if output_file else sys.stdout)
    if output_file:
        from routelint.textio import OutputError, write_output

        try:
            write_output(output_file, lambda handle: formats.write(output_format, result, rows, handle, target, color=False))
        except OutputError as exc:
            raise _fail(str(exc))
    else:
        formats.write(output_format, result, rows, sys.stdout, target, color=color_on)
    raise click.exceptions.Exit(EXIT_CLEAN)


@click.command("audit")
@_with_common
@click.option("--html", "html_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write a self-contained HTML report here.")
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write a Markdown report here ('-' for stdout).")
@click.option("--exit-non-zero-on-findings", is_flag=True, help="Exit 1 when the report lists findings (CI gates).")
@click.option("--color", "color", type=click.Choice(COLOR_CHOICES), default=None,
              help="Colour of the progress bar and messages: auto (default), always, never; NO_COLOR / FORCE_COLOR as for check.")
def audit(paths: Sequence[str], target: Optional[str], jobs: int, config_path: Optional[str], show_progress: Optional[bool],
          html_path: Optional[str], markdown_path: Optional[str], exit_non_zero_on_findings: bool, color: Optional[str]) -> None:
    """Audit PATHS before a migration: summary, route inventory, findings and per-route smoke-test checklist.

    Without --html or --markdown the Markdown report goes to stdout.
    Exit codes: 0 the report was written, 1 with --exit-non-zero-on-findings when there are findings,
    2 usage, configuration or internal error.
    """
    from routelint.audit.html import render_html, render_markdown
    from routelint.audit.progress import progress_bar, wants_progress

    paths = list(paths) or ["."]
    to_stdout = markdown_path == "-" or (not html_path and not markdown_path)
    enabled = wants_progress(need_stdout_tty=to_stdout) if show_progress is None else show_progress
    with progress_bar(enabled, color=color) as progress:
        result, rows = _run(paths, config_path, jobs, target, progress)
        outputs = []
        if html_path:
            outputs.append((html_path, render_html))
        if markdown_path and markdown_path != "-":
            outputs.append((markdown_path, render_markdown))
        for index, (path, render) in enumerate(outputs):
            if progress:
                progress("writing report", index, len(outputs))
            text = render(result, rows, paths=paths, target=target)
            from routelint.textio import OutputError, write_output

            try:
                write_output(path, lambda handle, text=text: handle.write(text))
            except OutputError as exc:
                raise _fail(str(exc))
        if progress and outputs:
            progress("writing report", len(outputs), len(outputs))
    if to_stdout:
        sys.stdout.write(render_markdown(result, rows, paths=paths, target=target))
    else:
        written = ", ".join(path for path, _ in outputs)
        from routelint.reporters.common import plural

        click.echo(f"Wrote {written}: {plural(len(rows), 'route')}, {plural(len(result.diagnostics), 'finding')} in "
                   f"{plural(result.files_seen, 'file')}.")
    if exit_non_zero_on_findings and result.diagnostics:
        raise click.exceptions.Exit(EXIT_FINDINGS)
    raise click.exceptions.Exit(EXIT_CLEAN)

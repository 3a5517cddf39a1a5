"""Command line: `routelint check|rules|rule|config`.

Exit codes are a contract: 0 clean, 1 findings, 2 usage, configuration or internal error.
Heavy modules are imported inside commands so `routelint --version` stays fast.
"""

from __future__ import annotations

import sys
from typing import Optional, Sequence

import click

from routelint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> "click.exceptions.Exit":
    from routelint.redact import redact

    click.echo(f"routelint: error: {redact(message)}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)


def _codes(value: Optional[str]) -> Optional[list[str]]:
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="routelint", message="%(prog)s %(version)s")
def cli() -> None:
    """Static analysis for LLM provider routing: base URLs, keys, model IDs and endpoints that must agree."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--format", "output_format", type=click.Choice(["full", "concise", "json", "sarif", "github"]), default=None,
              help="Output format (default: full on a terminal, concise otherwise).")
@click.option("--select", help="Comma-separated codes or prefixes to enable, e.g. RL2,RL101.")
@click.option("--ignore", help="Comma-separated codes or prefixes to disable.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (default: CPU count).")
@click.option("--no-color", is_flag=True, help="Plain text output.")
@click.option("--config", "config_path", type=str, default=None, help="Use this config file instead of discovering one.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write the report here.")
def check(paths: Sequence[str], output_format: Optional[str], select: Optional[str], ignore: Optional[str], exit_zero: bool,
          jobs: int, no_color: bool, config_path: Optional[str], output_file: Optional[str]) -> None:
    """Check PATHS (default: the current directory) and report findings."""
    from routelint.config import ConfigError, _codes as parse_codes, discover_config
    from routelint.engine import run

    paths = list(paths) or ["."]
    try:
        config = discover_config(paths[0], config_path)
        if select is not None:
            config.select = parse_codes("--select", "--select", _codes(select))
            config.extend_select = ()
        if ignore is not None:
            config.ignore = config.ignore + parse_codes("--ignore", "--ignore", _codes(ignore))
    except ConfigError as exc:
        raise _fail(str(exc))
    try:
        result = run(paths, config, jobs=jobs)
    except FileNotFoundError as exc:
        raise _fail(f"{exc.args[0] if exc.args else exc}: no such file or directory")
    fmt = output_format or ("full" if sys.stdout.isatty() and not output_file else "concise")
    from routelint.reporters import get_reporter

    options = {"no_color": no_color or bool(output_file)}
    if output_file:
        with open(output_file, "w", encoding="utf-8") as handle:
            get_reporter(fmt)(result, handle, options)
    else:
        get_reporter(fmt)(result, sys.stdout, options)
    failing = [d for d in result.diagnostics if config.fail_on == "warning" or d.severity == "error"]
    raise click.exceptions.Exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN)


@cli.command("rules")
def list_rules() -> None:
    """List every rule: code, name, severity, summary."""
    from routelint.rules_docs import all_rules

    rules = all_rules().values()
    width = max(len(rule.name) for rule in rules)
    for rule in rules:
        click.echo(f"{rule.code}  {rule.name:<{width}}  {rule.severity:<7}  {rule.summary}")


@cli.command("rule")
@click.argument("code")
def show_rule(code: str) -> None:
    """Print the full documentation of one rule."""
    from routelint.rules_docs import SECTIONS, all_rules, rule

    doc = rule(code)
    if doc is None:
        raise _fail(f"unknown rule {code!r} (rules: {', '.join(all_rules())})")
    click.echo(f"# {doc.code} {doc.name} ({doc.severity})\n")
    click.echo(doc.summary + "\n")
    for key, title in SECTIONS:
        text = doc.sections.get(key)
        if text:
            click.echo(f"## {title}\n\n{text}\n")
    if doc.fix_applicability:
        click.echo(f"Fix applicability: {doc.fix_applicability}\n")
    click.echo(f"Docs: {doc.url}")


def main(argv: Optional[Sequence[str]] = None) -> None:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="routelint", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("routelint: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a traceback in front of a user is a bug: say what happened in one line
        from routelint.redact import redact

        click.echo(f"routelint: internal error: {type(exc).__name__}: {redact(str(exc))}", err=True)
        sys.exit(EXIT_ERROR)

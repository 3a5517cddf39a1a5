"""Command line: `routelint check|rules|rule|config`.

Exit codes are a contract: 0 clean, 1 findings, 2 usage, configuration or internal error.
Heavy modules are imported inside commands so `routelint --version` stays fast.
"""

from __future__ import annotations

import sys
from typing import Optional, Sequence

import click

from routelint import __version__
from routelint.color import CHOICES as COLOR_CHOICES
from routelint.exit_codes import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS
from routelint.schema import RulesDataError
from routelint.exit_codes import fail as _fail




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
@click.option("--format", "--output-format", "output_format", type=click.Choice(["full", "concise", "json", "sarif", "github"]),
              default=None, help="Output format (default: full on a terminal, concise otherwise).")
@click.option("--select", help="Comma-separated codes or prefixes to enable (replaces the configured selection), e.g. RL2,RL101.")
@click.option("--extend-select", help="Comma-separated codes or prefixes to enable on top of the configured selection.")
@click.option("--ignore", help="Comma-separated codes or prefixes to disable.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (default: CPU count).")
@click.option("--color", "color", type=click.Choice(COLOR_CHOICES), default=None,
              help="Colour: auto (default: on a terminal unless NO_COLOR is set, or when FORCE_COLOR is), always, never.")
@click.option("--no-color", is_flag=True, help="Same as --color never.")
@click.option("--quiet", "-q", is_flag=True, help="Print the findings only: no summary line.")
@click.option("--config", "config_path", type=str, default=None, help="Use this config file instead of discovering one.")
@click.option("--output-file", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write the report here.")
@click.option("--fix", "fix", is_flag=True, help="Apply safe fixes (behaviour kept); report what remains.")
@click.option("--unsafe-fixes", "unsafe_fixes", is_flag=True, help="With --fix or --diff, also apply unsafe fixes.")
@click.option("--diff", "diff", is_flag=True, help="Print the unified diff of the fixes instead of writing; exit 1 if any.")
@click.option("--exit-non-zero-on-fix", "exit_non_zero_on_fix", is_flag=True, help="With --fix, exit 1 when any fix was applied.")
@click.option("--show-fixes", is_flag=True, help="Show each finding's fix (applicability and what it does) below it.")
@click.option("--statistics", is_flag=True, help="Print how many findings of each code (and how many fixable) instead of the findings.")
@click.option("--ignore-suppressions", is_flag=True, help="Report findings hidden by `# routelint: ignore` / `# noqa: RL...` comments too.")
@click.option("--add-suppressions", is_flag=True, help="Write a `# routelint: ignore[CODE]` comment for every current finding.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), default=None, help="Record the current findings in this baseline file.")
@click.option("--baseline", type=click.Path(dir_okay=False), default=None, help="Report only findings this baseline file does not record.")
@click.option("--no-cache", is_flag=True, help="Analyse every file again instead of reusing cached facts.")
@click.option("--cache-dir", default=None, type=click.Path(file_okay=False),
              help="Where per-file facts are cached (safe to delete; default: a folder for this project in the "
                   "per-user cache directory, outside the checked tree).")
@click.option("--stdin-filename", default=None, metavar="PATH",
              help="With '-' as the path: lint the text on stdin as if it were the file PATH (editors).")
@click.option("--respect-gitignore/--no-respect-gitignore", "respect_gitignore", default=None,
              help="Skip files git ignores (default; config: respect-gitignore).")
@click.option("--force-exclude", is_flag=True, help="Skip excluded or git-ignored files even when named on the command line (pre-commit).")
def check(paths: Sequence[str], output_format: Optional[str], select: Optional[str], extend_select: Optional[str],
          ignore: Optional[str], exit_zero: bool, jobs: int, color: Optional[str], no_color: bool, quiet: bool,
          config_path: Optional[str], output_file: Optional[str], fix: bool, unsafe_fixes: bool, diff: bool,
          exit_non_zero_on_fix: bool, show_fixes: bool, statistics: bool, ignore_suppressions: bool,
          add_suppressions: bool, write_baseline: Optional[str], baseline: Optional[str], no_cache: bool, cache_dir: Optional[str],
          stdin_filename: Optional[str], respect_gitignore: Optional[bool], force_exclude: bool) -> None:
    """Check PATHS (default: the current directory) and report findings.

    Exit codes: 0 no findings at or above fail-on, 1 findings, 2 usage, configuration or internal error.
    """
    from routelint.cache import default_cache_dir
    from routelint.config import ConfigError, ConfigSet
    from routelint.discover import display_path
    from routelint.engine import run
    from routelint.options import RunOptions

    if statistics and output_format in ("sarif", "github"):
        raise _fail(f"--statistics prints a table (or JSON with --format json), not {output_format}")
    paths = list(paths) or ["."]
    overlay: dict[str, bytes] = {}
    if "-" in paths or stdin_filename is not None:
        if paths != ["-"] or not stdin_filename:
            raise _fail("stdin input is `--stdin-filename PATH -` (one '-' and no other path)")
        if add_suppressions or write_baseline:
            raise _fail("--add-suppressions and --write-baseline edit files on disk: they do not read stdin")
        paths = [stdin_filename]
        overlay[display_path(stdin_filename)] = sys.stdin.buffer.read()
    cache_dir = None if no_cache else (cache_dir or default_cache_dir(paths))
    try:  # each file gets its own layered configuration; --config replaces discovery
        configs = ConfigSet(config_path, select=_codes(select), ignore=_codes(ignore), extend_select=_codes(extend_select))
        options = RunOptions(configs=configs, jobs=jobs, ignore_suppressions=ignore_suppressions, cache_dir=cache_dir,
                             respect_gitignore=respect_gitignore, force_exclude=force_exclude, unsafe_fixes=unsafe_fixes)
        result = run(paths, options, overlay=overlay)  # every later run of this command gets `options` unchanged
    except ConfigError as exc:
        raise _fail(str(exc))
    except FileNotFoundError as exc:
        raise _fail(f"{exc.args[0] if exc.args else exc}: no such file or directory")
    for warning in result.warnings:
        click.echo(f"routelint: warning: {warning}", err=True)
    fixed = None  # --fix / --diff (issue 5)
    out = sys.stdout
    if overlay and (fix or diff):  # the fixed text (or its diff) goes to stdout, the report to stderr
        from routelint.stdin import fix_stdin

        result, applied, text = fix_stdin(paths[0], result, options, diff=diff)
        sys.stdout.flush()
        sys.stdout.buffer.write(text)
        sys.stdout.buffer.flush()
        out = sys.stderr
        if diff and applied:
            exit_non_zero_on_fix = True
        fixed = None
        fix = diff = False
        stdin_fixed = applied
    else:
        stdin_fixed = 0
    if fix or diff:
        from routelint.fix_passes import from_cli, summary

        result, fixed, early = from_cli(paths, options, result, diff=diff, out=sys.stdout, err=sys.stderr)
        if early is not None:
            raise click.exceptions.Exit(early)
    if add_suppressions or write_baseline or baseline:  # issue 6: suppressions and baselines
        _suppressions_and_baseline(result, add_suppressions, write_baseline, baseline)
    fmt = output_format or ("full" if out.isatty() and not output_file else "concise")
    from routelint.color import use_color
    from routelint.reporters import ReportOptions, get_reporter

    shown = ReportOptions(color=use_color("never" if no_color else color, None if output_file else out), quiet=quiet,
                          show_fixes=show_fixes, unsafe=unsafe_fixes)
    reporter = get_reporter(fmt) if not statistics else _statistics_reporter(fmt)
    if output_file:
        from routelint.textio import OutputError, write_output

        try:
            write_output(output_file, lambda handle: reporter(result, handle, shown))
        except OutputError as exc:
            raise _fail(str(exc))
    else:
        reporter(result, out, shown)
    failing = [d for d in result.diagnostics if configs.for_path(d.path).fail_on == "warning" or d.severity == "error"]
    if fixed is not None:
        if not quiet:
            click.echo(summary(fixed, unsafe_fixes), err=True)
        if exit_non_zero_on_fix and fixed.fixed:
            raise click.exceptions.Exit(EXIT_FINDINGS)
    if stdin_fixed and exit_non_zero_on_fix:
        raise click.exceptions.Exit(EXIT_FINDINGS)
    raise click.exceptions.Exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_CLEAN)


def _statistics_reporter(fmt: str):
    from routelint.reporters.statistics import report

    return lambda result, out, shown: report(result, out, shown, machine=fmt == "json")


def _suppressions_and_baseline(result, add: bool, write_baseline: Optional[str], baseline: Optional[str]) -> None:
    """--add-suppressions and --write-baseline end the run here; --baseline filters `result`."""
    from routelint.baseline import BaselineError, apply_baseline, stale_line, write_baseline as write

    if add:
        from routelint.suppressions import add_suppressions

        added = add_suppressions(result.diagnostics, {facts.path: facts.kind for facts in result.files})
        for path, line, code, why in added.skipped:
            click.echo(f"routelint: {path}:{line}: {code} not suppressed: {why}", err=True)
        click.echo(f"Added {added.added} suppression{'s' if added.added != 1 else ''} in {added.files} "
                   f"file{'s' if added.files != 1 else ''}.", err=True)
        raise click.exceptions.Exit(EXIT_FINDINGS if added.skipped else EXIT_CLEAN)
    if write_baseline:
        try:
            count = write(result.diagnostics, write_baseline)
        except BaselineError as exc:
            raise _fail(str(exc))
        click.echo(f"Wrote {count} finding{'s' if count != 1 else ''} to the baseline {write_baseline}.", err=True)
        raise click.exceptions.Exit(EXIT_CLEAN)
    try:
        report = apply_baseline(result, baseline or "")
    except BaselineError as exc:
        raise _fail(str(exc))
    line = stale_line(report)
    if line:
        click.echo(line, err=True)


@cli.command("config")
@click.argument("path", required=False, default=".", type=click.Path(exists=True, path_type=str))
@click.option("--config", "config_path", type=str, default=None, help="Show this config file instead of discovering one.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def show_config(path: str, config_path: Optional[str], output_format: str) -> None:
    """Print the effective configuration for PATH and where each value came from."""
    import json

    from routelint.config import ConfigError, ConfigSet, describe

    try:
        configs = ConfigSet(config_path)
        config = configs.for_path(path)
        layers = [layer.path for layer in configs.layers(path)]
    except ConfigError as exc:
        raise _fail(str(exc))
    rows = [(key, _redacted(value), source) for key, value, source in describe(config)]
    if output_format == "json":
        click.echo(json.dumps({"path": path, "files": layers,
                               "settings": [{"key": key, "value": value, "source": source} for key, value, source in rows]},
                              indent=2))
        return
    click.echo(f"# effective routelint configuration for {path}")
    click.echo(f"# files, outermost first: {', '.join(layers) if layers else '(none: defaults)'}")
    for key, value, source in rows:
        click.echo(f"{key} = {json.dumps(value, ensure_ascii=False)}  # {source}")


def _redacted(value):
    """A configuration value with any key text masked (a key pasted into a config file must not be
    printed back): every string in it goes through the one redaction function, with the keys the
    catalog recognises in it."""
    from routelint.catalog import load_catalog
    from routelint.catalog.keys import find_keys
    from routelint.redact import redact

    if isinstance(value, str):
        return redact(value, {match.text for match in find_keys(load_catalog(), value)})
    if isinstance(value, (list, tuple)):
        return [_redacted(item) for item in value]
    if isinstance(value, dict):
        return {_redacted(key): _redacted(item) for key, item in value.items()}
    return value


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


# `routelint routes` and `routelint audit` (issue 8): defined in routelint/audit/commands.py
from routelint.audit.commands import audit as _audit_command, routes as _routes_command  # noqa: E402

cli.add_command(_routes_command)
cli.add_command(_audit_command)


def main(argv: Optional[Sequence[str]] = None) -> None:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="routelint", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("routelint: interrupted", err=True)
        sys.exit(130)
    except RulesDataError as exc:  # a malformed file under rules/: which file, which key, what is allowed
        click.echo(f"routelint: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # a traceback in front of a user is a bug: say what happened in one line
        from routelint.redact import redact

        click.echo(f"routelint: internal error: {type(exc).__name__}: {redact(str(exc))}", err=True)
        sys.exit(EXIT_ERROR)

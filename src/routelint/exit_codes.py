"""Exit codes are a contract: 0 clean, 1 findings, 2 usage, configuration or internal error."""

from __future__ import annotations

import click

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> click.exceptions.Exit:
    """Print a one-line, redacted error and return the exit-2 exception to raise."""
    from routelint.redact import redact

    click.echo(f"routelint: error: {redact(message)}", err=True)
    return click.exceptions.Exit(EXIT_ERROR)

"""One decision about colour for every command: `--color auto|always|never`, `NO_COLOR`, `FORCE_COLOR`.

`always` and `never` win. `auto` follows the conventions (https://no-color.org, FORCE_COLOR as in
Node and pytest): a non-empty `NO_COLOR` turns colour off, else a non-empty `FORCE_COLOR` turns it on,
else colour is used when the output is a terminal. A report written to a file never has colour.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional, TextIO

CHOICES = ("auto", "always", "never")


def use_color(choice: Optional[str], stream: Optional[TextIO], environ: Optional[Mapping[str, str]] = None) -> bool:
    environ = os.environ if environ is None else environ
    if choice == "always":
        return True
    if choice == "never" or stream is None:
        return False
    if environ.get("NO_COLOR", ""):
        return False
    if environ.get("FORCE_COLOR", ""):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def console_options(color: bool) -> dict[str, Any]:
    """Keyword arguments for `rich.console.Console` that say exactly this (rich would otherwise read
    NO_COLOR / FORCE_COLOR itself and disagree with an explicit --color)."""
    return {"no_color": not color, "force_terminal": color, "color_system": "standard" if color else None}

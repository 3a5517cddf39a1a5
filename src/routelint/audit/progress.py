"""A rich progress bar for long audits, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator, Optional

ProgressCallback = Callable[[str, int, int], None]

UNITS = {"analysing": "files", "building inventory": "routes", "writing report": "reports"}


def wants_progress(*, need_stdout_tty: bool = False) -> bool:
    """Show a bar only on a terminal: stderr must be a TTY (and stdout too when stdout carries the output)."""
    try:
        if not sys.stderr.isatty():
            return False
        return not need_stdout_tty or sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_bar(enabled: bool, color: Optional[str] = None) -> Iterator[Optional[ProgressCallback]]:
    """Yields `callback(phase, done, total)` for `engine.run(progress=...)`, or None when disabled.
    `color` is the --color choice (NO_COLOR / FORCE_COLOR decide under auto, as for every command)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from routelint.color import use_color

    colored = use_color(color, sys.stderr)
    console = Console(stderr=True, no_color=not colored, color_system="standard" if colored else None)
    progress = Progress(
        TextColumn("[bold]{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    # one line per phase; the first engine phase takes over the "discovering" line
    tasks: dict[str, int] = {"discovering": progress.add_task("discovering", total=None, unit="files")}
    first = [True]

    def callback(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            if first[0]:
                tasks[phase] = tasks.pop("discovering")
            else:
                tasks[phase] = progress.add_task(phase, total=None, unit=UNITS.get(phase, ""))
        first[0] = False
        progress.update(tasks[phase], description=phase, completed=done, total=total if total else None,
                        unit=UNITS.get(phase, "files"))
        if total and done >= total:
            progress.refresh()

    with progress:
        yield callback

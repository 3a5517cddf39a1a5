"""Per-file time and memory budgets: a file whose analysis goes past them gets RL001, the run goes on.

Every scan routelint runs is linear in its input, but a frontend works on a parser's tree and a
parser's cost per byte differs between inputs; a budget proportionate to the input turns "minutes and
gigabytes for one file" into one RL001 line. The budget of a file of `size` bytes is

    time:   BASE_SECONDS + SECONDS_PER_MB * size / 1 MB
    memory: BASE_MEMORY  + MEMORY_PER_BYTE * size      (growth of the process's resident set)

A timer (SIGALRM, every TICK seconds) compares the CPU seconds the process spent since the file
started (`time.process_time`: the same on a quiet and a loaded machine, so the verdict is
reproducible) and the current resident set with the budget, and interrupts the analysis with
`BudgetExceeded`. It is a BaseException so that no parser's
`except Exception` can swallow it. Where no timer can run (not the main thread, no SIGALRM), the
analysis runs without one: only the size cap and the linear scans bound it there.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from contextlib import contextmanager
from typing import Iterator, Optional

BASE_SECONDS = 10.0
SECONDS_PER_MB = 10.0
BASE_MEMORY = 256 * 1024 * 1024
MEMORY_PER_BYTE = 300  # the ast frontend peaks near 150 bytes of RSS per source byte (5 MB module: ~780 MB)
TICK = 0.1


class BudgetExceeded(BaseException):
    """Raised inside a file's analysis when it goes past its budget; the message names the cause."""


def limits(size: int) -> tuple[float, int]:
    """(seconds, bytes of memory growth) allowed for analysing `size` bytes."""
    return BASE_SECONDS + SECONDS_PER_MB * size / (1024 * 1024), BASE_MEMORY + MEMORY_PER_BYTE * size


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes() -> Optional[int]:
    """The process's current resident set (Linux `/proc/self/statm`), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def _can_time() -> bool:
    return (hasattr(signal, "SIGALRM") and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread())


@contextmanager
def file_budget(size: int, *, seconds: Optional[float] = None, memory: Optional[int] = None) -> Iterator[None]:
    """Run the body under the budget for `size` bytes (or explicit `seconds` / `memory`)."""
    default_seconds, default_memory = limits(size)
    seconds = default_seconds if seconds is None else seconds
    memory = default_memory if memory is None else memory
    if not _can_time():
        yield
        return
    started = time.monotonic()
    cpu_started = time.process_time()
    baseline = resident_bytes()
    active = [True]

    def tick(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
        if not active[0]:
            return
        if time.process_time() - cpu_started > seconds:
            active[0] = False
            raise BudgetExceeded(f"analysis took more CPU time than its time budget ({seconds:.0f} s for {_size(size)})")
        if baseline is not None:
            now = resident_bytes()
            if now is not None and now - baseline > memory:
                active[0] = False
                raise BudgetExceeded(f"analysis needed more than its memory budget ({memory // (1024 * 1024)} MB "
                                     f"for {_size(size)})")

    previous_handler = signal.signal(signal.SIGALRM, tick)
    previous_timer = signal.setitimer(signal.ITIMER_REAL, TICK, TICK)
    try:
        yield
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_timer[0]:  # someone else's timer was running: give it back what is left
            signal.setitimer(signal.ITIMER_REAL, max(previous_timer[0] - (time.monotonic() - started), 0.001),
                             previous_timer[1])


def _size(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


__all__ = ["BudgetExceeded", "file_budget", "limits", "resident_bytes"]

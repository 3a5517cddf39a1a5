"""Opt-in timing of where a run's time goes, per file and per stage (`ROUTELINT_PROFILE=1`).

The benchmark (`benchmarks/run.py`) sets the variable to split a cold check into its stages: read,
prefilter (the raw-text passes: candidate trie, key scan, imports, suppression comments), parse
(`ast.parse` inside the frontend), evaluate (the rest of the frontend) and the run-wide stages
(resolve, checks, ...). Per-file stages are CPU seconds of the process that ran them
(`time.process_time`): on a shared machine wall time mostly measures the neighbours' load. Run-wide
stages carry both wall and CPU seconds. Nothing of it reaches a result: the records go to stderr, one JSON object
per line after the word `routelint-profile`, written with one `os.write` so lines from pool workers
never interleave.

Off (the default), `clock()` returns one shared object whose methods do nothing, and `ast.parse` is
left alone: the hooks in the hot path cost a few attribute lookups per file.
"""

from __future__ import annotations

import ast
import json
import os
import time
from typing import Optional

PREFIX = "routelint-profile "
ENABLED = os.environ.get("ROUTELINT_PROFILE", "") not in ("", "0")

_parse_seconds = [0.0]  # CPU time spent in ast.parse by this process, while profiling


def _install_parse_timer() -> None:
    """Wrap `ast.parse` so the frontend's parse time can be told from its evaluation time."""
    real = ast.parse

    def timed_parse(*args, **kwargs):
        start = time.process_time()
        try:
            return real(*args, **kwargs)
        finally:
            _parse_seconds[0] += time.process_time() - start

    ast.parse = timed_parse


if ENABLED:
    _install_parse_timer()


def emit(record: dict) -> None:
    os.write(2, (PREFIX + json.dumps(record, separators=(",", ":")) + "\n").encode())


class _Off:
    """The clock when profiling is off: every method is a no-op."""

    def lap(self, stage: str) -> None:
        return None

    def hand_over(self) -> Optional[dict]:
        return None

    def done(self, kind: str, *, candidate: bool, size: int) -> None:
        return None


OFF = _Off()


class FileClock:
    """CPU seconds per stage for one file; `hand_over` carries them to the process that runs its frontend."""

    def __init__(self, path: str, timings: Optional[dict] = None) -> None:
        self.path = path
        self.timings = dict(timings or {})
        self.mark = time.process_time()
        self.parse_mark = _parse_seconds[0]

    def lap(self, stage: str) -> None:
        now = time.process_time()
        elapsed, self.mark = now - self.mark, now
        if stage == "frontend":  # split into the parse and everything else the frontend does
            parse = _parse_seconds[0] - self.parse_mark
            self._add("parse", parse)
            self._add("evaluate", elapsed - parse)
        else:
            self._add(stage, elapsed)
        self.parse_mark = _parse_seconds[0]

    def _add(self, stage: str, seconds: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + seconds

    def hand_over(self) -> Optional[dict]:
        return self.timings

    def done(self, kind: str, *, candidate: bool, size: int) -> None:
        emit({"profile": "file", "path": self.path, "kind": kind, "candidate": candidate, "bytes": size,
              "pid": os.getpid(), **{stage: round(seconds, 6) for stage, seconds in self.timings.items()}})


def clock(path: str, timings: Optional[dict] = None):
    """A per-file clock: the shared no-op one unless profiling is on."""
    return FileClock(path, timings) if ENABLED else OFF


class RunClock:
    """Wall and CPU seconds of the run-wide stages (`lap("resolve")`) in the main process, one record
    each; no-op when off. (A stage's CPU leaves out pool workers: their files have their own records.)"""

    def __init__(self) -> None:
        self.mark = time.perf_counter()
        self.cpu_mark = time.process_time()

    def lap(self, stage: str, **extra) -> None:
        if not ENABLED:
            return
        now, cpu = time.perf_counter(), time.process_time()
        emit({"profile": "stage", "stage": stage, "seconds": round(now - self.mark, 6), "cpu": round(cpu - self.cpu_mark, 6),
              "pid": os.getpid(), **extra})
        self.mark, self.cpu_mark = now, cpu

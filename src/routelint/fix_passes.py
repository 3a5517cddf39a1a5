"""`check --fix` / `--diff`: fix passes over a run, the engine running again after each written pass.

The fixer applies one pass's edits; this module decides whether another pass is needed and re-runs
the engine for it with the command's own `RunOptions`, unchanged (each file's layered configuration,
`--ignore-suppressions`, the cache, the discovery rules), so the result reported after fixing is the
result the same command would report on the fixed files."""

from __future__ import annotations

import os
from typing import Optional, Sequence, Union

from routelint.config import Config
from routelint.diagnostics import UNSAFE
from routelint.engine import run
from routelint.fixer import MAX_PASSES, FixOutcome, _fix_key, applicable, fix_pass
from routelint.options import RunOptions
from routelint.run_result import RunResult
from routelint.wording import plural


def fix(paths: Sequence[str], options: Union[RunOptions, Config], *, write: bool = True,
        result: Optional[RunResult] = None, max_passes: int = MAX_PASSES) -> FixOutcome:
    """Fix `paths` (writing, or only collecting diffs when `write` is false) and return the outcome.

    With `write`, passes repeat (the engine runs again on the written files) while fixes apply and
    some are deferred, up to `max_passes`. Without it, one pass: nothing is written, so there is no
    new state to re-analyse.
    """
    if isinstance(options, Config):
        options = RunOptions.of(options)
    unsafe = options.unsafe_fixes
    roots = [os.path.realpath(path) for path in paths]
    outcome = FixOutcome()
    dropped: set = set()
    result = result if result is not None else run(paths, options)
    for _ in range(max_passes if write else 1):
        outcome.passes += 1
        dropped_before = len(dropped)
        applied = fix_pass(result, roots, unsafe=unsafe, write=write, outcome=outcome, dropped=dropped)
        if not write:
            break
        if applied:  # the same options again, and the first run's discovery state (its git listing)
            result = run(paths, options, discovery=result.discovery.again() if result.discovery is not None else None)
        elif len(dropped) == dropped_before:
            break  # nothing applied and nothing newly excluded: another pass would do the same
        if not any(applicable(d.fix, unsafe) and _fix_key(d) not in dropped for d in result.diagnostics):
            break
    outcome.result = result
    return outcome


def summary(outcome: FixOutcome, unsafe: bool) -> str:
    remaining = outcome.result.diagnostics
    behind = 0 if unsafe else sum(1 for d in remaining if d.fix is not None and d.fix.edits and d.fix.applicability == UNSAFE)
    hidden = f" ({plural(behind, 'hidden fix', 'hidden fixes')} can be enabled with `--unsafe-fixes`)" if behind else ""
    return f"{outcome.fixed} fixed, {len(remaining)} remaining{hidden}"


def from_cli(paths: Sequence[str], options: RunOptions, result: RunResult, *, diff: bool, out, err):
    """`check --fix` / `--diff`: returns (final result, outcome, exit code or None to continue reporting).

    --diff prints the unified diff of the first pass (redacted: key text is masked in every line,
    context lines included), writes nothing and exits 1 when anything would change.
    """
    from routelint.redact import redact

    outcome = fix(paths, options, write=not diff, result=result)
    for problem in outcome.problems:
        err.write(f"routelint: {redact(problem, result.secrets)}\n")
    if diff:
        for text in outcome.diffs:
            out.write(redact(text, result.secrets))
        out.flush()
        fixes, files = plural(outcome.fixed, "fix", "fixes"), plural(len(outcome.changed_files), "file")
        err.write(f"{fixes} would be applied to {files}\n")
        return result, outcome, 1 if outcome.diffs else 0
    return outcome.result, outcome, None

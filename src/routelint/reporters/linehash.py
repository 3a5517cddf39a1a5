"""`partialFingerprints.primaryLocationLineHash`, computed the way GitHub's upload action computes it.

When SARIF is uploaded with `github/codeql-action/upload-sarif`, the action adds this fingerprint to
every result that lacks one; an upload through the REST API gets none. Computing the same value here
makes alerts track alike whichever way the file is uploaded.

The algorithm (github/codeql-action, `src/fingerprints.ts`, described there in prose): a rolling
polynomial hash (base 37, 64-bit wrap-around) over a window of the next 100 characters counted from the
start of each line, skipping spaces and tabs, with CR, LF and CRLF all read as LF; the file's end adds
one 65535 marker, then zeros. The value for a line is the unsigned hash in lowercase hex, then `:` and
how many lines of the file so far had that hash (`a7f2ff13bc495cf2:2`). Characters are UTF-16 code
units, as JavaScript reads them.
"""

from __future__ import annotations

from typing import Iterator

WINDOW = 100
BASE = 37
MASK = (1 << 64) - 1
END = 65535
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13
_FIRST = pow(BASE, WINDOW, 1 << 64)  # the weight of the character leaving the window


def _units(text: str) -> Iterator[int]:
    data = text.encode("utf-16-le", errors="surrogatepass")
    for index in range(0, len(data), 2):
        yield data[index] | (data[index + 1] << 8)


def line_hashes(text: str) -> dict[int, str]:
    """{line number (1-based): 'hash:occurrence'} for every line of `text`."""
    window = [0] * WINDOW
    starts = [-1] * WINDOW  # the line number starting at each window slot, or -1
    hashes: dict[int, str] = {}
    seen: dict[str, int] = {}
    state = {"hash": 0, "index": 0, "line": 0, "line_start": True, "prev_cr": False}

    def output() -> None:
        value = format(state["hash"] & MASK, "x")
        seen[value] = seen.get(value, 0) + 1
        hashes[starts[state["index"]]] = f"{value}:{seen[value]}"
        starts[state["index"]] = -1

    def update(current: int) -> None:
        index = state["index"]
        leaving = window[index]
        window[index] = current
        state["hash"] = (BASE * state["hash"] + current - _FIRST * leaving) & MASK
        state["index"] = (index + 1) % WINDOW

    def feed(current: int) -> None:
        if current in (_SPACE, _TAB) or (state["prev_cr"] and current == _LF):
            state["prev_cr"] = False
            return
        state["prev_cr"] = current == _CR
        if current == _CR:
            current = _LF
        if starts[state["index"]] != -1:
            output()
        if state["line_start"]:
            state["line_start"] = False
            state["line"] += 1
            starts[state["index"]] = state["line"]
        if current == _LF:
            state["line_start"] = True
        update(current)

    for unit in _units(text):
        feed(unit)
    feed(END)
    for _ in range(WINDOW):
        if starts[state["index"]] != -1:
            output()
        update(0)
    return hashes


def file_text(data: bytes) -> str:
    """Bytes as the action reads them: UTF-8, invalid bytes replaced, a BOM kept (it is a character)."""
    return data.decode("utf-8", errors="replace")

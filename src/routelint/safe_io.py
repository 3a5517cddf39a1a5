"""Reading the files configuration and state name, and the one atomic writer.

Reads (`read_bounded`): a models-file, a cache, a baseline or a `--config` file must be a regular file
of bounded size. It is opened non-blocking (a FIFO never hangs the run) and checked with `fstat` on the
open descriptor before anything is read, and never more than the limit is read (`/dev/zero` cannot
fill memory).

Writes (`write_atomic`): the new content goes to a temporary file in the target's folder, then
`os.replace` puts it in place. Only a regular file or a new path is ever replaced: never a device, a
FIFO or a folder, and never a path whose real location leaves `within` (a symlink that points out of
the tree). The temporary file is removed on every failure path. The mode of a replaced file is kept; a
new file gets what `open()` would have given it.

Report outputs (`open_output`) may also be a terminal, a pipe or a character device the user names
(`-o /dev/stdout`): those are written in place, never replaced.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from typing import Callable, Optional

MAX_STATE_BYTES = 64 * 1024 * 1024  # cache files
MAX_INPUT_BYTES = 16 * 1024 * 1024  # models-file, baseline, --config


class UnsafePath(OSError):
    """A path routelint refuses to read or write; `str()` is one line naming the path and why."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(errno.EINVAL, why, path)
        self.path = path
        self.why = why

    def __str__(self) -> str:
        return f"{self.path}: {self.why}"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_bounded(path: str, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; UnsafePath or OSError otherwise."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafePath(path, f"is {_kind(info.st_mode)}, not a regular file: not read")
        if info.st_size > limit:
            raise UnsafePath(path, f"is larger than {limit // (1024 * 1024)} MB: not read")
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise UnsafePath(path, f"is larger than {limit // (1024 * 1024)} MB: not read")
        return data
    finally:
        os.close(fd)


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def check_writable_target(path: str, within: Optional[str] = None) -> str:
    """The real path `path` would be written to, or UnsafePath: not a regular file or a new path, or
    (with `within`) a symlink or parent folder that leads out of that folder."""
    real = os.path.realpath(path)
    if within is not None and not _inside(real, os.path.realpath(within)):
        raise UnsafePath(path, "leads outside the folder it belongs to (a symlink?): not written")
    try:
        info = os.stat(real)
    except FileNotFoundError:
        parent = os.path.dirname(real) or "."
        if not os.path.isdir(parent):
            raise UnsafePath(path, f"cannot be written: folder {os.path.dirname(path) or '.'} does not exist") from None
        return real
    if not stat.S_ISREG(info.st_mode):
        raise UnsafePath(path, f"is {_kind(info.st_mode)}: not replaced")
    return real


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str, data: bytes, *, within: Optional[str] = None, expected: Optional[bytes] = None,
                 mode: Optional[int] = None, before_replace: Optional[Callable[[str], None]] = None) -> None:
    """Replace (or create) the regular file `path` with `data` through a temporary file + rename.

    `expected`: the bytes the file must still hold right before the rename (else FileChanged).
    `mode`: the new file's mode (default: the replaced file's, or what `open()` would give a new one).
    """
    real = check_writable_target(path, within)
    try:
        info: Optional[os.stat_result] = os.stat(real)
    except FileNotFoundError:
        info = None
    directory = os.path.dirname(real) or "."
    fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", suffix=".routelint-tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            mode = stat.S_IMODE(info.st_mode) if info is not None else _new_file_mode()
        os.chmod(temporary, mode)
        if info is not None:
            try:
                os.chown(temporary, info.st_uid, info.st_gid)
            except (OSError, AttributeError):
                pass
        if before_replace is not None:
            before_replace(real)
        if expected is not None:
            with open(real, "rb") as current:
                if current.read(len(expected) + 1) != expected:
                    raise FileChanged(path)
        check_writable_target(real, within)  # nothing swapped in a device or a symlink meanwhile
        os.replace(temporary, real)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


class FileChanged(Exception):
    """The file's bytes changed between reading and writing: it is not written."""


def open_output(path: str):
    """A text handle for a report output named by the user: a regular file or new path (written
    atomically when the handle is closed without error), or a terminal, pipe or character device
    written in place. Raises UnsafePath/OSError with a one-line reason."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UnsafePath(path, f"cannot be written: {exc.strerror or exc}") from None
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        return open(path, "w", encoding="utf-8", newline="")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UnsafePath(path, f"is {_kind(info.st_mode)}: not written")
    check_writable_target(path)
    return _AtomicText(path)


class _AtomicText:
    """Collects text; on a clean `close()` (or `with` exit) writes it with `write_atomic`."""

    def __init__(self, path: str) -> None:
        import io

        self.path = path
        self._buffer = io.StringIO(newline="")

    def write(self, text: str) -> int:
        return self._buffer.write(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def close(self) -> None:
        if self._buffer is not None:
            data = self._buffer.getvalue().encode("utf-8")
            self._buffer = None
            write_atomic(self.path, data)

    def __enter__(self) -> "_AtomicText":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self._buffer = None


class OutputError(Exception):
    """A report output that cannot be written; `str()` is the one-line reason."""


def write_output(path: str, render: Callable[[object], None]) -> None:
    """Render a report into the output file `path` (see `open_output`); OutputError on any failure."""
    try:
        with open_output(path) as handle:
            render(handle)
    except OSError as exc:
        raise OutputError(describe_error(path, exc)) from None


def describe_error(path: str, exc: BaseException) -> str:
    """One line for a read or write failure."""
    if isinstance(exc, UnsafePath):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{path}: {exc.strerror or exc}"
    return f"{path}: {exc}"


__all__ = ["FileChanged", "MAX_INPUT_BYTES", "MAX_STATE_BYTES", "OutputError", "UnsafePath", "check_writable_target",
           "describe_error", "open_output", "read_bounded", "write_atomic", "write_output"]

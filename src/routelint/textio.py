"""Text I/O: the one home for turning a file's bytes into text and text back into the file.

Decoding (`decode`): a byte-order mark decides the encoding (UTF-8/16/32); without one the text is
UTF-8, or UTF-16 when every other byte of an ASCII-range text is NUL (a BOM-less UTF-16 file). The scan,
the fixer, `--add-noqa`, the reporters' source lines and the audit's excerpts all decode through it, so
a span means the same characters everywhere.

Rewriting (`TextFile`): what a rewrite needs to give a file back as it was: the encoding, the BOM, the
line endings, and the bytes read (written only if the file still holds them). `text_digest` identifies
the text a file's facts (and fix spans) were computed from; `LineIndex` maps offsets to lines.

Reads (`read_bounded`): a models-file, a cache, a baseline, a `--config` file or a file to fix must be
a regular file of bounded size. It is opened non-blocking (a FIFO never hangs the run) and checked
with `fstat` on the open descriptor before anything is read, and never more than the limit is read
(`/dev/zero` cannot fill memory).

Writes (`write_atomic`, the one atomic writer): the new content goes to a temporary file in the
target's folder, then `os.replace` puts it in place. Only a regular file or a new path is ever
replaced: never a device, a FIFO or a folder, and never a path whose real location leaves `within` (a
symlink that points out of the tree). The temporary file is removed on every failure path. The mode of
a replaced file is kept; a new file gets what `open()` would have given it.

Report outputs (`open_output`) may also be a terminal, a pipe or a character device the user names
(`-o /dev/stdout`): those are written in place, never replaced.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import stat
import tempfile
from bisect import bisect_right
from dataclasses import dataclass
from typing import Callable, Optional

MAX_STATE_BYTES = 64 * 1024 * 1024  # cache files
MAX_INPUT_BYTES = 16 * 1024 * 1024  # models-file, baseline, --config
MAX_SOURCE_BYTES = 5 * 1024 * 1024  # a source file the scan analyses (and so the fixer may rewrite)

# ---------------------------------------------------------------------------- decoding
# A byte-order mark decides the encoding (UTF-32 before UTF-16: FF FE 00 00 starts with FF FE)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
SNIFF_BYTES = 8192  # how much of a file the binary and BOM-less UTF-16 tests look at
TEXT_NUL_SHARE = 0.01  # a file with more NUL bytes than this (and no BOM or UTF-16 layout) is binary


@dataclass(frozen=True)
class Encoding:
    """How a file's text is stored: the codec and the byte-order mark before it (b"" for none)."""

    codec: str = "utf-8"
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.codec)


UTF8 = Encoding()


def sniff_encoding(data: bytes) -> tuple[Encoding, str]:
    """The encoding `data` is stored in and its human label (for error messages)."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return Encoding(codec, bom), label
    codec = _bomless_utf16(data)
    if codec is not None:
        return Encoding(codec), "UTF-16"
    return UTF8, "UTF-8"


def decode(data: bytes) -> tuple[Optional[str], Optional[str]]:
    """(text, None) or (None, why). A BOM decides the encoding (UTF-8/16/32); without one, text is
    UTF-8, or UTF-16 when every other byte of an ASCII-range text is NUL (a BOM-less UTF-16 file)."""
    encoding, label = sniff_encoding(data)
    body = data[len(encoding.bom):]
    try:
        return body.decode(encoding.codec), None
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        return None, (f"not valid {label} (byte 0x{body[exc.start]:02x} at offset {exc.start + len(encoding.bom)}, "
                      f"near line {line})")


def display_text(data: bytes) -> str:
    """Text to show (source lines, excerpts): decoded as the scan decodes it, else UTF-8 with undecodable
    bytes replaced. Only for display, never for analysis."""
    text, _ = decode(data)
    return text if text is not None else data.decode("utf-8", errors="replace")


def _bomless_utf16(data: bytes) -> Optional[str]:
    """'utf-16-le'/'utf-16-be' when the sniffed head is ASCII-range UTF-16: NULs on one parity only."""
    head = data[:SNIFF_BYTES]
    if len(head) < 4 or len(head) % 2 and len(head) == len(data):
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """NUL bytes that no BOM or UTF-16 layout explains, beyond a stray one."""
    head = data[:SNIFF_BYTES]
    if b"\0" not in head:
        return False
    if any(data.startswith(bom) for bom, _, _ in _BOMS) or _bomless_utf16(data) is not None:
        return False
    return head.count(0) > max(1, TEXT_NUL_SHARE * len(head))


def text_digest(text: str) -> str:
    """Identifies the text a file's facts (and fix spans) were computed from; the fixer compares it."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# ---------------------------------------------------------------------------- lines
class LineIndex:
    """Line starts of a text (lines end at `\n`): offsets <-> 1-based (line, character column), by
    bisection, so a file with thousands of positions stays linear."""

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        index = text.find("\n")
        while index != -1:
            starts.append(index + 1)
            index = text.find("\n", index + 1)
        self.starts = starts

    def line(self, offset: int) -> int:
        """1-based line of an offset."""
        return bisect_right(self.starts, offset)

    def point(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset, clamped into the text."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def offset(self, line: int, column: int) -> Optional[int]:
        """The offset of a 1-based (line, column), or None when it is not in the text (one past the
        last line's end counts only as column 1 of the line after it)."""
        if line < 1 or column < 1:
            return None
        if line > len(self.starts):
            return len(self.text) if column == 1 and line == len(self.starts) + 1 else None
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        value = start + column - 1
        return value if value <= end else None


# ---------------------------------------------------------------------------- files to rewrite
@dataclass
class TextFile:
    """A text file as read for a rewrite: the bytes, the text spans refer to (BOM stripped, own line
    endings), and how to store a new text the same way (encoding, BOM, dominant line ending)."""

    path: str
    raw: bytes
    text: str
    encoding: Encoding
    newline: str
    lines: LineIndex

    @classmethod
    def read(cls, path: str, limit: int = MAX_SOURCE_BYTES) -> "TextFile":
        """The regular file `path` (bounded read); UnsafePath/OSError, or UnicodeDecodeError."""
        return cls.of(path, read_bounded(path, limit))

    @classmethod
    def of(cls, path: str, raw: bytes) -> "TextFile":
        """The text of `raw` (the bytes of `path`, or stdin's), decoded as the scan decodes it;
        UnicodeDecodeError when it is not valid in its encoding."""
        encoding, _ = sniff_encoding(raw)
        text = raw[len(encoding.bom):].decode(encoding.codec)
        crlf = text.count("\r\n")
        newline = "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"
        return cls(path, raw, text, encoding, newline, LineIndex(text))

    @property
    def bom(self) -> bool:
        return bool(self.encoding.bom)

    def offset(self, line: int, column: int) -> Optional[int]:
        return self.lines.offset(line, column)

    def encode(self, text: str) -> bytes:
        """A new text stored as this file is stored (same encoding and BOM)."""
        return self.encoding.encode(text)

    def replace(self, text: str, before_replace: Optional[Callable[[str], None]] = None) -> None:
        """Write `text` over the file atomically, unless its bytes changed since they were read
        (FileChanged); a symlink is resolved and its target written."""
        write_atomic(os.path.realpath(self.path), self.encode(text), expected=self.raw, before_replace=before_replace)

    def try_replace(self, text: str, before_replace: Optional[Callable[[str], None]] = None) -> Optional[str]:
        """`replace`, for the commands that rewrite files (--fix, --add-suppressions): None when written,
        else one line saying why not (read-only, changed on disk, not a regular file, an OS error)."""
        try:
            refused = read_only(os.stat(self.path).st_mode)
            if refused is not None:
                return refused
            self.replace(text, before_replace)
        except FileChanged:
            return "it changed on disk while routelint was running"
        except UnsafePath as exc:
            return exc.why
        except OSError as exc:
            return exc.strerror or str(exc)
        return None


def read_only(mode: int) -> Optional[str]:
    """Why a file of this mode is not rewritten (its owner made it read-only: that is respected), or None."""
    if mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return None
    return f"the file is read-only (mode {stat.S_IMODE(mode):04o})"



class UnsafePath(OSError):
    """A path routelint refuses to read or write; `str()` is one line naming the path and why."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(errno.EINVAL, why, path)
        self.path = path
        self.why = why

    def __str__(self) -> str:
        return f"{self.path}: {self.why}"


class TooLarge(UnsafePath):
    """A file past the size limit of what reads it; `size` is its size in bytes."""

    def __init__(self, path: str, limit: int, size: int) -> None:
        super().__init__(path, f"is larger than {limit // (1024 * 1024)} MB: not read")
        self.size = size


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
            raise TooLarge(path, limit, info.st_size)
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
            raise TooLarge(path, limit, len(data))
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


__all__ = ["Encoding", "FileChanged", "LineIndex", "MAX_INPUT_BYTES", "MAX_SOURCE_BYTES", "MAX_STATE_BYTES", "OutputError",
           "TextFile", "TooLarge", "UnsafePath", "check_writable_target", "decode", "describe_error", "display_text", "looks_binary",
           "open_output", "read_bounded", "sniff_encoding", "text_digest", "write_atomic", "write_output"]

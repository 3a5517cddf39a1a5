"""routelint.textio: one decoder, one line index, one way to give a rewritten file back as it was."""

from __future__ import annotations

import codecs
import os

import pytest

from routelint.textio import FileChanged, LineIndex, TextFile, UnsafePath, decode, text_digest

TEXT = "first = 'é'\r\nsecond\r\n\r\nlast"


@pytest.mark.parametrize("bom, codec", [
    (b"", "utf-8"), (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (b"", "utf-16-le"), (b"", "utf-16-be"),
])
def test_text_file_decodes_as_the_scan_and_encodes_back_byte_for_byte(bom, codec):
    raw = bom + TEXT.encode(codec)
    source = TextFile.of("a.py", raw)
    assert source.text == TEXT == decode(raw)[0]
    assert source.newline == "\r\n" and source.bom == bool(bom)
    assert source.encode(source.text) == raw
    assert source.encode("x = 1\r\n") == bom + "x = 1\r\n".encode(codec)


def test_text_file_refuses_invalid_text_and_mixed_line_endings_pick_the_majority():
    with pytest.raises(UnicodeDecodeError):
        TextFile.of("a.py", b"ok\n\xff\n")
    assert TextFile.of("a.py", b"a\r\nb\nc\n").newline == "\n"
    assert TextFile.of("a.py", b"a\r\nb\r\nc\n").newline == "\r\n"


def test_line_index_maps_offsets_and_positions_both_ways():
    lines = LineIndex(TEXT)
    assert lines.starts == [0, 13, 21, 23]
    assert [lines.line(offset) for offset in (0, 12, 13, 22, 23, len(TEXT))] == [1, 1, 2, 3, 4, 4]
    assert lines.point(14) == (2, 2) and lines.point(-5) == (1, 1) and lines.point(10_000) == (4, 5)
    for offset in range(len(TEXT) + 1):
        assert lines.offset(*lines.point(offset)) == offset
    assert lines.offset(4, 5) == len(TEXT) and lines.offset(4, 6) is None  # past the end of the last line
    assert lines.offset(5, 1) == len(TEXT) and lines.offset(6, 1) is None and lines.offset(0, 1) is None and lines.offset(1, 0) is None
    assert LineIndex("a\n").offset(2, 1) == 2 == LineIndex("a\n").offset(3, 1) and LineIndex("a\n").offset(4, 1) is None


def test_replace_keeps_encoding_and_refuses_a_file_changed_since_read(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))
    path.chmod(0o640)
    source = TextFile.read(str(path))
    source.replace(source.text.replace("second", "2nd"))
    assert path.read_bytes() == codecs.BOM_UTF16_LE + TEXT.replace("second", "2nd").encode("utf-16-le")
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    with pytest.raises(FileChanged):
        source.replace("stale")  # the file no longer holds the bytes `source` read
    assert sorted(os.listdir(tmp_path)) == ["a.py"]


def test_read_refuses_what_is_not_a_bounded_regular_file(tmp_path):
    os.mkfifo(tmp_path / "fifo.py")
    with pytest.raises(UnsafePath, match="is a FIFO"):
        TextFile.read(str(tmp_path / "fifo.py"))
    (tmp_path / "big.py").write_bytes(b"x" * 101)
    with pytest.raises(UnsafePath, match="larger than"):
        TextFile.read(str(tmp_path / "big.py"), limit=100)


def test_digest_identifies_the_text_not_its_encoding():
    assert text_digest(TextFile.of("a", TEXT.encode("utf-16")).text) == text_digest(TEXT) != text_digest(TEXT + " ")

"""routelint.filekinds: one registry of file kinds read by the scan, the fixer, suppressions and the key scan."""

from __future__ import annotations

import pytest

from routelint import filekinds
from routelint.catalog import load_catalog
from routelint.discover import ANALYSED_KINDS, TEXT, file_kind
from routelint.facts import FileFacts
from routelint.sdks import shipped_sdks

# a valid file of each kind, its path, and an edit that breaks it
SAMPLES = {
    "python": ("app.py", "x = {'a': 1}\n", "x = {'a': 1\n"),
    "dotenv": (".env", "A=1\n", "A=1\n'B\n"),
    "yaml": ("c.yaml", "a: [1]\n", "a: [1\n"),
    "toml": ("c.toml", "a = 1\n", "a = \n"),
    "json": ("c.json", '{"a": 1}', '{"a": 1,}'),
    "notebook": ("n.ipynb", '{"cells": [{"cell_type": "code", "metadata": {}, "source": ["x = 1"], "outputs": [], '
                 '"execution_count": null}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', '{"cells": ['),
    "javascript": ("a.js", "const a = f(1);\n", "const a = f(1;\n"),
    "typescript": ("a.ts", "const a: number = f(1);\n", "const a: number = f(1;\n"),
}


def test_every_analysed_kind_has_one_entry_and_a_frontend_that_reads_it():
    assert sorted(filekinds.KINDS) == sorted(ANALYSED_KINDS) == sorted(SAMPLES)
    for kind, (path, text, _) in SAMPLES.items():
        assert file_kind(path) == kind
        analyse = filekinds.frontend(kind)
        extra = {"force": True} if filekinds.KINDS[kind].full_pass else {}
        facts = analyse(path, text, load_catalog(), shipped_sdks(), **extra)
        assert isinstance(facts, FileFacts) and not facts.problems, kind
    assert filekinds.frontend(TEXT) is None


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_reparse_accepts_the_valid_file_and_refuses_the_broken_edit(kind):
    path, good, bad = SAMPLES[kind]
    assert filekinds.parses(path, good, good) is None
    why = filekinds.parses(path, bad, good)
    assert why and "\n" not in why


def test_reparse_lets_env_and_js_files_keep_the_errors_they_had():
    assert filekinds.parses(".env", "'B\nA=2\n", "'B\nA=1\n") is None
    assert filekinds.parses("a.js", "const a = f(1;\nb = 2;\n", "const a = f(1;\nb = 1;\n") is None
    assert filekinds.parses("notes.txt", "anything ( goes", None) is None  # no parser: nothing to refuse


def test_comment_syntax_comes_from_the_kind():
    line = "key = 'a#b'  # routelint: ignore"
    assert filekinds.line_comment_start("python", line) == line.index("  #") + 2
    assert filekinds.line_comment_start("yaml", "url: http://x#y # note") == len("url: http://x#y ")
    assert filekinds.line_comment_start("typescript", "const u = 'http://x'; // note") == len("const u = 'http://x'; ")
    assert filekinds.line_comment_start("json", '{"a": "#"} # no') is None
    assert filekinds.line_comment_start(TEXT, "export A=1 # note") == len("export A=1 ")


def test_same_meaning_tells_a_comment_from_a_change():
    assert filekinds.same_meaning("python", "a.py", "x = 1\n", "x = 1  # routelint: ignore\n")
    assert not filekinds.same_meaning("python", "a.py", "x = 1\n", "x = 2\n")
    assert not filekinds.same_meaning("yaml", "a.yaml", "a: b\n", "a: b # c\nd: e\n")
    assert not filekinds.same_meaning("toml", "a.toml", "a = [\n", "a = [ # c\n")  # the original does not parse
    assert filekinds.same_meaning("dotenv", ".env", "A=1\n", "A=1 # routelint: ignore\n")

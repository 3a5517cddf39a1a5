"""Bad input yields RL001 (or is skipped) and the run goes on; never a traceback."""

from __future__ import annotations

import os

from conftest import run_json

from routelint.catalog import load_catalog
from routelint.discover import SourceFile
from routelint.prefilter import build_prefilter
from routelint.scan import ScanContext, analyze_file
from routelint.sdks import shipped_sdks

ROUTE = 'from openai import OpenAI\nc = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/")\n'


def _codes(document):
    return sorted((d["path"].rsplit("/", 1)[-1], d["code"], d["line"]) for d in document["diagnostics"])


def test_bad_files_give_rl001_and_others_are_still_checked(tree):
    root = tree({
        "syntax.py": "def broken(:\n    import openai\n",
        "py2.py": "import openai\nprint 'hello'\n",
        "latin1.py": "# caf\xe9\nimport openai\n".encode("latin-1"),
        "nested.py": "import openai\nx = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
        "chain.py": "import openai\nx = " + "+".join(["a"] * 20000) + "\n",
        "good.py": ROUTE,
        "empty.py": "",
        "image.png": b"\x89PNG\r\n\x1a\n\0\0\0binary",
    })
    code, document = run_json("--select", "RL001,RL102", str(root))
    assert code == 1
    found = _codes(document)
    assert ("good.py", "RL102", 2) in found  # the run went on
    rl001 = {name: line for name, rule, line in found if rule == "RL001"}
    assert rl001["syntax.py"] == 1
    assert rl001["py2.py"] == 2
    assert set(rl001) == {"syntax.py", "py2.py", "latin1.py", "nested.py", "chain.py"}
    messages = {d["path"].rsplit("/", 1)[-1]: d["message"] for d in document["diagnostics"] if d["code"] == "RL001"}
    assert "UTF-8" in messages["latin1.py"]


def test_huge_single_line_file_is_rl001(tree):
    root = tree({"huge.py": "x = '" + "a" * (5 * 1024 * 1024) + "'\n", "good.py": ROUTE})
    _, document = run_json("--select", "RL001,RL102", str(root))
    found = _codes(document)
    assert ("huge.py", "RL001", 1) in found and ("good.py", "RL102", 2) in found
    assert "larger than 5 MB" in next(d["message"] for d in document["diagnostics"] if d["code"] == "RL001")


def test_symlink_loops_are_not_followed(tree):
    root = tree({"pkg/good.py": ROUTE})
    os.symlink(root, root / "pkg" / "loop")
    _, document = run_json("--select", "RL102", str(root))
    assert _codes(document) == [("good.py", "RL102", 2)]


def test_unreadable_file_is_rl001():
    catalog = load_catalog()
    sdks = shipped_sdks()
    ctx = ScanContext(catalog, sdks, build_prefilter(catalog, sdks))
    facts = analyze_file(SourceFile("does/not/exist.py", "python"), ctx)
    assert facts is not None and facts.problems and "cannot be read" in facts.problems[0].message


def test_empty_and_binary_files_are_clean(tree):
    root = tree({"empty.py": "", "blob.bin": b"\0\1\2" * 100, "image.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" * 20})
    code, document = run_json(str(root))
    assert code == 0 and document["diagnostics"] == []


def test_nul_in_a_config_file_is_rl001_not_a_silent_skip(tree):
    """A file of a kind routelint analyses is never skipped as binary: a NUL there is RL001."""
    root = tree({"data.json": b"\0{}"})
    code, document = run_json(str(root))
    assert [(d["code"], d["path"].rsplit("/", 1)[-1]) for d in document["diagnostics"]] == [("RL001", "data.json")]


def test_match_statement_with_a_suppression_comment_is_checked(tree):
    """`case` blocks have no line number of their own in `ast`: suppression extents must not crash."""
    root = tree({"m.py": "import openai  # noqa: RL101\n\ndef f(x):\n    match x:\n        case 1:\n            return 1\n"})
    code, document = run_json(str(root))
    assert code in (0, 1)
    assert all(d["code"] != "RL001" for d in document["diagnostics"])

"""The Python frontend on CPython's `ast`: character columns on non-ASCII lines, newer-grammar files
lowered for this interpreter, fix anchors, and the check path never importing libcst."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import GEMINI_KEY, write_tree

from routelint.catalog import load_catalog
from routelint.facts import Span
from routelint.frontends.python import analyze_python
from routelint.sdks import shipped_sdks

CATALOG = load_catalog()


def facts_of(source: str, path: str = "app.py"):
    return analyze_python(path, source, CATALOG, shipped_sdks(), force=True)


def test_columns_are_characters_on_non_ascii_lines() -> None:
    source = (
        "from openai import OpenAI\n"
        "client = OpenAI(api_key='ключ-не-тут', base_url=\"https://api.groq.com/openai/v1\")  # é\n"
    )
    (site,) = facts_of(source).routes
    line = source.splitlines()[1]
    start = line.index('"https://') + 1
    assert site.base_url.loc.span == Span(2, start, 2, start + len('"https://api.groq.com/openai/v1"'))
    assert site.api_key_span == Span(2, line.index("'ключ") + 1, 2, line.index("', base") + 2)


def test_key_literal_span_after_non_ascii_text_matches_the_raw_text_scan() -> None:
    source = f"from openai import OpenAI\nnote = '日本語'; key = \"{GEMINI_KEY}\"\n"
    facts = facts_of(source)
    ((span, text, quote),) = facts.key_literals
    line = source.splitlines()[1]
    assert (span, text, quote) == (Span(2, line.index('"') + 1, 2, line.index('"') + len(GEMINI_KEY) + 3), GEMINI_KEY, '"')


def test_crlf_and_lone_cr_line_numbers_agree_with_the_tokenizer() -> None:
    source = "from openai import OpenAI\r\n\rclient = OpenAI(base_url='https://api.groq.com/openai/v1')\r\n"
    (site,) = facts_of(source).routes
    assert site.span.line == 3 and site.base_url.loc.span.column == 26


def test_implicit_concatenation_and_fstrings_have_no_quote_but_plain_literals_do() -> None:
    source = (
        "from openai import OpenAI\n"
        "a = OpenAI(base_url='https://api.groq.com' '/openai/v1')\n"
        "b = OpenAI(base_url=r'https://api.groq.com/openai/v1')\n"
        "c = OpenAI(base_url=f'https://api.groq.com/openai/v1')\n"
    )
    quotes = [site.base_url.quote for site in facts_of(source).routes]
    assert quotes == [None, "r'", None]


def test_argument_insert_after_parenthesised_last_argument_and_trailing_comma() -> None:
    source = (
        "from openai import OpenAI\n"
        "a = OpenAI(base_url=('https://api.groq.com/openai/v1'))\n"
        "b = OpenAI(\n"
        "    base_url='https://api.groq.com/openai/v1',  # groq, (fast)\n"
        ")\n"
        "c = OpenAI()\n"
    )
    inserts = [site.key_arg_insert for site in facts_of(source).routes]
    line2 = source.splitlines()[1]
    assert inserts[0] == (Span(2, len(line2), 2, len(line2)), ", ", "api_key=", "")
    assert inserts[1] == (Span(4, 47, 4, 47), "\n    ", "api_key=", ",")
    assert inserts[2] == (Span(6, 12, 6, 12), "", "api_key=", "")


def test_newer_grammar_is_analysed_with_positions_kept() -> None:
    source = (
        "from openai import OpenAI\n"
        "type Url = str\n"
        "def pick[T](items: list[T]) -> T:\n"
        "    return items[0]\n"
        "label = f\"{'a' + f'{\"x\"}'}\"\n"
        "client = OpenAI(base_url=\"https://api.groq.com/openai/v1\", api_key=f'{\"k\"}')\n"
    )
    facts = facts_of(source)
    assert not facts.problems
    (site,) = facts.routes
    assert site.base_url.text == "https://api.groq.com/openai/v1"
    assert site.base_url.loc.span == Span(6, 26, 6, 58)


def test_syntax_no_parser_accepts_is_a_problem() -> None:
    facts = facts_of("from openai import OpenAI\nclient = OpenAI(base_url=\n")
    assert [problem.message.startswith("syntax error") for problem in facts.problems] == [True]


def test_check_path_does_not_import_libcst(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.py": (
        "import os\nfrom openai import OpenAI\n\n"
        "client = OpenAI(base_url='https://openrouter.ai/api/v1', api_key=os.environ['GEMINI_API_KEY'])\n")})
    script = (
        "import sys\n"
        "from routelint.config import discover_config\n"
        "from routelint.engine import run\n"
        f"result = run([{str(tmp_path)!r}], discover_config({str(tmp_path)!r}), jobs=1)\n"
        "print(sorted(d.code for d in result.diagnostics), 'libcst' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['RL101', 'RL201'] False"

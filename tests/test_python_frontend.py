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


def findings(tmp_path: Path, files: dict[str, str], code: str) -> list[tuple[str, int, str]]:
    """(file, line, message) of each `code` finding of a check of `files`."""
    from routelint.config import discover_config
    from routelint.engine import run

    write_tree(tmp_path, {"pyproject.toml": "[tool.routelint]\n", **files})
    result = run([str(tmp_path)], discover_config(str(tmp_path)), jobs=1)
    return sorted((Path(d.path).relative_to(tmp_path).as_posix(), d.span.line, d.message)
                  for d in result.diagnostics if d.code == code)


PROVIDER_SWITCH = '''
import os

from openai import OpenAI

if os.getenv("LLM_PROVIDER") == "openai":
    BASE = "https://api.openai.com/v1"
    KEY = os.environ["OPENAI_API_KEY"]
else:
    BASE = "https://generativelanguage.googleapis.com/v1beta/openai/"
    KEY = os.environ["GEMINI_API_KEY"]
client = OpenAI(base_url=BASE, api_key=KEY)


def upload(path):
    with open(path, "rb") as handle:
        return client.files.create(file=handle, purpose="assistants")


def embed(text):
    return client.embeddings.create(model="text-embedding-3-small", input=text)
'''


def test_endpoint_call_on_a_switched_client_is_judged_on_every_branch(tmp_path: Path) -> None:
    """The Gemini branch (the second) cannot serve files.create: RL401, once, on the call; embeddings
    are served by both providers; the OpenAI-only model is RL301 on the Gemini branch only."""
    found = findings(tmp_path, {"app.py": PROVIDER_SWITCH}, "RL401")
    assert [(path, line) for path, line, _ in found] == [("app.py", 17)]
    assert "Gemini" in found[0][2]
    models = findings(tmp_path, {"app.py": PROVIDER_SWITCH}, "RL301")
    assert [(path, line) for path, line, _ in models] == [("app.py", 21)]


def test_endpoint_call_on_a_switched_client_of_another_module(tmp_path: Path) -> None:
    files = {"llm.py": PROVIDER_SWITCH.split("\n\ndef upload")[0] + "\n",
             "ingest.py": "from llm import client\n\n\ndef index(handle):\n    return client.files.create(file=handle, purpose='assistants')\n"}
    assert [(path, line) for path, line, _ in findings(tmp_path, files, "RL401")] == [("ingest.py", 5)]


def test_branches_to_one_provider_report_an_endpoint_call_once(tmp_path: Path) -> None:
    source = PROVIDER_SWITCH.replace("https://api.openai.com/v1", "https://generativelanguage.googleapis.com/v1beta/openai")
    assert [(path, line) for path, line, _ in findings(tmp_path, {"app.py": source}, "RL401")] == [("app.py", 17)]


KEY_HEADER_REQUESTS = '''
import os

import httpx
import requests

KEY = "OPENROUTER_API_KEY"
URL = "https://openrouter.ai/api/v1/chat/completions"


def ask(prompt):
    body = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": prompt}]}
    return requests.post(URL, headers={"x-api-key": KEY}, json=body)


def ask_groq(prompt):
    headers = {"Content-Type": "application/json", "api-key": os.environ["OPENAI_API_KEY"]}
    return httpx.post("https://api.groq.com/openai/v1/chat/completions", headers=headers, json={"model": "llama-3.3-70b-versatile"})
'''


def test_key_headers_of_their_own_carry_the_route_key(tmp_path: Path) -> None:
    """`x-api-key: KEY` where KEY names a variable is RL203 (as `Authorization: Bearer` is); an `api-key`
    header read from another provider's variable is RL201 on the header."""
    files = {"client.py": KEY_HEADER_REQUESTS}
    assert [(path, line) for path, line, _ in findings(tmp_path, files, "RL203")] == [("client.py", 7)]
    assert [(path, line) for path, line, _ in findings(tmp_path, files, "RL201")] == [("client.py", 17)]


def test_hardcoded_base_url_names_the_pasted_literal_not_the_url_built_from_it(tmp_path: Path) -> None:
    files = {"settings.py": 'BASE = "https://api.groq.com/openai/v1"\n',
             "chat.py": ("import os\n\nimport requests\n\nfrom settings import BASE\n\n\n"
                         "def ask(body):\n"
                         "    headers = {'Authorization': f\"Bearer {os.environ['GROQ_API_KEY']}\"}\n"
                         "    return requests.post(f'{BASE}/chat/completions', headers=headers, json=body)\n")}
    ((path, line, message),) = findings(tmp_path, files, "RL101")
    assert (path, line) == ("settings.py", 1)
    assert "'https://api.groq.com/openai/v1' is hardcoded" in message and "/chat/completions" not in message


FACTORY_MODULE = '''
import os

from openai import OpenAI


def make_client(base_url="https://api.openai.com/v1", api_key=None):
    return OpenAI(base_url=base_url, api_key=api_key or os.environ["OPENAI_API_KEY"])
'''

FACTORY_CALLERS = '''
import os

from clients import make_client

groq = make_client(base_url="https://api.groq.com/openai/v1")
gemini = make_client("https://generativelanguage.googleapis.com/v1beta/openai/", os.environ["GEMINI_API_KEY"])
default = make_client(api_key=os.environ["OPENAI_API_KEY"])
unknown = make_client(base_url=os.environ["LLM_BASE_URL"], api_key=os.environ["LLM_API_KEY"])


def ask(prompt):
    reply = groq.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
    gemini.files.create(file=open("a.pdf", "rb"), purpose="assistants")
    default.files.create(file=open("a.pdf", "rb"), purpose="assistants")
    return reply
'''


def test_factory_called_from_another_module_sets_up_its_route_at_each_call(tmp_path: Path) -> None:
    """The caller's literal URL wins over the factory's default and is reported where it is written;
    the key the factory falls back to meets the Groq route at the call; the caller's own key (passed
    positionally) is judged where it is passed; endpoint calls and models go to the call's route."""
    files = {"clients.py": FACTORY_MODULE, "app.py": FACTORY_CALLERS}
    assert [(path, line) for path, line, _ in findings(tmp_path, files, "RL101")] == [("app.py", 6), ("app.py", 7)]
    ((path, line, message),) = findings(tmp_path, files, "RL201")
    assert (path, line) == ("app.py", 6) and "OPENAI_API_KEY is sent to Groq" in message
    assert [(path, line) for path, line, _ in findings(tmp_path, files, "RL301")] == [("app.py", 13)]
    assert [(path, line) for path, line, _ in findings(tmp_path, files, "RL401")] == [("app.py", 14)]


SUBCLASS_MODULE = '''
import os

from langchain_openai import ChatOpenAI


class ChatOpenRouter(ChatOpenAI):
    def __init__(self, openai_api_key=None, **kwargs):
        super().__init__(
            base_url="https://openrouter.ai/api/v1",
            api_key=openai_api_key or os.getenv("OPENROUTER_API_KEY"),
            **kwargs,
        )
'''


def test_client_subclass_instantiated_in_another_module(tmp_path: Path) -> None:
    """Keywords forwarded through **kwargs reach the sink: the bare model ID passed at the call site is
    RL301 there; a key passed for the subclass's parameter is judged where it is passed."""
    files = {"llm.py": SUBCLASS_MODULE, "agent.py": (
        "import os\n\nfrom llm import ChatOpenRouter\n\n"
        "planner = ChatOpenRouter(model='gpt-4o-mini', temperature=0)\n"
        "writer = ChatOpenRouter(model='anthropic/claude-3.5-sonnet', openai_api_key=os.environ['OPENAI_API_KEY'])\n"
        "local = ChatOpenRouter(model='openai/gpt-4o-mini', openai_api_key=os.environ['OPENROUTER_API_KEY'])\n")}
    assert [(path, line) for path, line, _ in findings(tmp_path, files, "RL301")] == [("agent.py", 5)]
    assert [(path, line) for path, line, _ in findings(tmp_path, files, "RL201")] == [("agent.py", 6)]
    assert [(path, line) for path, line, _ in findings(tmp_path, files, "RL101")] == [("llm.py", 10)]


def test_factory_call_passing_nothing_known_adds_no_route(tmp_path: Path) -> None:
    files = {"clients.py": FACTORY_MODULE,
             "app.py": "import sys\n\nfrom clients import make_client\n\nclient = make_client(sys.argv[1], sys.argv[2])\n"}
    from routelint.config import discover_config
    from routelint.engine import run

    write_tree(tmp_path, {"pyproject.toml": "[tool.routelint]\n", **files})
    result = run([str(tmp_path)], discover_config(str(tmp_path)), jobs=1)
    assert [Path(route.site.path).name for route in result.routes] == ["clients.py"]


def test_factory_whose_key_no_parameter_touches_reports_a_mismatch_once(tmp_path: Path) -> None:
    factory = ("import os\n\nfrom openai import OpenAI\n\n\n"
               "def groq_client(timeout=10):\n"
               "    return OpenAI(base_url='https://api.groq.com/openai/v1', api_key=os.environ['OPENAI_API_KEY'], timeout=timeout)\n")
    callers = "from clients import groq_client\n\nfast = groq_client(timeout=5)\nslow = groq_client(timeout=60)\n"
    found = findings(tmp_path, {"clients.py": factory, "app.py": callers}, "RL201")
    assert [(path, line) for path, line, _ in found] == [("clients.py", 7)]


def test_a_sink_call_is_never_taken_for_another_module_s_factory(tmp_path: Path) -> None:
    """`response = requests.post(...)` is a request, not a client: `response.headers.get(...)` is no endpoint call."""
    source = ("import requests\n\n\ndef start(base):\n"
              "    response = requests.post(f'{base}/sso/start', timeout=10)\n"
              "    return response.headers.get('content-type')\n")
    facts = facts_of(source)
    assert not facts.factory_calls and all(call.route_id is None for call in facts.calls)


def test_key_header_with_unknown_parts_is_no_known_key() -> None:
    source = ("import requests\n\n\ndef describe(key, url):\n"
              "    return requests.post('https://api.groq.com/openai/v1/chat/completions', headers={'x-api-key': f'token {key}'})\n")
    (site,) = facts_of(source).routes
    assert site.api_key.text is None and site.api_key_span is None

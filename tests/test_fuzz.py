"""The hostile-input suite: property-based fuzzing of every frontend and every output format (issue 12).

Inputs are seed files of every kind (routes, keys, suppressions, env interpolation, YAML anchors, ...)
mutated by hypothesis with hostile fragments: unclosed brackets, `from a import (`, `${A}${A}`, deep
nesting, huge numbers, control and bidi characters, form feeds, NULs, invalid UTF-8, BOMs and CRLF.

Properties:
- every frontend returns facts (or skips the file) for every input: no exception, bounded time;
- `check` in every format, `routes` and `audit`: exit code 0 or 1 as documented, no traceback or
  internal error, no key text (of a key still intact in the input) in any output, bounded time;
- `--fix --unsafe-fixes`: every rewritten file parses again, a second pass changes nothing, mode, BOM
  and line endings are kept, and nothing is written outside the given folder or through a symlink.

Profiles (seeded, `derandomize`: the same inputs on every machine): `quick` runs in the default test
run; `ROUTELINT_FUZZ=long` (see `benchmarks/fuzz.py`) runs thousands of inputs.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import GEMINI_KEY, OPENROUTER_KEY, run_cli
from routelint.catalog import load_catalog
from routelint.discover import SourceFile
from routelint.prefilter import build_prefilter
from routelint.scan import ScanContext, analyze_file
from routelint.sdks import shipped_sdks

pytestmark = pytest.mark.slow  # fuzzing: hundreds of generated inputs per test

GROQ_KEY = "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"
KEYS = (OPENROUTER_KEY, GEMINI_KEY, GROQ_KEY)

_COMMON = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck),
               phases=(Phase.explicit, Phase.generate))  # no shrinking: a failure is shown as generated
settings.register_profile("quick", max_examples=25, **_COMMON)
settings.register_profile("long", max_examples=int(os.environ.get("ROUTELINT_FUZZ_EXAMPLES", "400")), **_COMMON)
PROFILE = os.environ.get("ROUTELINT_FUZZ", "quick")
PER_INPUT_SECONDS = 60  # a stall, not a benchmark: the slowest seed takes well under a second

SEEDS = {
    "app.py": (
        "import os\nfrom openai import OpenAI\nfrom .settings import (BASE,  # the router\n    MODEL)\n\n"
        f'client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="{OPENROUTER_KEY}")  # noqa: E501\n'
        'other = OpenAI(base_url=os.getenv("GEMINI_BASE_URL", "https://generativelanguage.googleapis.com/v1beta/"))\n'
        'client.chat.completions.create(model="gemini-2.0-flash", messages=[])  # routelint: ignore[RL301]\n'
        "client.files.create(file=open('x', 'rb'), purpose='batch')\n"
    ),
    "settings.py": 'BASE = "https://api.groq.com/openai/v1"\nMODEL = f"{BASE}/llama-3"\n',
    ".env": (f"GEMINI_API_KEY={GEMINI_KEY}\nGEMINI_BASE_URL=https://generativelanguage.googleapis.com/v1beta/openai/\n"
             "A=${GEMINI_BASE_URL}${GEMINI_BASE_URL}\nexport MODEL='gemini-2.0-flash'  # routelint: ignore\n"),
    ".env.example": "# copy to .env\nOPENAI_API_KEY=\n",
    "config/llm.yaml": (f"base: &b\n  base_url: https://openrouter.ai/api/v1\n  api_key: {GROQ_KEY}\n"
                        "llm:\n  <<: *b\n  model: openai/gpt-4o-mini  # routelint: ignore[RL3]\n---\nlist: [1, 2, {a: b}]\n"),
    "pyproject.toml": ('[tool.other]\nbase_url = "https://api.deepseek.com"\nmodel = "deepseek-chat"\n'
                       'numbers = [1, 2.5, 1979-05-27]\n'),
    "config.json": '{"base_url": "https://api.groq.com/openai/v1", "model": "llama-3.3-70b", "n": [1, {"a": null}]}\n',
    "run.sh": f"export OPENROUTER_API_KEY={OPENROUTER_KEY}  # routelint: ignore[RL202]\n",
}

FRAGMENTS = [
    "(", ")", "[", "]", "{", "}", "'", '"', '"""', "\\", "#", "# routelint: ignore[", "# routelint: ignore [RL2]",
    "# noqa: RL", "from a import (\n", "import ", "${A}${A}", "${", ":-", "*b", "&b ", "<<: ", "---\n", "\n",
    "\r\n", "\r", "\t", "\x0c", "\x7f", "\x1b[2J", "\x1b]0;t\x07", "\u202e", "\u2028", "\0", "\ufeff", "é",
    "=HYPERLINK(\"x\")", "+1", "@SUM(A1)", "9" * 5000, "[" * 300, "(" * 300, "{" * 300, "a" * 2000,
    "https://", "https://generativelanguage.googleapis.com/v1beta", "sk-or-v1-", "AIza", "os.environ[",
    'OpenAI(base_url="', "model=", "lambda: ", "async def f():\n    await ", "match x:\n    case 1: pass\n",
]

mutation = st.tuples(st.floats(min_value=0, max_value=1, allow_nan=False), st.sampled_from(("insert", "delete", "repeat")),
                     st.sampled_from(FRAGMENTS), st.integers(min_value=1, max_value=64))


def mutate(text: str, mutations) -> str:
    for where, operation, fragment, count in mutations:
        at = int(where * len(text))
        if operation == "insert":
            text = text[:at] + fragment + text[at:]
        elif operation == "delete":
            text = text[:at] + text[at + count:]
        else:  # repeat a stretch of the text itself (bombs grow from the input's own structure)
            piece = text[at:at + count]
            text = text[:at] + piece * min(count, 64) + text[at:]
    return text


encoding = st.sampled_from(("utf-8", "utf-8-bom", "crlf", "latin-1"))


def encode(text: str, how: str) -> bytes:
    if how == "utf-8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if how == "crlf":
        return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "surrogatepass")
    if how == "latin-1":
        return text.encode("latin-1", "replace")
    return text.encode("utf-8", "surrogatepass")


tree_strategy = st.fixed_dictionaries({
    name: st.tuples(st.lists(mutation, max_size=6), encoding) for name in SEEDS
})


def build(root: Path, spec) -> dict[str, bytes]:
    written = {}
    for name, (mutations, how) in spec.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = encode(mutate(SEEDS[name], mutations), how)
        path.write_bytes(data)
        written[name] = data
    return written


def intact_keys(files: dict[str, bytes]) -> set[str]:
    """Keys still written whole, between non-word characters, in some input (the ones that must never
    reach an output)."""
    found = set()
    for data in files.values():
        text = data.decode("utf-8", "replace")
        for key in KEYS:
            if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text):
                found.add(key)
    return found


class Clock:
    """CPU seconds of this process (the CLI runs in it): a stall, whatever the machine's load."""

    def __enter__(self):
        self.started = time.process_time()
        return self

    def __exit__(self, *exc):
        assert exc[0] is not None or time.process_time() - self.started < PER_INPUT_SECONDS


def _documented_exit(code: int, text: str) -> int:
    """0 or 1, or 2 with one `routelint: error:` line naming the broken pyproject.toml (a mutated
    configuration is a configuration error); never a traceback or an internal error."""
    assert "Traceback" not in text and "internal error" not in text, text[-2000:]
    if code == 2:
        errors = [line for line in text.splitlines() if line.startswith("routelint: error: ")]
        assert len(errors) == 1 and re.match(r"routelint: error: (.*/)?pyproject\.toml: ", errors[0]), text[-2000:]
    else:
        assert code in (0, 1), text[-2000:]
    return code


_CTX = []


def _context() -> ScanContext:
    if not _CTX:
        catalog, sdks = load_catalog(), shipped_sdks()
        _CTX.append(ScanContext(catalog, sdks, build_prefilter(catalog, sdks)))
    return _CTX[0]


KINDS = {"app.py": "python", "settings.py": "python", ".env": "dotenv", ".env.example": "dotenv",
         "config/llm.yaml": "yaml", "pyproject.toml": "toml", "config.json": "json", "run.sh": "text"}


@settings.get_profile(PROFILE)
@given(name=st.sampled_from(sorted(KINDS)), mutations=st.lists(mutation, max_size=12), how=encoding,
       force=st.booleans())
def test_every_frontend_survives_hostile_input(name, mutations, how, force):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(encode(mutate(SEEDS[name], mutations), how))
        with Clock():
            facts = analyze_file(SourceFile(str(path), KINDS[name]), _context(), force)
        assert facts is None or facts.path == str(path)


OUTPUTS = [("check", "--format", "concise"), ("check", "--format", "full"), ("check", "--format", "json"),
           ("check", "--format", "sarif"), ("check", "--format", "github"), ("check", "--statistics"),
           ("routes", "--format", "csv"), ("routes", "--format", "markdown"), ("routes", "--format", "json"),
           ("routes", "--format", "table", "--no-color"), ("audit",)]


@settings.get_profile(PROFILE)
@given(spec=tree_strategy, output=st.sampled_from(OUTPUTS))
def test_every_output_survives_hostile_trees(spec, output):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "tree"
        root.mkdir()
        files = build(root, spec)
        command, *options = output
        extra = ["--no-cache"] if command == "check" else []
        with Clock():
            result = run_cli(command, *options, *extra, ".", cwd=root)
        text = result.output
        _documented_exit(result.exit_code, text)
        for key in intact_keys(files):
            assert key[6:-6] not in text, (command, options)


@settings.get_profile(PROFILE)
@given(spec=tree_strategy, mode=st.sampled_from((0o644, 0o600, 0o664)))
def test_fix_is_safe_on_hostile_trees(spec, mode):
    from routelint.fixer import parses

    with tempfile.TemporaryDirectory() as folder:
        root, outside = Path(folder) / "tree", Path(folder) / "outside"
        root.mkdir()
        outside.mkdir()
        (outside / "victim.py").write_text(SEEDS["app.py"], encoding="utf-8")
        os.symlink(outside / "victim.py", root / "linked.py")
        os.symlink(outside, root / "linked-dir")
        files = build(root, spec)
        for name in files:
            os.chmod(root / name, mode)
        with Clock():
            result = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=root)
        if _documented_exit(result.exit_code, result.output) == 2:
            return  # a broken pyproject.toml: nothing is fixed
        after = {}
        for name, before in files.items():
            path = root / name
            data = path.read_bytes()
            after[name] = data
            assert stat.S_IMODE(os.stat(path).st_mode) == mode
            if data == before:
                continue
            assert data.startswith(b"\xef\xbb\xbf") == before.startswith(b"\xef\xbb\xbf"), name
            if b"\r\n" in before and before.count(b"\n") == before.count(b"\r\n"):
                assert data.count(b"\n") == data.count(b"\r\n"), name  # CRLF stays CRLF
            text = data.decode("utf-8-sig")
            previous = before.decode("utf-8-sig")
            assert parses(str(path), text, previous) is None or parses(str(path), previous, previous) is not None, name
        assert (outside / "victim.py").read_text(encoding="utf-8") == SEEDS["app.py"]
        assert sorted(item.name for item in outside.iterdir()) == ["victim.py"]
        assert os.path.islink(root / "linked.py") and os.path.islink(root / "linked-dir")
        assert not [item for item in root.rglob("*") if "routelint-tmp" in item.name]
        run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", ".", cwd=root)
        assert {name: (root / name).read_bytes() for name in files} == after  # a second pass is a no-op


"""Regression tests for the hostile-input reproductions (issue 12): bounded work, no internal error from
data or configuration, safe reads and writes, a cache that cannot hide a finding.

Where a reproduction was a stall, the test asserts a bound with a wide margin (ten times what the fixed
code needs on a busy machine, a fraction of what the old code took); where it was a bomb, it asserts
the size of what was built.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import GEMINI_KEY, OPENROUTER_KEY, REPO, run_cli, run_json
from routelint.catalog import load_catalog
from routelint.frontends.dotenv import MAX_VALUE, analyze_dotenv
from routelint.modules import imports_in
from routelint.sdks import shipped_sdks

ROUTE = 'from openai import OpenAI\nc = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/")\n'
KEYED = f'from openai import OpenAI\nc = OpenAI(base_url="https://openrouter.ai/api/v1", api_key="{OPENROUTER_KEY}")\n'


class Within:
    """`with Within(5): ...` fails when the body uses more than `seconds` of this process's CPU time: a
    stall or a quadratic pass, not a benchmark. CPU time, not wall time, so a loaded machine (where a
    linear run took 112 s of wall time for 60 s of bound) does not fail a correct build; the bodies run
    in this process (the CLI through click's runner, at most one file, or `--jobs 1`)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __enter__(self) -> "Within":
        self.started = time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        elapsed = time.process_time() - self.started
        assert exc[0] is not None or elapsed < self.seconds, f"took {elapsed:.1f} CPU s (bound {self.seconds} s)"


def _codes(document) -> list[tuple[str, str]]:
    return sorted((d["path"].rsplit("/", 1)[-1], d["code"]) for d in document["diagnostics"])


def _cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real console entry point in a child process (for inputs that used to hang)."""
    return subprocess.run([sys.executable, "-m", "routelint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def _one_line_error(completed, fragment: str) -> None:
    """Exit 2 and, as the last line on stderr, `routelint: error: ...` holding `fragment`."""
    if isinstance(completed, subprocess.CompletedProcess):
        code, err = completed.returncode, completed.stderr
    else:  # click's CliRunner result: stderr is part of its output
        code, err = completed.exit_code, completed.output
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert lines and lines[-1].startswith("routelint: error: "), err
    assert "internal error" not in err and "Traceback" not in err
    assert fragment in lines[-1], lines[-1]


# --------------------------------------------------------------------------- bounded work


def test_import_scan_is_linear_on_unclosed_parentheses():
    text = "from a import (\n" * 20_000  # 320 KB: 58 s when every '(' rescanned to the end of the file
    with Within(5):
        assert imports_in("m.py", text) == ()
    with Within(5):
        imports_in("m.py", "x = 1; " + "import " * 100_000)  # one long line full of the word
    with Within(5):
        imports_in("m.py", "from a import (\n" + "    name,  # (comment)\n" * 50_000)


def test_import_scan_reads_grouped_imports_with_comments():
    text = ("import os, sys\nfrom . import a as b\nfrom ..pkg.mod import (x,  # a comment (with parens)\n"
            "   y as z,\n   w)\nfrom m import n  # import\nx = 'import foo'\nfrom q import (r)\n")
    assert imports_in("pkg/sub/f.py", text) == (
        ("mod:os", ""), ("mod:sys", ""), ("path:pkg/sub", "a"), ("path:pkg/pkg/mod", "x"), ("path:pkg/pkg/mod", "y"),
        ("path:pkg/pkg/mod", "w"), ("mod:m", "n"), ("mod:q", "r"))


def _env(text: str):
    return analyze_dotenv(".env", text, load_catalog(), shipped_sdks())


def test_env_doubling_bomb_stays_within_its_budget(tree):
    lines = ["A0=xxxxxxxxxxxxxxxx"] + [f"A{i}=${{A{i - 1}}}${{A{i - 1}}}" for i in range(1, 27)]  # 3.8 GB unbudgeted
    facts = _env("\n".join(lines) + "\n")
    assert max(len(definition.value.text or "") for definition in facts.env) <= MAX_VALUE
    assert any("interpolation past its size budget" in problem.message for problem in facts.problems)
    root = tree({".env": "\n".join(lines) + "\n", "app.py": ROUTE})
    _, document = run_json("--no-cache", str(root))
    assert (".env", "RL001") in _codes(document) and ("app.py", "RL102") in _codes(document)


@pytest.mark.slow  # runs an expansion to its budget
def test_env_chain_bomb_stays_within_its_budget():
    lines = ["V0=x"] + [f"V{i}=${{V{i - 1}}}x" for i in range(1, 20_000)]  # 200 M characters unbudgeted
    text = "\n".join(lines) + "\n"
    facts = _env(text)
    sizes = [len(definition.value.text or "") for definition in facts.env]
    assert max(sizes) <= MAX_VALUE and sum(sizes) <= max(1024 * 1024, 4 * len(text)) + len(text)
    assert any("interpolation past its size budget" in problem.message for problem in facts.problems)


def test_small_env_interpolation_still_resolves():
    facts = _env("HOST=https://api.openai.com\nBASE=${HOST}/v1\n")
    assert {d.name: d.value.text for d in facts.env}["BASE"] == "https://api.openai.com/v1" and not facts.problems


@pytest.mark.slow  # a large generated config tree
def test_config_fix_lookup_is_indexed(tree):
    """RL202 fixes in config files used to scan every route of the run for every key (4,000 YAML
    documents: 9.8 s; 10,000: over a minute)."""
    import random

    rng = random.Random(7)
    docs = [f"llm:\n  base_url: https://openrouter.ai/api/v1\n  api_key: sk-or-v1-"
            f"{''.join(rng.choice('0123456789abcdef') for _ in range(64))}\n  model: openai/gpt-4o-mini\n"
            for _ in range(4000)]
    root = tree({"config/llm.yaml": "---\n".join(docs)})
    with Within(60):
        _, document = run_json("--no-cache", "--select", "RL202", str(root))
    assert sum(1 for d in document["diagnostics"] if d["code"] == "RL202") == 4000


def test_per_file_budget_stops_a_file_and_the_run_goes_on(tree, monkeypatch):
    """A frontend that never finishes on one file (a stand-in for a parser's worst case) is stopped at
    the file's time budget; the file gets RL001 naming the cause, the other files are checked."""
    from routelint import budget, filekinds

    monkeypatch.setattr(budget, "BASE_SECONDS", 0.5)
    real = filekinds.frontend

    def frontend(kind):
        analyse = real(kind)

        def stalling(path, *args, **kwargs):
            while path.endswith("stall.py"):
                pass
            return analyse(path, *args, **kwargs)

        return stalling if analyse is not None else None

    monkeypatch.setattr(filekinds, "frontend", frontend)
    root = tree({"app.py": ROUTE, "stall.py": ROUTE})
    with Within(30):
        code, document = run_json("--no-cache", "--jobs", "1", str(root))
    found = {(d["path"].rsplit("/", 1)[-1], d["code"]): d["message"] for d in document["diagnostics"]}
    assert code == 1 and ("app.py", "RL102") in found
    assert "time budget" in found[("stall.py", "RL001")]


def test_raw_text_key_scan_of_a_large_file_runs_under_its_budget(tree, monkeypatch):
    """The raw-text passes are linear, but a large file runs them under its budget too: a key scan that
    never finishes on one file (a stand-in for a pathological regex) ends in RL001, the run goes on."""
    from routelint import budget, scan

    monkeypatch.setattr(budget, "BASE_SECONDS", 0.5)
    monkeypatch.setattr(budget, "SECONDS_PER_MB", 0.0)
    monkeypatch.setattr(scan, "RAW_BUDGET_FROM", 1)
    real = scan.find_secrets

    def stalling(path, *args, **kwargs):
        while path.endswith("stall.json"):
            pass
        return real(path, *args, **kwargs)

    monkeypatch.setattr(scan, "find_secrets", stalling)
    root = tree({"app.py": ROUTE, "stall.json": '{"base_url": "https://openrouter.ai/api/v1"}\n'})
    with Within(30):
        code, document = run_json("--no-cache", "--jobs", "1", str(root))
    found = {(d["path"].rsplit("/", 1)[-1], d["code"]): d["message"] for d in document["diagnostics"]}
    assert code == 1 and ("app.py", "RL102") in found
    assert "time budget" in found[("stall.json", "RL001")]


# --------------------------------------------------------------------------- no internal error from data


@pytest.mark.parametrize("name, content, fragment", [
    ("tool-int", b"tool = 1\n", "tool: must be a table"),
    ("routelint-int", b"[tool]\nroutelint = 5\n", "tool.routelint: must be a table"),
    ("bad-utf8", b"[tool.routelint]\nselect = ['\xff']\n", "not valid UTF-8"),
    ("nested", b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
    ("huge-int", b"a = " + b"9" * 5000 + b"\n", "invalid TOML"),
    ("models-file-int", b"[tool.routelint.catalog.openai]\nmodels-file = 5\n", "models-file: must be a path"),
    ("provider-string", b"[tool.routelint]\nproviders = ['x']\n", "providers #1: must be a table"),
])
def test_bad_configuration_shapes_are_one_line_errors(tree, name, content, fragment):
    root = tree({"app.py": ROUTE, "pyproject.toml": content})
    result = run_cli("check", "--no-cache", ".", cwd=root)
    _one_line_error(result, fragment)
    assert "pyproject.toml: " in result.output


def test_config_on_a_binary_file_or_fifo_is_a_one_line_error(tree):
    root = tree({"app.py": ROUTE, "blob.toml": bytes(range(256)) * 4})
    _one_line_error(run_cli("check", "--config", "blob.toml", ".", cwd=root), "blob.toml: not valid UTF-8")
    os.mkfifo(root / "fifo.toml")
    _one_line_error(_cli("check", "--config", "fifo.toml", ".", cwd=root, timeout=60), "is a FIFO")


def test_models_file_that_is_a_fifo_or_dev_zero_is_refused(tree):
    os.makedirs(tree({"app.py": ROUTE}) / "x", exist_ok=True)
    root = tree({"pyproject.toml": "[tool.routelint.catalog.openai]\nmodels-file = \"models.json\"\n"})
    os.mkfifo(root / "models.json")
    _one_line_error(_cli("check", ".", cwd=root, timeout=60), "is a FIFO")
    if os.path.exists("/dev/zero"):
        (root / "models.json").unlink()
        os.symlink("/dev/zero", root / "models.json")
        _one_line_error(_cli("check", ".", cwd=root, timeout=60), "is a device")


def test_data_file_shapes_are_rl001_and_the_run_goes_on(tree):
    root = tree({
        "data.json": '{"base_url": "https://api.openai.com/v1", "n": ' + "9" * 5000 + "}\n",
        "c.toml": 'base_url = "https://api.openai.com/v1"\nn = ' + "9" * 5000 + "\n",
        "odd.yaml": "base_url: https://api.openai.com/v1\x0c\nc: 1\n",
        "app.py": ROUTE,
    })
    code, document = run_json("--no-cache", str(root))
    found = _codes(document)
    assert code == 1 and ("app.py", "RL102") in found
    assert ("c.toml", "RL001") in found and ("odd.yaml", "RL001") in found
    assert ("data.json", "RL001") not in found  # a long number is still JSON: the file is analysed


def test_non_utf8_file_name_holding_a_key(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    name = b"caf\xe9.py"
    with open(os.path.join(os.fsencode(root), name), "wb") as handle:
        handle.write(KEYED.encode())
    (root / "app.py").write_text(ROUTE, encoding="utf-8")
    completed = _cli("check", "--no-cache", "--format", "json", ".", cwd=root)
    assert completed.returncode == 1, completed.stderr
    assert "internal error" not in completed.stderr
    document = json.loads(completed.stdout)
    assert any(d["code"] == "RL202" for d in document["diagnostics"]) and OPENROUTER_KEY not in completed.stdout


def test_bad_baseline_and_cache_state_shapes(tree):
    root = tree({"app.py": ROUTE, "deep.json": "[" * 100_000 + "]" * 100_000,
                 "typed.json": '{"version": 1, "entries": [{"path": "a", "code": "RL1", "identity": "x", "count": "2"}]}'})
    _one_line_error(run_cli("check", "--baseline", "deep.json", ".", cwd=root), "deep.json: not a routelint baseline")
    _one_line_error(run_cli("check", "--baseline", "typed.json", ".", cwd=root), "count must be a positive integer")
    os.mkfifo(root / "fifo.json")
    _one_line_error(_cli("check", "--baseline", "fifo.json", ".", cwd=root, timeout=60), "is a FIFO")
    cache = root / "cache"
    code, first = run_json("--cache-dir", str(cache), str(root))
    for stored in cache.glob("facts-*.json"):
        stored.write_text('{"format":2,"mac":"' + "0" * 64 + '","files":' + "[" * 100_000 + "]" * 100_000 + "}")
    again, second = run_json("--cache-dir", str(cache), str(root))
    assert (code, first["diagnostics"]) == (again, second["diagnostics"])


def test_output_path_problems_are_one_line_errors(tree):
    root = tree({"app.py": ROUTE})
    _one_line_error(run_cli("check", "-o", "missing/dir/out.txt", ".", cwd=root), "does not exist")
    _one_line_error(run_cli("check", "--write-baseline", "app.py/base.json", ".", cwd=root), "app.py/base.json")
    _one_line_error(run_cli("routes", "-o", "missing/out.csv", ".", cwd=root), "does not exist")
    _one_line_error(run_cli("audit", "--html", "missing/out.html", ".", cwd=root), "does not exist")
    if os.path.exists("/dev/full"):
        _one_line_error(run_cli("check", "-o", "/dev/full", ".", cwd=root), "/dev/full")


def test_jobs_past_the_process_limit_is_capped(tree):
    files = {f"m{index}.py": ROUTE for index in range(40)}
    root = tree(files)
    completed = _cli("check", "--no-cache", "--format", "json", "-j", "400", ".", cwd=root, timeout=300)
    assert completed.returncode == 1 and "internal error" not in completed.stderr
    _, alone = run_json("--no-cache", "-j", "1", ".", cwd=root)
    assert json.loads(completed.stdout)["diagnostics"] == alone["diagnostics"] and len(alone["diagnostics"]) >= 40


def test_a_pool_that_cannot_start_degrades_to_fewer_workers(tree, monkeypatch):
    from routelint import engine
    from routelint.stages import analysis

    started = []

    def failing(*args, **kwargs):
        started.append(kwargs.get("max_workers"))
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(analysis, "ProcessPoolExecutor", failing)
    monkeypatch.setattr(engine, "worker_count", lambda requested: 8)
    monkeypatch.setattr(analysis, "POOL_BYTES", 1)  # a pool from the first candidate on
    root = tree({f"m{index}.py": ROUTE for index in range(30)})
    code, document = run_json("--no-cache", "-j", "8", ".", cwd=root)
    _, alone = run_json("--no-cache", "-j", "1", ".", cwd=root)
    assert code == 1 and started[0] == 8 and started == sorted(started, reverse=True)
    assert document["diagnostics"] == alone["diagnostics"] and len(alone["diagnostics"]) >= 30


# --------------------------------------------------------------------------- safe reads and writes


def test_write_baseline_never_replaces_a_fifo_or_device(tree):
    root = tree({"app.py": ROUTE})
    os.mkfifo(root / "fifo")
    _one_line_error(_cli("check", "--write-baseline", "fifo", ".", cwd=root, timeout=60), "is a FIFO: not replaced")
    assert stat.S_ISFIFO(os.lstat(root / "fifo").st_mode)
    assert [path.name for path in root.iterdir() if "routelint-tmp" in path.name] == []


def test_report_to_a_character_device_is_streamed_not_replaced(tree):
    root = tree({"app.py": ROUTE})
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null")
    before = os.stat("/dev/null")
    result = run_cli("check", "-o", "/dev/null", ".", cwd=root)
    assert result.exit_code == 1 and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert os.stat("/dev/null").st_ino == before.st_ino


def test_atomic_writer_cleans_its_temp_file_on_failure(tmp_path, monkeypatch):
    from routelint import textio

    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(textio.os, "replace", broken)
    with pytest.raises(OSError):
        textio.write_atomic(str(target), b"new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["out.json"]


def test_atomic_writer_refuses_a_symlink_leaving_its_folder(tmp_path):
    from routelint.textio import UnsafePath, write_atomic

    inside, outside = tmp_path / "tree", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    os.symlink(outside / "victim", inside / "link")
    with pytest.raises(UnsafePath):
        write_atomic(str(inside / "link"), b"x", within=str(inside))
    assert not (outside / "victim").exists() and os.path.islink(inside / "link")


# --------------------------------------------------------------------------- the cache


def _secret_tree(tree):
    return tree({"app.py": KEYED, "util.py": "def f():\n    return 1\n"})


def test_a_committed_cache_symlink_writes_nothing_outside_the_tree(tree, tmp_path):
    root = _secret_tree(tree)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "facts-keep.json").write_text("{}", encoding="utf-8")
    os.symlink(outside, root / ".routelint_cache")
    run_json(".", cwd=root)  # default cache: outside the tree, in the per-user cache directory
    run_json("--cache-dir", ".routelint_cache", ".", cwd=root)  # named explicitly: a symlink is not used
    assert sorted(path.name for path in outside.iterdir()) == ["facts-keep.json"]


def test_a_shipped_cache_cannot_hide_a_committed_key(tree, tmp_path):
    root = _secret_tree(tree)
    cache = root / ".routelint_cache"
    code, clean = run_json("--cache-dir", str(cache), str(root))
    assert code == 1 and any(d["code"] == "RL202" for d in clean["diagnostics"])
    # the attacker's cache: every entry says "nothing here", under their own machine's key
    from routelint import cache as cache_module
    from routelint.cache import FactsCache
    from routelint.facts import FileFacts

    stored = next(cache.glob("facts-*.json"))
    salt_file = stored.name
    forged = FactsCache(cache, "x", key=b"k" * 32)
    forged.path = cache / salt_file
    from routelint.cache import file_digest

    data = (root / "app.py").read_bytes()
    for forced in (False, True):
        forged.entries[str(root / "app.py")] = [file_digest(data), forced, FileFacts(path=str(root / "app.py"), kind="python")]
    forged.dirty = True
    forged.salt = salt_file[len("facts-"):-len(".json")]
    forged.save()
    old_format = {"format": 1, "files": {str(root / "app.py"): [file_digest(data), True, None]}}
    for document in (stored.read_text(encoding="utf-8"), json.dumps(old_format)):
        stored.write_text(document, encoding="utf-8")
        code, again = run_json("--cache-dir", str(cache), str(root))
        assert code == 1 and again["diagnostics"] == clean["diagnostics"]
    assert cache_module.FORMAT == 2


def test_the_cache_never_holds_key_text(tree, tmp_path):
    root = tree({"app.py": KEYED, ".env": f"GEMINI_API_KEY={GEMINI_KEY}\n", "plain.py": ROUTE})
    cache = tmp_path / "cache"
    run_json("--cache-dir", str(cache), str(root))
    run_json("--cache-dir", str(cache), str(root))
    stored = "".join(path.read_text(encoding="utf-8") for path in cache.iterdir() if path.is_file())
    assert stored and "plain.py" in stored
    for key in (OPENROUTER_KEY, GEMINI_KEY):
        assert key[8:-8] not in stored


def test_default_cache_lives_outside_the_checked_tree(tree):
    root = _secret_tree(tree)
    run_json(".", cwd=root)
    assert sorted(path.name for path in root.iterdir()) == ["app.py", "util.py"]
    cache_root = Path(os.environ["XDG_CACHE_HOME"]) / "routelint"
    key = cache_root / "hmac.key"
    assert key.is_file() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert any((cache_root / "projects").iterdir())


# --------------------------------------------------------------------------- config output


def test_routelint_config_redacts_values(tree):
    key = "sk-proj-" + "Ab3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gH3jK5"
    root = tree({"pyproject.toml": f'[tool.routelint]\nfix-env = {{ openai = {{ base-url = "OPENAI_BASE_URL", key = "{key}" }} }}\n'})
    for fmt in ("text", "json"):
        result = run_cli("config", "--format", fmt, ".", cwd=root)
        assert result.exit_code == 0 and "fix-env" in result.output and key[6:-6] not in result.output


def test_readme_states_the_budgets():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Limits and budgets"):]
    for fact in ("5 MB", "64 KiB", "time budget", "memory budget", "--jobs"):
        assert fact in section


# --------------------------------------------------------------------------- output neutralisation

HOSTILE_ROUTE = ('from openai import OpenAI\n'
                 'c = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/\\x1b]0;pwned\\x07\\x1b[2J")\n'
                 'c.chat.completions.create(model="=HYPERLINK(\\"http://evil.example\\")", messages=[])\n')


def test_terminal_outputs_escape_control_characters(tree):
    root = tree({"app.py": HOSTILE_ROUTE.replace("\\x1b", "\x1b").replace("\\x07", "\x07")})
    for fmt in ("full", "concise", "github"):
        result = run_cli("check", "--no-cache", "--format", fmt, ".", cwd=root)
        assert result.exit_code == 1 and "RL1" in result.output
        assert "\x1b" not in result.output and "\x07" not in result.output, fmt
    assert "\\x1b" in run_cli("check", "--no-cache", "--format", "concise", ".", cwd=root).output


def test_routes_csv_cells_are_never_formulas_and_markdown_is_escaped(tree):
    root = tree({"app.py": HOSTILE_ROUTE})
    csv_text = run_cli("routes", "--format", "csv", ".", cwd=root).output
    import csv as csv_module
    import io

    cells = [cell for row in csv_module.reader(io.StringIO(csv_text)) for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    markdown = run_cli("routes", "--format", "markdown", ".", cwd=root).output
    assert "HYPERLINK" in markdown and "\\|" not in markdown.split("HYPERLINK")[0][-3:]
    table_rows = [line for line in markdown.splitlines() if line.startswith("| ") and "HYPERLINK" in line]
    assert table_rows and all(line.count(" | ") == table_rows[0].count(" | ") for line in table_rows)


def test_non_utf8_file_name_in_every_format(tmp_path):
    root = tmp_path / "tree"
    root.mkdir()
    with open(os.path.join(os.fsencode(root), b"caf\xe9.py"), "wb") as handle:
        handle.write(ROUTE.encode())
    for fmt in ("concise", "full", "json", "sarif", "github"):
        completed = subprocess.run([sys.executable, "-m", "routelint", "check", "--no-cache", "--format", fmt, "."],
                                   cwd=root, capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        assert completed.returncode == 1, (fmt, completed.stderr)
        text = completed.stdout.decode("utf-8")  # valid UTF-8: the undecodable byte is shown escaped
        shown = "caf%E9.py" if fmt == "sarif" else "caf\\xe9.py"  # SARIF: a URI, the byte percent-encoded
        assert shown in text.replace("\\\\", "\\"), fmt


# --------------------------------------------------------------------------- --fix


def test_fix_leaves_read_only_files_alone_and_says_so(tree):
    root = tree({"app.py": 'from openai import OpenAI\nc = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta")\n'})
    os.chmod(root / "app.py", 0o444)
    before = (root / "app.py").read_bytes()
    result = run_cli("check", "--no-cache", "--fix", ".", cwd=root)
    assert (root / "app.py").read_bytes() == before and stat.S_IMODE(os.stat(root / "app.py").st_mode) == 0o444
    assert "app.py: not fixed: the file is read-only (mode 0444)" in result.output


# --------------------------------------------------------------------------- strict suppressions

PASTED = 'from openai import OpenAI\nc = OpenAI(base_url="https://generativelanguage.googleapis.com/v1beta/")'


@pytest.mark.parametrize("comment", ["# routelint: ignore [RL102]", "# routelint: ignore[RL102", "# routelint: ignore-RL102",
                                     "# routelint: ignore(RL102)", "# routelint: ignore[]", "# routelint: ignored"])
def test_a_malformed_suppression_suppresses_nothing_and_is_rl002(tree, comment):
    root = tree({"app.py": f"{PASTED}  {comment}\n"})
    _, document = run_json("--no-cache", "--select", "RL1,RL002", ".", cwd=root)
    codes = {(d["code"], d["line"]) for d in document["diagnostics"]}
    assert ("RL102", 2) in codes and ("RL002", 2) in codes
    message = next(d["message"] for d in document["diagnostics"] if d["code"] == "RL002")
    assert message.startswith("malformed suppression")


@pytest.mark.parametrize("comment", ["# routelint: ignore[RL102]", "# noqa: E501 # routelint: ignore[RL102] reason",
                                     "# routelint: ignore", "# type: ignore # noqa: RL102"])
def test_well_formed_suppressions_at_the_start_of_a_comment(tree, comment):
    root = tree({"app.py": f"{PASTED}  {comment}\n"})
    _, document = run_json("--no-cache", "--select", "RL102,RL002", ".", cwd=root)
    assert document["diagnostics"] == []


def test_a_directive_inside_prose_is_not_a_suppression(tree):
    root = tree({"app.py": f"{PASTED}  # to silence this, write routelint: ignore[RL102]\n"})
    _, document = run_json("--no-cache", "--select", "RL102,RL002", ".", cwd=root)
    assert [d["code"] for d in document["diagnostics"]] == ["RL102"]


def test_escaped_key_scan_is_linear_on_one_long_line():
    """A minified tokenizer JSON (litellm ships a 4.3 MB one on a single line, with thousands of escaped
    strings) made each escaped literal's search window the whole line: tens of CPU minutes. The key
    written with an escape at the end of such a line is still found."""
    from routelint.keyscan import find_secrets

    escaped_key = "\\u0073" + OPENROUTER_KEY[1:]  # `\u0073` decodes to the key's first letter
    tokens = ",".join(f'"tok\\u00e9n{i}"' for i in range(40_000))  # 0.7 MB, 40,000 escaped literals
    text = '{"vocab":[' + tokens + '],"openrouter_api_key":"' + escaped_key + '"}\n'
    with Within(10):
        found = find_secrets("tokenizer.json", "json", text, load_catalog())
    assert [(item.span.line, item.text) for item in found] == [(1, OPENROUTER_KEY)]


def test_context_of_prefixless_key_shapes_is_bounded_on_one_long_line():
    """Mistral keys have no prefix: a 32-character run counts only near a word that names Mistral. On a
    minified line of 20,000 such runs with the word at its end, each run's context was the whole line
    (12 CPU-s for 740 KB, quadratic) and every run was reported. The context is now the nearby text:
    linear, and only the runs beside the word are candidates."""
    import random
    import string

    from routelint.catalog.keys import CONTEXT_CHARS, find_keys

    rng = random.Random(7)
    runs = ["".join(rng.choice(string.ascii_letters) for _ in range(30)) + f"{i % 90 + 10}" for i in range(20_000)]
    text = "var a={" + ",".join(f'"{run}":1' for run in runs) + "};var mistral=1;"
    with Within(5):
        found = find_keys(load_catalog(), text)
    assert found and all(len(text) - match.end <= CONTEXT_CHARS + len("};var mistral=1;") for match in found)
    assert [match.provider for match in found] == ["mistral"] * len(found)


@pytest.mark.parametrize("kind, name", [("python", "s.py"), ("dotenv", ".env"), ("yaml", "c.yaml"), ("toml", "c.toml")])
def test_suppression_parsing_is_linear_on_a_long_line(kind, name):
    from routelint.suppressions import find_suppressions

    text = "x = 1  # " + "# routelint: ignore[" * 5000 + "\n"  # 100 KB: 27 s when each '[' rescanned the line
    with Within(5):
        found = find_suppressions(kind, name, text)
    assert len(found) == 5000 and all(item.malformed for item in found)
    with Within(5):
        find_suppressions(kind, name, "x = 1  # " + "noqa: RL1 " * 10_000 + "\n")


SIX_KEYS = {
    "a.py": ("https://openrouter.ai/api/v1", OPENROUTER_KEY),
    "b.py": ("https://generativelanguage.googleapis.com/v1beta/openai/", GEMINI_KEY),
    "c.py": ("https://api.groq.com/openai/v1", "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"),
    "d.py": ("https://router.flatkey.ai/v1", "sk-fk-bkgSWR2K8XTOpczY7JPCmUqRqT4Yd8VPpGLlI4o7"),
    "e.py": ("https://api.deepseek.com", "sk-3f9a1c0b7e6d4a2f8b5c9e1d7a3f6b2c"),
    "f.py": ("https://generativelanguage.googleapis.com/v1beta/openai/", "AIzaTshyPli1QHJukHeTxKeROpPDPMeRKKZKsar"),
}


def test_fix_converges_in_one_invocation_with_a_shared_env_template(tree):
    """Six files with keys and one .env.example: every fix appends a line to the template; they used to
    conflict (one per pass: "2 remaining" after the first --fix)."""
    files = {name: f'from openai import OpenAI\nclient = OpenAI(base_url="{url}", api_key="{key}")\n'
             for name, (url, key) in SIX_KEYS.items()}
    root = tree({**files, ".env.example": "# copy to .env\n"})
    _, before = run_json("--no-cache", "--select", "RL202", ".", cwd=root)
    assert len(before["diagnostics"]) == 6
    result = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "--select", "RL202", ".", cwd=root)
    assert result.exit_code == 0 and "6 fixed, 0 remaining" in result.output
    template = (root / ".env.example").read_text(encoding="utf-8")
    assert template.splitlines()[1:] == sorted(set(template.splitlines()[1:])) and len(template.splitlines()) >= 6
    snapshot = {path.name: path.read_bytes() for path in root.iterdir() if path.is_file()}
    again = run_cli("check", "--no-cache", "--fix", "--unsafe-fixes", "--select", "RL202", ".", cwd=root)
    assert "0 fixed, 0 remaining" in again.output
    assert snapshot == {path.name: path.read_bytes() for path in root.iterdir() if path.is_file()}

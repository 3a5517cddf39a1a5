"""Routes through SDKs other than the bare openai client (issue 4): each SDK's sinks are data in
rules/sdks/*.toml; these tests run the real engine on realistic snippets."""

from __future__ import annotations

from pathlib import Path


from conftest import REPO, write_tree

from routelint.config import Config
from routelint.engine import run


def findings(root: Path, **files: str) -> set[tuple[str, int, str]]:
    write_tree(root, {name.replace("__", "/").replace("_py", ".py"): text for name, text in files.items()})
    result = run([str(root)], Config(), jobs=1)
    return {(Path(d.path).relative_to(root).as_posix(), d.span.line, d.code) for d in result.diagnostics}


GEMINI = "https://generativelanguage.googleapis.com/v1beta/openai/"


def test_langchain_chat_openai_aliases_and_subclass_defaults(tmp_path):
    found = findings(tmp_path, app_py=f'''import os
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

llm = ChatOpenAI(model_name="gpt-4o", openai_api_base=os.getenv("GEMINI_BASE_URL", "{GEMINI}"),
                 openai_api_key=os.environ["OPENROUTER_API_KEY"])
ok = ChatOpenAI(model="gemini-2.5-flash", base_url=os.getenv("GEMINI_BASE_URL", "{GEMINI}"),
                api_key=os.environ["GEMINI_API_KEY"])


class ChatOpenRouter(ChatOpenAI):
    def __init__(self, model_name: str, **kwargs):
        super().__init__(base_url=os.getenv("OPENROUTER_BASE_URL", "https://openrouter.ai/api/v1"),
                         openai_api_key=os.getenv("OPENROUTER_API_KEY"), model_name=model_name, **kwargs)


router_llm = ChatOpenRouter(model_name="gpt-4o-mini")
fine = ChatOpenRouter(model_name="openai/gpt-4o-mini")
''')
    assert found == {("app.py", 4, "RL301"), ("app.py", 5, "RL201"), ("app.py", 16, "RL301")}


def test_langchain_implicit_openai_api_base_comes_from_env_file(tmp_path):
    found = findings(tmp_path, app_py='''from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gemini-2.0-flash")
''', **{".env": "OPENAI_API_BASE=https://router.flatkey.ai/v1\n"})
    assert ("app.py", 3, "RL302") in found


def test_litellm_prefixes_decide_the_route(tmp_path):
    found = findings(tmp_path, app_py='''import os
import litellm

litellm.completion(model="gemini/gpt-4o", messages=[])
litellm.completion(model="gemini/gemini-2.5-flash", messages=[])
litellm.completion(model="openrouter/google/gemini-2.5-flash", messages=[])
litellm.completion(model="openrouter/gpt-4o", messages=[])
litellm.completion(model="ollama/llama3", api_base=os.getenv("OLLAMA_API_BASE", "http://localhost:11434/v1"), messages=[])
litellm.completion(model="ollama/llama3", api_base=os.getenv("OLLAMA_API_BASE", "http://localhost:11434"), messages=[])
litellm.completion(model="openai/gemini-2.0-flash", api_base=os.getenv("FLATKEY_BASE_URL", "https://router.flatkey.ai/v1"),
                   api_key=os.environ["FLATKEY_API_KEY"], messages=[])
router = litellm.Router(model_list=[
    {"model_name": "fast", "litellm_params": {"model": "openrouter/openai/gpt-4o", "api_key": os.environ["GEMINI_API_KEY"]}},
])
''')
    assert found == {
        ("app.py", 4, "RL301"),  # gemini/ sends gpt-4o to Gemini's native API
        ("app.py", 7, "RL301"),  # openrouter/ + bare ID
        ("app.py", 8, "RL102"),  # ollama/ wants the root, not /v1
        ("app.py", 10, "RL302"),  # openai/ sends gemini-2.0-flash to Flatkey's api_base
        ("app.py", 13, "RL201"),  # a Gemini key on an OpenRouter route
    }


def test_openai_agents_model_and_default_client(tmp_path):
    found = findings(tmp_path, app_py=f'''import os
from openai import AsyncOpenAI
from agents import Agent, OpenAIChatCompletionsModel, set_default_openai_client

gemini = AsyncOpenAI(base_url=os.getenv("GEMINI_BASE_URL", "{GEMINI}"), api_key=os.environ["GEMINI_API_KEY"])
set_default_openai_client(gemini)
agent = Agent(name="helper", model=OpenAIChatCompletionsModel(model="gpt-4o", openai_client=gemini))
ok = Agent(name="helper", model=OpenAIChatCompletionsModel(model="gemini-2.5-flash", openai_client=gemini))
''')
    assert found == {("app.py", 6, "RL401"), ("app.py", 7, "RL301")}


def test_openai_agents_chat_completions_switch_silences_rl401(tmp_path):
    found = findings(tmp_path, app_py=f'''import os
from openai import AsyncOpenAI
from agents import set_default_openai_api, set_default_openai_client
from agents.models.openai_provider import OpenAIProvider

gemini = AsyncOpenAI(base_url=os.getenv("GEMINI_BASE_URL", "{GEMINI}"), api_key=os.environ["GEMINI_API_KEY"])


def main():
    set_default_openai_client(gemini)
    set_default_openai_api("chat_completions")
''', other_py=f'''import os
from agents.models.openai_provider import OpenAIProvider

responses = OpenAIProvider(base_url=os.getenv("GEMINI_BASE_URL", "{GEMINI}"), api_key=os.environ["GEMINI_API_KEY"])
chat = OpenAIProvider(base_url=os.getenv("GEMINI_BASE_URL", "{GEMINI}"), api_key=os.environ["GEMINI_API_KEY"], use_responses=False)
''')
    assert found == {("other.py", 4, "RL401")}


def test_pydantic_ai_instructor_dspy_llamaindex(tmp_path):
    found = findings(tmp_path, app_py=f'''import os
import dspy
import instructor
from llama_index.llms.openai_like import OpenAILike
from openai import OpenAI
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider

provider = OpenAIProvider(base_url=os.getenv("GEMINI_BASE_URL", "{GEMINI}"), api_key=os.environ["GEMINI_API_KEY"])
model = OpenAIChatModel("claude-3-5-sonnet", provider=provider)
client = instructor.from_openai(OpenAI(base_url=os.getenv("GEMINI_BASE_URL", "{GEMINI}"), api_key=os.environ["GEMINI_API_KEY"]))
client.files.create(file=b"x", purpose="batch")
lm = dspy.LM("openai/gpt-4o", api_base=os.getenv("OPENROUTER_BASE_URL", "https://openrouter.ai/api/v1"),
             api_key=os.environ["OPENROUTER_API_KEY"])
like = OpenAILike(model="deepseek-chat", api_base=os.getenv("OPENROUTER_BASE_URL", "https://openrouter.ai/api/v1"),
                  api_key=os.environ["OPENROUTER_API_KEY"])
''')
    assert found == {("app.py", 10, "RL301"), ("app.py", 12, "RL401"), ("app.py", 13, "RL301"), ("app.py", 15, "RL301")}


def test_raw_http_clients(tmp_path):
    found = findings(tmp_path, app_py=f'''import os
import httpx
import requests

KEY = os.environ["OPENROUTER_API_KEY"]
client = httpx.Client(base_url=os.getenv("GEMINI_BASE_URL", "{GEMINI}"), headers={{"Authorization": f"Bearer {{KEY}}"}})
client.post("/files", json={{"purpose": "batch"}})
client.post("/chat/completions", json={{"model": "gemini-2.5-flash"}})
requests.post("https://openrouter.ai/api/v1/chat/completions", json={{"model": "gpt-4o"}},
              headers={{"Authorization": f"Bearer {{os.environ['OPENROUTER_API_KEY']}}"}})
internal = httpx.Client(base_url="https://billing.internal.example.com/api")
internal.post("/chat/completions", json={{"model": "gpt-4o"}})
''')
    assert found == {
        ("app.py", 6, "RL201"),  # an OpenRouter key in the Gemini client's Authorization header (where it meets the route)
        ("app.py", 7, "RL401"),
        ("app.py", 9, "RL101"),  # raw HTTP to a provider host with a literal URL
        ("app.py", 9, "RL301"),
    }


def test_cross_module_fixture_positions():
    root = REPO / "fixtures" / "cross-module"
    result = run([str(root)], Config(), jobs=1)
    found = {(Path(d.path).relative_to(root).as_posix(), d.span.line, d.span.column, d.code) for d in result.diagnostics}
    assert found == {("app/config.py", 4, 17, "RL301"), ("app/service.py", 16, 16, "RL401")}
    rl401 = next(d for d in result.diagnostics if d.code == "RL401")
    assert "app/config.py:3" in rl401.message  # says which file supplied the base URL


def test_function_local_client_shadows_module_client(tmp_path):
    found = findings(tmp_path, app_py=f'''import os
from openai import OpenAI

client = OpenAI(base_url=os.getenv("GEMINI_BASE_URL", "{GEMINI}"), api_key=os.environ["GEMINI_API_KEY"])


def local_eval():
    client = OpenAI(base_url=os.getenv("OLLAMA_BASE_URL", "http://localhost:11434/v1"), api_key="ollama")
    return client.files.create(file=b"x", purpose="batch")


def remote():
    return client.files.create(file=b"x", purpose="batch")
''')
    assert found == {("app.py", 13, "RL401")}

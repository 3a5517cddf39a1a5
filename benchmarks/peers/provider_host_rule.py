"""One custom Fixit rule used as a peer in benchmarks/run.py: flag string literals naming an LLM provider host.

A deliberately cheap rule (one string visitor, no scope metadata) so the measured cost is mostly
Fixit's own: parsing every file with libcst and walking the tree.
"""

from __future__ import annotations

import libcst as cst
from fixit import Invalid, LintRule, Valid

PROVIDER_HOSTS = (
    "api.openai.com",
    "generativelanguage.googleapis.com",
    "aiplatform.googleapis.com",
    "openai.azure.com",
    "api.anthropic.com",
    "openrouter.ai",
    "router.flatkey.ai",
    "api.deepseek.com",
    "api.groq.com",
    "api.mistral.ai",
    "api.together.xyz",
    "api.fireworks.ai",
    "api.x.ai",
    "api.perplexity.ai",
    "api.cerebras.ai",
    "router.huggingface.co",
)


class ProviderHostString(LintRule):
    MESSAGE = "string literal names an LLM provider host"
    VALID = [Valid('url = "https://example.com/v1"')]
    INVALID = [
        Invalid('url = "https://openrouter.ai/api/v1"'),
        Invalid('url = f"https://{region}-aiplatform.googleapis.com/v1"'),
    ]

    def _check(self, node: cst.CSTNode, text: str) -> None:
        if any(host in text for host in PROVIDER_HOSTS):
            self.report(node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._check(node, node.value)

    def visit_FormattedStringText(self, node: cst.FormattedStringText) -> None:
        self._check(node, node.value)

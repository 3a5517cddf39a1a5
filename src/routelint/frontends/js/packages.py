"""Package versions of a JS/TS project, from package.json and the lockfiles (no install needed).

The Vercel AI SDK changed what `provider(modelId)` calls in `@ai-sdk/openai` 2.x (AI SDK 5): the
Responses API instead of chat completions. Which one a route uses therefore depends on the version
the project installs: a lockfile's exact version wins over package.json's range.
"""

from __future__ import annotations

import json
import re

MANIFESTS = ("package.json", "package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lock")
_DEPENDENCY_FIELDS = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
# pnpm: `/@ai-sdk/openai@2.0.1:` or `'@ai-sdk/openai@2.0.1':`; yarn: `"@ai-sdk/openai@^2.0.0":` then `version "2.0.1"`
_PNPM = re.compile(r"^\s{2}['\"]?/?((?:@[\w.-]+/)?[\w.-]+)@(\d[\w.+-]*)", re.MULTILINE)
_YARN = re.compile(r"^\"?((?:@[\w.-]+/)?[\w.-]+)@[^\n]*:\n\s+version:?\s+\"?(\d[\w.+-]*)", re.MULTILINE)


def read_packages(name: str, text: str) -> dict[str, str]:
    """package -> version declared by one manifest or lockfile; {} when it cannot be read."""
    try:
        if name in ("package.json", "package-lock.json", "npm-shrinkwrap.json", "bun.lock"):
            data = json.loads(_strip_trailing_commas(text) if name == "bun.lock" else text)
            return _from_json(name, data) if isinstance(data, dict) else {}
    except ValueError:
        return {}
    pattern = _PNPM if name == "pnpm-lock.yaml" else _YARN if name == "yarn.lock" else None
    found: dict[str, str] = {}
    for match in pattern.finditer(text) if pattern else ():
        found.setdefault(match.group(1), match.group(2))
    return found


def _strip_trailing_commas(text: str) -> str:
    return re.sub(r",(\s*[}\]])", r"\1", text)


def _from_json(name: str, data: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    if name == "package.json":
        for section in _DEPENDENCY_FIELDS:
            entries = data.get(section)
            if isinstance(entries, dict):
                for package, spec in entries.items():
                    if isinstance(spec, str):
                        found.setdefault(package, spec)
        return found
    if name == "bun.lock":
        for package, entry in (data.get("packages") or {}).items():
            if isinstance(entry, list) and entry and isinstance(entry[0], str) and "@" in entry[0][1:]:
                found.setdefault(package, entry[0].rsplit("@", 1)[1])
        return found
    for key, entry in (data.get("packages") or {}).items():  # lockfile v2/v3
        if key.startswith("node_modules/") and isinstance(entry, dict) and isinstance(entry.get("version"), str):
            found.setdefault(key[len("node_modules/"):], entry["version"])
    for package, entry in (data.get("dependencies") or {}).items():  # lockfile v1
        if isinstance(entry, dict) and isinstance(entry.get("version"), str):
            found.setdefault(package, entry["version"])
    return found

"""Small rules of English for messages built from names, so that a message reads right whichever
provider it names: "an OpenAI key", "an Anthropic model", "a Gemini key", "an xAI model".

Why a module: messages are pinned by snapshot tests (tests/snapshots/), and the wording bug "a
Anthropic model" shipped because each message chose its article by hand.
"""

from __future__ import annotations

# initial letters whose name is said with a vowel sound when spelled out: "an LM Studio", "an xAI"
_SPELLED_VOWEL_SOUND = frozenset("fhlmnrsx")
_ARTICLES = ("a ", "an ", "the ")


def with_article(name: str) -> str:
    """`name` with "a" or "an" in front, unless it already has an article ("a local server")."""
    if not name or name.lower().startswith(_ARTICLES):
        return name
    first = name[0].lower()
    spelled = len(name) > 1 and name[1].isupper() and first in _SPELLED_VOWEL_SOUND
    return f"an {name}" if first in "aeiou" or spelled else f"a {name}"


def plural(count: int, noun: str, nouns: str = "") -> str:
    """'1 file', '2 files', '0 files'; `nouns` for irregular plurals ('1 fix', '2 fixes')."""
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


def one_of(items) -> str:
    """'A', 'A or B', 'A, B or C': alternatives in a sentence."""
    items = list(items)
    return " or ".join(items) if len(items) < 3 else f"{', '.join(items[:-1])} or {items[-1]}"


__all__ = ["one_of", "plural", "with_article"]

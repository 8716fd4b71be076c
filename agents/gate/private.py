"""Private persons: a relation word ("my neighbour", "mon patron", "我的老板") points at a real
person in the user's life, named or not. Family words only count next to a harmful scene or
deceptive framing (a family film is fine). Words inside quotation marks are a character speaking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from agents.gate.lexicon import compile_words, words
from agents.gate.normalise import Folded

FILE = "patterns.toml"
QUOTES = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|„[^“”]*[“”]|「[^」]*」|『[^』]*』")
NAME_AFTER = re.compile(r"[\s,:]*((?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+){0,2})")
"""A capitalised name right after the relation ("my neighbour Dana Whitfield")."""


@dataclass(frozen=True)
class Relation:
    """A relation word in one input, with the name that follows it, if any."""

    tier: str
    """'relation' (refused) or 'family' (refused only in a harmful or deceptive context)."""
    span: str
    name: str | None
    start: int
    sentence: int


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return (
        ("relation", compile_words(words(FILE, "private", "relations"))),
        ("family", compile_words(words(FILE, "private", "family"))),
    )


def _quoted(original: str) -> list[tuple[int, int]]:
    return [m.span() for m in QUOTES.finditer(original)]


def find(text: Folded) -> list[Relation]:
    """Relation and family words outside quotes, with any capitalised name that follows."""
    quoted = _quoted(text.original)
    found: list[Relation] = []
    for tier, pattern in _patterns():
        for match in pattern.finditer(text.text):
            start, end = match.span()
            first, last = text.origin[start], text.origin[end - 1] + 1
            if any(low <= first < high for low, high in quoted):
                continue
            named = NAME_AFTER.match(text.original, last)
            name = named.group(1) if named else None
            span = text.original[first : named.end()] if named else text.original[first:last]
            found.append(Relation(tier, span.strip(), name, start, text.sentence(start)))
    return found

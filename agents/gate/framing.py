"""Deceptive framing (footage passed off as real: CCTV, bodycam, news, "deepfake", "make X say")
and harmful scenes (fabricated news, crime, sexual, violent, endorsement), from
templates/gate/patterns.toml. These layers only find words; __init__ decides what they mean next
to a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from agents.gate.lexicon import compile_words, words
from agents.gate.normalise import Folded

FILE = "patterns.toml"
HARMFUL_KINDS = ("news", "crime", "sexual", "violent", "endorsement")


@dataclass(frozen=True)
class Hit:
    """One framing or scene word in one input."""

    kind: str
    """'strong' / 'weak' framing, or a harmful kind (news, crime, sexual, violent, endorsement)."""
    span: str
    start: int
    sentence: int


@cache
def _framing() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    say = [p for p in words(FILE, "framing", "say")]
    return (
        compile_words(words(FILE, "framing", "strong")),
        compile_words(words(FILE, "framing", "weak")),
        re.compile("|".join(f"(?:{p})" for p in say)),
    )


@cache
def _harmful() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((kind, compile_words(words(FILE, "harmful", kind))) for kind in HARMFUL_KINDS)


def _hits(kind: str, pattern: re.Pattern[str], text: Folded) -> list[Hit]:
    return [
        Hit(kind, text.span(m.start(), m.end()), m.start(), text.sentence(m.start()))
        for m in pattern.finditer(text.text)
    ]


def find_framing(text: Folded) -> list[Hit]:
    """Deceptive-framing words: 'strong' ones are refused alone, 'weak' ones next to a real person."""
    strong, weak, say = _framing()
    return _hits("strong", strong, text) + _hits("weak", weak, text) + _hits("weak", say, text)


def find_harmful(text: Folded) -> list[Hit]:
    """Scene words that no consent covers (endorsement: only a consent that says so)."""
    return [hit for kind, pattern in _harmful() for hit in _hits(kind, pattern, text)]

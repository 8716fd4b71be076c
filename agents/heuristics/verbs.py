"""Multilingual word stems for what characters do, feel and say.

Stems match at a word start in spaced scripts and as substrings in CJK/Arabic (see text.py), so
'walk' covers walks/walked/walking and '走' covers 走る/走った. Lists are per language so that a
short French stem cannot fire inside an English word; `for_language` picks the ones in play.
The stems live in the lexicons' [moves], [emotions] and [speech] tables.
"""

from __future__ import annotations

from collections.abc import Mapping

from agents.heuristics import lexicon
from agents.heuristics.language import NON_LATIN
from agents.heuristics.text import blank, has_stem, stems_for

Lexicon = Mapping[str, Mapping[str, tuple[str, ...]]]
"""class -> language -> stems, classes in the order they are tried (the first that matches wins)."""


def _by_class(category: str) -> Lexicon:
    return {name: dict(lexicon.by_language(category, name)) for name in lexicon.keys(category)}


# What a beat's verb asks of the camera, and what a character feels.
MOVES: Lexicon = _by_class("moves")
EMOTIONS: Lexicon = _by_class("emotions")


def for_language(stems_by_language: Mapping[str, tuple[str, ...]], language: str) -> tuple[str, ...]:
    """Stems of the brief's language, English (briefs mix it in), and every non-Latin script list
    (those cannot fire inside Latin words, and cover briefs the detector mislabels)."""
    out: list[str] = []
    for code, stems in stems_by_language.items():
        if code in ("en", language) or code in NON_LATIN:
            out.extend(stems)
    return tuple(out)


def speech_verbs(language: str | None = None) -> tuple[str, ...]:
    """Verbs that attribute a quote to its speaker ('whispers', 'dijo', '言った', '说'): the
    brief's language's (with English and the non-Latin scripts), every language's without one."""
    return stems_for("speech", "verbs", language)


def classify(text: str, table: Lexicon, language: str) -> str | None:
    """The first class of `table` (in its order) whose stems occur in `text`; for camera moves,
    idioms are no motion ('a storm rolls in', 'the kitchen sink')."""
    if table is MOVES:
        text = blank(text, stems_for("idioms", "motion", language))
    for name, by_language in table.items():
        if has_stem(text, for_language(by_language, language)):
            return name
    return None

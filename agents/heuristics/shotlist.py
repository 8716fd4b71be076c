"""Shot-list lines: how an added coverage shot of a beat is described ("Reaction: Pak Bambang
watches Wulan", "Insert: the basket"), in the brief's language from the lexicons' [coverage]
templates (English where a language has none), with names and things as the brief writes them.
The card, the contact sheet and the prompt then say what that shot shows, and no two shots of a
film read the same."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from agents.heuristics import lexicon
from agents.heuristics.text import clip, find_stem, has_stem, visible_length
from film import Prop, Scene, TimeOfDay

EMPTY = lexicon.words("coverage", "empty")
PLACES = lexicon.classes("places")
BARE_PLACES = frozenset({"", "exterior", "interior"})
"""Scene.location when no place was found: the shot list names the brief's own opening words instead."""
CASED_END = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]$")
CLAUSE = re.compile(r"[,;:，、；：。.!?！？]")
GIST_MIN = 16
"""Visible characters a first clause needs to stand for its beat (CJK counts thrice)."""


def line(kind: str, language: str, **fields: str) -> str:
    """One shot-list line of `kind` (a [coverage] key) filled with `fields`."""
    template = lexicon.value(language, "coverage", kind) or lexicon.value("en", "coverage", kind)
    return str(template).format(**fields)


def hour(time_of_day: TimeOfDay, language: str) -> str:
    return line(time_of_day.value, language)


def asks_empty(text: str) -> bool:
    """The beat wants an empty frame ("the harbour is deserted", "誰もいない")."""
    return has_stem(text, EMPTY)


def gist(text: str, limit: int = 60) -> str:
    """The first clause of a beat, or its start when that clause is too short to tell two shots
    of it apart ("Su tío")."""
    head = CLAUSE.split(text.strip(), maxsplit=1)[0].strip()
    return clip(head if visible_length(head) >= GIST_MIN else text, limit)


def thing(prop: Prop) -> str:
    return prop.name or prop.kind.replace("_", " ")


def place(scene: Scene, texts: Sequence[str]) -> str:
    """The scene's place in the brief's own word when a place class found it there ('playa',
    '海辺'), the slugline's or setting's words otherwise, and the opening clause when none."""
    stems = dict(PLACES).get(scene.location)
    if stems:
        for text in texts:
            m = find_stem(text, stems)
            if m:
                word = text[m.start() : m.end()].strip(" .,;:")
                if CASED_END.search(word):
                    word += re.match(r"\w*", text[m.start() + len(word) :]).group(0)  # type: ignore[union-attr]
                return word
        return scene.location
    if scene.location.strip().casefold() not in BARE_PLACES:
        return scene.location
    return gist(texts[0]) if texts else scene.location


def establishing(scene: Scene, texts: Sequence[str], language: str) -> str:
    """Establishing: the place at its hour, with the set pieces the scene names."""
    head = line("establishing", language, place=place(scene, texts), hour=hour(scene.time_of_day, language))
    pieces = ", ".join(dict.fromkeys(thing(p) for p in scene.set_pieces))
    return f"{head} — {pieces}" if pieces else head


def unique(text: str, seen: Collection[str], beat: str) -> str | None:
    """`text` if no shot has it yet, else with the beat's first clause, else None (skip it)."""
    if text not in seen:
        return text
    told = f"{text} — {gist(beat)}"
    return told if told not in seen and gist(beat) not in text else None


def another(text: str, seen: Collection[str], language: str) -> str:
    """'Another angle (n): …' with the first n no shot has: the last resort, always distinct."""
    n = 2
    while (found := clip(line("angle", language, n=str(n), text=gist(text, 200)), 1000)) in seen:
        n += 1
    return found

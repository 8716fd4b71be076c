"""The things a brief names that the frame must show: each scene's set pieces and each beat's
props and light sources, as `film.Prop`s whose kinds are the previz's silhouettes.

Words come from the lexicons' `set_pieces`, `props`, `lights` and `lamps` tables (each key is a
kind), in the brief's own language (every language's words for a kind it has none for), and match as
whole words: "lamp" is not found in "lamppost" (a streetlight) nor "house" in "lighthouse". All
kinds and the `not_props` phrases are tried in one longest-first pattern, so in scripts without
spaces 灯塔 (lighthouse) wins over 灯 (lamp) and 火山 (volcano) names no fire.

Whether a light is lit comes from the words right next to it (`light_words`): after it first,
as the predicate ("the great lamp dark", "the beam sweeps"), then before it ("strikes a match",
"an unlit candle"). A `lights` kind (sun, beam, headlights) shines when named; a `lamps` kind
(lamp, lantern, candle, match) only when the brief lights it. A flame beside a lamp is that
lamp's flame: it lights the lamp instead of standing alone. Words inside quotation marks are
spoken, not shown, and name nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from agents.heuristics import lexicon
from agents.heuristics.text import clip, unquoted
from film import Prop

SHOWN = ("set_pieces", "props", "lights", "lamps")
SHOT = ("props", "lights", "lamps")
STATES = ("lit", "dark", "sweeps")
MAX_SET_PIECES = 5
MAX_PROPS = 6
"""More than this many silhouettes crowd an animatic frame past reading."""

AFTER, BEFORE, SWEEP_BEFORE = 2, 2, 1
"""Most words between a light and a state word after / before it ("sweeping beam" is adjacent)."""

GAP_CHARS = 3
"""In scripts without spaces: most characters between a light and its state word (ランプは暗い)."""

UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\u0e00-\u0e7f\uac00-\ud7af]")
"""Scripts that write words without spaces: their words match anywhere, not at word bounds."""

CLAUSE_END = re.compile(r"[.;!?…。；！？\n]")
GAP_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class Mention:
    """One word of a table in the text: its category ("" for a not-a-prop phrase) and kind."""

    category: str
    kind: str
    start: int
    end: int
    text: str


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Every word, longest first; whole words in spaced scripts, anywhere in the others."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        body = r"\s+".join(re.escape(w) for w in word.split())
        parts.append(body if UNSPACED.search(word) else rf"(?<![\w-]){body}(?!\w|-\w)")
    return re.compile("|".join(parts) or "(?!)", re.IGNORECASE)


def _words(category: str, key: str, language: str) -> tuple[str, ...]:
    """The brief's own language's words for a key, or every language's where it has none."""
    return lexicon.words(category, key, language) or lexicon.words(category, key)


@cache
def _kinds(language: str) -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """One pattern over every kind's words (and the not-a-prop phrases), and word -> (category, kind)."""
    table: dict[str, tuple[str, str]] = {}
    for category in SHOWN:
        for kind in lexicon.keys(category):
            for word in _words(category, kind, language):
                table.setdefault(_key(word), (category, kind))
    for word in _words("light_words", "not_props", language):
        table.setdefault(_key(word), ("", ""))
    return _pattern(table), table


@cache
def _states(language: str) -> tuple[re.Pattern[str], dict[str, str]]:
    table = {_key(w): state for state in STATES for w in _words("light_words", state, language)}
    return _pattern(table), table


def mentions(text: str, language: str) -> list[Mention]:
    """Every set piece, prop and light the text names, in order."""
    pattern, table = _kinds(language)
    found = []
    for m in pattern.finditer(text):
        category, kind = table[_key(m.group())]
        if category:
            found.append(Mention(category, kind, m.start(), m.end(), m.group()))
    return found


def set_pieces(scene_text: str, language: str) -> tuple[Prop, ...]:
    """The scene-scale things the scene's text names (lighthouse, boat, kitchen table), each once,
    in the order the text names them."""
    pieces: dict[str, Prop] = {}
    for m in mentions(unquoted(scene_text), language):
        if m.category == "set_pieces" and m.kind not in pieces:
            pieces[m.kind] = Prop(id=m.kind, kind=m.kind, name=clip(m.text, 80))
    return tuple(pieces.values())[:MAX_SET_PIECES]


def _near(text: str, start: int, end: int, words: int, unspaced: bool) -> bool:
    gap = text[start:end]
    if CLAUSE_END.search(gap):
        return False
    if unspaced:
        return sum(1 for ch in gap if ch.isalnum()) <= GAP_CHARS
    return len(GAP_WORD.findall(gap)) <= words


def light_state(m: Mention, text: str, language: str) -> tuple[bool, bool]:
    """(light, sweeps) for a named light, from the state words next to it."""
    if m.category not in ("lights", "lamps"):
        return (False, False)
    pattern, table = _states(language)
    unspaced = bool(UNSPACED.search(m.text))
    after: list[tuple[int, str]] = []
    before: list[tuple[int, str]] = []
    for w in pattern.finditer(text):
        state = table[_key(w.group())]
        if w.start() >= m.end and _near(text, m.end, w.start(), AFTER, unspaced):
            after.append((w.start() - m.end, state))
        elif w.end() <= m.start:
            limit = SWEEP_BEFORE if state == "sweeps" else BEFORE
            if _near(text, w.end(), m.start, limit, unspaced):
                before.append((m.start - w.end(), state))
    if any(state == "sweeps" for _, state in after + before):
        return (True, True)
    for side in (after, before):
        told = sorted(side)
        if told:
            return (told[0][1] == "lit", False)
    return (m.category == "lights", False)


def shot_props(beat_text: str, language: str) -> tuple[Prop, ...]:
    """The props and light sources one beat names (lamp, bucket, match flame), lit or not."""
    text = unquoted(beat_text)
    found = [m for m in mentions(text, language) if m.category in SHOT]
    lamps = [m for m in found if m.category == "lamps"]
    props: dict[str, Prop] = {}
    for m in found:
        light, sweeps = light_state(m, text, language)
        if m.kind == "flame" and lamps:  # the match's flame: it lights the lamp nearest to it
            m = min(lamps, key=lambda lamp: abs(lamp.start - m.start))
            light, sweeps = True, False
        seen = props.get(m.kind)
        if seen is None:
            props[m.kind] = Prop(id=m.kind, kind=m.kind, name=clip(m.text, 80), light=light, sweeps=sweeps)
        elif light or sweeps:
            props[m.kind] = seen.model_copy(
                update={"light": seen.light or light, "sweeps": seen.sweeps or sweeps}
            )
    return tuple(props.values())[:MAX_PROPS]

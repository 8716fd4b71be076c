"""Where and when the story is, and where it moves on: the time-of-day and place words (the
lexicons' [time_of_day] and [places]), and the cues at a beat's opening that start a new scene
("At dawn…", "Far below, on the sea…", "Meanwhile in the kitchen", [scene_cues] cut).

A time word the text puts outside its present ("after the long night", "until dawn",
[scene_cues] not_now) or a greeting ("good night", [idioms] times) is no time of day, and a place
in an idiom ("comes home", [idioms] places) is no place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agents.heuristics.segment import UNSPACED as _CJK
from agents.heuristics.text import blank, classes_for, near, stem_matches, stems_for, unquoted
from film import TimeOfDay

OPENING_WORDS = 8
"""How far into a beat its opening phrase may run before its first comma."""
OPENING_PLACE_WORDS = 4
"""A place opens a beat when it is named in the first few words ("In the kitchen, …")."""
UNSPACED_OPENING = 8
"""The same limit in letters for Chinese and Japanese."""
_CLAUSE = re.compile(r"[,;:，；：、—–]")


def time_of_day(text: str, language: str | None = None) -> TimeOfDay | None:
    """The time of day named first in `text`, skipping times outside its present and greetings."""
    found = time_at(text, language)
    return found[1] if found else None


def time_at(text: str, language: str | None = None) -> tuple[int, TimeOfDay] | None:
    """(position, time of day) of the first present-time word in `text`."""
    text = blank(unquoted(text), stems_for("idioms", "times", language))
    not_now = stems_for("scene_cues", "not_now", language)
    best: tuple[int, TimeOfDay] | None = None
    for name, stems in classes_for("time_of_day", language):
        for m in stem_matches(text, stems):
            if best is not None and m.start() >= best[0]:
                break
            if _outside_now(text, m, not_now):
                continue
            best = (m.start(), TimeOfDay(name))
            break
    return best


def _outside_now(text: str, m: re.Match[str], not_now: tuple[str, ...]) -> bool:
    if _CJK.match(m.group()):  # 夜明け前, 一夜之后, 直到黎明
        return near(text, m.end(), not_now, before=False, words=0) or near(
            text, m.start(), not_now, before=True, words=0
        )
    return near(text, m.start(), not_now, before=True, words=2)


def place_at(text: str, language: str | None = None) -> tuple[int, str] | None:
    """(position, place class) of the place named first in `text`; the earlier class wins a tie."""
    text = blank(unquoted(text), stems_for("idioms", "places", language))
    best: tuple[int, str] | None = None
    for name, stems in classes_for("places", language):
        m = next(stem_matches(text, stems), None)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best


def location(text: str, language: str | None = None) -> str | None:
    """The kind of place named first in `text`, as an English set description."""
    found = place_at(text, language)
    return found[1] if found else None


@dataclass(frozen=True)
class Opening:
    """What a beat's opening phrase says about the scene: a cue that the story moves on, and the
    time of day and place it names, if any."""

    cut: bool = False
    time: TimeOfDay | None = None
    place: str | None = None


def opening(text: str, language: str | None = None) -> Opening:
    """Read a beat's opening phrase: up to its first comma when that comes early, else its first
    few words ("At dawn the storm is gone" → dawn; "Far below, Theo rows" → a cut)."""
    text = unquoted(text).strip()
    head = _head(text)
    if not head:
        return Opening()
    cut = next(stem_matches(head, stems_for("scene_cues", "cut", language)), None) is not None
    when = time_at(head, language)
    where = place_at(head, language)
    if where is not None and not cut and _words_before(head, where[0]) >= OPENING_PLACE_WORDS:
        where = None
    return Opening(cut=cut, time=when[1] if when else None, place=where[1] if where else None)


def _head(text: str) -> str:
    """The opening phrase of a beat."""
    if _CJK.search(text[:UNSPACED_OPENING]) and " " not in text[:UNSPACED_OPENING]:
        mark = _CLAUSE.search(text)
        return text[: mark.start()] if mark and mark.start() <= UNSPACED_OPENING else text[:UNSPACED_OPENING]
    mark = _CLAUSE.search(text)
    if mark and len(text[: mark.start()].split()) <= OPENING_WORDS:
        return text[: mark.start()]
    return " ".join(text.split()[: OPENING_WORDS - 3])


def _words_before(text: str, at: int) -> int:
    if _CJK.search(text[:at]):
        return len(text[:at].strip()) // 2
    return len(text[:at].split())

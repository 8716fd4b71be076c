"""The sky over the story, beat by beat: weather named in a beat holds from that beat on, into
later scenes, until a beat ends or denies it ("the rain stops", "the storm is gone", "no rain",
"without wind", "clear skies", "the sun comes out"; the lexicons' [weather_ends]).

A storm brings 12 m/s of wind and ending the storm ends it; wind words alone bring a breeze.
Heavier weather takes over from lighter, never the other way round until the heavier ends.
Weather words in idioms ("storms out of the room", "snow-white", [idioms] weather) are no weather.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from agents.heuristics.segment import UNSPACED as _CJK
from agents.heuristics.text import blank, classes_for, near, stem_matches, stems_for
from film import Weather

STORM_WIND_MS = 12.0
BREEZE_MS = 4.0
DENY_WORDS = 2
"""A negation reaches over up to this many words to its weather ("no more rain", "no sign of wind")."""
END_WORDS = 3
"""An ending comes up to this many words after its weather ("the storm is finally gone")."""
END_BEFORE_WORDS = 1
"""…or right before it, past an article ("Cesa la lluvia", "gone is the storm")."""
WIND = "wind"
CLEAR = "clear"
DENY = "deny"
END = "end"
RANK = {Weather(name): i for i, (name, _) in enumerate(classes_for("weather"))}
"""Heavier weather, first in the schema (storm, snow, rain, fog, dust), takes over from lighter;
lighter weather named while heavier holds does not replace it ("rain hammers the pier; a horn
sounds in the fog" stays rain, a storm rains) until a beat ends it ("the snow stops")."""


@dataclass(frozen=True)
class Sky:
    """The weather that holds after a beat, and whether wind words keep a breeze blowing."""

    weather: Weather = Weather.clear
    breeze: bool = False

    @property
    def wind_ms(self) -> tuple[float, float]:
        if self.weather is Weather.storm:
            return (STORM_WIND_MS, 0.0)
        return (BREEZE_MS, 0.0) if self.breeze else (0.0, 0.0)

    def after(self, text: str, language: str | None = None) -> Sky:
        """The sky after a beat: its weather words applied in the order the beat says them."""
        sky = self
        for _, kind, turn in _mentions(text, language):
            if kind == CLEAR:
                sky = Sky()
            elif kind == WIND:
                sky = replace(sky, breeze=not turn)
            elif not turn:
                named = Weather(kind)
                if sky.weather is Weather.clear or RANK[named] <= RANK[sky.weather]:
                    sky = replace(sky, weather=named)
            elif _ends(sky.weather, Weather(kind), turn):
                sky = Sky(breeze=sky.breeze and sky.weather is not Weather.storm)
        return sky


def _ends(now: Weather, named: Weather, turn: str) -> bool:
    """Whether denying or ending `named` clears the sky: it is the weather now, or the storm that
    holds it (the storm is gone while it rains; the rain stops in a storm, but "no rain" in a
    storm leaves the storm)."""
    if now is named or named is Weather.storm:
        return True
    return turn == END and now is Weather.storm and named is Weather.rain


def _mentions(text: str, language: str | None) -> list[tuple[int, str, str]]:
    """(position, weather class | "wind" | "clear", DENY | END | "" for how the beat turns it)."""
    text = blank(text, stems_for("idioms", "weather", language))
    deny = stems_for("weather_ends", "deny", language)
    end = stems_for("weather_ends", "end", language)
    found = [(m.start(), CLEAR, "") for m in stem_matches(text, stems_for("weather_ends", "clear", language))]
    text_left = blank(text, stems_for("weather_ends", "clear", language))
    kinds = [*classes_for("weather", language), (WIND, stems_for("physics", "wind", language))]
    for kind, stems in kinds:
        for m in stem_matches(text_left, stems):
            found.append((m.start(), kind, _turn(text_left, m, deny, end)))
    return sorted(found)


def _turn(text: str, m: re.Match[str], deny: tuple[str, ...], end: tuple[str, ...]) -> str:
    """DENY for a negation before the weather word, END for an ending after it (or right before
    it), "" when the beat simply names it."""
    cjk = bool(_CJK.match(m.group()))
    if near(text, m.start(), deny, before=True, words=1 if cjk else DENY_WORDS):
        return DENY
    if near(text, m.end(), end, before=False, words=2 if cjk else END_WORDS) or near(
        text, m.start(), end, before=True, words=0 if cjk else END_BEFORE_WORDS
    ):
        return END
    return ""

"""Where and when a scene happens, and how it feels: time of day, location, mood and palette
from multilingual keywords (the lexicons' [time_of_day], [places] and [moods] tables), so the
recaptioner can light and dress the set."""

from __future__ import annotations

from collections.abc import Mapping

from agents.heuristics import lexicon
from agents.heuristics.beats import SceneDraft
from agents.heuristics.text import clip, find_stem, has_stem
from film import Physics, Scene, TimeOfDay, Weather

TIMES: Mapping[TimeOfDay, tuple[str, ...]] = {
    TimeOfDay(name): stems for name, stems in lexicon.classes("time_of_day")
}
LOCATIONS: tuple[tuple[str, tuple[str, ...]], ...] = lexicon.classes("places")
MOODS: tuple[tuple[str, tuple[str, ...]], ...] = lexicon.classes("moods")
PALETTES: Mapping[TimeOfDay, str] = {
    TimeOfDay.dawn: "soft pink and pale gold",
    TimeOfDay.morning: "fresh pale gold and sky blue",
    TimeOfDay.day: "natural daylight colours",
    TimeOfDay.dusk: "amber and violet",
    TimeOfDay.night: "deep blue with sodium orange",
}
MOOD_PALETTES: Mapping[str, str] = {
    "tense": "desaturated steel blue",
    "melancholic": "muted grey-blue",
    "joyful": "warm saturated colours",
    "mysterious": "teal shadows and low-key contrast",
    "romantic": "warm rose and honey",
    "epic": "high-contrast gold and slate",
}


def time_of_day(*texts: str) -> TimeOfDay | None:
    """First time-of-day word in the texts, checked in order (slugline before the action)."""
    for text in texts:
        best: tuple[int, TimeOfDay] | None = None
        for tod, stems in TIMES.items():
            m = find_stem(text, stems)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), tod)
        if best:
            return best[1]
    return None


def location(text: str) -> str | None:
    """The kind of place named first in `text`, as an English set description."""
    best: tuple[int, str] | None = None
    for name, stems in LOCATIONS:
        m = find_stem(text, stems)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def mood(text: str) -> str:
    return next((name for name, stems in MOODS if has_stem(text, stems)), "neutral")


def palette(tod: TimeOfDay, scene_mood: str) -> str:
    """Colour direction: mood wins when it is strong, otherwise the light of the hour."""
    return MOOD_PALETTES.get(scene_mood, PALETTES[tod])


def scenes(drafts: list[SceneDraft], track: list[list[Physics]], language: str) -> list[Scene]:
    """Each scene draft as a Scene: where, when, how it feels, and the weather its beats open on."""
    scenes: list[Scene] = []
    tod, place = TimeOfDay.day, "exterior"
    for i, draft in enumerate(drafts):
        body = " ".join(b.text for b in draft.beats)
        tod = time_of_day(draft.time_hint, draft.heading, body) or tod
        found = location(f"{draft.location} {draft.heading}") or location(body)
        place = draft.location or found or place
        feel = mood(body)
        scenes.append(
            Scene(
                id=f"sc{i + 1}",
                heading=clip(draft.heading, 200),
                location=clip(place, 200),
                time_of_day=tod,
                mood=feel,
                palette=palette(tod, feel),
                weather=track[i][0].weather if track[i] else Weather.clear,
            )
        )
    return scenes

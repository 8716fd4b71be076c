"""Where and when a scene happens, and how it feels and is lit: time of day, location, mood,
palette, light and weather, so the recaptioner can light and dress the set.

A scene's time of day is the one its slugline, heading or text names first (not one it puts in the
past: "after the long night, dawn comes" is dawn), else the previous scene's. Its weather is the
heaviest any of its beats has (physics_words.physics_track follows it beat by beat), and its light
is a short phrase from the hour, the weather and the light sources the scene names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from agents.heuristics.beats import SceneDraft
from agents.heuristics.scene_cues import location, time_of_day
from agents.heuristics.text import classes_for, clip, has_stem, unquoted
from agents.heuristics.weather import RANK
from film import Physics, Prop, Scene, TimeOfDay, Weather

__all__ = ["location", "mood", "palette", "scene_light", "scenes", "time_of_day"]

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
CLEAR_LIGHT: Mapping[TimeOfDay, str] = {
    TimeOfDay.dawn: "low pink dawn light",
    TimeOfDay.morning: "fresh low morning sun",
    TimeOfDay.day: "bright even daylight",
    TimeOfDay.dusk: "warm amber dusk light",
    TimeOfDay.night: "deep blue night, moonlit",
}
HOURS: Mapping[TimeOfDay, str] = {
    TimeOfDay.dawn: "dawn",
    TimeOfDay.morning: "morning",
    TimeOfDay.day: "daylight",
    TimeOfDay.dusk: "dusk",
    TimeOfDay.night: "night",
}
WEATHER_LIGHT: Mapping[Weather, str] = {
    Weather.storm: "storm-dark {hour}",
    Weather.rain: "rain-grey {hour}",
    Weather.snow: "cold snow-lit {hour}",
    Weather.fog: "fog-softened {hour}",
    Weather.dust: "dust-hazed {hour}",
}
"""How the weather changes the light of an hour ("storm-dark dusk")."""
MAX_SOURCES = 2


def mood(text: str, language: str | None = None) -> str:
    return next((name for name, stems in classes_for("moods", language) if has_stem(text, stems)), "neutral")


def palette(tod: TimeOfDay, scene_mood: str) -> str:
    """Colour direction: mood wins when it is strong, otherwise the light of the hour."""
    return MOOD_PALETTES.get(scene_mood, PALETTES[tod])


def scene_light(tod: TimeOfDay, weather: Weather, sources: Sequence[Prop] = ()) -> str:
    """How a scene is lit, for prompts: "low pink dawn light", "storm-dark dusk, the glow of the lamp"."""
    light = WEATHER_LIGHT[weather].format(hour=HOURS[tod]) if weather in WEATHER_LIGHT else CLEAR_LIGHT[tod]
    kinds = list(dict.fromkeys(p.kind.replace("_", " ").replace("-", " ") for p in sources if p.light))
    glow = [f"the glow of the {kind}" for kind in kinds[:MAX_SOURCES]]
    return clip(", ".join([light, *glow]), 200)


def scene_weather(beats: Sequence[Physics]) -> Weather:
    """The heaviest weather any of a scene's beats has (a sudden shower makes a rainy scene);
    clear when none has any."""
    found = [p.weather for p in beats if p.weather is not Weather.clear]
    return min(found, key=RANK.__getitem__) if found else Weather.clear


def _light_sources(text: str, language: str) -> tuple[Prop, ...]:
    """The lit props the scene names; props.py finds them (imported here, where it is needed, so
    the props room's module may import the setting's words without a cycle)."""
    from agents.heuristics import props

    return tuple(p for p in props.shot_props(text, language) if p.light)


def scenes(drafts: list[SceneDraft], track: list[list[Physics]], language: str) -> list[Scene]:
    """Each scene draft as a Scene: where, when, how it feels and is lit, and its weather."""
    out: list[Scene] = []
    tod, place = TimeOfDay.day, "exterior"
    for i, draft in enumerate(drafts):
        body = unquoted(" ".join(b.text for b in draft.beats if not b.dialogue))
        tod = (
            time_of_day(draft.time_hint, language)
            or time_of_day(draft.heading, language)
            or time_of_day(body, language)
            or tod
        )
        found = location(f"{draft.location} {draft.heading}", language) or location(body, language)
        place = draft.location or found or place
        feel = mood(body, language)
        weather = scene_weather(track[i] if i < len(track) else [])
        out.append(
            Scene(
                id=f"sc{i + 1}",
                heading=clip(draft.heading, 200),
                location=clip(place, 200),
                time_of_day=tod,
                mood=feel,
                palette=palette(tod, feel),
                weather=weather,
                light=scene_light(tod, weather, _light_sources(body, language)),
            )
        )
    return out

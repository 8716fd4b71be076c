"""What the engine should simulate in a shot: weather, wind, medium, gravity and motion events
(fall, bounce, roll, throw, float, shatter, splash), read from multilingual keywords (the
lexicons' [weather], [physics], [motion], [figurative_falls] and [objects] tables)."""

from __future__ import annotations

import re

from agents.heuristics import lexicon
from agents.heuristics.text import NEVER, alternation, find_stem, has_stem
from film import Gravity, Medium, MotionAction, MotionEvent, Physics, Weather

WEATHER: tuple[tuple[Weather, tuple[str, ...]], ...] = tuple(
    (Weather(name), stems) for name, stems in lexicon.classes("weather")
)
WIND = lexicon.words("physics", "wind")
UNDERWATER = lexicon.words("physics", "underwater")
SPACE = lexicon.words("physics", "outer_space")
MOON = lexicon.words("physics", "moon")
MARS = lexicon.words("physics", "mars")
HIGH_PLACES = lexicon.words("physics", "high_places")
EVENTS: tuple[tuple[MotionAction, tuple[str, ...]], ...] = tuple(
    (MotionAction(name), stems) for name, stems in lexicon.classes("motion")
)
OBJECTS: tuple[tuple[str, tuple[str, ...]], ...] = lexicon.classes("objects")
DEFAULT_OBJECT: dict[MotionAction, str] = {
    MotionAction.fall: "stone",
    MotionAction.bounce: "ball",
    MotionAction.roll: "barrel",
    MotionAction.throw: "stone",
    MotionAction.float: "leaf",
    MotionAction.shatter: "glass",
    MotionAction.splash: "water",
}


def _figurative_falls() -> re.Pattern[str]:
    """'Night falls' and 'la nuit tombe' are no motion event: each language's subjects with its verbs."""
    pairs = [
        rf"(?:{alternation(subjects)})\s+(?:{alternation(verbs)})"
        for code, subjects in lexicon.by_language("figurative_falls", "subjects")
        if (verbs := lexicon.words("figurative_falls", "verbs", code))
    ]
    return re.compile("|".join(pairs) or NEVER, re.I)


NOT_A_FALL = _figurative_falls()


def physics_of(text: str, scene_text: str = "") -> Physics:
    """Physics for one beat; weather and medium may come from the whole scene, events only from
    the beat (a glass shatters once, not in every shot of the scene)."""
    context = f"{text} {scene_text}"
    weather = next((w for w, stems in WEATHER if has_stem(context, stems)), Weather.clear)
    wind = (12.0, 0.0) if weather is Weather.storm else (4.0, 0.0) if has_stem(context, WIND) else (0.0, 0.0)
    gravity: Gravity = Gravity.earth
    medium = Medium.air
    if has_stem(context, UNDERWATER):
        gravity, medium = Gravity.underwater, Medium.water
    elif has_stem(context, SPACE):
        gravity, medium = Gravity.zero_g, Medium.vacuum
    elif has_stem(context, MOON):
        gravity, medium = Gravity.moon, Medium.vacuum
    elif has_stem(context, MARS):
        gravity = Gravity.mars
    if medium is not Medium.air:
        weather, wind = Weather.clear, (0.0, 0.0)
    return Physics(gravity=gravity, wind_ms=wind, weather=weather, medium=medium, events=motion_events(text))


def physics_track(scenes: list[list[str]]) -> list[list[Physics]]:
    """Physics of every beat of every scene, in story order; weather and medium may come from the
    beat's whole scene, events only from the beat."""
    out = []
    for beats in scenes:
        scene_text = " ".join(beats)
        out.append([physics_of(text, scene_text) for text in beats])
    return out


def motion_events(text: str) -> tuple[MotionEvent, ...]:
    """One event per kind of motion named in the text, with the object nearest to its verb."""
    cleaned = NOT_A_FALL.sub(" ", text)
    found: list[tuple[int, MotionEvent]] = []
    for action, stems in EVENTS:
        m = find_stem(cleaned, stems)
        if m is None:
            continue
        found.append((m.start(), _event(action, cleaned, m.start())))
    found.sort(key=lambda pair: pair[0])
    return tuple(event for _, event in found[:3])


def _event(action: MotionAction, text: str, at: int) -> MotionEvent:
    nearest: tuple[int, str] | None = None
    for name, stems in OBJECTS:
        m = find_stem(text, stems)
        if m and (nearest is None or abs(m.start() - at) < nearest[0]):
            nearest = (abs(m.start() - at), name)
    obj = nearest[1] if nearest else DEFAULT_OBJECT[action]
    lowered = text.lower()
    height = 30.0 if has_stem(lowered, HIGH_PLACES) else 2.0
    speed = {
        MotionAction.throw: 8.0,
        MotionAction.roll: 2.0,
        MotionAction.float: 0.3,
        MotionAction.splash: 3.0,
    }.get(action, 0.0)
    restitution = 0.8 if action is MotionAction.bounce else 0.1 if action is MotionAction.shatter else 0.5
    return MotionEvent(object=obj, action=action, height_m=height, speed_ms=speed, restitution=restitution)


def timed(physics: Physics, duration_s: float) -> Physics:
    """Spread a shot's events over its first half so each has time to play out on screen."""
    if not physics.events:
        return physics
    step = duration_s * 0.5 / len(physics.events)
    events = tuple(
        e.model_copy(update={"start_s": round(0.2 * duration_s + i * step, 2)})
        for i, e in enumerate(physics.events)
    )
    return physics.model_copy(update={"events": events})

"""What the engine should simulate in a shot: weather, wind, medium, gravity and motion events
(fall, bounce, roll, throw, float, shatter, splash), read from multilingual keywords (the
lexicons' [weather], [physics], [motion], [figurative_falls], [idioms] and [objects] tables).

Weather is tracked over the whole story (weather.py); medium and gravity hold within a scene.
A motion event names the thing that moves: the object nearest before its verb ("a bucket falls
into the water" → bucket), or the verb's direct object ("she throws a stone"), never a medium;
idioms ("a storm rolls in", "falls silent", "night falls") are no motion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agents.heuristics import lexicon
from agents.heuristics.language import detect_language
from agents.heuristics.segment import UNSPACED as _CJK
from agents.heuristics.text import (
    CLAUSE,
    NEVER,
    alternation,
    blank,
    classes_for,
    has_stem,
    near,
    stem_matches,
    stems_for,
    unquoted,
)
from agents.heuristics.weather import Sky
from film import Gravity, Medium, MotionAction, MotionEvent, Physics, Weather

MEDIA = frozenset({"water", "air", "sea", "vacuum"})
"""What things move through, never what moves."""
MAX_EVENTS = 3
DIRECT_WORDS = 2
"""A verb's direct object comes within this many words after it ("drops the old glass")."""
SENTENCE = re.compile(r"[.!?。！？]")
MEDIUM_KEYS: tuple[tuple[str, Gravity, Medium], ...] = (
    ("underwater", Gravity.underwater, Medium.water),
    ("outer_space", Gravity.zero_g, Medium.vacuum),
    ("moon", Gravity.moon, Medium.vacuum),
    ("mars", Gravity.mars, Medium.air),
)


def _figurative_falls() -> re.Pattern[str]:
    """'Night falls' and 'la nuit tombe' are no motion event: each language's subjects with its verbs."""
    pairs = [
        rf"(?<!\w)(?:{alternation(subjects)})\s+(?:{alternation(verbs)})(?!\w)"
        for code, subjects in lexicon.by_language("figurative_falls", "subjects")
        if (verbs := lexicon.words("figurative_falls", "verbs", code))
    ]
    return re.compile("|".join(pairs) or NEVER, re.I)


NOT_A_FALL = _figurative_falls()


def physics_track(
    scenes: list[list[str]], language: str | None = None, names: Iterable[str] = ()
) -> list[list[Physics]]:
    """Physics of every beat of every scene, in story order. The weather a beat names holds from
    it on, into later scenes, until a beat ends or denies it; medium and gravity hold within a
    scene; events come only from their own beat ("it shatters" is the thing the scene named
    last). `language` is detected when not given; `names` (the cast) are no weather or thing:
    小雨 is a girl, not a drizzle."""
    language = language or detect_language(" ".join(t for beats in scenes for t in beats))
    cast = tuple(n for n in names if n.strip())
    sky = Sky()
    out: list[list[Physics]] = []
    for beats in scenes:
        held: tuple[Gravity, Medium] | None = None
        last: str | None = None
        row = []
        for text in beats:
            physics, sky, held, last = _beat(blank(text, cast) if cast else text, sky, held, last, language)
            row.append(physics)
        out.append(row)
    return out


def physics_of(text: str, scene_text: str = "", language: str | None = None) -> Physics:
    """Physics of one shot on its own (a model's or a reviser's shot): the weather and medium of
    `scene_text` hold unless the text changes them; events only from the text."""
    _, sky, held, last = _beat(scene_text, Sky(), None, None, language, events=False)
    return _beat(text, sky, held, last, language)[0]


Held = tuple[Gravity, Medium] | None


def _beat(
    text: str, sky: Sky, held: Held, last: str | None, language: str | None, *, events: bool = True
) -> tuple[Physics, Sky, Held, str | None]:
    """One beat's physics, and the sky, medium and last thing named that it leaves for the next."""
    narration = unquoted(text)
    sky = sky.after(narration, language)
    held = _medium(narration, language) or held
    gravity, medium = held or (Gravity.earth, Medium.air)
    weather, wind = (sky.weather, sky.wind_ms) if medium is Medium.air else (Weather.clear, (0.0, 0.0))
    found = motion_events(narration, language, last) if events else ()
    named = _objects(narration, language)
    last = named[-1][2] if named else last
    physics = Physics(gravity=gravity, wind_ms=wind, weather=weather, medium=medium, events=found)
    return physics, sky, held, last


def _medium(text: str, language: str | None) -> tuple[Gravity, Medium] | None:
    for key, gravity, medium in MEDIUM_KEYS:
        if has_stem(text, stems_for("physics", key, language)):
            return gravity, medium
    return None


def motion_events(text: str, language: str | None = None, last: str | None = None) -> tuple[MotionEvent, ...]:
    """One event per kind of motion named in the text, in the order named, each with its object;
    `last` is the thing named before the text, for "it falls". A motion with no thing named
    ("Mara slips and falls") is the figure's own performance, not a simulated body; a splash
    with no thing named throws spray."""
    unfigured = NOT_A_FALL.sub(lambda m: " " * len(m.group()), text)
    cleaned = blank(unfigured, stems_for("idioms", "motion", language))
    found: list[tuple[int, MotionEvent]] = []
    for action, stems in classes_for("motion", language):
        verb = next(stem_matches(cleaned, stems), None)
        if verb is not None:
            obj = mover(cleaned, verb, language, last)
            if obj is None and action == MotionAction.splash:
                obj = "spray"  # a wave or a leap splashes: the spray is what flies, not the sea
            if obj is None:
                continue
            found.append((verb.start(), _event(MotionAction(action), obj, cleaned, language)))
    found.sort(key=lambda pair: pair[0])
    return tuple(event for _, event in found[:MAX_EVENTS])


def _objects(text: str, language: str | None) -> list[tuple[int, int, str]]:
    """(start, end, object class) of every thing named that could move, in order, media left out
    and a name inside a longer one dropped (球 in 玻璃球)."""
    spans = [
        (m.start(), m.end(), name)
        for name, stems in classes_for("objects", language)
        if name not in MEDIA
        for m in stem_matches(text, stems)
    ]
    outer = [
        s
        for s in spans
        if not any(o[0] <= s[0] and s[1] <= o[1] and o[1] - o[0] > s[1] - s[0] for o in spans)
    ]
    return sorted(outer)


def _event(action: MotionAction, obj: str, text: str, language: str | None) -> MotionEvent:
    height = 30.0 if has_stem(text, stems_for("physics", "high_places", language)) else 2.0
    speed = {
        MotionAction.throw: 8.0,
        MotionAction.roll: 2.0,
        MotionAction.float: 0.3,
        MotionAction.splash: 3.0,
    }.get(action, 0.0)
    restitution = 0.8 if action is MotionAction.bounce else 0.1 if action is MotionAction.shatter else 0.5
    return MotionEvent(object=obj, action=action, height_m=height, speed_ms=speed, restitution=restitution)


def mover(text: str, verb: re.Match[str], language: str | None, last: str | None = None) -> str | None:
    """The thing that moves: the verb's direct object when one follows it closely ("drops the
    glass"), the thing a pronoun by the verb stands for ("watches it float"), else the nearest
    thing named before the verb in its sentence, else after it; else the last thing named."""
    start, end = _sentence(text, verb.start())
    named = _objects(text, language)
    objects = [o for o in named if start <= o[0] and o[1] <= end]
    before = [o for o in objects if o[1] <= verb.start()]
    after = [o for o in objects if o[0] >= verb.end()]
    if after and _direct(text[verb.end() : after[0][0]], language):
        return after[0][2]
    if _pronoun_by(text, verb, language):
        earlier = [o for o in named if o[1] <= verb.start()]
        return earlier[-1][2] if earlier else last or (after[0][2] if after else None)
    free = [o for o in before if not _in_a_phrase(text, o[0], language)]
    if before:
        return (free or before)[-1][2]
    return after[0][2] if after else last


def _in_a_phrase(text: str, at: int, language: str | None) -> bool:
    """Whether the thing named at `at` sits in a phrase after a preposition ("falls from the
    box", "cae de la caja"): the subject of a later verb is the thing before it."""
    if _CJK.match(text[at : at + 1]):
        return False
    breaks = {b.lower() for b in stems_for("function_words", "phrase_breaks", language)}
    return bool(breaks.intersection(text[:at].lower().split()[-2:]))  # "de la caja", "from the box"


def _pronoun_by(text: str, verb: re.Match[str], language: str | None) -> bool:
    """A word for a thing ("it", "lo", "それ") right before the verb or right after it."""
    pronouns = stems_for("things", "pronouns", language)
    return near(text, verb.start(), pronouns, before=True, words=0) or near(
        text, verb.end(), pronouns, before=False, words=0
    )


def _sentence(text: str, at: int) -> tuple[int, int]:
    starts = [m.end() for m in SENTENCE.finditer(text, 0, at)]
    stop = SENTENCE.search(text, at)
    return (starts[-1] if starts else 0), (stop.start() if stop else len(text))


def _direct(gap: str, language: str | None) -> bool:
    """Whether a verb and the thing after it are verb and object: nothing or an article between
    them ("drops the glass", "menjatuhkan keranjangnya"), not a preposition ("falls into the bucket",
    "shatters on the rocks")."""
    if CLAUSE.search(gap):
        return False
    if _CJK.search(gap) or not gap.strip():
        return len(gap.strip()) <= 2 * DIRECT_WORDS
    words = gap.lower().split()
    determiners = {d.lower() for d in stems_for("function_words", "determiners", language)}
    return len(words) <= DIRECT_WORDS and words[0] in determiners


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

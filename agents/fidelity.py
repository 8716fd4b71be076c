"""Plan fidelity: does a FilmPlan tell the brief's story? Expected facts (who is cast, who speaks
which line, scene times and weather, motion events, props) are checked one by one, each with a
one-line reason, so the benchmark and the LLM planner's repair message say exactly what is wrong.

Facts live in TOML beside each benchmark brief (`benchmarks/briefs/<name>.toml`); the LLM planner
derives its own from the heuristic plan (`brief_facts`). Checks read plans defensively
(`getattr`), so the same checker also measures plans from older checkouts, whose scenes had no
weather or set pieces: such a fact fails there instead of crashing the measurement.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from film import BadInput, Character, FilmPlan, MotionAction, TimeOfDay, Weather

DEFAULT_DURATION_S = 40.0
NARRATOR = "nobody (narrator)"


@dataclass(frozen=True)
class Fact:
    """One thing the plan must show. `subject` is what it is about (a name, a line, an action, a
    prop kind, a scene number); `expected` is what must hold for it (a speaker, an object, a time of
    day, a build); None means anything does."""

    kind: str
    subject: str
    expected: str | None = None


@dataclass(frozen=True)
class Verdict:
    """A fact checked against one plan: passed or not, and why, in one line."""

    fact: Fact
    passed: bool
    reason: str


@dataclass(frozen=True)
class Expectation:
    """A brief's facts and the duration the benchmark plans it at."""

    duration_s: float
    facts: tuple[Fact, ...]


# --- matching -----------------------------------------------------------------------------------


def normalised(text: str) -> str:
    """Case, width and punctuation folded away, spaces collapsed: how lines and names are compared."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def _contains_words(haystack: str, needle: str) -> bool:
    """`needle` occurs in `haystack` as whole words (both normalised); in scripts without spaces a
    neighbouring letter counts as part of the word, so 千代 does not match 千代子."""
    if not needle:
        return False
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None


def same_name(cast_name: str, expected: str) -> bool:
    """A cast name shows the expected name: the same, or the expected name among its words
    ('Pak Bambang' shows 'Bambang'; 'Bambang' does not show 'Pak Bambang')."""
    return _contains_words(normalised(cast_name), normalised(expected))


def _speaker_name(plan: FilmPlan, speaker: str | None) -> str:
    """A line's speaker as a name ('' for the narrator); planners may write an id or a name."""
    if not speaker:
        return ""
    return next((c.name for c in plan.characters if c.id == speaker), speaker)


# --- one check per kind of fact -----------------------------------------------------------------

Check = Callable[[FilmPlan, Fact], tuple[bool, str]]


def _character(plan: FilmPlan, fact: Fact) -> tuple[bool, str]:
    if any(same_name(c.name, fact.subject) for c in plan.characters):
        return True, f"character {fact.subject!r} is cast"
    cast = ", ".join(c.name for c in plan.characters) or "nobody"
    return False, f"character {fact.subject!r} is not cast (cast: {cast})"


def _not_character(plan: FilmPlan, fact: Fact) -> tuple[bool, str]:
    if any(same_name(c.name, fact.subject) for c in plan.characters):
        return False, f"{fact.subject!r} is cast as a character"
    return True, f"{fact.subject!r} is not cast"


def _scenes(plan: FilmPlan, fact: Fact) -> tuple[bool, str]:
    count = len(plan.scenes)
    return count == int(fact.subject), f"plan has {_n(count, 'scene')}, expected {fact.subject}"


def _scene_field(field: str) -> Check:
    """A check of one scene's field (time of day, weather), scenes numbered from 1."""

    def check(plan: FilmPlan, fact: Fact) -> tuple[bool, str]:
        number, word = int(fact.subject), "time" if field == "time_of_day" else field
        if number > len(plan.scenes):
            have = _n(len(plan.scenes), "scene")
            return False, f"scene {number} {word} expected {fact.expected}, but the plan has {have}"
        value = getattr(plan.scenes[number - 1], field, None)
        if value is None:
            return False, f"scene {number} has no {word} in this plan, expected {fact.expected}"
        got = str(getattr(value, "value", value))
        return got == fact.expected, f"scene {number} {word} is {got}, expected {fact.expected}"

    return check


def _line(plan: FilmPlan, fact: Fact) -> tuple[bool, str]:
    wanted = normalised(fact.subject)
    speakers = [
        _speaker_name(plan, line.speaker)
        for shot in plan.shots
        for line in shot.dialogue
        if wanted and wanted in normalised(line.text)
    ]
    if not speakers:
        return False, f"line {fact.subject!r} is never spoken"
    if fact.expected is None:
        return True, f"line {fact.subject!r} is spoken"
    ok = any(_spoken_by(s, fact.expected) for s in speakers)
    said = next((s for s in speakers if _spoken_by(s, fact.expected)), speakers[0])
    return ok, f"line {fact.subject!r} is spoken by {said or NARRATOR}, expected {fact.expected or NARRATOR}"


def _spoken_by(speaker: str, expected: str) -> bool:
    """'' expects the narrator (no speaker); a name expects that character."""
    return not speaker if not expected else bool(speaker) and same_name(speaker, expected)


def _events(plan: FilmPlan) -> list[tuple[str, str]]:
    return [(str(e.action.value), e.object) for s in plan.shots for e in s.physics.events]


def _event(plan: FilmPlan, fact: Fact) -> tuple[bool, str]:
    wanted = f"{fact.subject} of {fact.expected}" if fact.expected else fact.subject
    found = [
        (a, o)
        for a, o in _events(plan)
        if a == fact.subject
        and (fact.expected is None or _contains_words(normalised(o), normalised(fact.expected)))
    ]
    if found:
        return True, f"event {wanted} occurs"
    seen = ", ".join(f"{a} of {o}" for a, o in _events(plan)[:4]) or "none"
    return False, f"event {wanted} missing (events: {seen})"


def _no_event(plan: FilmPlan, fact: Fact) -> tuple[bool, str]:
    found = [o for a, o in _events(plan) if a == fact.subject]
    if found:
        return False, f"event {fact.subject} occurs (of {found[0]}) but the brief has none"
    return True, f"no {fact.subject} event"


def drawn_props(plan: FilmPlan) -> list[tuple[str, str]]:
    """(kind, name) of every set piece and shot prop in the plan."""
    pieces = [p for scene in plan.scenes for p in getattr(scene, "set_pieces", ())]
    pieces += [p for shot in plan.shots for p in getattr(shot, "props", ())]
    return [(p.kind, p.name) for p in pieces]


def _prop(plan: FilmPlan, fact: Fact) -> tuple[bool, str]:
    wanted = normalised(fact.subject)
    for kind, name in drawn_props(plan):
        if normalised(kind) == wanted or _contains_words(normalised(name), wanted):
            return True, f"prop {fact.subject} is drawn"
    return False, f"prop {fact.subject} is never drawn"


def _build(plan: FilmPlan, fact: Fact) -> tuple[bool, str]:
    who = next((c for c in plan.characters if same_name(c.name, fact.subject)), None)
    if who is None:
        return False, f"character {fact.subject!r} is not cast"
    return who.build == fact.expected, f"{who.name}'s build is {who.build}, expected {fact.expected}"


CHECKS: dict[str, Check] = {
    "character": _character,
    "not_character": _not_character,
    "scenes": _scenes,
    "time": _scene_field("time_of_day"),
    "weather": _scene_field("weather"),
    "line": _line,
    "event": _event,
    "no_event": _no_event,
    "prop": _prop,
    "build": _build,
}


def check(plan: FilmPlan, facts: Iterable[Fact]) -> list[Verdict]:
    """Every fact checked against the plan, in order."""
    return [Verdict(fact, *CHECKS[fact.kind](plan, fact)) for fact in facts]


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# --- facts from TOML ----------------------------------------------------------------------------


VOCABULARY: dict[str, frozenset[str]] = {
    "times": frozenset(t.value for t in TimeOfDay),
    "weather": frozenset(w.value for w in Weather),
    "action": frozenset(a.value for a in MotionAction),
    "no_events": frozenset(a.value for a in MotionAction),
    "build": frozenset(get_args(Character.model_fields["build"].annotation)),
}
"""Keys whose values must be the plan's own words, so a typo in a facts file fails to load."""


def _word(key: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise BadInput(key, value, "must be a non-empty string")
    allowed = VOCABULARY.get(key)
    if allowed is not None and value not in allowed:
        raise BadInput(key, value, f"must be one of {', '.join(sorted(allowed))}")
    return value


def _strings(key: str, value: object) -> list[str]:
    if not isinstance(value, list):
        raise BadInput(key, value, "must be a list of strings")
    return [_word(key, v) for v in value]


def _tables(key: str, value: object, fields: tuple[str, ...]) -> list[Mapping[str, Any]]:
    """A TOML array of tables whose entries each have `fields[0]` (the rest are optional)."""
    if not isinstance(value, list) or not all(isinstance(v, dict) and fields[0] in v for v in value):
        raise BadInput(key, value, f"must be [[{key}]] tables, each with {fields[0]!r}")
    for table in value:
        extra = set(table) - set(fields)
        if extra:
            hint = " (top-level keys go before the first [[table]])" if extra & set(READERS) else ""
            raise BadInput(key, table, f"has unknown keys {sorted(extra)}; use {', '.join(fields)}{hint}")
    return value


def facts_from(data: Mapping[str, Any]) -> Expectation:
    """The facts of one brief from its parsed TOML (format: /work/helpers/issue11/ROOMS.md)."""
    facts: list[Fact] = []
    known = {"duration_s", *READERS}
    unknown = sorted(set(data) - known)
    if unknown:
        raise BadInput("facts", unknown, f"are not fact keys; use {', '.join(sorted(known))}")
    for key, read in READERS.items():
        if key in data:
            facts.extend(read(data[key]))
    duration = data.get("duration_s", DEFAULT_DURATION_S)
    if not isinstance(duration, int | float) or isinstance(duration, bool) or duration <= 0:
        raise BadInput("duration_s", duration, "must be a positive number of seconds")
    return Expectation(float(duration), tuple(facts))


def _count(value: object) -> list[Fact]:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise BadInput("scenes", value, "must be a whole number of scenes, 1 or more")
    return [Fact("scenes", str(value))]


def _per_scene(key: str, kind: str) -> Callable[[object], list[Fact]]:
    return lambda value: [Fact(kind, str(i + 1), v) for i, v in enumerate(_strings(key, value))]


def _lines(value: object) -> list[Fact]:
    return [
        Fact("line", _word("text", t["text"]), None if "speaker" not in t else str(t["speaker"]))
        for t in _tables("lines", value, ("text", "speaker"))
    ]


def _event_facts(value: object) -> list[Fact]:
    return [
        Fact(
            "event", _word("action", t["action"]), None if "object" not in t else _word("object", t["object"])
        )
        for t in _tables("events", value, ("action", "object"))
    ]


def _builds(value: object) -> list[Fact]:
    return [
        Fact("build", _word("name", t["name"]), _word("build", t.get("build", "average")))
        for t in _tables("builds", value, ("name", "build"))
    ]


READERS: dict[str, Callable[[object], list[Fact]]] = {
    "characters": lambda v: [Fact("character", n) for n in _strings("characters", v)],
    "not_characters": lambda v: [Fact("not_character", n) for n in _strings("not_characters", v)],
    "scenes": _count,
    "times": _per_scene("times", "time"),
    "weather": _per_scene("weather", "weather"),
    "lines": _lines,
    "events": _event_facts,
    "no_events": lambda v: [Fact("no_event", a) for a in _strings("no_events", v)],
    "props": lambda v: [Fact("prop", k) for k in _strings("props", v)],
    "builds": _builds,
}
"""TOML key -> the facts its value lists (one fact per name, line, scene, event, prop)."""


def load_facts(path: Path) -> Expectation:
    """A brief's expected facts from its TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BadInput("facts", str(path), f"is not valid TOML: {exc}") from exc
    return facts_from(data)


# --- facts the brief itself gives (the LLM planner's validation) --------------------------------


def brief_facts(
    heuristic: FilmPlan, *, max_characters: int, max_lines: int, max_line_chars: int
) -> list[Fact]:
    """What any plan of this brief must keep, as the offline planner read it: its cast and its
    spoken lines (speaker left open). Capped at what the LLM's draft can hold."""
    facts = [Fact("character", c.name) for c in heuristic.characters[:max_characters]]
    lines = dict.fromkeys(
        line.text.strip()
        for shot in heuristic.shots
        for line in shot.dialogue
        if normalised(line.text) and len(line.text) <= max_line_chars
    )
    facts += [Fact("line", text) for text in list(lines)[:max_lines]]
    return facts

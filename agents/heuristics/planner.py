"""The offline planner: a brief in any language or form becomes a FilmPlan whose whole-frame shots
fill the target exactly. It is the default planner and the fallback for the LLM planner."""

from __future__ import annotations

import math
import re

from agents.heuristics import grammar, lexicon, props, setting
from agents.heuristics.beats import BriefDraft, SceneDraft, parse_brief, quotes
from agents.heuristics.cast import find_cast
from agents.heuristics.coverage import Unit, cover, stage
from agents.heuristics.dialogue import PRONOUNS, speak
from agents.heuristics.language import STOPWORDS, detect_language, unsupported_note
from agents.heuristics.physics_words import physics_track
from agents.heuristics.text import clip, split_sentences, visible_length
from agents.heuristics.verbs import EMOTIONS, MOVES, classify
from film import ASPECTS, BadInput, Character, FilmPlan, Physics, Prop, Shot, Weather, timing
from film.plan import MAX_DURATION_S, MIN_DURATION_S

MAX_BRIEF_CHARS = 20_000
PRO_DROP = frozenset({"es", "it", "pt", "ar", "ja", "zh", "hi", "ko"})
TRAILING_STOPWORDS = frozenset(lexicon.words("stopwords", "title_only")).union(*STOPWORDS.values())


def plan_brief(
    brief: str,
    *,
    duration_s: float,
    aspect: str = "16:9",
    style: str = "cinematic",
    seed: int = 0,
    fps: int = 24,
    title_card: bool = True,
) -> FilmPlan:
    """Plan a film from a brief with no model: deterministic, any language, prose/screenplay/list."""
    _check(brief, duration_s, aspect, style, seed, fps)
    language = detect_language(brief)
    draft = parse_brief(brief, language)
    total = round(duration_s * fps)
    card = timing.title_card_frames(duration_s, fps, title_card)
    lo, hi = timing.shot_limits(fps, total - card)
    texts = [b.text for s in draft.scenes for b in s.beats if not b.dialogue]
    cast = find_cast(texts, draft.cues, language)
    track = physics_track(  # what is said makes no weather and drops nothing: only the action
        [[b.parenthetical if b.dialogue else b.text for b in s.beats] for s in draft.scenes],
        language,
        names=[c.name for c, _ in cast],
    )
    scenes = [
        scene.model_copy(update={"set_pieces": props.set_pieces(_action(d), language)})
        for scene, d in zip(setting.scenes(draft.scenes, track, language), draft.scenes, strict=True)
    ]
    stages = [stage(s, d.beats, cast, language) for s, d in zip(scenes, draft.scenes, strict=True)]
    indoors = [_indoors(beats) if d.interior else beats for d, beats in zip(draft.scenes, track, strict=True)]
    units = _units(draft, cast, indoors, language, limit=max(1, (total - card) // lo))
    frames = timing.split_frames([u.weight for u in units], total - card, lo)
    shots: list[Shot] = []
    prev_cast: list[str] = []
    prev_scene = -1
    for unit, unit_frames in zip(units, frames, strict=True):
        carried = prev_cast if unit.scene == prev_scene else []
        who = _who(unit, cast, carried, language)
        beat = grammar.Beat(
            move=classify(
                unit.text if not unit.dialogue or unit.parenthetical == "" else unit.parenthetical,
                MOVES,
                language,
            )
            if not _only_dialogue(unit)
            else "speak",
            emotion=classify(f"{unit.text} {unit.parenthetical}", EMOTIONS, language),
            dialogue=bool(unit.dialogue) or bool(quotes(unit.text)),
            text=unit.text,
            scene_index=unit.scene,
            opens_scene=unit.scene != prev_scene,
            thing_moves=bool(unit.physics.events),
        )
        shots.extend(cover(unit, beat, who, unit_frames, hi, fps, shots, stages[unit.scene]))
        prev_cast, prev_scene = who or carried, unit.scene
    used = sorted({s.scene_id for s in shots}, key=lambda sid: int(sid[2:]))
    return FilmPlan(
        title=_title(draft, brief),
        logline=_logline(draft),
        language=language,
        aspect=aspect,
        fps=fps,
        duration_s=duration_s,
        title_card_frames=card,
        style=style,
        seed=seed,
        characters=tuple(c for c, _ in cast),
        scenes=tuple(s for s in scenes if s.id in used),
        shots=tuple(shots),
        notes=tuple(note for note in (unsupported_note(language),) if note),
    )


def _check(brief: str, duration_s: float, aspect: str, style: str, seed: int, fps: int) -> None:
    if not isinstance(brief, str) or not brief.strip():
        raise BadInput("brief", brief, "is empty; write a sentence or more about the film")
    if len(brief) > MAX_BRIEF_CHARS:
        raise BadInput("brief", brief, f"is {len(brief)} characters; the limit is {MAX_BRIEF_CHARS}")
    if (
        not isinstance(duration_s, int | float)
        or not math.isfinite(duration_s)
        or not (MIN_DURATION_S <= duration_s <= MAX_DURATION_S)
    ):
        raise BadInput("duration", duration_s, f"must be between {MIN_DURATION_S:g} and {MAX_DURATION_S:g} s")
    if aspect not in ASPECTS:
        raise BadInput("aspect", aspect, f"must be one of {', '.join(ASPECTS)}")
    if not 8 <= fps <= 60:
        raise BadInput("fps", fps, "must be between 8 and 60")
    if not 0 <= seed <= 2**32 - 1:
        raise BadInput("seed", seed, "must be between 0 and 4294967295")
    if len(style) > 200:
        raise BadInput("style", style, "must be at most 200 characters")


def _units(
    draft: BriefDraft,
    cast: list[tuple[Character, re.Pattern[str]]],
    track: list[list[Physics]],
    language: str,
    *,
    limit: int,
) -> list[Unit]:
    """Beats merged into at most `limit` units. Lines, physics and props are found per beat first,
    so merging never moves a line to another speaker or a fall to another beat."""
    beats = [(i, b) for i, s in enumerate(draft.scenes) for b in s.beats]
    lines = speak([b for _, b in beats], cast, language)
    physics = [p for scene in track for p in scene]
    found = [props.shot_props(b.parenthetical if b.dialogue else b.text, language) for _, b in beats]
    weights = [float(max(visible_length(b.text), 12)) for _, b in beats]
    groups = timing.group_beats(weights, [i for i, _ in beats], limit)
    units = []
    for group in groups:
        parts = [beats[k][1] for k in group]
        units.append(
            Unit(
                scene=beats[group[0]][0],
                text=clip(" ".join(b.text for b in parts), 1000),
                dialogue=[line for b in parts for line in b.dialogue],
                lines=[line for k in group for line in lines[k]],
                physics=_merged([physics[k] for k in group]),
                props=_union([found[k] for k in group]),
                parenthetical=" ".join(b.parenthetical for b in parts if b.parenthetical),
                weight=sum(weights[k] for k in group),
            )
        )
    return units


def _indoors(beats: list[Physics]) -> list[Physics]:
    """An interior scene keeps its weather outside (the scene's, seen through the window);
    nothing falls from the ceiling."""
    return [p.model_copy(update={"weather": Weather.clear, "wind_ms": (0.0, 0.0)}) for p in beats]


def _action(scene: SceneDraft) -> str:
    """The scene's action lines, without its spoken lines ('On the house.' builds no house)."""
    return " ".join(b.text for b in scene.beats if not b.dialogue)


def _merged(physics: list[Physics]) -> Physics:
    """Merged beats show the sky they end in (weather holds forward) and every beat's motion events."""
    events = tuple(e for p in physics for e in p.events)[:3]
    return physics[-1].model_copy(update={"events": events})


def _union(found: list[tuple[Prop, ...]]) -> tuple[Prop, ...]:
    """Props of merged beats, each id once; a prop lit in any beat stays lit."""
    by_id: dict[str, Prop] = {}
    for prop in (p for props_ in found for p in props_):
        seen = by_id.get(prop.id)
        if seen is None:
            by_id[prop.id] = prop
        elif prop.light or prop.sweeps:
            by_id[prop.id] = seen.model_copy(
                update={"light": seen.light or prop.light, "sweeps": seen.sweeps or prop.sweeps}
            )
    return tuple(by_id.values())


def _only_dialogue(unit: Unit) -> bool:
    return (
        bool(unit.dialogue)
        and all(f"{s}: {t}" in unit.text for s, t in unit.dialogue)
        and len(unit.text) <= sum(len(f"{s}: {t}") + 1 for s, t in unit.dialogue)
    )


def _who(
    unit: Unit, cast: list[tuple[Character, re.Pattern[str]]], carried: list[str], language: str
) -> list[str]:
    """Characters in a unit, in order of first mention; a pronoun carries the last ones over."""
    hits: list[tuple[int, str]] = []
    speakers = " ".join(s for s, _ in unit.dialogue if s)
    for character, pattern in cast:
        m = pattern.search(unit.text) or pattern.search(speakers)
        if m:
            hits.append((m.start(), character.id))
    hits.sort()
    who = [cid for _, cid in hits]
    if (
        not who
        and carried
        and (PRONOUNS.search(unit.text) or unit.dialogue or quotes(unit.text) or language in PRO_DROP)
    ):
        return list(carried)
    return who


def _title(draft: BriefDraft, brief: str) -> str:
    if draft.title.strip():
        return clip(draft.title.strip(" #*_:"), 200)
    first = next((b.text for s in draft.scenes for b in s.beats), brief.strip())
    sentence = split_sentences(first)[0] if split_sentences(first) else first
    words = sentence.split()
    if len(words) <= 1:
        return clip(sentence.rstrip("。.!?！？"), 40) or "Untitled"
    words = words[:6]
    while len(words) > 1 and words[-1].lower().strip(".,;:") in TRAILING_STOPWORDS:
        words.pop()
    title = " ".join(words).rstrip(".,;:!?。！？")
    return clip(title, 80) or "Untitled"


def _logline(draft: BriefDraft) -> str:
    prose = [b.text for s in draft.scenes for b in s.beats if not b.dialogue]
    return clip(" ".join(prose[:2]), 300)

"""Coverage: one unit of the story (one or more merged beats) as the shots that cover it.

A unit longer than the longest shot becomes several shots, and each added shot is distinct
coverage of its beat, the way a crew shoots a scene: an establishing shot where a scene opens,
the master (the beat as written), a reaction of the listener, an over-the-shoulder, an insert of
each named prop, a cutaway to each set piece, a close-up. Each has its own subject and its own
shot-list line, so no two shots of a film repeat each other and none is an empty frame unless the
beat asks for emptiness. Lines keep their speakers and ride the shots that show people; motion
events play once, in the master.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from agents.heuristics import grammar, shotlist
from agents.heuristics.beats import Beat as BriefBeat
from agents.heuristics.physics_words import timed
from agents.heuristics.text import clip
from film import Character, DialogueLine, Performance, Physics, Prop, Scene, Shot, timing

ESTABLISHING, MASTER = "establishing", "master"
SPEAKING = frozenset({MASTER, "over-the-shoulder", "reaction", "close", "wide", "medium"})
"""Coverage that shows people, so it may carry the unit's lines (a reaction carries them off-screen)."""
ANGLES = ("wide", "medium", "close")


@dataclass
class Unit:
    """One or more merged beats that become one shot (or several coverage shots)."""

    scene: int
    text: str
    dialogue: list[tuple[str | None, str]]
    lines: list[DialogueLine] = field(default_factory=list)
    physics: Physics = field(default_factory=Physics)
    props: tuple[Prop, ...] = ()
    parenthetical: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class Stage:
    """What coverage can point the camera at besides the beat: the scene (place, hour, set
    pieces), its texts, the film's cast by id, who the scene names, and the brief's language."""

    scene: Scene
    texts: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    present: tuple[str, ...] = ()
    language: str = "en"

    def name(self, character_id: str) -> str:
        return self.names.get(character_id, character_id)


def stage(
    scene: Scene,
    beats: Sequence[BriefBeat],
    cast: Sequence[tuple[Character, re.Pattern[str]]],
    language: str,
) -> Stage:
    """The Stage of a scene from its beats: who it names (by text or as a speaker), in order."""
    texts = tuple(b.text for b in beats)
    said = " ".join(s for b in beats for s, _ in b.dialogue if s)
    body = f"{' '.join(texts)} {said}"
    found = sorted((m.start(), c.id) for c, pattern in cast if (m := pattern.search(body)))
    return Stage(
        scene=scene,
        texts=texts,
        names={c.id: c.name for c, _ in cast},
        present=tuple(cid for _, cid in found),
        language=language,
    )


@dataclass(frozen=True)
class Setup:
    """One camera setup of a unit: its coverage kind, shot-list line, who and what is in frame."""

    kind: str
    description: str
    cast: tuple[tuple[str, str], ...]
    """(character id, action); for over-the-shoulder the first faces the camera, the last is the
    shoulder the camera looks over."""
    props: tuple[Prop, ...]


def cover(
    unit: Unit,
    beat: grammar.Beat,
    who: list[str],
    frames: int,
    maximum: int,
    fps: int,
    shots: list[Shot],
    stage: Stage | None = None,
) -> list[Shot]:
    """One unit as one shot, or as distinct coverage when it runs past the longest shot.
    `shots` are the film's shots so far (for ids, the previous camera and descriptions in use)."""
    where = stage or Stage(scene=Scene(id=f"sc{unit.scene + 1}"))
    parts = timing.coverage(frames, maximum)
    setups = _setups(unit, beat, _people(unit, who, where, shots), where, len(parts), shots)
    carriers = [k for k, s in enumerate(setups) if s.kind in SPEAKING] or [0]
    emotion = beat.emotion or "neutral"
    out: list[Shot] = []
    for k, (setup, part_frames) in enumerate(zip(setups, parts, strict=True)):
        prev = out[-1].camera if out else (shots[-1].camera if shots else None)
        n = len(shots) + len(out)
        j = carriers.index(k) if k in carriers else -1
        share = unit.lines[_first(j, unit.lines, carriers) : _first(j + 1, unit.lines, carriers)]
        physics = unit.physics if setup.kind == MASTER else unit.physics.model_copy(update={"events": ()})
        out.append(
            Shot(
                id=f"sh{n + 1:04d}",
                scene_id=where.scene.id,
                frames=part_frames,
                description=setup.description,
                performances=tuple(
                    Performance(character_id=cid, action=action, emotion=emotion)
                    for cid, action in setup.cast
                ),
                camera=grammar.camera_for(beat, k, len(parts), n, prev, setup.kind),
                physics=timed(physics, part_frames / fps),
                dialogue=tuple(share) if j >= 0 else (),
                continuous_with_previous=False,
                props=setup.props,
                coverage=setup.kind,
            )
        )
    return out


def _first(j: int, lines: Sequence[DialogueLine], carriers: Sequence[int]) -> int:
    """Index of the first line carrier `j` speaks: lines split in order, the earlier shots
    first, so a lone line stays with the master that shows its speaker."""
    return -(-j * len(lines) // len(carriers))


def _people(unit: Unit, who: list[str], where: Stage, shots: list[Shot]) -> list[str]:
    """Who the unit shows: its own cast; when it names nobody and does not ask for emptiness, the
    last people seen in this scene, else those the scene names, else (when nothing else would be
    in frame) the last people seen in the film."""
    if who or shotlist.asks_empty(unit.text):
        return list(who)
    in_scene = [s for s in shots if s.scene_id == where.scene.id and s.performances]
    if in_scene:
        return [p.character_id for p in in_scene[-1].performances]
    if where.present:
        return list(where.present[:2])
    if not unit.props and not where.scene.set_pieces:
        seen = [s for s in shots if s.performances]
        return [p.character_id for p in seen[-1].performances] if seen else []
    return []


def _setups(
    unit: Unit, beat: grammar.Beat, people: list[str], where: Stage, parts: int, shots: list[Shot]
) -> list[Setup]:
    """`parts` distinct setups: establishing (where a scene opens), the master, then people's,
    props' and set pieces' coverage in turn (lines no shot has yet first), and numbered other
    angles when those run out."""
    seen = {s.description for s in shots}
    lang, lit = where.language, tuple(p for p in unit.props if p.light)
    everyone = [(cid, grammar.action_word(beat)) for cid in people]
    head: list[Candidate] = []
    if beat.opens_scene and parts > 1:
        opening = shotlist.establishing(where.scene, where.texts or (unit.text,), lang)
        head.append((ESTABLISHING, opening, everyone, unit.props))
    master = unit.text or "(silence)"
    head.append(
        (MASTER, master if master not in seen else shotlist.another(master, seen, lang), everyone, unit.props)
    )
    queues: list[list[Candidate]] = [
        _people_setups(unit, people, where, everyone[0][1] if everyone else "stand", lit),
        [("insert", shotlist.line("insert", lang, thing=shotlist.thing(p)), (), (p,)) for p in unit.props],
        [
            ("cutaway", shotlist.line("cutaway", lang, thing=shotlist.thing(p)), (), ())
            for p in where.scene.set_pieces
        ],
    ]
    turns = [q[i] for i in range(max(map(len, queues))) for q in queues if i < len(q)]
    chosen: list[Setup] = []
    for kind, text, cast, props in [
        *head,
        *(c for c in turns if c[1] not in seen),
        *(c for c in turns if c[1] in seen),
    ]:
        told = shotlist.unique(text, seen, unit.text)
        if told and len(chosen) < parts:
            seen.add(told)
            chosen.append(Setup(kind, clip(told, 1000), tuple(cast), props))
    while len(chosen) < parts:
        angle = ANGLES[len(chosen) % len(ANGLES)]
        told = shotlist.another(master, seen, lang)
        seen.add(told)
        chosen.append(Setup(angle, told, tuple(everyone), lit if angle == "close" else unit.props))
    return chosen


Candidate = tuple[str, str, Sequence[tuple[str, str]], tuple[Prop, ...]]


def _people_setups(
    unit: Unit, people: list[str], where: Stage, action: str, lit: tuple[Prop, ...]
) -> list[Candidate]:
    """Coverage of the people: with a listener, over-the-shoulder and reaction (both ways when
    they talk); alone, a close-up and a reaction to the moment."""
    if not people:
        return []
    by_name = {name: cid for cid, name in where.names.items()}
    speakers = [by_name[d.speaker] for d in unit.lines if d.speaker in by_name]
    subject = next((s for s in speakers if s in people or s in where.present), people[0])
    others = [c for c in dict.fromkeys([*people, *where.present]) if c != subject]
    name, lang = where.name, where.language
    talk = "speak" if speakers else action
    out: list[Candidate] = []
    if others:
        listener = others[0]
        ots = shotlist.line("over_the_shoulder", lang, who=name(subject), whom=name(listener))
        react = shotlist.line("reaction", lang, who=name(listener), whom=name(subject))
        out.append(("reaction", react, [(listener, "look")], lit))
        out.insert(
            0 if speakers else 1,
            ("over-the-shoulder", ots, [(subject, talk), (listener, "look")], unit.props),
        )
        if speakers:
            back = shotlist.line("over_the_shoulder", lang, who=name(listener), whom=name(subject))
            out.append(("over-the-shoulder", back, [(listener, "look"), (subject, talk)], unit.props))
    out.append(("close", shotlist.line("close", lang, who=name(subject)), [(subject, talk)], lit))
    out.append(("reaction", shotlist.line("reacting", lang, who=name(subject)), [(subject, "look")], lit))
    out.extend(("close", shotlist.line("close", lang, who=name(c)), [(c, "look")], lit) for c in others[:2])
    return out

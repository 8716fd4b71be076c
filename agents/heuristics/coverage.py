"""Coverage: one unit of the story (one or more merged beats) as the shots that cover it.

A unit longer than the longest shot becomes several shots; each is distinct coverage of its beat
(wide → medium → close today), so no two shots of a film repeat each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.heuristics import grammar
from agents.heuristics.physics_words import timed
from film import DialogueLine, Performance, Physics, Prop, Shot, timing


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


def cover(
    unit: Unit,
    beat: grammar.Beat,
    who: list[str],
    frames: int,
    maximum: int,
    fps: int,
    shots: list[Shot],
) -> list[Shot]:
    """One unit as one shot, or as wide → medium → close coverage when it runs past the longest shot.
    `shots` are the film's shots so far (for ids and the previous camera)."""
    parts = timing.coverage(frames, maximum)
    lines, physics = unit.lines, unit.physics
    emotion = beat.emotion or "neutral"
    performances = tuple(
        Performance(character_id=cid, action=grammar.action_word(beat), emotion=emotion) for cid in who
    )
    out: list[Shot] = []
    for k, part_frames in enumerate(parts):
        prev = out[-1].camera if out else (shots[-1].camera if shots else None)
        n = len(shots) + len(out)
        share = lines[k * len(lines) // len(parts) : (k + 1) * len(lines) // len(parts)]
        shot_physics = physics if k == 0 else physics.model_copy(update={"events": ()})
        out.append(
            Shot(
                id=f"sh{n + 1:04d}",
                scene_id=f"sc{unit.scene + 1}",
                frames=part_frames,
                description=unit.text or "(silence)",
                performances=performances,
                camera=grammar.camera_for(beat, k, len(parts), n, prev),
                physics=timed(shot_physics, part_frames / fps),
                dialogue=tuple(share),
                continuous_with_previous=k > 0,
                props=unit.props,
            )
        )
    return out

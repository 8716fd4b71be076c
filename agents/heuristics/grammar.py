"""A simple film grammar: how big, from where and how the camera moves for each shot.

Rules: each scene opens wide; the verb picks the move (travel → truck/pan, rise → tilt/crane up,
approach → dolly in, leave → dolly out, fall → tilt down); emotion and dialogue go close; each kind
of coverage keeps to its sizes (establishing wide, insert close on the prop, reaction close on the
listener, over-the-shoulder medium); the same (size, movement) never plays twice in a row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from agents.heuristics import lexicon
from agents.heuristics.text import has_stem
from film import LENS_MM, Angle, Camera, Direction, Movement, ShotSize

ORDER: tuple[ShotSize, ...] = tuple(ShotSize)
EMOTIONAL = frozenset({"sad", "afraid", "tender", "joyful", "surprised", "angry", "determined", "awed"})
RUN_STEMS = lexicon.words("camera", "run")  # a travel that is a run: truck, faster
OVERHEAD_STEMS = lexicon.words("camera", "overhead")
ACTIONS: dict[str, str] = {
    "travel": "walk",
    "rise": "climb",
    "fall": "fall",
    "approach": "approach",
    "leave": "leave",
    "fight": "fight",
    "circle": "dance",
    "look": "look",
    "speak": "speak",
}
FRAMINGS: dict[str, tuple[tuple[ShotSize, ShotSize], Movement]] = {
    "reaction": ((ShotSize.medium_close, ShotSize.close_up), Movement.static),
    "insert": ((ShotSize.close_up, ShotSize.extreme_close_up), Movement.static),
    "over-the-shoulder": ((ShotSize.medium, ShotSize.medium_close), Movement.static),
    "cutaway": ((ShotSize.wide, ShotSize.medium_wide), Movement.pan),
    "close": ((ShotSize.close_up, ShotSize.medium_close), Movement.dolly),
    "wide": ((ShotSize.wide, ShotSize.medium_wide), Movement.pan),
    "medium": ((ShotSize.medium, ShotSize.medium_wide), Movement.static),
}
"""Coverage that frames a person or a prop: its two sizes (the second breaks a repeat) and its move."""


@dataclass(frozen=True)
class Beat:
    """What grammar needs to know about the beat a shot covers."""

    move: str | None
    emotion: str | None
    dialogue: bool
    text: str
    scene_index: int
    opens_scene: bool
    thing_moves: bool = False
    """a simulated thing makes the motion ('a bucket falls'), so the figures do not fall with it"""


def action_word(beat: Beat) -> str:
    """Canonical English action for a performance, so engines can pose figures in any language."""
    if beat.move == "travel" and has_stem(beat.text, RUN_STEMS):
        return "run"
    if beat.move is None or (beat.move == "fall" and beat.thing_moves):
        return "speak" if beat.dialogue else "stand"
    return ACTIONS.get(beat.move, "stand")


def camera_for(
    beat: Beat, part: int, parts: int, shot_index: int, prev: Camera | None, kind: str = ""
) -> Camera:
    """Camera for coverage part `part` of `parts` of a beat; `shot_index` counts shots in the film.
    `kind` is the coverage the part is (coverage.py's kinds); "" keeps wide → medium → close."""
    if kind in FRAMINGS:
        return _framed(beat, kind, shot_index, prev)
    if kind == "establishing":
        beat, part = replace(beat, opens_scene=True), 0
    elif kind == "master":
        beat, part = (beat if part == 0 else replace(beat, opens_scene=False)), 0
    size, movement, direction, speed = _wish(beat, part, shot_index)
    angle = _angle(beat, size)
    if prev is not None and (prev.size, prev.movement) == (size, movement):
        size, movement, direction = _vary(size, movement, direction, opening=beat.opens_scene and part == 0)
    return Camera(
        size=size, angle=angle, movement=movement, direction=direction, speed=speed, lens_mm=LENS_MM[size]
    )


def _framed(beat: Beat, kind: str, shot_index: int, prev: Camera | None) -> Camera:
    """A person's or a prop's coverage: its size (the other one after a repeat), a slow move."""
    sizes, movement = FRAMINGS[kind]
    size = sizes[shot_index % 2] if kind in ("reaction", "insert") else sizes[0]
    side = Direction.right if shot_index % 2 == 0 else Direction.left
    direction = {Movement.dolly: Direction.in_, Movement.pan: side}.get(movement, Direction.none)
    speed = 0.4 if movement is Movement.dolly else 0.5 if movement is Movement.pan else 1.0
    if kind in ("wide", "medium"):
        movement, direction, speed = _move(beat, side)
    if prev is not None and (prev.size, prev.movement) == (size, movement):
        size = sizes[1] if size is sizes[0] else sizes[0]
    angle = _angle(beat, size) if kind in ("cutaway", "wide", "medium") else Angle.eye
    if kind == "insert" and has_stem(beat.text, OVERHEAD_STEMS):
        angle = Angle.overhead
    return Camera(
        size=size, angle=angle, movement=movement, direction=direction, speed=speed, lens_mm=LENS_MM[size]
    )


def _wish(beat: Beat, part: int, shot_index: int) -> tuple[ShotSize, Movement, Direction, float]:
    side = Direction.right if shot_index % 2 == 0 else Direction.left
    move, direction, speed = _move(beat, side)
    if part == 0 and beat.opens_scene:
        size = ShotSize.extreme_wide if beat.scene_index == 0 else ShotSize.wide
        if move is Movement.static:
            move, direction, speed = (
                (Movement.pan, side, 0.5)
                if beat.scene_index % 2 == 0
                else (Movement.crane, Direction.down, 0.6)
            )
        if move in (Movement.handheld, Movement.tilt):
            move, direction = Movement.pan, side
        return size, move, direction, speed
    if part > 0:
        size = (ShotSize.wide, ShotSize.medium, ShotSize.close_up)[part % 3]
        if part % 3 == 2:
            return size, Movement.dolly, Direction.in_, 0.4
        if part % 3 == 1:
            return (
                size,
                Movement.static if move is not Movement.static else Movement.pan,
                (Direction.none if move is not Movement.static else side),
                0.6,
            )
        return size, move, direction, speed
    return _size(beat, shot_index), move, direction, speed


def _move(beat: Beat, side: Direction) -> tuple[Movement, Direction, float]:
    fast = 1.6 if has_stem(beat.text, RUN_STEMS) else 1.0
    match beat.move:
        case "travel":
            return (Movement.truck if fast > 1 or side is Direction.right else Movement.pan), side, fast
        case "rise":
            return Movement.crane, Direction.up, 0.8
        case "approach":
            return Movement.dolly, Direction.in_, 0.7
        case "leave":
            return Movement.dolly, Direction.out, 0.7
        case "fall":
            return Movement.tilt, Direction.down, 1.4
        case "fight":
            return Movement.handheld, Direction.none, 1.3
        case "circle":
            return Movement.orbit, side, 0.8
        case "look":
            return Movement.pan, side, 0.6
    if beat.emotion in EMOTIONAL:
        return Movement.dolly, Direction.in_, 0.3
    return Movement.static, Direction.none, 1.0


def _size(beat: Beat, shot_index: int) -> ShotSize:
    if beat.dialogue:
        return ShotSize.medium_close if shot_index % 2 == 0 else ShotSize.close_up
    if beat.emotion in EMOTIONAL and beat.move in (None, "speak", "look", "approach"):
        return ShotSize.close_up
    if beat.move in ("travel", "fall", "fight", "circle", "leave"):
        return ShotSize.full if beat.move in ("fall", "circle") else ShotSize.medium_wide
    if beat.move == "rise":
        return ShotSize.full
    return (ShotSize.medium, ShotSize.medium_wide, ShotSize.medium_close)[shot_index % 3]


def _angle(beat: Beat, size: ShotSize) -> Angle:
    if has_stem(beat.text, OVERHEAD_STEMS):
        return Angle.overhead
    if beat.move == "rise":
        return Angle.low
    if beat.move == "fall" or (beat.emotion == "afraid" and size in (ShotSize.wide, ShotSize.extreme_wide)):
        return Angle.high
    if beat.move == "fight":
        return Angle.dutch
    return Angle.eye


def _vary(
    size: ShotSize, movement: Movement, direction: Direction, *, opening: bool
) -> tuple[ShotSize, Movement, Direction]:
    """Break a repeat of the previous shot: step the size, keep the move that the verb asked for."""
    if opening:
        return (
            (ShotSize.wide if size is ShotSize.extreme_wide else ShotSize.extreme_wide),
            movement,
            direction,
        )
    i = ORDER.index(size)
    step = 1 if i + 1 < len(ORDER) else -1
    return ORDER[i + step], movement, direction

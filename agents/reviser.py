"""Offline revisions: a small edit grammar that turns "shot 3: close-up, dolly in" into a new
FilmPlan. Every rule changes only what it names, so unchanged shots keep their spec_hash and
their takes are reused; a look change touches exactly the shots its character is in.

Clauses are separated by ';' or new lines:
  shot 3: close-up, low angle, dolly in   make it 45 seconds        Mara wears a red coat
  remove shot 5                           add a shot after 2: ...   aspect 9:16 / style noir
  shot 3 line: Hold the rope.             shot 3 line 2: ...
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agents.heuristics.cast import dressed_colour
from agents.heuristics.physics_words import physics_of, timed
from film import ASPECTS, LENS_MM, BadInput, Camera, DialogueLine, FilmPlan, Performance, Shot
from film.camera import Angle, Direction, Movement, ShotSize
from film.plan import MAX_DURATION_S, MIN_DURATION_S
from film.timing import split_frames

HELP = (
    'try "shot 3: close-up, dolly in", "shot 3 line: Hold the rope.", "make it 45 seconds", '
    '"Mara wears a red coat", "remove shot 5", "add a shot after 2: Theo waves", "aspect 9:16", "style noir"'
)
NEW_SHOT_S = 3.0

# Longest phrases first, so "extreme close-up" wins over "close-up".
SIZES: tuple[tuple[str, ShotSize], ...] = (
    ("extreme wide", ShotSize.extreme_wide), ("extreme long", ShotSize.extreme_wide),
    ("extreme close", ShotSize.extreme_close_up), ("ecu", ShotSize.extreme_close_up),
    ("medium wide", ShotSize.medium_wide), ("medium close", ShotSize.medium_close),
    ("close", ShotSize.close_up), ("cu", ShotSize.close_up), ("wide", ShotSize.wide),
    ("long shot", ShotSize.wide), ("full", ShotSize.full), ("medium", ShotSize.medium),
    ("ms", ShotSize.medium), ("ws", ShotSize.wide),
)  # fmt: skip
ANGLES: tuple[tuple[str, Angle], ...] = (
    ("low angle", Angle.low), ("high angle", Angle.high), ("overhead", Angle.overhead),
    ("top down", Angle.overhead), ("bird", Angle.overhead), ("dutch", Angle.dutch),
    ("eye level", Angle.eye), ("eye", Angle.eye), ("low", Angle.low), ("high", Angle.high),
)  # fmt: skip
MOVES = {m.value: m for m in Movement} | {"push": Movement.dolly, "track": Movement.truck}
DIRECTIONS = {d.value: d for d in Direction if d is not Direction.none} | {"back": Direction.out}


def revise(plan: FilmPlan, instruction: str) -> FilmPlan:
    """Apply every clause of `instruction` in order; an unknown clause is a BadInput."""
    clauses = [c.strip() for c in re.split(r"[;\n]+", instruction) if c.strip()]
    if not clauses:
        raise BadInput("revision", instruction, f"is empty; {HELP}")
    for clause in clauses:
        plan = _apply(plan, clause)
    return plan


def _apply(plan: FilmPlan, clause: str) -> FilmPlan:
    rules: tuple[tuple[str, Callable[[FilmPlan, re.Match[str]], FilmPlan]], ...] = (
        (r"^(?:remove|delete|drop|cut)\s+shot\s+(\d+)$", _remove),
        (r"^add\s+(?:a\s+)?shot\s+after\s+(?:shot\s+)?(\d+)\s*:\s*(.+)$", _add),
        (r"^shot\s+(\d+)\s+line(?:\s+(\d+))?\s*:\s*(.+)$", _line),
        (r"^shot\s+(\d+)\s*:\s*(.+)$", _camera),
        (r"^(?:make\s+it|duration|length)\s*:?\s*(\d+(?:\.\d+)?)\s*(?:s|sec|secs|seconds?)?$", _retime),
        (r"^(?:aspect(?:\s+ratio)?)\s*:?\s*(\S+)$", _aspect),
        (r"^style\s*:?\s*(.+)$", _style),
        (r"^(.+?)\s+(?:now\s+)?(?:wears|is\s+wearing|has|looks\s+like)\s+(.+)$", _look),
    )
    text = clause.strip().rstrip(".")
    for pattern, rule in rules:
        match = re.match(pattern, text, re.IGNORECASE)
        if match:
            return rule(plan, match)
    raise BadInput("revision", clause, f"is not understood offline; {HELP}")


def _position(plan: FilmPlan, number: str) -> int:
    index = int(number) - 1
    if not 0 <= index < len(plan.shots):
        raise BadInput("shot", int(number), f"no such shot; the plan has shots 1-{len(plan.shots)}")
    return index


def _rebuild(plan: FilmPlan, **changes: object) -> FilmPlan:
    """Validate the revised plan like any other, so a revision can never corrupt a run."""
    data = plan.model_dump(mode="python") | changes
    return FilmPlan.model_validate(data)


def _camera(plan: FilmPlan, match: re.Match[str]) -> FilmPlan:
    index = _position(plan, match.group(1))
    shot = plan.shots[index]
    camera = camera_from_words(shot.camera, match.group(2))
    shots = list(plan.shots)
    shots[index] = shot.model_copy(update={"camera": camera})
    return _rebuild(plan, shots=tuple(shots))


def _line(plan: FilmPlan, match: re.Match[str]) -> FilmPlan:
    """`shot 3 line: Hold the rope.` (or `line 2:`) says another line; a shot without lines gets
    one, spoken by its first character. Only the voice changes: the words are never in a take."""
    index = _position(plan, match.group(1))
    shot = plan.shots[index]
    k = int(match.group(2) or 1) - 1
    text = match.group(3).strip().strip('"“”').strip()
    lines = list(shot.dialogue)
    if not text or not 0 <= k <= len(lines) or (k == len(lines) and lines):
        raise BadInput("revision", match.group(0), f"shot {index + 1} has {len(lines)} lines; {HELP}")
    if k == len(lines):
        who = plan.cast_of(shot)[0].name if shot.performances else None
        lines.append(DialogueLine(speaker=who, text=text))
    else:
        lines[k] = lines[k].model_copy(update={"text": text[:500]})
    shots = list(plan.shots)
    shots[index] = shot.model_copy(update={"dialogue": tuple(lines)})
    return _rebuild(plan, shots=tuple(shots))


def camera_from_words(camera: Camera, words: str) -> Camera:
    update: dict[str, object] = {}
    for part in (p.strip().lower() for p in words.split(",") if p.strip()):
        found = False
        size = next((s for key, s in SIZES if re.search(rf"\b{key}", part)), None)
        if size is not None:
            update["size"], update["lens_mm"], found = size, LENS_MM[size], True
        angle = next((a for key, a in ANGLES if f"{key} angle" in part or part.startswith(key)), None)
        if angle is not None and size is None:
            update["angle"], found = angle, True
        for token in re.findall(r"[a-z]+", part):
            if token in MOVES:
                update["movement"], found = MOVES[token], True
                update.setdefault("direction", Direction.none)
            elif token in DIRECTIONS and "movement" in update:
                update["direction"] = DIRECTIONS[token]
        if not found:
            raise BadInput("revision", part, f"names no shot size, angle or camera move; {HELP}")
    return camera.model_copy(update=update)


def _retime(plan: FilmPlan, match: re.Match[str]) -> FilmPlan:
    seconds = float(match.group(1))
    if not MIN_DURATION_S <= seconds <= MAX_DURATION_S:
        raise BadInput("duration", seconds, f"must be between {MIN_DURATION_S:g} and {MAX_DURATION_S:g} s")
    total = round(seconds * plan.fps)
    card = plan.title_card_frames if total - plan.title_card_frames >= len(plan.shots) else 0
    frames = split_frames([float(s.frames) for s in plan.shots], total - card, 1)
    shots = tuple(s.model_copy(update={"frames": f}) for s, f in zip(plan.shots, frames, strict=True))
    return _rebuild(plan, duration_s=seconds, title_card_frames=card, shots=shots)


def _remove(plan: FilmPlan, match: re.Match[str]) -> FilmPlan:
    index = _position(plan, match.group(1))
    if len(plan.shots) == 1:
        raise BadInput("shot", index + 1, "is the only shot; a film needs at least one")
    gone = plan.shots[index]
    shots = plan.shots[:index] + plan.shots[index + 1 :]
    return _rebuild(plan, shots=shots, duration_s=(plan.total_frames - gone.frames) / plan.fps)


def _add(plan: FilmPlan, match: re.Match[str]) -> FilmPlan:
    index = _position(plan, match.group(1))
    description = match.group(2).strip()
    before = plan.shots[index]
    frames = round(NEW_SHOT_S * plan.fps)
    cast = [c for c in plan.characters if re.search(rf"\b{re.escape(c.name)}\b", description, re.I)]
    taken = {s.id for s in plan.shots}
    number = len(plan.shots) + 1
    while f"sh{number:04d}" in taken:
        number += 1
    shot = Shot(
        id=f"sh{number:04d}",
        scene_id=before.scene_id,
        frames=frames,
        description=description[:1000],
        performances=tuple(Performance(character_id=c.id) for c in cast),
        camera=_fresh_camera(before.camera),
        physics=timed(physics_of(description), NEW_SHOT_S),
    )
    shots = (*plan.shots[: index + 1], shot, *plan.shots[index + 1 :])
    return _rebuild(plan, shots=shots, duration_s=(plan.total_frames + frames) / plan.fps)


def _fresh_camera(previous: Camera) -> Camera:
    """A medium static shot, unless that would repeat the previous size and move."""
    if previous.size is ShotSize.medium and previous.movement is Movement.static:
        size = ShotSize.medium_close
        return Camera(size=size, movement=Movement.dolly, direction=Direction.in_, lens_mm=LENS_MM[size])
    return Camera(size=ShotSize.medium, movement=Movement.static, lens_mm=LENS_MM[ShotSize.medium])


def _aspect(plan: FilmPlan, match: re.Match[str]) -> FilmPlan:
    aspect = match.group(1)
    if aspect not in ASPECTS:
        raise BadInput("aspect", aspect, f"unknown aspect; choose one of {', '.join(ASPECTS)}")
    return _rebuild(plan, aspect=aspect)


def _style(plan: FilmPlan, match: re.Match[str]) -> FilmPlan:
    return _rebuild(plan, style=match.group(1).strip()[:200])


def _look(plan: FilmPlan, match: re.Match[str]) -> FilmPlan:
    name, look = match.group(1).strip(), match.group(2).strip()
    character = next((c for c in plan.characters if c.name.lower() == name.lower()), None)
    if character is None:
        known = ", ".join(c.name for c in plan.characters) or "none"
        raise BadInput("character", name, f"is not in the plan (characters: {known})")
    appearance = f"wears {look}"[:400]
    update: dict[str, object] = {"appearance": appearance}
    colour = dressed_colour(appearance)
    if colour is not None:
        update["color"] = colour
    filled = {"appearance", "color"} if colour is not None else {"appearance"}
    update["defaults"] = tuple(f for f in character.defaults if f not in filled)
    characters = tuple(c.model_copy(update=update) if c.id == character.id else c for c in plan.characters)
    return _rebuild(plan, characters=characters)

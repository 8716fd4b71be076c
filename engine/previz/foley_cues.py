"""The foley a shot's picture makes, as cues: every impact the physics simulation hears and
every footfall of a figure that walks or runs, each at the instant it is seen.

Impacts come from the same pymunk run the previz draws (same physics, seed, fps, frames and
weather extent, so even a shatter's fragments fly the same way): an `ImpactLog` listens to the
simulation through collision callbacks that only read, so hearing changes no trajectory.
Footfalls follow the figures' gait (figures.py `pose_for`): a foot plants at each extreme of
the leg swing. Engines that draw no physics (diffusion, ComfyUI) get the same cues from the plan
alone, because nothing here draws.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast, get_args

import pymunk

from engine.previz.figures import ACTIONS, _classify
from engine.previz.physics import LANDED_M, Actor, Simulation
from engine.previz.weather import WEATHER_EXTENT_M
from film import BadInput, FoleyCue, Material, MotionAction, Physics, Shot
from film.sound import Pace
from templates import template_path

MATERIALS_FILE = ("sound", "materials.toml")
HEARD_MS = 0.3
"""m/s: a contact that starts slower than this along its normal makes no sound worth a cue."""

FIGURE_PHASE_S = 0.37
"""The gait offset of the i-th figure on stage, i·0.37 s (figures.py `Cast`: `0.37 * i`), so two
walkers do not step in lockstep; their footfalls are offset the same way."""

STRIDE_S: dict[Pace, float] = {"walk": 1.0, "run": 0.5}
"""One full leg swing (figures.py: walk swings as sin(2πt), run as sin(4πt)); a foot plants at
each extreme, twice a swing."""

LABEL_CHARS = 80
"""FoleyCue.body and .other hold at most this many characters."""

Word = tuple[str, ...]


# ----- materials ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialWords:
    """templates/sound/materials.toml, read and checked."""

    default: Material
    endings: tuple[str, ...]
    made_of: tuple[tuple[Material, Word], ...]
    things: tuple[tuple[Material, Word], ...]


def _fail(key: str, value: object, why: str) -> BadInput:
    return BadInput(f"{'/'.join(MATERIALS_FILE)} {key}", value, why)


def _tokens(text: str) -> Word:
    return tuple(re.findall(r"[^\W\d_]+", text.lower()))


def _entries(material: str, table: dict[str, Any], key: str) -> list[tuple[Material, Word]]:
    words = table.get(key, [])
    if not isinstance(words, list) or not all(isinstance(w, str) and _tokens(w) for w in words):
        raise _fail(f"[{material}] {key}", words, "must be a list of words")
    return [(cast(Material, material), _tokens(w)) for w in words]


@cache
def material_words() -> MaterialWords:
    """The material word table, read and checked once."""
    path: Path = template_path(*MATERIALS_FILE)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise _fail("", str(path), f"cannot be read ({err})") from None
    known = get_args(Material)
    default = data.pop("default", "wood")
    endings = data.pop("endings", [])
    if default not in known:
        raise _fail("default", default, f"is not one of {', '.join(known)}")
    if not isinstance(endings, list) or not all(isinstance(e, str) for e in endings):
        raise _fail("endings", endings, "must be a list of strings")
    made_of: list[tuple[Material, Word]] = []
    things: list[tuple[Material, Word]] = []
    for material, table in data.items():
        if material not in known or not isinstance(table, dict):
            raise _fail(f"[{material}]", table, f"is not a table of one of {', '.join(known)}")
        made_of += _entries(material, table, "made_of")
        things += _entries(material, table, "things")
    return MaterialWords(default, tuple(endings), tuple(made_of), tuple(things))


def _matches(word: str, token: str, endings: tuple[str, ...]) -> bool:
    return token == word or any(token == word + end for end in endings)


def _found(
    name: Word, entries: tuple[tuple[Material, Word], ...], endings: tuple[str, ...]
) -> list[tuple[int, Material]]:
    """(position in the name, material) of every entry the name holds."""
    hits = []
    for material, words in entries:
        for at in range(len(name) - len(words) + 1):
            if all(_matches(w, name[at + k], endings) for k, w in enumerate(words)):
                hits.append((at + len(words) - 1, material))
    return hits


def material_of(name: str, action: MotionAction) -> Material:
    """What `name` is made of, for the sound of its impacts: a splash is water, a shatter glass
    unless a made_of word says otherwise, anything else its first made_of word or its last
    thing word (see templates/sound/materials.toml)."""
    if action is MotionAction.splash:
        return "water"
    table, words = material_words(), _tokens(name)
    made_of = _found(words, table.made_of, table.endings)
    if made_of:
        return min(made_of)[1]
    if action is MotionAction.shatter:
        return "glass"
    things = _found(words, table.things, table.endings)
    return max(things)[1] if things else table.default


# ----- impacts -----------------------------------------------------------------------------


def _label(name: str) -> str:
    """A body's name cut to what a cue holds, keeping a "#k" tail that tells twins apart."""
    if len(name) <= LABEL_CHARS:
        return name
    head, sep, tail = name.rpartition("#")
    return f"{head[: LABEL_CHARS - len(tail) - 1]}#{tail}" if sep and tail.isdigit() else name[:LABEL_CHARS]


@dataclass(frozen=True)
class _Side:
    """One shape of a contact: whose it is."""

    name: str
    actor: Actor | None  # None: the ground or a ramp
    fragment: bool = False

    @property
    def breaks(self) -> bool:
        """A whole body that shatters or splashes on its first contact."""
        actions = (MotionAction.shatter, MotionAction.splash)
        return self.actor is not None and not self.fragment and self.actor.event.action in actions


class ImpactLog:
    """Hears a Simulation's impacts as it steps; attach it before the first step. It only reads
    (the arbiters, the bodies' velocities), so the trajectories are those of a run unheard.

    An impact is a contact that starts at >= HEARD_MS along its normal: its time (the start of
    the substep it begins in: pymunk moves a body before it accelerates it, so a contact found at
    the end of a substep happened, in continuous time, within half a substep of its start), that
    speed, the impulse the solver gave it that substep, and its two bodies. A shatter or splash is
    heard once, at its break; each fragment adds its first impact only.

    Only a contact's start calls back into Python (and, when it is loud enough, one read after
    that step's solve): resting contacts cost nothing."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.cues: list[FoleyCue] = []
        """The impacts heard so far, in the order they happened."""
        self._begun: list[tuple[pymunk.Shape, pymunk.Shape, float]] = []  # this step's, with speeds
        self._struck: dict[str, FoleyCue] = {}  # a breaking body's contact, until it breaks
        self._heard: set[pymunk.Body] = set()  # fragments whose one impact is taken
        sim.space.on_collision(begin=self._begin)
        sim.on_break = self._break

    def _side(self, shape: pymunk.Shape) -> _Side:
        body = shape.body
        if body is None or body.body_type == pymunk.Body.STATIC:
            return _Side("ground" if shape is self.sim.ground else "ramp", None)
        for actor in self.sim.actors:
            if body is actor.body:
                return _Side(actor.name, actor)
            if any(body is frag for frag in actor.fragments):
                return _Side(actor.name, actor, fragment=True)
        raise AssertionError(f"a body no actor owns touched {shape}")

    def _cue(self, t: float, body: _Side, other: str, speed: float, impulse: float) -> FoleyCue:
        assert body.actor is not None
        event = body.actor.event
        return FoleyCue(
            kind="impact",
            t_s=t,
            body=_label(body.name),
            other=_label(other),
            material=material_of(event.object, event.action),
            speed_ms=speed,
            impulse=impulse,
        )

    def _begin(self, arbiter: pymunk.Arbiter, space: pymunk.Space, data: object) -> None:
        """A contact begins: its relative speed along the normal, before the solver acts; the
        impulse is read once the step has solved it."""
        a, b = arbiter.shapes
        points = arbiter.contact_point_set.points
        if a.body is None or b.body is None or not points:
            return
        at = points[0].point_a
        speed = abs(
            (b.body.velocity_at_world_point(at) - a.body.velocity_at_world_point(at)).dot(arbiter.normal)
        )
        if speed >= HEARD_MS or self._side(a).breaks or self._side(b).breaks:
            self._begun.append((a, b, speed))
            space.add_post_step_callback(self._solved, self)  # once a step, whatever the key's count

    def _solved(self, space: pymunk.Space, key: object) -> None:
        """After the step: every contact that began in it, with the impulse it took."""
        t = self.sim.time_s  # still this step's start: the simulation counts the step after it
        for a, b, speed in self._begun:
            self._hear(t, a, b, speed, _impulse(a, b))
        self._begun.clear()

    def _hear(self, t: float, a: pymunk.Shape, b: pymunk.Shape, speed: float, impulse: float) -> None:
        """One contact's start: a cue, unless it is one not to hear (see the class)."""
        sides = [(self._side(a), a.body), (self._side(b), b.body)]
        if sides[0][0].actor is None:
            sides.reverse()  # the ground or a ramp is always the other
        (body, _), (other, _) = sides
        for hitter, hit in ((body, other), (other, body)):
            if hitter.breaks:  # heard at the break itself (see _break)
                self._struck.setdefault(hitter.name, self._cue(t, hitter, hit.name, speed, impulse))
                return
        if speed < HEARD_MS or (body.fragment and other.fragment and body.actor is other.actor):
            return
        fragments = {frag for side, frag in sides if side.fragment and frag is not None}
        if fragments & self._heard:
            return
        self._heard |= fragments
        self.cues.append(self._cue(t, body, other.name, speed, impulse))

    def _break(self, actor: Actor) -> None:
        """A shatter or splash: its contact this substep is the impact. If it broke just short of
        touching (the ground check's slack), it would touch in the next substep, which starts
        now, at its fall speed, the whole momentum taken."""
        cue = self._struck.pop(actor.name, None)
        if cue is None:
            b = actor.body
            on_ground = b.position.y - actor.shape.radius <= LANDED_M
            hits = [] if on_ground else self.sim.space.shape_query(actor.shape)
            other = self._side(hits[0].shape).name if hits and hits[0].shape is not None else "ground"
            speed = abs(b.velocity.y) if other == "ground" else b.velocity.length
            cue = self._cue(self.sim.time_s, _Side(actor.name, actor), other, speed, b.mass * speed)
        self.cues.append(cue)


def _impulse(a: pymunk.Shape, b: pymunk.Shape) -> float:
    """N·s the solver gave the contact of `a` and `b` in the step just done (0 if it is gone)."""
    body = a.body if a.body is not None and a.body.body_type != pymunk.Body.STATIC else b.body
    found: list[float] = []

    def read(arbiter: pymunk.Arbiter) -> None:
        if arbiter.shapes in ((a, b), (b, a)):
            found.append(arbiter.total_impulse.length)

    if body is not None:
        body.each_arbiter(read)
    return found[0] if found else 0.0


def impacts(physics: Physics, seed: int, fps: int, frames: int) -> list[FoleyCue]:
    """The impacts of a shot's physics, by time: the simulation the previz draws, run alone."""
    sim = Simulation(physics, seed, fps, frames, extent_m=WEATHER_EXTENT_M)
    log = ImpactLog(sim)
    sim.run_start()
    for _ in range(frames - 1):  # frame i shows t = i / fps: the drawing steps frames - 1 times
        sim.step_frame()
    return sorted(log.cues, key=lambda cue: cue.t_s)


# ----- footsteps and the whole shot --------------------------------------------------------


def footsteps(shot: Shot, fps: int) -> list[FoleyCue]:
    """A footfall cue for every plant of a walking or running figure's foot within the shot.

    The i-th performance is the i-th figure on stage (the cast is drawn in performance order),
    whose gait runs FIGURE_PHASE_S·i ahead; a foot plants where sin(2πt/stride) is ±1."""
    end = shot.frames / fps
    cues: list[FoleyCue] = []
    for i, performance in enumerate(shot.performances):
        kind = _classify(performance.action, ACTIONS, "stand")
        pace = next((p for p in STRIDE_S if p == kind), None)
        if pace is None:
            continue
        half = STRIDE_S[pace] / 2
        first = (half / 2 - FIGURE_PHASE_S * i) % half
        k = 0
        while (t := first + k * half) < end:
            cues.append(FoleyCue(kind="footstep", t_s=t, body=_label(performance.character_id), pace=pace))
            k += 1
    return sorted(cues, key=lambda cue: cue.t_s)


def foley_cues(
    shot: Shot, seed: int, fps: int, frames: int, heard: list[FoleyCue] | None = None
) -> list[FoleyCue]:
    """Every foley cue of a shot, by time, within its `frames`: the impacts (`heard` when the
    caller's own simulation already heard them, else a fresh run) and the footfalls. Pass the
    seed the previz painter gives its Simulation (the spec's), so fragments fly as drawn."""
    found = impacts(shot.physics, seed, fps, frames) if heard is None else heard
    end = frames / fps
    return sorted((c for c in [*found, *footsteps(shot, fps)] if c.t_s < end), key=lambda c: c.t_s)


def read_foley(boxes_json: Path) -> list[FoleyCue] | None:
    """The foley cues stored in a take's boxes file; None when there is no file or it has no
    "foley" (a take made before takes carried their foley)."""
    path = Path(boxes_json)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise BadInput("boxes_json", str(path), f"cannot be read as JSON ({err})") from None
    if not isinstance(data, dict) or "foley" not in data:
        return None
    cues = data["foley"]
    if not isinstance(cues, list):
        raise BadInput("boxes_json foley", cues, "must be a list of foley cues")
    try:
        return [FoleyCue.model_validate(cue) for cue in cues]
    except ValueError as err:
        raise BadInput("boxes_json foley", str(path), f"holds a cue that is not one ({err})") from None

"""Foley cues from the previz physics and figures: each impact heard at the substep it happens,
with its speed, impulse, bodies and material; each footfall where a drawn foot plants; and the
take's boxes file carrying exactly these cues. Hearing must never move a body."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest

from engine.previz import PrevizRenderer
from engine.previz.figures import Cast, pose_for
from engine.previz.foley_cues import (
    FIGURE_PHASE_S,
    HEARD_MS,
    ImpactLog,
    foley_cues,
    footsteps,
    impacts,
    material_of,
    read_foley,
)
from engine.previz.physics import FRAGMENTS, Simulation
from engine.previz.renderer import boxes_path
from engine.previz.shot import ShotPainter
from engine.previz.weather import WEATHER_EXTENT_M
from film import (
    BadInput,
    MotionAction,
    MotionEvent,
    Performance,
    Physics,
    RenderSpec,
    ShotSize,
    Weather,
)
from tests.engine.conftest import CAST, make_shot, make_spec

FPS = 24
DT = 1 / (FPS * 10)
G = 9.81


def _one(action: MotionAction, obj: str = "cup", **kw: float) -> Physics:
    return Physics(events=(MotionEvent(object=obj, action=action, **kw),))  # type: ignore[arg-type]


BUSY = Physics(
    weather=Weather.rain,
    wind_ms=(2.0, 0.0),
    events=(
        MotionEvent(object="crate", action=MotionAction.roll, height_m=1.0, speed_ms=0.5, angle_deg=20),
        MotionEvent(object="ball", action=MotionAction.throw, speed_ms=6.0, angle_deg=50, restitution=0.5),
        MotionEvent(object="vase", action=MotionAction.shatter, height_m=2.5, start_s=0.5),
        MotionEvent(object="vase", action=MotionAction.shatter, height_m=1.0, start_s=0.1),
        MotionEvent(object="bucket", action=MotionAction.splash, height_m=1.5),
        MotionEvent(object="balloon", action=MotionAction.float, speed_ms=0.3),
    ),
)
"""Every kind of event at once, in rain (whose particles draw from the same seeded generator as
the fragments), so bodies hit the ground, ramps and each other."""


def test_foley_fall_is_heard_when_and_as_hard_as_it_lands() -> None:
    h, start = 2.0, 0.25
    cues = impacts(_one(MotionAction.fall, height_m=h, start_s=start), seed=3, fps=FPS, frames=36)
    assert len(cues) == 1
    cue = cues[0]
    assert (cue.kind, cue.body, cue.other, cue.material) == ("impact", "cup", "ground", "glass")
    assert abs(cue.t_s - (start + math.sqrt(2 * h / G))) <= DT
    assert cue.speed_ms == pytest.approx(math.sqrt(2 * G * h), rel=0.02)
    assert cue.impulse == pytest.approx(cue.speed_ms, rel=0.05)  # a 1 kg body stopped dead


def test_foley_bounce_is_heard_at_every_bounce_ever_softer() -> None:
    cues = impacts(_one(MotionAction.bounce, "rubber ball", height_m=2.0, restitution=0.7), 3, FPS, 96)
    assert len(cues) >= 4
    times, speeds = [c.t_s for c in cues], [c.speed_ms for c in cues]
    assert times == sorted(times) and all(b - a > DT for a, b in itertools.pairwise(times))
    assert all(b < a for a, b in itertools.pairwise(speeds))
    assert min(speeds) >= HEARD_MS
    assert speeds[1] / speeds[0] == pytest.approx(0.7, abs=0.05)
    assert {c.material for c in cues} == {"cloth"}


def test_foley_shatter_is_heard_at_the_break_in_glass_then_its_fragments_once_each() -> None:
    h, start = 1.5, 0.2
    sim = Simulation(_one(MotionAction.shatter, "vase", height_m=h, start_s=start), 3, FPS, 72)
    log = ImpactLog(sim)
    sim.run()
    brk, *rest = sorted(log.cues, key=lambda c: c.t_s)
    assert (brk.body, brk.other, brk.material) == ("vase", "ground", "glass")
    assert abs(brk.t_s - (start + math.sqrt(2 * h / G))) <= DT
    assert brk.speed_ms == pytest.approx(math.sqrt(2 * G * h), rel=0.02)
    assert len(rest) <= FRAGMENTS
    assert all(c.t_s > brk.t_s and c.speed_ms >= HEARD_MS and c.material == "glass" for c in rest)
    # a wooden thing that shatters splinters as wood
    assert impacts(_one(MotionAction.shatter, "wooden crate", height_m=h), 3, FPS, 24)[0].material == "wood"


def test_foley_a_break_short_of_contact_is_still_heard() -> None:
    """A glass set down at 0 m breaks at once, before pymunk reports a contact: still one cue."""
    cues = impacts(_one(MotionAction.shatter, "wine glass", height_m=0.0, start_s=0.1), 3, FPS, 12)
    assert cues[0].body == "wine glass" and cues[0].material == "glass"
    assert abs(cues[0].t_s - 0.1) <= 2 * DT


def test_foley_splash_is_one_water_impact() -> None:
    h = 3.0
    cues = impacts(_one(MotionAction.splash, "stone", height_m=h), 3, FPS, 48)
    assert len(cues) == 1
    assert (cues[0].body, cues[0].material) == ("stone", "water")
    assert abs(cues[0].t_s - math.sqrt(2 * h / G)) <= DT


def test_foley_busy_shot_names_both_bodies_and_keeps_time_order() -> None:
    cues = impacts(BUSY, 5, FPS, 96)
    assert [c.t_s for c in cues] == sorted(c.t_s for c in cues)
    names = {"crate", "ball", "vase", "vase#3", "bucket"}
    assert {c.body for c in cues} <= names and {"vase", "vase#3", "bucket"} <= {c.body for c in cues}
    assert {c.other for c in cues} <= names | {"ground", "ramp"}
    assert [c.material for c in cues if c.body == "bucket"] == ["water"]  # a splash, whatever it is
    assert impacts(BUSY, 5, FPS, 96) == cues  # deterministic


@pytest.mark.parametrize(
    ("name", "action", "material"),
    [
        ("tin can", MotionAction.fall, "metal"),
        ("wooden crate", MotionAction.fall, "wood"),
        ("pillow", MotionAction.bounce, "cloth"),
        ("Old Iron Key", MotionAction.throw, "metal"),
        ("boxes", MotionAction.fall, "wood"),
        ("glass of water", MotionAction.fall, "glass"),
        ("water bottle", MotionAction.fall, "glass"),
        ("bucket of water", MotionAction.fall, "water"),
        ("ball of yarn", MotionAction.roll, "cloth"),
        ("wooden cup", MotionAction.fall, "wood"),
        ("vase#1", MotionAction.fall, "glass"),
        ("candle", MotionAction.fall, "wood"),  # "can" is a whole word or a stem, not a prefix
        ("tiny pebble", MotionAction.fall, "wood"),  # nor is "tin"
        ("clay pot", MotionAction.shatter, "glass"),
        ("steel plate", MotionAction.shatter, "metal"),
        ("rock", MotionAction.splash, "water"),
    ],
)
def test_foley_material_from_the_name(name: str, action: MotionAction, material: str) -> None:
    assert material_of(name, action) == material


def _legs(action: str, t: float) -> float:
    return pose_for(action, t, 0.5).leg_l[0]


@pytest.mark.parametrize(
    ("action", "pace", "per_s", "swing"), [("walks", "walk", 2, 16), ("runs", "run", 4, 30)]
)
def test_foley_footsteps_fall_where_the_drawn_foot_plants(
    action: str, pace: str, per_s: int, swing: int
) -> None:
    perfs = tuple(Performance(character_id=c.id, action=action) for c in CAST)
    shot = make_shot(frames=3 * FPS, performances=perfs)
    cues = footsteps(shot, FPS)
    cast = Cast(CAST, perfs, ShotSize.wide, 854, 480, 200.0)
    for figure in cast.figures:
        mine = [c for c in cues if c.body == figure.character.id]
        assert len(mine) in (3 * per_s, 3 * per_s - 1)  # one may start before t = 0
        assert all(c.kind == "footstep" and c.pace == pace and 0 <= c.t_s < 3 for c in mine)
        rest = _legs(action, 0.0)  # sin(0) = 0: the leg midway
        for c in mine:  # the leg is at the end of its swing as drawn (t + the figure's phase)
            assert abs(_legs(action, c.t_s + figure.phase) - rest) == pytest.approx(swing, abs=1e-9)
        assert np.allclose(np.diff([c.t_s for c in mine]), 1 / per_s)
    assert cast.figures[1].phase == pytest.approx(FIGURE_PHASE_S)
    first = {c.body: c.t_s for c in reversed(cues)}
    assert first["maya"] != first["otto"]  # the second figure steps out of lockstep, as drawn


def test_foley_no_footsteps_for_a_standing_figure() -> None:
    assert footsteps(make_shot(), FPS) == []


def _tiny_spec(frames: int = 24) -> RenderSpec:
    perfs = (
        Performance(character_id="maya", action="walk to the bus"),
        Performance(character_id="otto", action="run"),
    )
    physics = Physics(
        weather=Weather.rain,
        events=(
            MotionEvent(object="cup", action=MotionAction.shatter, height_m=0.6),
            MotionEvent(object="ball", action=MotionAction.bounce, height_m=0.5),
        ),
    )
    return make_spec(make_shot(frames=frames, performances=perfs, physics=physics), size=(128, 72))


def test_foley_previz_take_carries_the_cues_of_its_spec(tmp_path: Path) -> None:
    spec = _tiny_spec()
    take = PrevizRenderer().render(spec, tmp_path / "s.mp4")
    boxes = json.loads(boxes_path(Path(take.path)).read_text())
    assert list(boxes) == ["fps", "width", "height", "frames", "foley"]
    expected = foley_cues(spec.shot, spec.seed, spec.fps, spec.frames)
    assert boxes["foley"] == [c.model_dump(mode="json") for c in expected]
    assert read_foley(boxes_path(Path(take.path))) == expected
    kinds = {c.kind for c in expected}
    assert kinds == {"impact", "footstep"} and all(c.t_s < spec.frames / spec.fps for c in expected)
    assert [c.t_s for c in expected] == sorted(c.t_s for c in expected)


def test_foley_hearing_moves_nothing() -> None:
    """Every body, fragment, droplet and particle is where an unheard run puts it, bit for bit."""
    heard, plain = (Simulation(BUSY, 5, FPS, 96, extent_m=WEATHER_EXTENT_M) for _ in range(2))
    ImpactLog(heard)
    for a, b in zip(heard.run(), plain.run(), strict=True):
        assert a.bodies == b.bodies
        assert np.array_equal(a.particles, b.particles) and np.array_equal(a.droplets, b.droplets)
    spec = _tiny_spec(12)
    painted, unheard = ShotPainter(spec), ShotPainter(spec)
    ImpactLog(painted.sim)
    for i in range(spec.frames):
        assert np.array_equal(painted.frame(i).rgb, unheard.frame(i).rgb)


def test_foley_read_foley_of_an_old_or_missing_boxes_file(tmp_path: Path) -> None:
    old = tmp_path / "old.boxes.json"
    old.write_text(json.dumps({"fps": 24, "width": 64, "height": 36, "frames": []}))
    assert read_foley(old) is None
    assert read_foley(tmp_path / "none.boxes.json") is None
    empty = tmp_path / "quiet.boxes.json"
    empty.write_text(json.dumps({"fps": 24, "frames": [], "foley": []}))
    assert read_foley(empty) == []
    broken = tmp_path / "broken.boxes.json"
    broken.write_text("{")
    with pytest.raises(BadInput):
        read_foley(broken)


def test_foley_cues_stop_at_the_end_of_the_shot() -> None:
    falls = _one(MotionAction.fall, height_m=5.0)  # lands after 1 s
    shot = make_shot(frames=12, performances=(Performance(character_id="maya", action="run"),), physics=falls)
    cues = foley_cues(shot, 7, FPS, 12)
    assert [c.t_s for c in cues] == pytest.approx([0.125, 0.375])
    assert foley_cues(shot, 7, FPS, 36)[-1].kind == "impact"


def test_foley_long_names_fit_a_cue_and_twins_stay_apart() -> None:
    name = "very long " * 8
    twins = tuple(MotionEvent(object=name, action=MotionAction.fall, height_m=h) for h in (0.5, 1.0))
    cues = impacts(Physics(events=twins), 3, FPS, 24)
    assert len(cues) == 2 and all(len(c.body) <= 80 for c in cues)
    assert cues[0].body != cues[1].body and cues[1].body.endswith("#1")

"""Physics fidelity, measured in world units (metres, seconds) straight from the simulation.

Every test name carries `physics`, so `pytest -k physics` runs exactly these.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from engine.media import read_frames
from engine.previz import PrevizRenderer
from engine.previz.physics import BODY_RADIUS_M, Simulation, particle_velocity_ms
from film import Camera, Gravity, Medium, MotionAction, MotionEvent, Physics, ShotSize, Weather
from tests.engine.conftest import make_shot, make_spec

FPS = 24
R = BODY_RADIUS_M


def _sim(physics: Physics, seconds: float, fps: int = FPS, substeps: int = 10) -> Simulation:
    return Simulation(physics, seed=3, fps=fps, frames=round(seconds * fps) + 1, substeps=substeps)


def _landing_s(traj: np.ndarray, fps: int) -> float | None:
    """First frame time at which the body's bottom is (within 5 mm) on the ground."""
    on_ground = np.nonzero(traj[:, 1] - R <= 0.005)[0]
    return float(on_ground[0] / fps) if len(on_ground) else None


@pytest.mark.parametrize("gravity", [Gravity.earth, Gravity.moon, Gravity.mars], ids=str)
def test_physics_drop_lands_at_sqrt_2h_over_g(gravity: Gravity) -> None:
    h = 3.0
    physics = Physics(
        gravity=gravity, events=(MotionEvent(object="cup", action=MotionAction.fall, height_m=h),)
    )
    g = physics.gravity_ms2()
    expected = math.sqrt(2 * h / g)
    sim = _sim(physics, expected + 1.0)
    landed = _landing_s(sim.trajectory("cup"), FPS)
    assert landed is not None
    assert abs(landed - expected) <= 1 / FPS
    assert abs(sim.landed_s["cup"] - expected) <= 1 / FPS


def test_physics_custom_gravity_value_is_used() -> None:
    physics = Physics(
        gravity=5.0, events=(MotionEvent(object="cup", action=MotionAction.fall, height_m=2.0),)
    )
    landed = _landing_s(_sim(physics, 2.0).trajectory("cup"), FPS)
    assert landed is not None and abs(landed - math.sqrt(2 * 2.0 / 5.0)) <= 1 / FPS


def test_physics_zero_g_never_lands() -> None:
    physics = Physics(
        gravity=Gravity.zero_g, events=(MotionEvent(object="cup", action=MotionAction.fall, height_m=2.0),)
    )
    traj = _sim(physics, 5.0).trajectory("cup")
    assert _landing_s(traj, FPS) is None
    assert np.allclose(traj[:, 1], traj[0, 1])


def test_physics_underwater_lands_later_than_air() -> None:
    event = MotionEvent(object="cup", action=MotionAction.fall, height_m=2.0)
    air = _landing_s(_sim(Physics(events=(event,)), 4.0).trajectory("cup"), FPS)
    water = _landing_s(_sim(Physics(gravity=Gravity.underwater, events=(event,)), 6.0).trajectory("cup"), FPS)
    medium = _landing_s(_sim(Physics(medium=Medium.water, events=(event,)), 6.0).trajectory("cup"), FPS)
    assert air is not None and water is not None and medium is not None
    assert water > air + 0.2
    assert medium == water


def _apexes(y: np.ndarray) -> list[float]:
    """Heights of the local maxima of a bounce (first one is the drop height)."""
    peaks = [i for i in range(1, len(y) - 1) if y[i] > y[i - 1] and y[i] >= y[i + 1]]
    return [float(y[i]) for i in peaks if y[i] > R + 0.02]


@pytest.mark.parametrize("restitution", [0.5, 0.7, 0.85])
def test_physics_bounce_apexes_fall_by_restitution_squared(restitution: float) -> None:
    ev = MotionEvent(object="ball", action=MotionAction.bounce, height_m=3.0, restitution=restitution)
    traj = _sim(Physics(events=(ev,)), 4.0, fps=240, substeps=4).trajectory("ball")
    heights = [a - R for a in _apexes(traj[:, 1])]
    assert len(heights) >= 2
    for before, after in itertools.pairwise(heights[:4]):
        assert after / before == pytest.approx(restitution**2, rel=0.03)


@pytest.mark.parametrize("angle", [30.0, 45.0, 60.0])
def test_physics_projectile_range_matches_v2_sin2theta_over_g(angle: float) -> None:
    v = 10.0
    ev = MotionEvent(
        object="ball", action=MotionAction.throw, height_m=0.0, speed_ms=v, angle_deg=angle, restitution=0.0
    )
    traj = _sim(Physics(events=(ev,)), 2.5, fps=240, substeps=4).trajectory("ball")
    x, y = traj[:, 0], traj[:, 1] - R
    first_up = int(np.nonzero(y > 0.01)[0][0])
    land = first_up + int(np.nonzero(y[first_up:] <= 0.002)[0][0]) - 1  # last frame in the air
    frac = y[land] / (y[land] - y[land + 1])  # interpolate the crossing of launch height
    landing_x = x[land] + frac * (x[land + 1] - x[land])
    expected = v * v * math.sin(math.radians(2 * angle)) / 9.81
    assert landing_x - x[0] == pytest.approx(expected, rel=0.02)


def test_physics_zero_g_bodies_keep_constant_velocity() -> None:
    ev = MotionEvent(object="wrench", action=MotionAction.throw, height_m=2.0, speed_ms=3.0, angle_deg=20.0)
    traj = _sim(Physics(gravity=Gravity.zero_g, events=(ev,)), 3.0).trajectory("wrench")
    v = np.diff(traj, axis=0) * FPS
    assert np.allclose(v, v[0], atol=1e-6)
    assert v[0] == pytest.approx(
        (3.0 * math.cos(math.radians(20)), 3.0 * math.sin(math.radians(20))), rel=1e-6
    )


def test_physics_event_waits_for_its_start_time() -> None:
    ev = MotionEvent(object="cup", action=MotionAction.fall, height_m=2.0, start_s=1.0)
    traj = _sim(Physics(events=(ev,)), 3.0).trajectory("cup")
    assert np.allclose(traj[: FPS + 1, 1], traj[0, 1])
    landed = _landing_s(traj, FPS)
    assert landed is not None and abs(landed - (1.0 + math.sqrt(2 * 2.0 / 9.81))) <= 1 / FPS


def test_physics_roll_goes_down_the_slope() -> None:
    ev = MotionEvent(object="barrel", action=MotionAction.roll, height_m=2.0, angle_deg=30.0)
    traj = _sim(Physics(events=(ev,)), 3.0).trajectory("barrel")
    assert traj[-1, 1] < traj[0, 1] - 1.5
    assert traj[-1, 0] > traj[0, 0] + 2.0


def test_physics_shatter_and_splash_make_pieces() -> None:
    events = (
        MotionEvent(object="vase", action=MotionAction.shatter, height_m=2.0),
        MotionEvent(object="rock", action=MotionAction.splash, height_m=2.0),
    )
    frames = _sim(Physics(events=events), 1.5).run()
    last = frames[-1]
    assert sum(b.fragment for b in last.bodies) >= 6
    assert not any(b.name == "vase" and not b.fragment for b in last.bodies)
    assert any(len(f.droplets) > 10 for f in frames)


def test_physics_float_rises_and_drifts_with_wind() -> None:
    ev = MotionEvent(object="balloon", action=MotionAction.float, height_m=1.0)
    traj = _sim(Physics(wind_ms=(4.0, 0.0), events=(ev,)), 4.0).trajectory("balloon")
    assert traj[-1, 1] >= traj[0, 1]
    assert traj[-1, 0] > traj[0, 0] + 0.5


def test_physics_weather_particles_are_pushed_by_the_wind() -> None:
    still = particle_velocity_ms(Physics(weather=Weather.rain))
    windy = particle_velocity_ms(Physics(weather=Weather.rain, wind_ms=(6.0, 0.0)))
    assert still[0] == 0.0 and still[1] < -5
    assert windy[0] > 3.0
    sim = Simulation(Physics(weather=Weather.snow, wind_ms=(3.0, 0.0)), 1, FPS, 2, particles=300)
    a, b = sim.particles_at(0.0), sim.particles_at(0.5)
    dx = (b[:, 0] - a[:, 0] + 8) % 16 - 8  # unwrap across the extent
    assert len(a) == 300 and float(np.mean(dx)) > 1.0


def test_physics_same_seed_gives_identical_frames(tmp_path: Path) -> None:
    events = (
        MotionEvent(object="vase", action=MotionAction.shatter, height_m=2.0),
        MotionEvent(object="ball", action=MotionAction.bounce, height_m=1.5),
        MotionEvent(object="rock", action=MotionAction.splash, height_m=1.0, start_s=0.2),
    )
    physics = Physics(weather=Weather.rain, wind_ms=(5.0, 0.0), events=events)
    spec = make_spec(make_shot(frames=30, physics=physics), size=(320, 180))
    renderer = PrevizRenderer()
    a = renderer.render(spec, tmp_path / "a.mp4")
    b = renderer.render(spec, tmp_path / "b.mp4")
    assert Path(a.path).read_bytes() == Path(b.path).read_bytes()
    fa, fb = read_frames(Path(a.path)), read_frames(Path(b.path))
    assert np.array_equal(fa, fb)
    assert not np.array_equal(fa[0], fa[-1])
    sims = [Simulation(physics, 9, FPS, 30).run() for _ in range(2)]
    for x, y in zip(sims[0], sims[1], strict=True):
        assert x.bodies == y.bodies and np.array_equal(x.particles, y.particles)


def test_physics_bodies_are_drawn_where_the_camera_projects_them() -> None:
    """The simulation's metres go through the stage and the cast's view onto the screen."""
    from engine.previz.shot import ShotPainter

    ev = MotionEvent(object="ball", action=MotionAction.fall, height_m=2.0)
    shot = make_shot(frames=24, camera=Camera(size=ShotSize.wide), physics=Physics(events=(ev,)))
    spec = make_spec(shot, size=(427, 240))
    painter = ShotPainter(spec.model_copy(update={"characters": ()}), control=True, depth=True)
    ys = []
    for i in (0, 23):
        drawn = painter.frame(i)
        body = painter.sim_frame(i).bodies[0]
        bx, by = painter.stage.to_base(body.x, body.y)
        x, y = painter.views[i].cast.to_screen(bx, by, spec.width, spec.height)
        assert drawn.depth is not None and drawn.depth[round(y), round(x)] > 200
        ys.append(y)
    assert ys[1] > ys[0] + 20  # it fell down the screen

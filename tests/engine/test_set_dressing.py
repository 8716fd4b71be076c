"""Set dressing: layered sets with parallax, weather light, the same figures across shots, and
performances that animate (stand, walk, run, jump, sit, fall)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.previz.shot import ShotPainter
from film import Camera, Direction, Movement, Performance, Physics, Scene, ShotSize, TimeOfDay, Weather
from tests.engine.conftest import make_shot, make_spec

OUTDOOR = Scene(id="s1", location="city below the mountains", time_of_day=TimeOfDay.day)
ROOM = Scene(id="s1", location="INT. kitchen", time_of_day=TimeOfDay.day)


def _painter(camera: Camera, scene: Scene = OUTDOOR, action: str = "stand", **kw: object) -> ShotPainter:
    perf = (Performance(character_id="maya", action=action),)
    spec = make_spec(
        make_shot(frames=24, camera=camera, performances=perf, **kw), size=(427, 240), scene=scene
    )
    return ShotPainter(spec.model_copy(update={"characters": spec.characters[:1]}), control=True)


def test_set_layers_part_for_truck_and_stay_together_for_pan() -> None:
    truck = _painter(Camera(size=ShotSize.wide, movement=Movement.truck, direction=Direction.right))
    last = truck.views[-1]
    assert last.far is not None
    assert 0 < last.far.dx < last.set.dx < last.cast.dx  # far moves least: parallax in depth
    assert truck.layered
    assert not _painter(Camera(size=ShotSize.wide, movement=Movement.pan)).layered
    assert not _painter(Camera(movement=Movement.truck), scene=ROOM).layered  # a room is one set


def test_layered_set_paints_the_same_first_frame_as_a_single_canvas() -> None:
    """Splitting the set into layers must not change what an unmoved camera sees."""
    truck = _painter(Camera(size=ShotSize.wide, movement=Movement.truck, direction=Direction.right))
    static = _painter(Camera(size=ShotSize.wide, movement=Movement.static))
    a, b = truck.frame(0).rgb.astype(np.int16), static.frame(0).rgb.astype(np.int16)
    assert np.abs(a - b).mean() < 2.0


@pytest.mark.parametrize("weather", [Weather.rain, Weather.storm])
def test_bad_weather_dims_and_greys_the_set(weather: Weather) -> None:
    clear = _painter(Camera(size=ShotSize.wide)).pixels.astype(np.float32)
    wet = _painter(Camera(size=ShotSize.wide), physics=Physics(weather=weather)).pixels.astype(np.float32)
    assert wet.mean() < clear.mean() - 10
    assert wet.std(axis=2).mean() < clear.std(axis=2).mean()  # less saturated


def test_night_is_darker_than_day() -> None:
    night = Scene(id="s1", location="city", time_of_day=TimeOfDay.night)
    assert _painter(Camera(), scene=night).pixels.mean() < _painter(Camera()).pixels.mean() - 40


def test_a_character_keeps_their_colour_across_shots() -> None:
    maya = np.array([0x2E, 0x86, 0xDE])
    for camera in (Camera(size=ShotSize.full), Camera(size=ShotSize.medium, movement=Movement.dolly)):
        frame = _painter(camera).frame(5).rgb
        assert (np.abs(frame.astype(np.int16) - maya).sum(axis=2) == 0).sum() > 200


def _boxes(action: str, frames: tuple[int, ...] = tuple(range(24))) -> np.ndarray:
    painter = _painter(Camera(size=ShotSize.full), action=action)
    return np.array([painter.frame(i).boxes["maya"] for i in frames], float)


def test_walk_and_run_cross_the_frame_run_faster() -> None:
    stand, walk, run = _boxes("stand"), _boxes("walk"), _boxes("run")
    travel = {k: abs(b[-1, 0] - b[0, 0]) for k, b in (("stand", stand), ("walk", walk), ("run", run))}
    assert travel["stand"] < 2 and travel["run"] > travel["walk"] > 10


def test_sit_is_lower_than_stand_and_jump_leaves_the_ground() -> None:
    stand, sit, jump = _boxes("stand"), _boxes("sit"), _boxes("jump")
    assert (sit[:, 3] - sit[:, 1]).mean() < 0.85 * (stand[:, 3] - stand[:, 1]).mean()
    assert jump[:, 3].min() < stand[:, 3].min() - 3  # the feet come off the ground


def test_fall_ends_lying_down() -> None:
    first, last = _boxes("fall", (0, 23))
    assert first[3] - first[1] > first[2] - first[0]  # upright: taller than wide
    assert last[2] - last[0] > last[3] - last[1]  # on the ground: wider than tall

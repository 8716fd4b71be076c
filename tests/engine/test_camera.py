"""Camera grammar, measured on the screen motion of tracked world points through the pure
projection `engine.previz.rig.project` (and through the layer views the renderer uses)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from engine.previz.camera import CameraMove
from engine.previz.rig import Rig, project
from film import Angle, Camera, Direction, Easing, Movement, ShotSize

W, H, DUR = 854, 480, 2.0
NEAR = (0.0, 0.9, 0.0)  # on the subject
FAR = (0.0, 0.9, 40.0)  # far behind the subject


def _at(camera: Camera, point: tuple[float, float, float], t: float) -> np.ndarray:
    return np.array(project(camera, point, t, DUR, W, H, seed=5))


def _travel(camera: Camera, point: tuple[float, float, float]) -> np.ndarray:
    return _at(camera, point, DUR) - _at(camera, point, 0.0)


def _size(camera: Camera, point: tuple[float, float, float], t: float) -> float:
    """Screen length of a 0.5 m horizontal bar at `point`."""
    other = (point[0] + 0.5, point[1], point[2])
    return float(np.linalg.norm(_at(camera, other, t) - _at(camera, point, t)))


def test_static_camera_does_not_move() -> None:
    cam = Camera(movement=Movement.static)
    for point in (NEAR, FAR, (2.0, 0.0, 5.0)):
        assert np.allclose(_travel(cam, point), 0.0)


def test_pan_right_moves_a_far_point_left_and_pan_left_right() -> None:
    right = _travel(Camera(movement=Movement.pan, direction=Direction.right), FAR)
    left = _travel(Camera(movement=Movement.pan, direction=Direction.left), FAR)
    assert right[0] < -100 and left[0] > 100
    assert abs(right[1]) < 1 and right[0] == pytest.approx(-left[0])


def test_pan_has_no_parallax() -> None:
    cam = Camera(movement=Movement.pan, direction=Direction.right)
    assert _travel(cam, NEAR)[0] == pytest.approx(_travel(cam, FAR)[0], rel=1e-6)


def test_tilt_up_moves_points_down() -> None:
    cam = Camera(movement=Movement.tilt, direction=Direction.up)
    assert _travel(cam, FAR)[1] > 100 and _travel(cam, NEAR)[1] > 100


def test_dolly_in_grows_near_objects_faster_than_far_ones() -> None:
    cam = Camera(movement=Movement.dolly, direction=Direction.in_)
    near = _size(cam, NEAR, DUR) / _size(cam, NEAR, 0.0)
    far = _size(cam, FAR, DUR) / _size(cam, FAR, 0.0)
    assert near > 1.3 and near > far > 1.0
    out = Camera(movement=Movement.dolly, direction=Direction.out)
    assert _size(out, NEAR, DUR) < _size(out, NEAR, 0.0)


def test_zoom_scales_near_and_far_equally() -> None:
    cam = Camera(movement=Movement.zoom, direction=Direction.in_)
    near = _size(cam, NEAR, DUR) / _size(cam, NEAR, 0.0)
    far = _size(cam, FAR, DUR) / _size(cam, FAR, 0.0)
    assert near == pytest.approx(far, rel=1e-9) and near > 1.3


def test_truck_right_moves_near_points_left_more_than_far_ones() -> None:
    near = _travel(Camera(movement=Movement.truck, direction=Direction.right), NEAR)
    far = _travel(Camera(movement=Movement.truck, direction=Direction.right), FAR)
    assert near[0] < far[0] < 0
    assert abs(near[0]) > 3 * abs(far[0])


def test_crane_up_moves_points_down_with_parallax() -> None:
    cam = Camera(movement=Movement.crane, direction=Direction.up)
    near, far = _travel(cam, NEAR), _travel(cam, FAR)
    assert near[1] > far[1] > 0


def test_orbit_changes_the_near_far_offset_and_keeps_the_subject() -> None:
    cam = Camera(movement=Movement.orbit, direction=Direction.right)
    before = _at(cam, FAR, 0.0)[0] - _at(cam, NEAR, 0.0)[0]
    after = _at(cam, FAR, DUR)[0] - _at(cam, NEAR, DUR)[0]
    assert abs(after - before) > 100
    assert abs(_travel(cam, NEAR)[0]) < 1.0  # the subject stays centred


def test_handheld_jitter_is_small_bounded_and_zero_mean() -> None:
    cam = Camera(movement=Movement.handheld)
    long = 60.0
    rig = Rig(cam, long, W, H, seed=5)
    xs = np.array([rig.project(FAR, t)[:2] for t in np.arange(0, long, 1 / 24)])
    centre = xs.mean(axis=0)
    assert np.abs(xs - centre).max() < 0.03 * W
    assert np.abs(xs - centre).max() > 1.0
    assert np.linalg.norm(centre - rig.project(FAR, 0.0)[:2]) < 0.03 * W
    assert np.all(np.abs(xs - np.array([W / 2, H / 2])) < 0.03 * W)  # jitters about where it looks


@pytest.mark.parametrize(
    "movement, direction",
    [(Movement.pan, Direction.right), (Movement.truck, Direction.left), (Movement.zoom, Direction.in_)],
)
def test_speed_scales_the_move(movement: Movement, direction: Direction) -> None:
    slow = _travel(Camera(movement=movement, direction=direction, speed=0.5), (1.0, 0.5, 3.0))
    fast = _travel(Camera(movement=movement, direction=direction, speed=1.5), (1.0, 0.5, 3.0))
    assert np.linalg.norm(fast) > 1.5 * np.linalg.norm(slow)


def test_ease_in_moves_less_in_the_first_quarter_than_linear() -> None:
    def quarter(easing: Easing) -> float:
        cam = Camera(movement=Movement.pan, direction=Direction.right, easing=easing)
        return abs(_at(cam, FAR, DUR / 4)[0] - _at(cam, FAR, 0.0)[0])

    assert quarter(Easing.ease_in) < 0.5 * quarter(Easing.linear)
    assert quarter(Easing.ease_out) > quarter(Easing.linear)


def test_shot_sizes_frame_the_subject_tighter_in_order() -> None:
    heights = []
    for size in ShotSize:
        cam = Camera(size=size)
        feet, head = _at(cam, (0.0, 0.0, 0.0), 0.0), _at(cam, (0.0, 1.7, 0.0), 0.0)
        heights.append(feet[1] - head[1])
        assert abs(head[0] - W / 2) < 1  # framed on the subject
    assert all(b > a for a, b in itertools.pairwise(heights))
    assert heights[0] < 0.2 * H and heights[-1] > 3 * H


@pytest.mark.parametrize(
    "angle, horizon",
    [(Angle.low, "below centre"), (Angle.high, "above centre"), (Angle.overhead, "above frame")],
)
def test_angles_move_the_horizon(angle: Angle, horizon: str) -> None:
    y = _at(Camera(angle=angle), (0.0, 0.9, 1e5), 0.0)[1]  # a point at the horizon
    eye = _at(Camera(angle=Angle.eye), (0.0, 0.9, 1e5), 0.0)[1]
    assert eye == pytest.approx(H / 2, abs=1)
    if horizon == "below centre":
        assert y > H / 2 + 20
    elif horizon == "above centre":
        assert y < H / 2 - 20
    else:
        assert y < 0


def test_dutch_angle_rolls_the_horizon() -> None:
    left = _at(Camera(angle=Angle.dutch), (-1e4, 0.9, 1e5), 0.0)
    right = _at(Camera(angle=Angle.dutch), (1e4, 0.9, 1e5), 0.0)
    tilt = math.degrees(math.atan2(right[1] - left[1], right[0] - left[0]))
    assert abs(abs(tilt) - 8.0) < 0.5


def test_renderer_layers_follow_the_rig() -> None:
    """The set/cast layer views the renderer draws with keep the grammar: parallax for
    dolly/truck/crane, none for pan/tilt/zoom."""

    def last(camera: Camera) -> tuple[float, float, float, float]:
        v = CameraMove(camera, 24, W, H).view(23)
        return v.set.dx, v.cast.dx, v.set.zoom, v.cast.zoom

    set_dx, cast_dx, _, _ = last(Camera(movement=Movement.truck, direction=Direction.right))
    assert cast_dx > set_dx > 0
    set_dx, cast_dx, _, _ = last(Camera(movement=Movement.pan, direction=Direction.right))
    assert cast_dx == pytest.approx(set_dx) and cast_dx > 0
    _, _, set_z, cast_z = last(Camera(movement=Movement.dolly, direction=Direction.in_))
    assert cast_z > set_z > 1.0
    _, _, set_z, cast_z = last(Camera(movement=Movement.zoom, direction=Direction.in_))
    assert cast_z == set_z > 1.0

"""previz: takes have the promised shape, are deterministic, move when the camera moves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine import renderer_for
from engine.media import part_path, probe, read_frames
from engine.previz import PrevizRenderer
from engine.previz.locations import location_kinds, scene_kinds
from engine.previz.shot import ShotPainter
from film import (
    Angle,
    BadInput,
    Camera,
    Direction,
    Movement,
    Performance,
    Physics,
    Scene,
    ShotSize,
    TimeOfDay,
    Weather,
)
from tests.engine.conftest import make_shot, make_spec, mean_diff


@pytest.mark.parametrize("size", [(854, 480), (480, 854), (640, 640)], ids=["16:9", "9:16", "1:1"])
def test_take_has_the_frames_size_and_fps_asked_for(
    renderer: PrevizRenderer, tmp_path: Path, size: tuple[int, int]
) -> None:
    spec = make_spec(make_shot(frames=30), size=size)
    take = renderer.render(spec, tmp_path / "take.mp4")
    info = probe(tmp_path / "take.mp4")
    assert (info.frames, info.width, info.height, info.fps) == (30, *size, 24.0)
    assert (take.frames, take.width, take.height, take.fps) == (30, *size, 24)
    assert take.path == str(tmp_path / "take.mp4")
    assert take.spec_hash == spec.spec_hash()
    assert (take.engine, take.asset_sha256, take.cached) == ("previz", "", False)
    assert take.render_s > 0
    assert read_frames(Path(take.path)).shape == (30, size[1], size[0], 3)


def test_same_spec_gives_the_same_bytes(renderer: PrevizRenderer, tmp_path: Path) -> None:
    shot = make_shot(
        frames=36, camera=Camera(movement=Movement.handheld), physics=Physics(weather=Weather.rain)
    )
    spec = make_spec(shot)
    a = renderer.render(spec, tmp_path / "a.mp4")
    b = renderer.render(spec, tmp_path / "b.mp4")
    assert np.array_equal(read_frames(Path(a.path)), read_frames(Path(b.path)))
    assert Path(a.path).read_bytes() == Path(b.path).read_bytes()
    c = renderer.render(make_spec(shot, seed=8), tmp_path / "c.mp4")  # the seed drives the rain and shake
    assert Path(c.path).read_bytes() != Path(a.path).read_bytes()


def _first_last(renderer: PrevizRenderer, tmp_path: Path, camera: Camera) -> tuple[np.ndarray, np.ndarray]:
    spec = make_spec(make_shot(frames=24, camera=camera))
    take = renderer.render(spec, tmp_path / f"{camera.movement.value}.mp4")
    frames = read_frames(Path(take.path))
    band = int(spec.height * 0.8)  # above the shot card, which never moves
    return frames[0, :band], frames[-1, :band]


def test_static_camera_holds_the_set(renderer: PrevizRenderer, tmp_path: Path) -> None:
    first, last = _first_last(renderer, tmp_path, Camera(size=ShotSize.wide, movement=Movement.static))
    assert mean_diff(first, last) < 1.0


@pytest.mark.parametrize(
    "camera",
    [
        Camera(size=ShotSize.wide, movement=Movement.pan, direction=Direction.right),
        Camera(size=ShotSize.wide, movement=Movement.tilt, direction=Direction.up),
        Camera(size=ShotSize.wide, movement=Movement.dolly, direction=Direction.in_),
        Camera(size=ShotSize.wide, movement=Movement.zoom, direction=Direction.out),
    ],
    ids=lambda c: c.movement.value,
)
def test_moving_camera_changes_the_picture(renderer: PrevizRenderer, tmp_path: Path, camera: Camera) -> None:
    first, last = _first_last(renderer, tmp_path, camera)
    assert mean_diff(first, last) > 4.0


def test_dolly_has_parallax_and_zoom_does_not() -> None:
    from engine.previz.camera import CameraMove

    dolly = CameraMove(Camera(movement=Movement.dolly, direction=Direction.in_), 10, 854, 480).view(9)
    zoom = CameraMove(Camera(movement=Movement.zoom, direction=Direction.in_), 10, 854, 480).view(9)
    assert dolly.cast.zoom > dolly.set.zoom > 1.0
    assert zoom.cast.zoom == zoom.set.zoom > 1.0


def test_progress_is_reported_every_dozen_frames(renderer: PrevizRenderer, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    renderer.render(
        make_spec(make_shot(frames=30)), tmp_path / "t.mp4", progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(12, 30), (24, 30), (30, 30)]


def test_failure_mid_render_leaves_no_file(renderer: PrevizRenderer, tmp_path: Path) -> None:
    dest = tmp_path / "t.mp4"

    def explode(done: int, total: int) -> None:
        if done >= 24:
            raise RuntimeError("user cancelled")

    with pytest.raises(RuntimeError, match="cancelled"):
        renderer.render(make_spec(make_shot(frames=48)), dest, progress=explode)
    assert not dest.exists()
    assert not part_path(dest).exists()
    assert list(tmp_path.iterdir()) == []


def test_renderer_for_names_the_engines() -> None:
    assert isinstance(renderer_for("previz"), PrevizRenderer)
    assert renderer_for("previz").engine == "previz"
    with pytest.raises(BadInput, match=r"unknown engine; choose one of: previz"):
        renderer_for("sora")


def test_spec_for_another_engine_is_refused(renderer: PrevizRenderer, tmp_path: Path) -> None:
    spec = make_spec().model_copy(update={"engine": "wan"})
    with pytest.raises(BadInput, match=r"spec\.engine"):
        renderer.render(spec, tmp_path / "t.mp4")
    assert list(tmp_path.iterdir()) == []


def test_locations_pick_set_pieces() -> None:
    assert location_kinds("INT. Maya's kitchen") == ["room"]
    assert location_kinds("a research station") == ["hills"]
    assert location_kinds("city street by the sea") == ["city", "sea"]
    assert location_kinds("orbit above Mars") == ["space"]


S, A, M, D, T, W = ShotSize, Angle, Movement, Direction, TimeOfDay, Weather
GRAMMAR = [  # (camera, location, time of day, weather, action): each size, angle and move once
    (
        Camera(size=S.extreme_wide, angle=A.high, movement=M.crane, direction=D.up),
        "mountain pass",
        T.dawn,
        W.snow,
        "walk",
    ),
    (
        Camera(size=S.full, angle=A.low, movement=M.truck, direction=D.left),
        "pine forest",
        T.morning,
        W.rain,
        "run",
    ),
    (Camera(size=S.medium_wide, angle=A.dutch, movement=M.orbit), "desert dunes", T.day, W.dust, "fall"),
    (Camera(size=S.medium, angle=A.overhead, movement=M.handheld), "INT. office", T.night, W.fog, "sit"),
    (
        Camera(size=S.medium_close, movement=M.zoom, direction=D.in_),
        "space station",
        T.night,
        W.storm,
        "wave",
    ),
    (
        Camera(size=S.close_up, angle=A.low, movement=M.dolly, direction=D.out),
        "beach",
        T.dusk,
        W.clear,
        "talk",
    ),
    (Camera(size=S.extreme_close_up, movement=M.tilt, direction=D.down), "alley", T.day, W.clear, "cry"),
]


@pytest.mark.parametrize(
    "camera, location, tod, weather, action", GRAMMAR, ids=lambda v: getattr(v, "value", None)
)
def test_every_size_angle_move_and_weather_renders(
    renderer: PrevizRenderer,
    tmp_path: Path,
    camera: Camera,
    location: str,
    tod: TimeOfDay,
    weather: Weather,
    action: str,
) -> None:
    perfs = (Performance(character_id="maya", action=action, emotion="scared"),)
    shot = make_shot(
        frames=6, camera=camera, physics=Physics(weather=weather, wind_ms=(4.0, 0.0)), performances=perfs
    )
    scene = Scene(id="s1", location=location, time_of_day=tod, palette="warm")
    take = renderer.render(make_spec(shot, size=(320, 180), scene=scene), tmp_path / "t.mp4")
    assert probe(Path(take.path)).frames == 6


def test_a_child_in_a_close_up_shows_a_face_like_an_adult() -> None:
    """Close shots frame faces: a child's head is where an adult's is, not below the frame."""
    from engine.previz.figures import Cast
    from film import Character, Performance, ShotSize

    kid = Character(id="kid", name="Kid", build="child")
    adult = Character(id="ann", name="Ann")
    heads = {}
    for who in (kid, adult):
        cast = Cast((who,), (Performance(character_id=who.id),), ShotSize.close_up, 320, 180, 90.0)
        fig = cast.figures[0]
        heads[who.id] = fig.feet_y - fig.height * (0.62 if who is kid else 1.0)
    assert abs(heads["kid"] - heads["ann"]) < 1.0
    wide = Cast((kid,), (Performance(character_id="kid"),), ShotSize.wide, 320, 180, 90.0)
    assert wide.figures[0].feet_y == wide.feet_y  # on the ground where the feet are seen


def test_location_words_are_whole_words() -> None:
    assert location_kinds("PARKING LOT") == ["hills"]  # 'park' is no parking lot
    diner = Scene(id="sc1", heading="INT. ROSA'S DINER - NIGHT", location="ROSA'S DINER")
    assert location_kinds(diner.location) == ["hills"] and scene_kinds(diner) == ["room"]
    assert location_kinds("city streets") == ["city"] and location_kinds("INT. KITCHEN") == ["room"]


def test_a_frame_drawn_alone_is_the_frame_of_the_take() -> None:
    """The distant layer is resampled once per quarter-pixel of drift (far_anchors), yet frame i
    stays a pure function of i: drawn alone, backwards, it equals the sequential one."""
    scene = Scene(id="s1", location="mountain road at dusk", time_of_day=TimeOfDay.dusk)
    shot = make_shot(frames=30, camera=Camera(size=ShotSize.wide, movement=Movement.dolly))
    spec = make_spec(shot, size=(320, 180), scene=scene)
    forward = ShotPainter(spec)
    assert forward.layered
    anchors = forward.far_anchor
    assert anchors[0] == 0 and anchors == sorted(anchors) and 1 < len(set(anchors)) < 30
    drawn = [forward.frame(i).rgb for i in range(30)]
    alone = ShotPainter(spec)
    for i in (29, 17, 3, 16):
        assert np.array_equal(alone.frame(i).rgb, drawn[i])

"""The control pass: a depth video and per-frame character boxes aligned with the RGB take."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.media import probe, read_frames
from engine.previz import PrevizRenderer
from engine.previz.renderer import boxes_path, depth_path
from film import Angle, Camera, Movement, Performance, ShotSize
from tests.engine.conftest import make_shot, make_spec


def test_control_pass_is_aligned_with_the_take(tmp_path: Path) -> None:
    shot = make_shot(frames=20, camera=Camera(size=ShotSize.full, movement=Movement.truck))
    spec = make_spec(shot, size=(320, 180))
    take = PrevizRenderer().render(spec, tmp_path / "take.mp4")
    rgb, depth = Path(take.path), depth_path(Path(take.path))
    assert probe(depth).frames == probe(rgb).frames == 20
    assert (probe(depth).width, probe(depth).height) == (320, 180)
    boxes = json.loads(boxes_path(rgb).read_text())
    assert (boxes["fps"], boxes["width"], boxes["height"]) == (24, 320, 180)
    assert [f["frame"] for f in boxes["frames"]] == list(range(20))
    assert sorted(f for f in tmp_path.iterdir()) == sorted([rgb, depth, boxes_path(rgb)])


def test_depth_is_bright_where_a_near_figure_stands_and_boxes_hold_it(tmp_path: Path) -> None:
    """One figure, full shot: inside its box the depth is near (bright); the sky is far."""
    perf = (Performance(character_id="otto", action="stand"),)
    spec = make_spec(make_shot(frames=6, camera=Camera(size=ShotSize.full), performances=perf))
    spec = spec.model_copy(update={"characters": spec.characters[1:]})
    take = PrevizRenderer().render(spec, tmp_path / "take.mp4")
    depth = read_frames(depth_path(Path(take.path)))[..., 0].astype(np.int16)
    rgb = read_frames(Path(take.path))
    frames = json.loads(boxes_path(Path(take.path)).read_text())["frames"]
    x0, y0, x1, y1 = frames[3]["boxes"]["otto"]
    assert 0 <= x0 < x1 <= spec.width and 0 <= y0 < y1 <= spec.height
    chest = y0 + (y1 - y0) * 35 // 100
    body = depth[3, chest - 5 : chest + 5, (x0 + x1) // 2 - 3 : (x0 + x1) // 2 + 3]
    assert body.mean() > 200
    assert depth[3, 5:20, 5:40].mean() < 30  # sky, top-left corner
    figure_px = depth[3] > 200
    inside = figure_px[y0:y1, x0:x1].sum()
    assert inside >= 0.97 * figure_px.sum() > 500
    otto = np.array([230, 126, 34])  # the shirt colour shows up inside the box, not outside
    shirt = np.abs(rgb[3].astype(np.int16) - otto).sum(axis=2) < 40
    assert shirt[y0:y1, x0:x1].sum() >= 0.95 * shirt.sum() > 100


def test_dutch_boxes_follow_the_roll(tmp_path: Path) -> None:
    perf = (Performance(character_id="maya", action="stand"),)
    spec = make_spec(
        make_shot(frames=3, camera=Camera(size=ShotSize.full, angle=Angle.dutch), performances=perf),
        size=(320, 180),
    )
    spec = spec.model_copy(update={"characters": spec.characters[:1]})
    take = PrevizRenderer().render(spec, tmp_path / "take.mp4")
    depth = read_frames(depth_path(Path(take.path)))[1, ..., 0]
    x0, y0, x1, y1 = json.loads(boxes_path(Path(take.path)).read_text())["frames"][1]["boxes"]["maya"]
    figure_px = depth > 200
    assert figure_px[y0:y1, x0:x1].sum() >= 0.95 * figure_px.sum() > 100


def test_control_pass_can_be_switched_off(tmp_path: Path) -> None:
    take = PrevizRenderer(control_pass=False).render(make_spec(make_shot(frames=4)), tmp_path / "t.mp4")
    assert [p.name for p in tmp_path.iterdir()] == ["t.mp4"]
    assert probe(Path(take.path)).frames == 4

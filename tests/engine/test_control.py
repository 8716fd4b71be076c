"""The control pass: per-frame boxes and a middle still with every take, and a depth video (gray)
aligned with the RGB take where an engine asks for it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from engine.media import probe, read_frames
from engine.previz import PrevizRenderer
from engine.previz.renderer import DEPTH_OPTION, boxes_path, depth_path, still_path
from engine.previz.shot import ShotPainter
from film import Angle, Camera, Movement, Performance, ShotSize
from tests.engine.conftest import make_shot, make_spec


def test_control_pass_is_aligned_with_the_take(tmp_path: Path) -> None:
    shot = make_shot(frames=20, camera=Camera(size=ShotSize.full, movement=Movement.truck))
    spec = make_spec(shot, size=(320, 180))
    take = PrevizRenderer(depth=True).render(spec, tmp_path / "take.mp4")
    rgb, depth = Path(take.path), depth_path(Path(take.path))
    assert probe(depth).frames == probe(rgb).frames == 20
    assert (probe(depth).width, probe(depth).height, probe(depth).profile) == (320, 180, "High")
    assert probe(depth).pix_fmt.startswith(("gray", "yuvj420p"))  # one plane coded; decoders show 4:2:0
    boxes = json.loads(boxes_path(rgb).read_text())
    assert (boxes["fps"], boxes["width"], boxes["height"]) == (24, 320, 180)
    assert [f["frame"] for f in boxes["frames"]] == list(range(20))
    assert sorted(f for f in tmp_path.iterdir()) == sorted([rgb, depth, boxes_path(rgb), still_path(rgb)])
    assert take.extras == {"boxes": str(boxes_path(rgb)), "still": str(still_path(rgb)), "depth": str(depth)}


def test_depth_is_drawn_only_when_asked_and_cached_apart(tmp_path: Path) -> None:
    """A plain previz take carries boxes and the middle still but no depth video; the depth
    renderer's spec says so, so the take cache never hands a depth-less take to VACE."""
    spec = make_spec(make_shot(frames=9), size=(320, 180))
    plain = PrevizRenderer().render(spec, tmp_path / "plain.mp4")
    assert sorted(plain.extras) == ["boxes", "still"]
    assert not depth_path(tmp_path / "plain.mp4").exists()
    still = np.asarray(Image.open(still_path(tmp_path / "plain.mp4")))
    assert still.shape == (180, 320, 3)
    assert np.array_equal(still, ShotPainter(spec).frame(9 // 2).rgb)  # the drawn frame, not a decode
    deep = PrevizRenderer(depth=True)
    resolved = deep.resolve(spec)
    assert resolved.options[DEPTH_OPTION] is True and resolved.spec_hash() != spec.spec_hash()
    assert deep.resolve(resolved) == resolved
    assert PrevizRenderer().resolve(spec) == spec


def test_depth_is_bright_where_a_near_figure_stands_and_boxes_hold_it(tmp_path: Path) -> None:
    """One figure, full shot: inside its box the depth is near (bright); the sky is far."""
    perf = (Performance(character_id="otto", action="stand"),)
    spec = make_spec(make_shot(frames=6, camera=Camera(size=ShotSize.full), performances=perf))
    spec = spec.model_copy(update={"characters": spec.characters[1:]})
    take = PrevizRenderer(depth=True).render(spec, tmp_path / "take.mp4")
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
    take = PrevizRenderer(depth=True).render(spec, tmp_path / "take.mp4")
    depth = read_frames(depth_path(Path(take.path)))[1, ..., 0]
    x0, y0, x1, y1 = json.loads(boxes_path(Path(take.path)).read_text())["frames"][1]["boxes"]["maya"]
    figure_px = depth > 200
    assert figure_px[y0:y1, x0:x1].sum() >= 0.95 * figure_px.sum() > 100


def test_control_pass_can_be_switched_off(tmp_path: Path) -> None:
    take = PrevizRenderer(control_pass=False).render(make_spec(make_shot(frames=4)), tmp_path / "t.mp4")
    assert [p.name for p in tmp_path.iterdir()] == ["t.mp4"]
    assert probe(Path(take.path)).frames == 4

"""Aspect variants: the crop window follows the previz character boxes, smoothed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.cutting.reframe import crop_size, crop_track, reframe_take, subject_centres
from engine.media import FrameWriter, probe, read_frames


def test_crop_follows_boxes_and_falls_back_to_centre(tmp_path: Path) -> None:
    boxes = tmp_path / "t.boxes.json"
    frames = [{"frame": i, "boxes": {"maya": [600, 100, 700, 480]}} for i in range(40)]
    boxes.write_text(json.dumps({"fps": 24, "width": 854, "height": 480, "frames": frames}), encoding="utf-8")
    assert crop_size(854, 480, 480, 854) == (270, 480)
    track = crop_track(subject_centres(boxes, 48, 854, 480), 854, 480, 270, 480)
    assert abs(track[20, 0] + 135 - 650) < 10 and track[20, 1] == 0  # centred on Maya
    assert (np.abs(np.diff(track[:, 0])) < 40).all()  # glides, no jump where the boxes end
    centre = crop_track(subject_centres(None, 5, 854, 480), 854, 480, 270, 480)
    assert (centre[:, 0] == 292).all()


def test_reframed_take_is_vertical(tmp_path: Path) -> None:
    take = tmp_path / "t.mp4"
    with FrameWriter(take, 320, 180, 24) as writer:
        for _ in range(12):
            frame = np.zeros((180, 320, 3), np.uint8)
            frame[:, 240:300] = 255  # a white figure on the right
            writer.write(frame)
    boxes = tmp_path / "t.boxes.json"
    data = {
        "fps": 24,
        "width": 320,
        "height": 180,
        "frames": [{"frame": i, "boxes": {"a": [240, 0, 300, 180]}} for i in range(12)],
    }
    boxes.write_text(json.dumps(data), encoding="utf-8")
    out = reframe_take(take, tmp_path / "v.mp4", 144, 256, 24, boxes)
    info = probe(out)
    assert (info.width, info.height, info.frames) == (144, 256, 12)
    assert read_frames(out, 6, 1)[0].mean() > 100  # the figure fills the vertical frame


def test_a_reframed_cut_assembles_as_a_vertical_film(tmp_path: Path) -> None:
    from engine import FfmpegAssembler
    from engine.cutting.assemble import AssembleOptions
    from film import Clip, Timeline
    from film.timeline import Overlay
    from tests.engine.conftest import make_plan, make_shot

    takes = []
    for k in range(2):
        take = tmp_path / f"t{k}.mp4"
        with FrameWriter(take, 320, 180, 24) as writer:
            for i in range(30):
                writer.write(np.full((180, 320, 3), 60 + 80 * k + i, np.uint8))
        takes.append(reframe_take(take, tmp_path / f"v{k}.mp4", 144, 256, 24))
    clips = (
        Clip(shot_id="A", take_path=str(takes[0]), out_frame=30),
        Clip(
            shot_id="B", take_path=str(takes[1]), out_frame=30, transition_in="crossfade", transition_frames=8
        ),
    )
    name = Overlay(kind="lower_third", clip_index=1, start_frame=10, frames=12, text="Otto")
    timeline = Timeline(fps=24, width=144, height=256, clips=clips, overlays=(name,))
    plan = make_plan((make_shot("A", frames=30), make_shot("B", frames=30)))
    film = FfmpegAssembler(options=AssembleOptions(exports=False)).assemble(timeline, plan, tmp_path / "out")
    info = probe(film)
    assert (info.width, info.height, info.frames, info.has_audio) == (144, 256, 60, True)

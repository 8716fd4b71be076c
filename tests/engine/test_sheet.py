"""The contact sheet: one mid-shot frame per shot in a grid PNG, written atomically."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.media import read_frames
from engine.previz import PrevizRenderer
from engine.previz.sheet import CELL_WIDTH, GAP, contact_sheet
from film import BadInput, Camera, Movement, ShotSize
from tests.engine.conftest import make_plan, make_shot, make_spec


def test_contact_sheet_has_one_cell_per_shot_showing_the_mid_frame(tmp_path: Path) -> None:
    shots = tuple(
        make_shot(f"S0{i}", frames=12 + 2 * i, camera=Camera(size=ShotSize.wide, movement=Movement.pan))
        for i in range(1, 6)
    )
    plan = make_plan(shots)
    specs = [make_spec(s, size=(320, 180)) for s in shots]
    dest = contact_sheet(plan, specs, tmp_path / "sheet.png", columns=3)
    assert dest == tmp_path / "sheet.png"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.png"]
    img = np.asarray(Image.open(dest).convert("RGB"))
    cell_w = min(CELL_WIDTH, 320)
    assert img.shape[1] == 3 * cell_w + 4 * GAP
    title_h = img.shape[0] - 2 * 180 - 3 * GAP
    assert 0 < title_h < 60
    # cell 2 (row 0, col 1) is the mid frame of shot 2's take
    take = PrevizRenderer(control_pass=False).render(specs[1], tmp_path / "s2.mp4")
    frames = read_frames(Path(take.path)).astype(np.int16)
    x, y = GAP + cell_w + GAP, title_h + GAP
    cell = img[y : y + 180, x : x + 320].astype(np.int16)
    diffs = [float(np.abs(cell - f).mean()) for f in frames]
    assert int(np.argmin(diffs)) == specs[1].frames // 2  # the take's own mid frame, H.264 aside
    assert diffs[specs[1].frames // 2] < 6.0
    empty = img[title_h + 2 * GAP + 180 :, GAP + 2 * (cell_w + GAP) :]  # the 6th, unused cell
    assert (empty == empty[0, 0]).all()


def test_contact_sheet_refuses_nonsense(tmp_path: Path) -> None:
    shot = make_shot(frames=48)
    with pytest.raises(BadInput, match="columns"):
        contact_sheet(make_plan((shot,)), [make_spec(shot)], tmp_path / "s.png", columns=0)
    with pytest.raises(BadInput, match="specs"):
        contact_sheet(make_plan((shot,)), [], tmp_path / "s.png")
    assert list(tmp_path.iterdir()) == []

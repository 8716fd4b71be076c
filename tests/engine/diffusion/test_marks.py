"""A diffusion take carries the corner bug and the watermark, and its film verifies; the frame the
next shot starts from stays clean (the bug must not be painted into the next shot)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from engine.cutting.verify import verify
from engine.diffusion import DiffusionOptions, DiffusionRenderer, last_frame_path
from engine.marking import bug_patch
from engine.media import read_frames
from tests.engine.cutting.test_verify import cut
from tests.engine.diffusion.conftest import dspec


def test_a_diffusion_film_verifies(options: DiffusionOptions, tmp_path: Path) -> None:
    spec = dspec(frames=48, fps=24, size=(320, 180))
    take = DiffusionRenderer(options).render(spec, tmp_path / "t.mp4")
    report = verify(cut(Path(take.path), tmp_path / "film", frames=48, fps=24, size=(320, 180)))
    assert [m.found for m in report.marks] == [True, True, True], [m.line() for m in report.marks]
    y, x, _, alpha = bug_patch(320, 180, "top-right")
    h, w = alpha.shape[:2]
    last_in_take = read_frames(Path(take.path), start=47, count=1)[0]
    hand_off = np.asarray(Image.open(last_frame_path(tmp_path / "t.mp4")).convert("RGB"))
    shown = last_in_take[y : y + h, x : x + w].astype(int)
    clean = hand_off[y : y + h, x : x + w].astype(int)
    assert np.abs(shown - clean).mean() > 20  # the bug is in the take, not in the hand-off frame

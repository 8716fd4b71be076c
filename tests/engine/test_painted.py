"""A painted take leaves its last frame and a strip of its last few for the shot after it."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from agents.continuity import continue_from
from engine.painted import TAIL_FRAMES, read_tail, tail_path, write_painted_take
from film import RenderSpec
from tests.engine.conftest import CAST, SCENE, make_shot


def spec(frames: int = 12) -> RenderSpec:
    return RenderSpec(
        engine="diffusion", shot=make_shot(frames=frames), scene=SCENE, characters=CAST, seed=1,
        width=32, height=16, fps=24, prompt="p",
    )  # fmt: skip


def test_tail_strip_holds_the_last_frames_losslessly(tmp_path: Path) -> None:
    frames = np.stack([np.full((16, 32, 3), 10 * i, dtype=np.uint8) for i in range(12)])
    take = write_painted_take("diffusion", spec(), frames, tmp_path / "t.mp4", time.perf_counter())
    tail = read_tail(tail_path(tmp_path / "t.mp4"))
    assert take.extras["tail"] == str(tail_path(tmp_path / "t.mp4"))
    assert len(tail) == TAIL_FRAMES
    assert all(np.array_equal(a, b) for a, b in zip(tail, frames[-TAIL_FRAMES:], strict=True))
    short = write_painted_take("diffusion", spec(3), frames[:3], tmp_path / "s.mp4", time.perf_counter())
    assert len(read_tail(Path(short.extras["tail"]))) == 3


def test_continued_shot_gets_the_lead_strip_and_a_new_hash(tmp_path: Path) -> None:
    frames = np.zeros((12, 16, 32, 3), dtype=np.uint8)
    take = write_painted_take("diffusion", spec(), frames, tmp_path / "t.mp4", time.perf_counter())
    plain = continue_from(spec(), take.model_copy(update={"extras": {"last": take.extras["last"]}}))
    led = continue_from(spec(), take)
    assert plain.conditioning.lead_video is None and led.conditioning.lead_video is not None
    assert led.conditioning.first_frame == plain.conditioning.first_frame
    assert led.spec_hash() != plain.spec_hash()

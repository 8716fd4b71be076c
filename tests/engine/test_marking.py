"""The corner bug and the watermark go on every painted frame; the bug stays on realistic footage."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from engine.marking import Marker, bug_patch
from film import RenderSpec
from tests.engine.conftest import SCENE, make_shot

W, H = 320, 180


def _spec(engine: str, bug: str) -> RenderSpec:
    return RenderSpec(
        engine=engine, shot=make_shot(frames=8), scene=SCENE, seed=1, width=W, height=H, fps=24, bug=bug
    )


@pytest.mark.parametrize("corner", ["top-right", "top-left", "bottom-right", "bottom-left"])
def test_the_bug_sits_in_its_corner_and_nowhere_else(corner: str) -> None:
    frame = np.full((H, W, 3), 200, dtype=np.uint8)
    marked = Marker(W, H, bug=corner)(frame)
    y, x, _, alpha = bug_patch(W, H, corner)
    h, w = alpha.shape[:2]
    assert (y < H / 2) == corner.startswith("top") and (x < W / 2) == corner.endswith("left")
    plate = marked[y : y + h, x : x + w].astype(int)
    assert abs(plate.mean() - 200) > 30  # a dark plate with light letters: plainly there
    rest = marked.astype(int).copy()
    rest[y : y + h, x : x + w] = 200
    assert np.abs(rest - 200).max() <= 12  # elsewhere only the faint watermark
    assert frame.max() == frame.min() == 200  # the caller's frame is untouched


def test_off_leaves_only_the_watermark_and_marks_are_deterministic() -> None:
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    a, b = Marker(W, H, bug="off")(frame), Marker(W, H, bug="off")(frame)
    assert np.array_equal(a, b)
    diff = a.astype(float) - frame.astype(float)
    assert 0 < np.sqrt((diff**2).mean()) < 8.0  # strongest on noise, which hides it best
    assert np.array_equal(Marker(W, H, bug="off", watermark=False)(frame), frame)


@pytest.mark.parametrize("engine", ["diffusion", "comfyui"])
def test_realistic_engines_cannot_drop_the_bug(engine: str) -> None:
    with pytest.raises(ValidationError, match="corner label stays on"):
        _spec(engine, "off")
    assert _spec(engine, "bottom-left").bug == "bottom-left"


def test_previz_may_drop_the_bug_and_the_corner_is_in_the_hash() -> None:
    assert _spec("previz", "off").bug == "off"
    hashes = {_spec("previz", corner).spec_hash() for corner in ("off", "top-right", "top-left")}
    assert len(hashes) == 3


def test_odd_and_tiny_frames_take_the_marks() -> None:
    for w, h in ((33, 17), (16, 16), (1921, 1081)):
        frame = np.zeros((h, w, 3), dtype=np.uint8)
        assert Marker(w, h)(frame).shape == (h, w, 3)

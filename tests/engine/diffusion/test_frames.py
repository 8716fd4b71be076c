"""Frames that play right: a slower model's frames are interpolated up to the spec's fps (not
repeated, which judders), and every frame (take or conditioning) is cropped to fill, so black
bars never appear, nor pile up along a chain of continuous shots."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.diffusion import DiffusionOptions, DiffusionRenderer, last_frame_path
from engine.diffusion import frames as frames_mod
from engine.diffusion.frames import conform, fit, load_image
from engine.media import read_frames
from film import Conditioning
from tests.engine.diffusion.conftest import dspec, media_ref, still

BACK, BAR = 40, 250


def moving_bar(n: int, width: int = 48, height: int = 32, step: int = 3) -> np.ndarray:
    """n frames of a bright 4-px bar moving `step` px right per frame over a dark ground."""
    video = np.full((n, height, width, 3), BACK, dtype=np.uint8)
    for i in range(n):
        video[i, :, 2 + i * step : 6 + i * step] = BAR
    return video


def bar_x(frame: np.ndarray) -> float:
    """The bar's centre (brightness-weighted column)."""
    weight = np.clip(frame[..., 0].astype(float).mean(axis=0) - BACK, 0, None)
    return float((weight * np.arange(len(weight))).sum() / weight.sum())


def test_slower_model_is_interpolated_not_repeated() -> None:
    src = moving_bar(9)  # 9 frames at 16 fps = 0.5 s
    out = conform(src, 16, dspec(frames=12, fps=24, size=(48, 32)))
    assert out.shape == (12, 32, 48, 3)
    assert all(not np.array_equal(a, b) for a, b in itertools.pairwise(out))  # no judder
    # frame 1 is at 2/3 of the way from model frame 0 to 1: a new image, the bar in between
    assert not np.array_equal(out[1], src[0]) and not np.array_equal(out[1], src[1])
    assert abs(bar_x(out[1]) - (bar_x(src[0]) + 3 * 2 / 3)) < 1.0  # the bar 2/3 of its step on
    assert np.array_equal(out[0], src[0]) and np.array_equal(out[3], src[2])  # where the times meet
    again = conform(src, 16, dspec(frames=12, fps=24, size=(48, 32)))
    assert again.tobytes() == out.tobytes()  # deterministic


def panning(n: int, width: int = 96, height: int = 64, step: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """A smooth random texture and n frames of a camera panning `step` px right per frame over it."""
    coarse = np.random.default_rng(7).integers(0, 256, (height // 8 + 1, (width + n * step) // 8 + 2, 3))
    big = Image.fromarray(coarse.astype(np.uint8)).resize((coarse.shape[1] * 8, coarse.shape[0] * 8))
    texture = np.asarray(big)[:height]
    return texture, np.stack([texture[:, i * step : i * step + width] for i in range(n)])


def test_interpolated_frames_are_moved_not_cross_faded() -> None:
    texture, src = panning(9)
    out = conform(src, 16, dspec(frames=12, fps=24, size=(96, 64)))
    inner = (slice(8, -8), slice(8, -8))
    for i in (1, 2, 4, 5):  # at 2/3, 4/3, 8/3, 10/3 model frames: the camera has moved 4·t px
        t = i * 2 / 3
        truth = texture[:, round(4 * t) : round(4 * t) + 96].astype(float)
        a = int(t)
        fade = src[a].astype(float) * (a + 1 - t) + src[a + 1].astype(float) * (t - a)
        moved_err = np.abs(out[i].astype(float) - truth)[inner].mean()
        assert moved_err < 0.8 * np.abs(fade - truth)[inner].mean()


def test_interpolation_gives_exactly_the_spec_frames() -> None:
    """A short model take is padded with its last frame; tiny frames (below minterpolate's
    32 px) are interpolated too; a long one is cut."""
    short = conform(moving_bar(4, width=24, height=16, step=1), 16, dspec(frames=12, fps=24, size=(24, 16)))
    assert short.shape == (12, 16, 24, 3)
    assert np.array_equal(short[-1], short[-2]) and not np.array_equal(short[1], short[0])
    long = conform(moving_bar(12), 16, dspec(frames=6, fps=24, size=(48, 32)))
    assert long.shape == (6, 32, 48, 3)


def test_equal_or_faster_model_keeps_nearest_in_time() -> None:
    src = moving_bar(13)
    out = conform(src, 25, dspec(frames=12, fps=24, size=(48, 32)))
    assert all(any(np.array_equal(f, s) for s in src) for f in out)  # only model frames, no blends
    assert np.array_equal(conform(src, 24, dspec(frames=12, fps=24, size=(48, 32))), src[:12])


def test_blend_where_ffmpeg_cannot_interpolate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frames_mod, "has_minterpolate", lambda: False)
    src = moving_bar(9)
    out = conform(src, 16, dspec(frames=12, fps=24, size=(48, 32)))
    mix = (src[0].astype(np.float32) / 3 + src[1].astype(np.float32) * 2 / 3 + 0.5).astype(np.uint8)
    assert out.shape == (12, 32, 48, 3) and np.array_equal(out[1], mix)


def bars(frame: np.ndarray, band: int = 3) -> float:
    """How dark the frame's edges are against its interior: the darkest edge band's mean over
    the interior's (a letterboxed frame gives about 0, a filled one about 1)."""
    f = frame.astype(float).mean(axis=2)
    inner = f[band:-band, band:-band].mean()
    edges = (f[:band].mean(), f[-band:].mean(), f[:, :band].mean(), f[:, -band:].mean())
    return min(edges) / inner


def test_fit_crops_to_fill() -> None:
    frame = np.full((32, 32, 3), 180, dtype=np.uint8)
    frame[14:18, 14:18] = 0  # a dark mark at the centre stays at the centre
    out = fit(frame, 40, 24)
    assert out.shape == (24, 40, 3) and bars(out) > 0.95
    assert out[12, 20].max() < 60 and out[:, :16].min() > 150
    tall = fit(np.full((24, 48, 3), 180, dtype=np.uint8), 32, 64)
    assert tall.shape == (64, 32, 3) and tall.min() > 170


def test_conditioning_image_is_cropped_like_the_take(tmp_path: Path) -> None:
    ref = still(tmp_path / "wide.png", (200, 30, 30), size=(64, 24))
    img = np.asarray(load_image(ref, "spec.conditioning.first_frame", (32, 32)))
    assert img.shape == (32, 32, 3) and img[..., 0].min() > 190


def test_chain_of_continuous_shots_has_no_black_bars(options: DiffusionOptions, tmp_path: Path) -> None:
    """Three continuous shots, each starting on the last frame of the one before, at a spec
    aspect (5:3) the model's stride cannot give (Wan renders it at 32×32): letterboxing would
    bar every take and feed the bars into the next shot's first frame."""
    renderer = DiffusionRenderer(options)
    prev: Path | None = None
    for k in range(3):
        cond = Conditioning(first_frame=media_ref(last_frame_path(prev))) if prev else Conditioning()
        spec = dspec(seed=k + 1, frames=12, fps=24, size=(40, 24), conditioning=cond)
        prev = tmp_path / f"s{k}.mp4"
        take = renderer.render(spec, prev)
        assert (take.frames, take.width, take.height) == (12, 40, 24)
    assert renderer.check_inputs(spec)[1].width == 32  # the model's size differs from the spec's
    assert prev is not None
    last = read_frames(prev)[-1]
    assert last.astype(float).mean() > 40 and bars(last) > 0.6

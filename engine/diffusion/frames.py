"""From a shot's frames to a model's frames and back.

A shot is `spec.frames` frames at `spec.fps`, `spec.width`×`spec.height`. A model renders at its
own fps, in sizes divisible by its stride and frame counts of the form step·k+1, in windows of
at most `card.frames`. Here we plan that (size, frame count, windows) and afterwards conform
what came out to exactly the frames, fps and size the take must have.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from engine.diffusion.registry import ModelCard
from engine.media import read_frames
from film import BadInput, MediaRef, RenderSpec
from film.files import file_sha256


@dataclass(frozen=True)
class FramePlan:
    """How one shot is rendered by one model: generation size, total model frames, windows."""

    width: int
    height: int
    total: int
    windows: tuple[int, ...]
    """Frames per model call; each window after the first starts on the previous one's last frame."""


def snap_frames(n: int, step: int) -> int:
    """Smallest step·k+1 ≥ n (at least step+1: a single latent frame makes no motion)."""
    return max(step + 1, math.ceil((max(n, 1) - 1) / step) * step + 1)


def generation_size(spec: RenderSpec, card: ModelCard, area_scale: float = 1.0) -> tuple[int, int]:
    """The spec's aspect at no more than the model's native area (× area_scale), snapped to the
    model's stride; small specs render small (that is what makes the CPU tests fast)."""
    m = card.size_multiple
    native = card.width * card.height * area_scale
    scale = min(1.0, math.sqrt(native / (spec.width * spec.height)))
    w = max(m, round(spec.width * scale / m) * m)
    h = max(m, round(spec.height * scale / m) * m)
    return w, h


def plan_frames(
    spec: RenderSpec, card: ModelCard, *, area_scale: float = 1.0, max_window: int | None = None
) -> FramePlan:
    """Plan the model frames for a shot, honouring explicit `width`/`height`/`num_frames` options
    (checked, not snapped: a user who names a size gets it or a clear error)."""
    opts = spec.options
    if "width" in opts or "height" in opts:
        w, h = int(opts.get("width", spec.width)), int(opts.get("height", spec.height))
        card.check_size(w, h, field_prefix="spec.options")
    else:
        w, h = generation_size(spec, card, area_scale)
    needed = math.ceil(spec.frames * card.fps / spec.fps)
    if spec.conditioning.first_frame is not None:
        needed += 1  # frame 0 is the previous shot's last frame: rendered, then dropped
    window = card.frames if max_window is None else min(card.frames, max_window)
    window = snap_frames(window, card.frame_step)
    if window > card.frames:
        window -= card.frame_step
    if "num_frames" in opts:
        n = int(opts["num_frames"])
        card.check_frames(n, "spec.options.num_frames")
        return FramePlan(w, h, n, (n,))
    total = snap_frames(needed, card.frame_step)
    if total <= window:
        return FramePlan(w, h, total, (total,))
    windows = [window]
    have = window
    while have < needed:  # each continuation repeats the last frame, so it adds window-1 new ones
        rest = snap_frames(needed - have + 1, card.frame_step)
        windows.append(min(window, rest))
        have += windows[-1] - 1
    return FramePlan(w, h, have, tuple(windows))


def to_uint8(video: np.ndarray) -> np.ndarray:
    """diffusers' np output (floats in [0, 1]) as uint8 (n, h, w, 3) frames."""
    arr = np.asarray(video)
    if arr.ndim == 5:
        arr = arr[0]
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return arr


def fit(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale to fit inside width×height keeping the aspect, then pad with black (letterbox),
    so a model stride that nudged the aspect never stretches a face."""
    h, w = frame.shape[:2]
    if (w, h) == (width, height):
        return frame
    scale = min(width / w, height / h)
    nw, nh = max(1, round(w * scale)), max(1, round(h * scale))
    img = Image.fromarray(frame).resize((nw, nh), Image.Resampling.LANCZOS)
    out = np.zeros((height, width, 3), dtype=np.uint8)
    x, y = (width - nw) // 2, (height - nh) // 2
    out[y : y + nh, x : x + nw] = np.asarray(img)
    return out


def conform(frames: np.ndarray, model_fps: int, spec: RenderSpec) -> np.ndarray:
    """Exactly spec.frames frames at spec.fps and spec size: nearest-in-time resampling (no
    blending ghosts), then fit/pad each frame."""
    n = len(frames)
    idx = [min(n - 1, round(i * model_fps / spec.fps)) for i in range(spec.frames)]
    return np.stack([fit(frames[i], spec.width, spec.height) for i in idx])


def _verified(ref: MediaRef, field: str) -> Path:
    """The file behind a MediaRef, refusing one whose bytes are not the ones the spec hashed."""
    path = Path(ref.path)
    if not path.is_file():
        raise BadInput(field, ref.path, "conditioning file does not exist")
    digest = file_sha256(path)
    if digest != ref.sha256:
        raise BadInput(field, ref.path, f"sha256 is {digest[:12]}…, the spec says {ref.sha256[:12]}…")
    return path


def load_image(ref: MediaRef, field: str, size: tuple[int, int]) -> Image.Image:
    """A conditioning image as RGB at the generation size (letterboxed like the take)."""
    with Image.open(_verified(ref, field)) as img:
        arr = np.asarray(img.convert("RGB"))
    return Image.fromarray(fit(arr, *size))


def load_video(
    ref: MediaRef, field: str, size: tuple[int, int], frames: int, src_fps: int, model_fps: int
) -> list[Image.Image]:
    """A control video (e.g. the previz depth pass, at the spec's fps) resampled to the model's
    fps and frame count, fitted to the generation size."""
    video = read_frames(_verified(ref, field))
    if len(video) == 0:
        raise BadInput(field, ref.path, "control video has no frames")
    idx = [min(len(video) - 1, round(i * src_fps / model_fps)) for i in range(frames)]
    return [Image.fromarray(fit(video[i], *size)) for i in idx]

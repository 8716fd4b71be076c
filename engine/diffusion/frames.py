"""From a shot's frames to a model's frames and back.

A shot is `spec.frames` frames at `spec.fps`, `spec.width`×`spec.height`. A model renders at its
own fps, in sizes divisible by its stride and frame counts of the form step·k+1, in windows of
at most `card.frames`. Here we plan that (size, frame count, windows) and afterwards conform
what came out to exactly the frames, fps and size the take must have.
"""

from __future__ import annotations

import functools
import math
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from engine.diffusion.registry import ModelCard
from engine.media import ffmpeg_exe, read_frames
from film import BadInput, MediaRef, RenderFailure, RenderSpec
from film.files import file_sha256


@dataclass(frozen=True)
class FramePlan:
    """How one shot is rendered by one model: generation size, total model frames, windows."""

    width: int
    height: int
    total: int
    windows: tuple[int, ...]
    """Frames per model call; each window after the first starts on the previous one's last
    `carry` frames (pinned, rendered again and dropped)."""
    carry: int = 1


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
    spec: RenderSpec,
    card: ModelCard,
    *,
    area_scale: float = 1.0,
    max_window: int | None = None,
    lead: int = 0,
    seam: int = 1,
) -> FramePlan:
    """Plan the model frames for a shot, honouring explicit `width`/`height`/`num_frames` options
    (checked, not snapped: a user who names a size gets it or a clear error). `lead` frames of
    the previous shot are pinned at the start, rendered again and dropped; each later window
    carries `seam` frames of the one before (one when a window is too short to add any)."""
    opts = spec.options
    if "width" in opts or "height" in opts:
        w, h = int(opts.get("width", spec.width)), int(opts.get("height", spec.height))
        card.check_size(w, h, field_prefix="spec.options")
    else:
        w, h = generation_size(spec, card, area_scale)
    needed = math.ceil(spec.frames * card.fps / spec.fps)
    if lead > 1:
        needed += lead  # the previous shot's last frames: pinned, rendered, then dropped
    elif spec.conditioning.first_frame is not None:
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
    carry = seam if 1 < seam < window else 1
    windows = [window]
    have = window
    while have < needed:  # each continuation repeats `carry` frames, so it adds window-carry new ones
        rest = snap_frames(needed - have + carry, card.frame_step)
        windows.append(min(window, rest))
        have += windows[-1] - carry
    return FramePlan(w, h, have, tuple(windows), carry if len(windows) > 1 else 1)


def to_uint8(video: np.ndarray) -> np.ndarray:
    """diffusers' np output (floats in [0, 1]) as uint8 (n, h, w, 3) frames."""
    arr = np.asarray(video)
    if arr.ndim == 5:
        arr = arr[0]
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return arr


def fit(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale to cover width×height keeping the aspect, then centre-crop: the frame is always
    filled. Letterboxing instead would put black bars in every take whose aspect the model's
    stride nudged, and a continued shot, starting from such a frame, would stack them."""
    h, w = frame.shape[:2]
    if (w, h) == (width, height):
        return frame
    cw, ch = min(w, h * width / height), min(h, w * height / width)  # the source region kept
    box = ((w - cw) / 2, (h - ch) / 2, (w + cw) / 2, (h + ch) / 2)
    img = Image.fromarray(frame).resize((width, height), Image.Resampling.LANCZOS, box=box)
    return np.asarray(img)


MIN_INTERPOLATE_SIDE = 32
"""minterpolate refuses frames narrower or lower than this; smaller ones are edge-padded."""
MINTERPOLATE = "minterpolate=fps={fps}:mi_mode=mci:mc_mode=aobmc:scd=none"
"""Motion-compensated interpolation (adaptive overlapped block compensation): moving things are
moved, not cross-faded. No scene-change detection: a shot has no cuts, and the detector took
fast motion in small frames, and a take's first frames, for one and cross-faded them instead."""


@functools.cache
def has_minterpolate() -> bool:
    """Whether the bundled ffmpeg has the minterpolate filter (imageio-ffmpeg's builds do)."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-filters"], stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    return proc.returncode == 0 and " minterpolate " in proc.stdout


def _minterpolate(frames: np.ndarray, src_fps: int, dst_fps: int) -> np.ndarray:
    """ffmpeg's motion interpolation of `frames` from src_fps to dst_fps; output frame i is at
    time i/dst_fps. Single-threaded with bit-exact scaling, so the same frames give the same
    bytes on any machine."""
    n, h, w = frames.shape[:3]
    ph, pw = max(0, MIN_INTERPOLATE_SIDE - h), max(0, MIN_INTERPOLATE_SIDE - w)
    # two copies of the last frame: minterpolate stops two source frames short of the end
    padded = np.pad(frames, ((0, 2), (0, ph), (0, pw), (0, 0)), mode="edge")
    height, width = padded.shape[1:3]
    cmd = [
        ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-filter_threads", "1",
        "-sws_flags", "accurate_rnd+full_chroma_int+bitexact",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-framerate", str(src_fps),
        "-i", "pipe:0",
        "-vf", f"format=yuv444p,{MINTERPOLATE.format(fps=dst_fps)},format=rgb24",
        "-fps_mode", "passthrough", "-threads", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
    ]  # fmt: skip
    proc = subprocess.run(cmd, input=np.ascontiguousarray(padded).tobytes(), capture_output=True)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.decode("utf-8", "replace").strip().splitlines()[-12:])
        raise RenderFailure(f"ffmpeg failed to interpolate {n} frames to {dst_fps} fps:\n{tail}")
    size = width * height * 3
    count = len(proc.stdout) // size
    out = np.frombuffer(proc.stdout[: count * size], dtype=np.uint8).reshape(count, height, width, 3)
    return out[:, :h, :w]


def blend(frames: np.ndarray, t: Fraction) -> np.ndarray:
    """The frame at fractional time `t` (in source frames) as a linear mix of its neighbours:
    the fallback where ffmpeg has no minterpolate (ghosts a little, never judders)."""
    a = min(len(frames) - 1, math.floor(t))
    b = min(len(frames) - 1, a + 1)
    w = float(t - a)
    mixed = frames[a].astype(np.float32) * (1.0 - w) + frames[b].astype(np.float32) * w
    return (mixed + 0.5).astype(np.uint8)


def interpolate(frames: np.ndarray, src_fps: int, dst_fps: int, count: int) -> np.ndarray:
    """Exactly `count` frames at dst_fps from frames at a lower src_fps: a source frame where
    the times meet (bit for bit), a motion-interpolated one in between, the last frame past
    the end."""
    times = [Fraction(i * src_fps, dst_fps) for i in range(count)]
    used = frames[: min(len(frames), math.floor(times[-1]) + 3)]  # one frame of context past the last shown
    last = len(used) - 1
    between = any(t.denominator != 1 and t < last for t in times)
    moved = _minterpolate(used, src_fps, dst_fps) if between and has_minterpolate() else used[:0]
    out: list[np.ndarray] = []
    for i, t in enumerate(times):
        if t >= last:
            out.append(used[last])
        elif t.denominator == 1:
            out.append(used[int(t)])
        else:
            out.append(moved[i] if i < len(moved) else blend(used, t))
    return np.stack(out)


def conform(frames: np.ndarray, model_fps: int, spec: RenderSpec) -> np.ndarray:
    """Exactly spec.frames frames at spec.fps, each cropped to fill the spec size. A model
    slower than the spec (Wan's 16 fps for 24) is interpolated up: repeating every other frame
    judders. An equal or faster one is resampled nearest-in-time (no blending ghosts)."""
    n = len(frames)
    if n > 1 and model_fps < spec.fps:
        timed = interpolate(frames, model_fps, spec.fps, spec.frames)
    else:
        timed = frames[[min(n - 1, round(i * model_fps / spec.fps)) for i in range(spec.frames)]]
    return np.stack([fit(frame, spec.width, spec.height) for frame in timed])


def verified(ref: MediaRef, field: str) -> Path:
    """The file behind a MediaRef, refusing one whose bytes are not the ones the spec hashed."""
    path = Path(ref.path)
    if not path.is_file():
        raise BadInput(field, ref.path, "conditioning file does not exist")
    digest = file_sha256(path)
    if digest != ref.sha256:
        raise BadInput(field, ref.path, f"sha256 is {digest[:12]}…, the spec says {ref.sha256[:12]}…")
    return path


def load_image(ref: MediaRef, field: str, size: tuple[int, int]) -> Image.Image:
    """A conditioning image as RGB at the generation size, cropped to fill like the take."""
    with Image.open(verified(ref, field)) as img:
        arr = np.asarray(img.convert("RGB"))
    return Image.fromarray(fit(arr, *size))


def load_video(
    ref: MediaRef, field: str, size: tuple[int, int], frames: int, src_fps: int, model_fps: int
) -> list[Image.Image]:
    """A control video (e.g. the previz depth pass, at the spec's fps) resampled to the model's
    fps and frame count, cropped to fill the generation size like every other frame."""
    video = read_frames(verified(ref, field))
    if len(video) == 0:
        raise BadInput(field, ref.path, "control video has no frames")
    idx = [min(len(video) - 1, round(i * src_fps / model_fps)) for i in range(frames)]
    return [Image.fromarray(fit(video[i], *size)) for i in idx]

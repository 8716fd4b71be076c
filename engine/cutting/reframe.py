"""Reframing a take to another aspect: a crop window that follows the characters.

Where the previz wrote per-frame character boxes (Take.extras['boxes'], JSON:
{"fps","width","height","frames":[{"frame":i,"boxes":{"id":[x0,y0,x1,y1]},"props":{…},"set":{…}}]};
engine/previz/renderer.py documents it) the window is centred on the people in shot ("boxes"),
not on their props or set pieces, smoothed forwards and backwards so it glides instead of
jittering; without boxes it stays centre-weighted. The crop is the largest window of the target
aspect inside the source, so reframing never upscales more than the delivery size asks for.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from engine.cutting.cut import FrameStream
from engine.marking import Marker
from engine.media import FrameWriter, probe
from film import BadInput
from film.disclosure import DEFAULT_BUG, BugCorner

SMOOTHING = 0.12
"""Weight of each new frame in the exponential smoothing of the window's centre."""


def crop_size(src_w: int, src_h: int, width: int, height: int) -> tuple[int, int]:
    """Largest (w, h) with the target's aspect that fits inside the source."""
    if src_w * height >= width * src_h:  # source is wider: full height
        return min(src_w, round(src_h * width / height)), src_h
    return src_w, min(src_h, round(src_w * height / width))


def subject_centres(boxes_file: Path | None, frames: int, src_w: int, src_h: int) -> np.ndarray:
    """(frames, 2) centre of the characters per frame, in source pixels; NaN where nobody is."""
    centres = np.full((frames, 2), np.nan)
    if boxes_file is None or not Path(boxes_file).is_file():
        return centres
    data = json.loads(Path(boxes_file).read_text(encoding="utf-8"))
    sx, sy = src_w / float(data.get("width", src_w)), src_h / float(data.get("height", src_h))
    for entry in data.get("frames", []):
        i = int(entry["frame"])
        boxes = list(entry.get("boxes", {}).values())
        if 0 <= i < frames and boxes:
            arr = np.asarray(boxes, dtype=np.float64)
            area = np.maximum(1.0, (arr[:, 2] - arr[:, 0]) * (arr[:, 3] - arr[:, 1]))
            cx = ((arr[:, 0] + arr[:, 2]) / 2 * area).sum() / area.sum()
            cy = ((arr[:, 1] + arr[:, 3]) / 2 * area).sum() / area.sum()
            centres[i] = (cx * sx, cy * sy)
    return centres


def crop_track(centres: np.ndarray, src_w: int, src_h: int, crop_w: int, crop_h: int) -> np.ndarray:
    """(frames, 2) top-left corners of a smoothed crop window following `centres`."""
    target = centres.copy()
    target[np.isnan(target[:, 0])] = (src_w / 2, src_h / 2)  # nobody in shot: centre-weighted
    smooth = target.copy()
    for i in range(1, len(smooth)):  # forwards, then backwards: zero lag overall
        smooth[i] = smooth[i - 1] + SMOOTHING * (target[i] - smooth[i - 1])
    for i in range(len(smooth) - 2, -1, -1):
        smooth[i] = smooth[i + 1] + SMOOTHING * (smooth[i] - smooth[i + 1])
    x0 = np.clip(np.round(smooth[:, 0] - crop_w / 2), 0, src_w - crop_w)
    y0 = np.clip(np.round(smooth[:, 1] - crop_h / 2), 0, src_h - crop_h)
    return np.stack([x0, y0], axis=1).astype(int)


def reframe_take(
    take: Path,
    dest: Path,
    width: int,
    height: int,
    fps: int,
    boxes_file: Path | None = None,
    *,
    bug: BugCorner = DEFAULT_BUG,
) -> Path:
    """`take` re-cut to width×height following its character boxes; written atomically. The
    crop may cut the take's own bug off and scales its watermark, so both go on afresh."""
    if width < 16 or height < 16:
        raise BadInput("size", f"{width}x{height}", "must be at least 16x16")
    info = probe(Path(take))
    n, src_h, src_w = info.frames, info.height, info.width
    crop_w, crop_h = crop_size(src_w, src_h, width, height)
    corners = crop_track(subject_centres(boxes_file, n, src_w, src_h), src_w, src_h, crop_w, crop_h)
    stream = FrameStream(Path(take), 0, n, src_w, src_h, None)  # a frame at a time: flat memory
    try:
        with FrameWriter(dest, width, height, fps, mark=Marker(width, height, bug=bug)) as writer:
            for x0, y0 in corners:
                window = stream.read()[y0 : y0 + crop_h, x0 : x0 + crop_w]
                img = Image.fromarray(np.ascontiguousarray(window)).resize(
                    (width, height), Image.Resampling.LANCZOS
                )
                writer.write(np.asarray(img))
    finally:
        stream.close()
    return dest

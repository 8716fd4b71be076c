"""Framing one picture inside another: the crop window of a target aspect that follows the
characters, smoothed so it glides, and the re-cut frame at the delivery size.

Where the previz wrote per-frame character boxes (Take.extras['boxes'], JSON:
{"fps","width","height","frames":[{"frame":i,"boxes":{"id":[x0,y0,x1,y1]},"props":{…},"set":{…}}]};
engine/previz/renderer.py documents it) the window is centred on the people in shot ("boxes"),
not on their props or set pieces, smoothed forwards and backwards; without boxes it stays
centre-weighted. The crop is the largest window of the target aspect inside the source, so a
re-cut never upscales more than the delivery size asks for, and a crop already at the delivery
size is used as it is. Both `reframe_take` and the cutter (an ad's platforms cut straight from
the master take) frame with this.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

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


class Framing:
    """One take's frames re-cut to width x height: the smoothed track, computed once."""

    def __init__(
        self, boxes_file: Path | None, frames: int, src: tuple[int, int], size: tuple[int, int]
    ) -> None:
        self.size = size
        self.crop = crop_size(*src, *size)
        self.corners = crop_track(subject_centres(boxes_file, frames, *src), *src, *self.crop)

    def __call__(self, frame: np.ndarray, index: int) -> np.ndarray:
        """Take frame `index` (the source picture) as the delivery picture."""
        x0, y0 = self.corners[min(max(index, 0), len(self.corners) - 1)]
        cw, ch = self.crop
        window = np.ascontiguousarray(frame[y0 : y0 + ch, x0 : x0 + cw])
        if self.crop == self.size:
            return window
        # cv2's bicubic up (area down) is ~30x PIL's Lanczos here, and a re-cut runs per frame
        shrink = self.size[0] < cw
        return cv2.resize(window, self.size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)

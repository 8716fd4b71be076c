"""The marks every frame storyreel paints carries before it is encoded: a small "AI-generated" bug
in a corner, where a viewer sees it even in a clip cut out of the film, and the invisible watermark
(engine.watermark) over the whole picture, which survives re-encoding and `storyreel verify` reads.

Marks go on in the take's own encode, not in the cut: the film joins takes by stream copy, so the
pixels it shows are the takes' pixels. The bug's corner is in the RenderSpec (and so in its hash):
a take is cached with its marks, and moving the bug re-renders rather than reusing a stale take.
The bug is drawn with Pillow's built-in face, so it looks the same whatever fonts a machine has.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from engine.watermark import Watermark
from film import RenderSpec
from film.disclosure import BUG_TEXT, DEFAULT_BUG, BugCorner

_WATERMARK = Watermark()

MARKS = "bug-1/watermark-1"
"""Version of the marks' look, in the cache keys of cards the cut keeps: bump it on a change."""


@lru_cache(maxsize=16)
def bug_patch(width: int, height: int, corner: str) -> tuple[int, int, np.ndarray, np.ndarray]:
    """(y, x, colour, alpha) of the bug for this frame size: a dark plate with light lettering,
    a little inside the corner, its size following the frame's height."""
    size = max(9, round(min(height, width * 9 / 16) * 0.026))
    face = ImageFont.load_default(size=size)
    left, top, right, bottom = face.getbbox(BUG_TEXT)
    pad = max(2, size // 3)
    w, h = int(right - left) + 2 * pad, int(bottom - top) + 2 * pad
    plate = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(plate)
    draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=pad, fill=(12, 12, 16, 120))
    draw.text((pad - left, pad - top), BUG_TEXT, font=face, fill=(240, 240, 236, 220))
    rgba = np.asarray(plate, dtype=np.float32) / 255.0
    margin = max(2, round(min(width, height) * 0.03))
    y = margin if corner.startswith("top") else max(0, height - h - margin)
    x = margin if corner.endswith("left") else max(0, width - w - margin)
    rgba = rgba[: height - y, : width - x]  # a frame smaller than the plate shows what fits
    return y, x, rgba[..., :3] * 255.0, rgba[..., 3:]


class Marker:
    """Marks one take's frames (all of one size): the bug, then the watermark over everything."""

    def __init__(
        self, width: int, height: int, *, bug: BugCorner = DEFAULT_BUG, watermark: bool = True
    ) -> None:
        self.patch = None if bug == "off" else bug_patch(width, height, bug)
        self.watermark = _WATERMARK if watermark else None

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        if self.patch is not None:
            y, x, colour, alpha = self.patch
            frame = frame.copy()
            region = frame[y : y + alpha.shape[0], x : x + alpha.shape[1]]
            region[:] = np.rint(region * (1.0 - alpha) + colour * alpha).astype(np.uint8)
        return self.watermark.embed(frame) if self.watermark is not None else frame


def marker_for(spec: RenderSpec) -> Marker:
    """The marks a take of `spec` carries (its bug corner is part of the spec's hash)."""
    return Marker(spec.width, spec.height, bug=spec.bug)

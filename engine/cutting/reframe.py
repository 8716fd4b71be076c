"""Reframing a take to another aspect: a crop window that follows the characters (see
engine.cutting.framing), written as a take of its own with its marks put on afresh.
"""

from __future__ import annotations

from pathlib import Path

from engine.cutting.cut import FrameStream
from engine.cutting.framing import Framing, crop_size, crop_track, subject_centres
from engine.marking import Marker
from engine.media import FrameWriter, probe
from film import BadInput
from film.disclosure import DEFAULT_BUG, BugCorner

__all__ = ["crop_size", "crop_track", "reframe_take", "subject_centres"]


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
    framing = Framing(boxes_file, n, (src_w, src_h), (width, height))
    stream = FrameStream(Path(take), 0, n, src_w, src_h, None)  # a frame at a time: flat memory
    try:
        with FrameWriter(dest, width, height, fps, mark=Marker(width, height, bug=bug)) as writer:
            for i in range(n):
                writer.write(framing(stream.read(), i))
    finally:
        stream.close()
    return dest

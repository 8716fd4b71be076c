"""PrevizRenderer: draws a RenderSpec as a 2.5-D animatic on the CPU and encodes it as a take.

Per shot the set is painted once onto a canvas covering every camera window; per frame we only
crop (or resample, for zooms) that canvas, draw the figures, props, weather and overlays, and
pipe the pixels to ffmpeg (see shot.py). That keeps a minute of previz well under a minute.

With the control pass on (the default) every take also gets, next to `dest`, a depth video
(`.depth.mp4`, near = bright, same frames as the picture) and the screen boxes per frame
(`.boxes.json`): what a diffusion engine needs to follow the previz's blocking, camera, physics
and set dressing. The boxes file is

    {"fps": 24, "width": 854, "height": 480, "frames": [
        {"frame": 0,
         "boxes": {"mara": [x0, y0, x1, y1], ...},     # characters, by Character.id
         "props": {"lantern": [x0, y0, x1, y1], ...},  # the shot's props and lights, by Prop.id
         "set": {"lighthouse": [x0, y0, x1, y1], ...}}, # the scene's set pieces, by Prop.id
        ...]}

in whole pixels of the frame, clipped to it (0 <= x0 < x1 <= width, 0 <= y0 < y1 <= height);
a thing wholly out of frame is left out of that frame. A prop is boxed where it is drawn: its
silhouette, a small square around its host's lamp for a light mounted on a set piece (the
lighthouse's lamp), and the whole visible wedge for a lit `beam`. Readers that know only
"boxes" (cutting/reframe.py follows the characters) keep working.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from engine.media import FrameWriter
from engine.previz.feed import FrameFeed
from engine.previz.shot import ShotPainter
from film import BadInput, ProgressFn, RenderSpec, Take
from film.files import write_atomic

PROGRESS_EVERY = 12
"""Frames between progress reports: often enough for a progress bar, rare enough to be free."""


def check_inputs(spec: RenderSpec) -> None:
    """Refuse specs that previz would render wrongly, naming the bad value."""
    if spec.engine != PrevizRenderer.engine:
        raise BadInput("spec.engine", spec.engine, "this spec was recaptioned for another engine, not previz")


def depth_path(dest: Path) -> Path:
    """Where the depth pass of the take at `dest` goes."""
    return Path(dest).with_suffix(".depth.mp4")


def boxes_path(dest: Path) -> Path:
    """Where the per-frame character boxes of the take at `dest` go."""
    return Path(dest).with_suffix(".boxes.json")


class PrevizRenderer:
    """The default engine: a readable animatic, no GPU and no weights needed."""

    engine = "previz"

    def __init__(self, control_pass: bool = True) -> None:
        self.control_pass = control_pass

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        """The previz draws from the shot alone: nothing to resolve."""
        return spec

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        check_inputs(spec)
        started = time.perf_counter()
        dest = Path(dest)
        w, h, total = spec.width, spec.height, spec.frames
        painter = ShotPainter(spec, control=self.control_pass)
        frames_boxes: list[dict[str, object]] = []
        try:
            with contextlib.ExitStack() as stack:
                writer = stack.enter_context(FrameWriter(dest, w, h, spec.fps))
                picture = stack.enter_context(FrameFeed(writer))
                depth = None
                if self.control_pass:
                    depth_writer = stack.enter_context(FrameWriter(depth_path(dest), w, h, spec.fps))
                    depth = stack.enter_context(FrameFeed(depth_writer))
                for i in range(total):
                    drawn = painter.frame(i)
                    picture.put(drawn.rgb)
                    if depth is not None and drawn.depth_rgb is not None:
                        depth.put(drawn.depth_rgb)
                        frames_boxes.append(
                            {"frame": i, "boxes": drawn.boxes, "props": drawn.props, "set": drawn.set_pieces}
                        )
                    if progress is not None and ((i + 1) % PROGRESS_EVERY == 0 or i + 1 == total):
                        progress(i + 1, total)
            if self.control_pass:
                boxes = {"fps": spec.fps, "width": w, "height": h, "frames": frames_boxes}
                write_atomic(boxes_path(dest), json.dumps(boxes, separators=(",", ":")))
        except BaseException:
            if self.control_pass:  # the picture failed after its sidecars: no orphans either way
                depth_path(dest).unlink(missing_ok=True)
                boxes_path(dest).unlink(missing_ok=True)
            raise
        return Take(
            shot_id=spec.shot.id,
            spec_hash=spec.spec_hash(),
            engine=self.engine,
            path=str(dest),
            frames=total,
            fps=spec.fps,
            width=writer.out_width,
            height=writer.out_height,
            render_s=time.perf_counter() - started,
            extras={"depth": str(depth_path(dest)), "boxes": str(boxes_path(dest))}
            if self.control_pass
            else {},
        )

"""PrevizRenderer: draws a RenderSpec as a 2.5-D animatic on the CPU and encodes it as a take.

Per shot the set is painted once onto a canvas covering every camera window; per frame we only
crop (or resample, for zooms) that canvas, draw the figures, props, weather and overlays, and
pipe the pixels to ffmpeg (see shot.py). That keeps a minute of previz well under a minute.

With the control pass on (the default) every take also gets, next to `dest`, the screen boxes
per frame (`.boxes.json`, which the aspect re-cut follows) and a still of its middle frame
(`.still.png`, frame `frames // 2`, which the contact sheet shows instead of decoding the take).
Only a renderer made with `depth=True` (the control renderer that drives diffusion or ComfyUI
shots) also draws the depth video (`.depth.mp4`, near = bright, a gray single-plane encode with
the same frames as the picture): it is a second drawing of the stage and a second encode, so it
is done only where an engine reads it. The boxes file is

    {"fps": 24, "width": 854, "height": 480, "frames": [
        {"frame": 0,
         "boxes": {"mara": [x0, y0, x1, y1], ...},     # characters, by Character.id
         "props": {"lantern": [x0, y0, x1, y1], ...},  # the shot's props and lights, by Prop.id
         "set": {"lighthouse": [x0, y0, x1, y1], ...}}, # the scene's set pieces, by Prop.id
        ...],
     "foley": [{"kind": "impact", "t_s": 0.6375, "body": "cup", "other": "ground",
                "material": "glass", "speed_ms": 6.25, "impulse": 6.3, "pace": null},
               {"kind": "footstep", "t_s": 0.25, "body": "mara", "pace": "walk", ...},
               ...]}

in whole pixels of the frame, clipped to it (0 <= x0 < x1 <= width, 0 <= y0 < y1 <= height);
a thing wholly out of frame is left out of that frame. A prop is boxed where it is drawn: its
silhouette, a small square around its host's lamp for a light mounted on a set piece (the
lighthouse's lamp), and the whole visible wedge for a lit `beam`. Readers that know only
"boxes" (cutting/reframe.py follows the characters) keep working.

"foley" lists what the picture makes heard (film.FoleyCue, by `t_s` seconds into the shot): every
impact the painter's own simulation heard (time, relative normal speed, impulse, the two bodies,
the material) and every footfall of a walking or running figure, equal to
`foley_cues(spec.shot, spec.seed, spec.fps, spec.frames)`; `foley_cues.read_foley` reads it back
(None for a take made before takes carried their foley).
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import numpy as np
from PIL import Image

from engine.feed import FrameFeed
from engine.marking import marker_for
from engine.media import FrameWriter
from engine.previz.foley_cues import ImpactLog, foley_cues
from engine.previz.shot import ShotPainter
from film import BadInput, ProgressFn, RenderSpec, Take
from film.files import atomic_path, write_atomic

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


def still_path(dest: Path) -> Path:
    """Where the middle-frame still of the take at `dest` goes."""
    return Path(dest).with_suffix(".still.png")


DEPTH_OPTION = "depth"
"""The spec option a depth-drawing renderer adds, so its takes (which carry a depth video) and
plain previz takes of the same shot are cached apart."""


class PrevizRenderer:
    """The default engine: a readable animatic, no GPU and no weights needed."""

    engine = "previz"

    def __init__(self, control_pass: bool = True, depth: bool = False) -> None:
        self.control_pass = control_pass or depth
        self.depth = depth

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        """The previz draws from the shot alone; a depth pass is part of what the take holds."""
        if not self.depth or spec.options.get(DEPTH_OPTION) is True:
            return spec
        return spec.model_copy(update={"options": {**spec.options, DEPTH_OPTION: True}})

    def sidecars(self, dest: Path) -> dict[str, Path]:
        """The side files a take at `dest` gets from this renderer, by kind."""
        found = {"boxes": boxes_path(dest), "still": still_path(dest)} if self.control_pass else {}
        return {**found, "depth": depth_path(dest)} if self.depth else found

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        check_inputs(spec)
        started = time.perf_counter()
        dest = Path(dest)
        w, h, total = spec.width, spec.height, spec.frames
        painter = ShotPainter(spec, control=self.control_pass, depth=self.depth)
        heard = ImpactLog(painter.sim) if self.control_pass else None  # before its first step
        frames_boxes: list[dict[str, object]] = []
        sidecars = self.sidecars(dest)
        middle: np.ndarray | None = None
        try:
            with contextlib.ExitStack() as stack:
                writer = stack.enter_context(FrameWriter(dest, w, h, spec.fps, mark=marker_for(spec)))
                picture = stack.enter_context(FrameFeed(writer))
                depth = None
                if self.depth:
                    depth_writer = stack.enter_context(
                        FrameWriter(sidecars["depth"], w, h, spec.fps, gray=True)
                    )
                    depth = stack.enter_context(FrameFeed(depth_writer))
                for i in range(total):
                    drawn = painter.frame(i)
                    picture.put(drawn.rgb)
                    if depth is not None and drawn.depth is not None:
                        depth.put(drawn.depth)
                    if self.control_pass:
                        frames_boxes.append(
                            {"frame": i, "boxes": drawn.boxes, "props": drawn.props, "set": drawn.set_pieces}
                        )
                        middle = drawn.rgb if i == total // 2 else middle
                    if progress is not None and ((i + 1) % PROGRESS_EVERY == 0 or i + 1 == total):
                        progress(i + 1, total)
            if self.control_pass:
                assert heard is not None
                own = heard.cues if heard.sim is painter.sim else None  # else it replayed: run anew
                foley = foley_cues(spec.shot, spec.seed, spec.fps, total, heard=own)
                boxes = {
                    "fps": spec.fps,
                    "width": w,
                    "height": h,
                    "frames": frames_boxes,
                    "foley": [cue.model_dump(mode="json") for cue in foley],
                }
                write_atomic(sidecars["boxes"], json.dumps(boxes, separators=(",", ":")))
                assert middle is not None
                with atomic_path(sidecars["still"]) as tmp:
                    Image.fromarray(middle).save(tmp, format="PNG", compress_level=1)
        except BaseException:
            for side in sidecars.values():  # the picture failed after its sidecars: no orphans either way
                side.unlink(missing_ok=True)
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
            extras={kind: str(path) for kind, path in sidecars.items()},
        )

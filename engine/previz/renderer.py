"""PrevizRenderer: draws a RenderSpec as a 2.5-D animatic on the CPU and encodes it as a take.

Per shot the set is painted once onto a canvas covering every camera window; per frame we only
crop (or resample, for zooms) that canvas, draw the figures, weather and overlays, and pipe
the pixels to ffmpeg. That keeps a minute of previz well under a minute of wall time.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
from PIL import Image

from engine.media import FrameWriter
from engine.previz.camera import HORIZON, CameraMove, LayerView, set_bounds
from engine.previz.card import ShotCard
from engine.previz.figures import Cast, Point
from engine.previz.scenery import Canvas, SetPainter
from engine.previz.weather import WeatherLayer
from film import BadInput, ProgressFn, RenderSpec, ShotSize, Take

Label = tuple[Image.Image, Point]
"""A prerendered name tag and the screen point it hangs above."""

PROGRESS_EVERY = 12
"""Frames between progress reports: often enough for a progress bar, rare enough to be free."""

BACKGROUND_BLUR: dict[ShotSize, float] = {
    ShotSize.medium: 0.8,
    ShotSize.medium_close: 1.5,
    ShotSize.close_up: 2.5,
    ShotSize.extreme_close_up: 3.5,
}
"""Gaussian blur (px at 480 lines) of the set: the shallow focus that sells a close shot."""


def check_inputs(spec: RenderSpec) -> None:
    """Refuse specs that previz would render wrongly, naming the bad value."""
    if spec.engine != PrevizRenderer.engine:
        raise BadInput("spec.engine", spec.engine, "this spec was recaptioned for another engine, not previz")


def crop_set(canvas: Canvas, pixels: np.ndarray, view: LayerView) -> Image.Image:
    """The set as this frame's camera sees it: a plain slice unless the view magnifies."""
    w, h = canvas.width, canvas.height
    left, top, right, bottom = view.window(w, h)
    left, right = left - canvas.left, right - canvas.left
    top, bottom = top - canvas.top, bottom - canvas.top
    if abs(view.zoom - 1.0) < 1e-9:
        x, y = round(left), round(top)
        return Image.fromarray(pixels[y : y + h, x : x + w])
    return canvas.image.resize((w, h), Image.Resampling.BILINEAR, box=(left, top, right, bottom))


def roll(frame: Image.Image, labels: list[Label], deg: float) -> tuple[Image.Image, list[Label]]:
    """Rotate the picture by `deg` about its centre, magnified just enough to hide the corners."""
    w, h = frame.size
    a = math.radians(deg)
    s = math.cos(abs(a)) + max(w, h) / min(w, h) * math.sin(abs(a))
    cos, sin, cx, cy = math.cos(a) / s, math.sin(a) / s, w / 2, h / 2
    data = (cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy)
    out = frame.transform((w, h), Image.Transform.AFFINE, data, resample=Image.Resampling.BILINEAR)
    moved: list[Label] = []
    for img, (x, y) in labels:  # forward map: output = C + s·R(-a)·(input - C)
        dx, dy = x - cx, y - cy
        moved.append(
            (
                img,
                (
                    cx + s * (math.cos(a) * dx + math.sin(a) * dy),
                    cy + s * (-math.sin(a) * dx + math.cos(a) * dy),
                ),
            )
        )
    return out, moved


def paste_tags(frame: Image.Image, labels: list[Label], bottom: int) -> None:
    """Name tags above heads, kept inside the picture and above the shot card."""
    w = frame.size[0]
    for img, (x, y) in labels:
        tw, th = img.size
        px = int(min(max(2, x - tw / 2), w - tw - 2))
        py = int(min(max(2, y - th), bottom - th - 2))
        frame.paste(img, (px, py), img)


class PrevizRenderer:
    """The default engine: a readable animatic, no GPU and no weights needed."""

    engine = "previz"

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        check_inputs(spec)
        started = time.perf_counter()
        w, h, total = spec.width, spec.height, spec.frames
        cam = spec.shot.camera
        move = CameraMove(cam, total, w, h, spec.fps, spec.seed)
        views = move.views()
        horizon = HORIZON[cam.angle] * h
        canvas = SetPainter(spec.scene, w, h, horizon).paint(
            set_bounds(views, w, h), BACKGROUND_BLUR.get(cam.size, 0.0) * h / 480
        )
        pixels = np.asarray(canvas.image)
        cast = Cast(spec.characters, spec.shot.performances, cam.size, w, h, horizon)
        card = ShotCard(spec, w, h)
        weather = WeatherLayer(spec.shot.physics, w, h, spec.fps, spec.seed)
        with FrameWriter(Path(dest), w, h, spec.fps) as writer:
            for i, view in enumerate(views):
                frame = crop_set(canvas, pixels, view.set)
                labels = cast.draw(frame, view.cast, i / spec.fps, move.progress(i))
                if view.roll_deg:
                    frame, labels = roll(frame, labels, view.roll_deg)
                frame = weather.apply(frame, i)
                paste_tags(frame, labels, card.top)
                card.apply(frame)
                writer.write(np.asarray(frame))
                if progress is not None and ((i + 1) % PROGRESS_EVERY == 0 or i + 1 == total):
                    progress(i + 1, total)
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
        )

"""The previz camera: per-frame views of the two layers (set and cast) for one shot.

Positions live in "base" pixels: the frame as an unmoved camera would see it. A `LayerView`
says how far the camera has travelled over a layer and how much it has magnified it; giving
the set and the cast different views is what makes parallax (dolly, truck, crane, orbit),
giving them the same view is a pure optical move (pan, tilt, zoom).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from film import Angle, Camera, Direction, Easing, Movement, ShotSize

FIGURE_HEIGHT: dict[ShotSize, float] = {
    ShotSize.extreme_wide: 0.12,
    ShotSize.wide: 0.28,
    ShotSize.full: 0.72,
    ShotSize.medium_wide: 1.05,
    ShotSize.medium: 1.5,
    ShotSize.medium_close: 2.1,
    ShotSize.close_up: 3.4,
    ShotSize.extreme_close_up: 7.0,
}
"""Figure height as a multiple of frame height: how a shot size reads in the animatic."""

HORIZON: dict[Angle, float] = {
    Angle.eye: 0.55,
    Angle.low: 0.74,
    Angle.high: 0.34,
    Angle.overhead: 0.08,
    Angle.dutch: 0.55,
}
"""Horizon height as a fraction of the frame: looking up shows sky, looking down shows ground."""

DUTCH_ROLL_DEG = 8.0


@dataclass(frozen=True)
class LayerView:
    """Camera travel over one layer, in base pixels (`dx` right, `dy` down), and magnification."""

    dx: float = 0.0
    dy: float = 0.0
    zoom: float = 1.0

    def to_screen(self, x: float, y: float, width: int, height: int) -> tuple[float, float]:
        """Where base point (x, y) of this layer lands in the frame (zoom about the centre)."""
        return (
            (x - width / 2 - self.dx) * self.zoom + width / 2,
            (y - height / 2 - self.dy) * self.zoom + height / 2,
        )

    def window(self, width: int, height: int) -> tuple[float, float, float, float]:
        """The base-pixel rectangle (left, top, right, bottom) this view shows."""
        half_w, half_h = width / (2 * self.zoom), height / (2 * self.zoom)
        cx, cy = width / 2 + self.dx, height / 2 + self.dy
        return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)


@dataclass(frozen=True)
class View:
    """Everything the camera decides for one frame."""

    set: LayerView
    cast: LayerView
    roll_deg: float = 0.0


def ease(t: float, easing: Easing) -> float:
    """Map linear progress t∈[0,1] through the shot's easing curve."""
    t = min(1.0, max(0.0, t))
    if easing is Easing.ease_in:
        return t * t
    if easing is Easing.ease_out:
        return 1.0 - (1.0 - t) * (1.0 - t)
    if easing is Easing.ease_in_out:
        return t * t * (3.0 - 2.0 * t)
    return t


def _sign(direction: Direction, positive: Direction, default: float = 1.0) -> float:
    """+1 for the move's natural direction, -1 for its opposite, `default` when none was given."""
    if direction is Direction.none:
        return default
    if direction is positive:
        return 1.0
    return -1.0


class CameraMove:
    """Turns one `Camera` into a `View` per frame; `views()` is cheap and deterministic."""

    def __init__(
        self, camera: Camera, frames: int, width: int, height: int, fps: int = 24, seed: int = 0
    ) -> None:
        self.camera = camera
        self.frames = frames
        self.fps = fps
        self.width = width
        self.height = height
        self._shake = np.random.default_rng([seed, 7]).uniform(0.0, 2 * math.pi, size=6)

    def progress(self, i: int) -> float:
        """Eased progress of the move at frame i (0 at the first frame, 1 at the last)."""
        t = i / (self.frames - 1) if self.frames > 1 else 0.0
        return ease(t, self.camera.easing)

    def view(self, i: int) -> View:
        cam, w, h = self.camera, self.width, self.height
        p, s = self.progress(i), cam.speed
        roll = DUTCH_ROLL_DEG if cam.angle is Angle.dutch else 0.0
        d = cam.direction
        move = cam.movement
        if move is Movement.pan:
            dx = _sign(d, Direction.right) * 0.35 * w * s * p
            return View(LayerView(dx=dx), LayerView(dx=dx), roll)
        if move is Movement.tilt:
            dy = -_sign(d, Direction.up) * 0.25 * h * s * p
            return View(LayerView(dy=dy), LayerView(dy=dy), roll)
        if move in (Movement.dolly, Movement.zoom):
            amount = p if _sign(d, Direction.in_) > 0 else 1.0 - p
            if move is Movement.zoom:
                z = 1.0 + 0.6 * s * amount
                return View(LayerView(zoom=z), LayerView(zoom=z), roll)
            return View(LayerView(zoom=1.0 + 0.15 * s * amount), LayerView(zoom=1.0 + 0.5 * s * amount), roll)
        if move is Movement.truck:
            k = _sign(d, Direction.right) * w * s * p
            return View(LayerView(dx=0.12 * k), LayerView(dx=0.4 * k), roll)
        if move is Movement.crane:
            k = -_sign(d, Direction.up) * h * s * p
            return View(LayerView(dy=0.1 * k), LayerView(dy=0.3 * k), roll)
        if move is Movement.orbit:
            k = _sign(d, Direction.right) * w * s * p
            return View(LayerView(dx=0.35 * k), LayerView(dx=-0.08 * k), roll)
        if move is Movement.handheld:
            t = i / self.fps
            ph = self._shake
            amp = 0.008 * min(w, h) * max(s, 0.2)
            dx = amp * (math.sin(1.3 * t + ph[0]) + 0.5 * math.sin(3.1 * t + ph[1]))
            dy = amp * (math.sin(1.7 * t + ph[2]) + 0.5 * math.sin(2.9 * t + ph[3]))
            shake = LayerView(dx=dx, dy=dy, zoom=1.03)
            return View(shake, shake, roll + 0.4 * math.sin(0.9 * t + ph[4]))
        return View(LayerView(), LayerView(), roll)

    def views(self) -> list[View]:
        return [self.view(i) for i in range(self.frames)]


def set_bounds(views: list[View], width: int, height: int) -> tuple[int, int, int, int]:
    """Smallest integer base rectangle (left, top, right, bottom) that every frame's set view
    shows, so the set can be painted once per shot and only cropped per frame."""
    lefts, tops, rights, bottoms = zip(*(v.set.window(width, height) for v in views), strict=True)
    return (
        math.floor(min(lefts)) - 2,
        math.floor(min(tops)) - 2,
        math.ceil(max(rights)) + 2,
        math.ceil(max(bottoms)) + 2,
    )

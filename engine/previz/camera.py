"""The previz camera: per-frame views of the two layers (set and cast) for one shot.

Positions live in "base" pixels: the frame as an unmoved camera would see it. A `LayerView`
says how far the camera has travelled over a layer and how much it has magnified it; giving
the set and the cast different views is what makes parallax (dolly, truck, crane, orbit),
giving them the same view is a pure optical move (pan, tilt, zoom).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from film import Angle, Camera, Easing, ShotSize

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
    far: LayerView | None = None  # the distant set (sky, mountains); None: travels with `set`


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


SET_DEPTH = 2.5
"""The painted set stands this many subject distances behind the subject: it sets the parallax."""

FAR_DEPTH = 12.0
"""The far layer (sky, mountains) stands this many subject distances behind the subject."""


class CameraMove:
    """Turns one `Camera` into a `View` per frame; `views()` is cheap and deterministic.

    Each layer's view is fitted from the pinhole rig (rig.py): an anchor point on the layer is
    projected through the unmoved and the moved camera; its screen travel gives the layer's
    shift and the change of its depth the layer's magnification. Depth differences between the
    layers therefore make parallax for moves that translate the camera, and none for pure
    rotations or zooms.
    """

    def __init__(
        self, camera: Camera, frames: int, width: int, height: int, fps: int = 24, seed: int = 0
    ) -> None:
        from engine.previz.rig import Rig  # the rig builds on this module's tables; import late

        self.camera = camera
        self.frames = frames
        self.fps = fps
        self.width = width
        self.height = height
        self.rig = Rig(camera, max(frames - 1, 1) / fps, width, height, seed)

    def progress(self, i: int) -> float:
        """Eased progress of the move at frame i (0 at the first frame, 1 at the last)."""
        t = i / (self.frames - 1) if self.frames > 1 else 0.0
        return ease(t, self.camera.easing)

    def _layer(self, pose: object, z: float) -> LayerView:
        from engine.previz.rig import PIVOT_Y, Pose, project_with

        assert isinstance(pose, Pose)
        base = self.rig.base()
        w, h = self.width, self.height
        moved = Pose(pose.position, pose.yaw, pose.pitch, pose.roll, base.focal_px)
        anchor = (0.0, PIVOT_Y, z)
        a0 = project_with(base, anchor, w, h, roll=False)
        a1 = project_with(moved, anchor, w, h, roll=False)
        g = base.depth(anchor, base.pitch) / pose.depth(anchor, base.pitch)  # nearer = bigger
        dx = a0[0] - w / 2 - (a1[0] - w / 2) / g
        dy = a0[1] - h / 2 - (a1[1] - h / 2) / g
        return LayerView(dx=dx, dy=dy, zoom=g * pose.focal_px / base.focal_px)

    def view(self, i: int) -> View:
        pose = self.rig.pose(i / self.fps)
        cast = self._layer(pose, 0.0)
        scenery = self._layer(pose, SET_DEPTH * self.rig.distance)
        far = self._layer(pose, FAR_DEPTH * self.rig.distance)
        return View(scenery, cast, pose.roll, far)

    def views(self) -> list[View]:
        return [self.view(i) for i in range(self.frames)]


def set_bounds(views: list[View], width: int, height: int, far: bool = False) -> tuple[int, int, int, int]:
    """Smallest integer base rectangle (left, top, right, bottom) that every frame's set view
    (or far view) shows, so the set can be painted once per shot and only cropped per frame."""
    layers = [(v.far or v.set) if far else v.set for v in views]
    lefts, tops, rights, bottoms = zip(*(lv.window(width, height) for lv in layers), strict=True)
    return (
        math.floor(min(lefts)) - 2,
        math.floor(min(tops)) - 2,
        math.ceil(max(rights)) + 2,
        math.ceil(max(bottoms)) + 2,
    )

"""One shot made ready to draw: everything that is per shot (set canvas, cast, card, weather,
the physics run) is prepared once, and `frame(i)` draws any single frame from it.

Keeping this apart from the encoder lets the renderer stream a take, the contact sheet draw a
single mid-shot frame, and the benchmark time drawing without encoding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image, ImageDraw

from engine.previz.camera import HORIZON, CameraMove, LayerView, View, set_bounds
from engine.previz.card import ShotCard
from engine.previz.dressing import Dressing, corners
from engine.previz.figures import Cast, Point
from engine.previz.locations import scene_kinds
from engine.previz.physics import SimFrame, Simulation
from engine.previz.props import Stage, draw_props
from engine.previz.scenery import Canvas, SetPainter
from engine.previz.weather import WEATHER_EXTENT_M, WeatherLayer, weather_grade
from film import RenderSpec, ShotSize

Label = tuple[Image.Image, Point]
"""A prerendered name tag and the screen point it hangs above."""

BACKGROUND_BLUR: dict[ShotSize, float] = {
    ShotSize.medium: 0.8,
    ShotSize.medium_close: 1.5,
    ShotSize.close_up: 2.5,
    ShotSize.extreme_close_up: 3.5,
}
"""Gaussian blur (px at 480 lines) of the set: the shallow focus that sells a close shot."""

FAR_STEP_PX = 0.25
"""How far (in frame pixels) the distant layer may lag its exact place before it is drawn anew:
mountains and sky drift a twentieth of a pixel a frame in a dolly, so a quarter-pixel step is
invisible, and the layer is resampled every few frames instead of every frame."""

SUBJECT_DEPTH = 230
"""Depth-pass grey of the stage plane (figures and props): near is bright."""


@dataclass(frozen=True)
class DrawnFrame:
    """One finished frame: the picture, the depth pass when asked for, and (with boxes on) the
    screen boxes of the figures, the shot's props and the scene's set pieces, each by id."""

    rgb: np.ndarray
    depth: np.ndarray | None  # (h, w) grey, near = bright: what the gray encoder takes
    boxes: dict[str, list[int]]
    props: dict[str, list[int]] = field(default_factory=dict)
    set_pieces: dict[str, list[int]] = field(default_factory=dict)


def crop_set(
    canvas: Canvas,
    pixels: np.ndarray,
    view: LayerView,
    premultiplied: Image.Image | None = None,
    within: tuple[int, int, int, int] | None = None,
) -> tuple[Image.Image | None, tuple[int, int]]:
    """The set as this frame's camera sees it, and where it goes in the frame: a plain slice
    unless the view magnifies. `pixels` is `canvas.image` as an array, made once per shot; for a
    layer with alpha, `premultiplied` is its "RGBa" copy (else Pillow converts the whole canvas on
    every magnified frame) and `within` the canvas box holding all its opaque pixels: only the
    part of the frame that box reaches is resampled, which for a layer of a few foreground
    things is a small fraction of the frame. None when that part is out of frame."""
    w, h = canvas.width, canvas.height
    left, top, right, bottom = view.window(w, h)
    left, right = left - canvas.left, right - canvas.left
    top, bottom = top - canvas.top, bottom - canvas.top
    sx, sy = (right - left) / w, (bottom - top) / h
    ox0, oy0, ox1, oy1 = 0, 0, w, h
    if within is not None:  # output pixels the box's pixels can reach through the filter
        bx0, by0, bx1, by1 = within
        ox0 = max(0, math.floor((bx0 - left) / sx) - math.ceil(2 / sx) - 1)
        oy0 = max(0, math.floor((by0 - top) / sy) - math.ceil(2 / sy) - 1)
        ox1 = min(w, math.ceil((bx1 - left) / sx) + math.ceil(2 / sx) + 1)
        oy1 = min(h, math.ceil((by1 - top) / sy) + math.ceil(2 / sy) + 1)
        if ox1 <= ox0 or oy1 <= oy0:
            return None, (0, 0)
    if abs(view.zoom - 1.0) < 1e-9:
        x, y = round(left), round(top)
        return Image.fromarray(pixels[y + oy0 : y + oy1, x + ox0 : x + ox1]), (ox0, oy0)
    # Resampling a box of a big canvas costs Pillow far more than cutting the box out first (a
    # few pixels wider than the filter reaches, so the result is the same) and resampling that.
    source = canvas.image if premultiplied is None else premultiplied
    box = (left + ox0 * sx, top + oy0 * sy, left + ox1 * sx, top + oy1 * sy)
    reach = 2 + math.ceil(max(sx, sy))
    x0, y0 = max(0, math.floor(box[0]) - reach), max(0, math.floor(box[1]) - reach)
    x1 = min(source.width, math.ceil(box[2]) + reach)
    y1 = min(source.height, math.ceil(box[3]) + reach)
    cut = source.crop((x0, y0, x1, y1))
    shifted = (box[0] - x0, box[1] - y0, box[2] - x0, box[3] - y0)
    out = cut.resize((ox1 - ox0, oy1 - oy0), Image.Resampling.BILINEAR, box=shifted)
    return (out if premultiplied is None else out.convert("RGBA")), (ox0, oy0)


def _set_frame(canvas: Canvas, pixels: np.ndarray, view: LayerView) -> Image.Image:
    """The whole frame of an opaque set layer."""
    frame, _ = crop_set(canvas, pixels, view)
    assert frame is not None
    return frame


def roll(
    frame: Image.Image,
    points: list[Point],
    deg: float,
    resample: Image.Resampling = Image.Resampling.BILINEAR,
) -> tuple[Image.Image, list[Point]]:
    """Rotate the picture by `deg` about its centre, magnified just enough to hide the corners;
    `points` (tag anchors, box corners) are carried along."""
    w, h = frame.size
    a = math.radians(deg)
    s = math.cos(abs(a)) + max(w, h) / min(w, h) * math.sin(abs(a))
    cos, sin, cx, cy = math.cos(a) / s, math.sin(a) / s, w / 2, h / 2
    data = (cos, -sin, cx - cos * cx + sin * cy, sin, cos, cy - sin * cx - cos * cy)
    out = frame.transform((w, h), Image.Transform.AFFINE, data, resample=resample)
    moved: list[Point] = []
    for x, y in points:  # forward map: output = C + s·R(-a)·(input - C)
        dx, dy = x - cx, y - cy
        moved.append(
            (cx + s * (math.cos(a) * dx + math.sin(a) * dy), cy + s * (-math.sin(a) * dx + math.cos(a) * dy))
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


def _apart(a: LayerView, b: LayerView) -> bool:
    """Whether two layer views differ by more than rounding: half a pixel, or a zoom step
    that would move the frame edge by half a pixel."""
    return abs(a.dx - b.dx) > 0.5 or abs(a.dy - b.dy) > 0.5 or abs(a.zoom - b.zoom) > 1e-3


def _drift(a: LayerView, b: LayerView, w: int, h: int) -> float:
    """How far apart two views of a layer put its edges, in frame pixels."""
    return max(abs(a.dx - b.dx), abs(a.dy - b.dy), abs(a.zoom - b.zoom) * max(w, h) / 2)


def far_anchors(views: list[View], w: int, h: int, step: float = FAR_STEP_PX) -> list[int]:
    """For each frame, the frame whose far view it shows: the last one within `step` pixels of
    it. A pure function of the camera move, so any frame drawn alone looks the same as in the take."""
    anchors: list[int] = []
    for k, view in enumerate(views):
        base = views[anchors[-1]] if anchors else view
        far, ref = view.far or view.set, base.far or base.set
        anchors.append(anchors[-1] if anchors and _drift(far, ref, w, h) <= step else k)
    return anchors


def _clip_box(points: list[Point], w: int, h: int) -> list[int] | None:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0 = max(0, math.floor(min(xs))), max(0, math.floor(min(ys)))
    x1, y1 = min(w, math.ceil(max(xs))), min(h, math.ceil(max(ys)))
    return [x0, y0, x1, y1] if x1 > x0 and y1 > y0 else None


class ShotPainter:
    """Prepares one RenderSpec for drawing; `frame(i)` is then deterministic and independent.

    `control` adds the props' and set pieces' boxes (cheap; the re-cut reads them), `depth` the
    depth pass (a second drawing of the stage: only engines that follow a control video read it)."""

    def __init__(
        self, spec: RenderSpec, control: bool = True, particles: int | None = None, *, depth: bool = False
    ) -> None:
        self.spec, self.control, self.depth = spec, control, depth
        w, h, cam = spec.width, spec.height, spec.shot.camera
        self.w, self.h = w, h
        self.move = CameraMove(cam, spec.frames, w, h, spec.fps, spec.seed)
        self.views: list[View] = self.move.views()
        self.horizon = HORIZON[cam.angle] * h
        self.card = ShotCard(spec, w, h)
        self.cast = Cast(spec.characters, spec.shot.performances, cam.size, w, h, self.horizon)
        self.stage = Stage.for_cast(self.cast.figure_height, self.cast.feet_y, w, h)
        self.dressing = Dressing(spec, self.views, self.horizon, self.cast, self.stage, self.card.top)
        painter = SetPainter(
            spec.scene, w, h, self.horizon, dress=self.dressing.paint, sky=not self.dressing.has_sky
        )
        blur = BACKGROUND_BLUR.get(cam.size, 0.0) * h / 480
        # Two set layers only where they would part company (dolly, truck, crane, orbit) and the
        # location has a near layer at all; otherwise one canvas, as cheap as before.
        self.layered = scene_kinds(spec.scene) != ["room"] and any(
            v.far is not None and _apart(v.far, v.set) for v in self.views
        )
        grade = weather_grade(spec.shot.physics.weather)
        if self.layered:
            self.canvas = painter.paint(set_bounds(self.views, w, h, far=True), 1.5 * blur, "far")
            near = painter.paint(set_bounds(self.views, w, h), blur, "near")
            self.near = replace(near, image=grade(near.image))
            self.near_pixels = np.asarray(self.near.image)
            self.near_premultiplied = self.near.image.convert("RGBa")
            self.near_box = self.near.image.getbbox(alpha_only=True)
            self.far_anchor = far_anchors(self.views, w, h)
            self._far: tuple[int, Image.Image] | None = None
        else:
            self.canvas = painter.paint(set_bounds(self.views, w, h), blur)
        self.canvas = replace(self.canvas, image=grade(self.canvas.image))
        self.pixels = np.asarray(self.canvas.image)
        self.weather = WeatherLayer(spec.shot.physics, w, h, spec.fps, spec.seed)
        self._sim_args = (spec.shot.physics, spec.seed, spec.fps, spec.frames)
        self._particles = particles
        self.sim = self._simulation()
        self._sim_at: tuple[int, SimFrame] | None = None
        self._rows = np.arange(h, dtype=np.float32)
        self._depth_cache: tuple[int, Image.Image] | None = None

    def _simulation(self) -> Simulation:
        return Simulation(*self._sim_args, extent_m=WEATHER_EXTENT_M, particles=self._particles)

    def sim_frame(self, i: int) -> SimFrame:
        """The physics at frame i, stepping the simulation forward only as far as needed. Only the
        latest frame is kept (memory stays flat however long the shot); asking for an earlier
        frame replays the simulation from the start, which gives the same frames again."""
        if self._sim_at is not None and self._sim_at[0] > i:
            self.sim, self._sim_at = self._simulation(), None
        if self._sim_at is None:
            self.sim.run_start()
            self._sim_at = (0, self.sim.snapshot())
        while self._sim_at[0] < i:
            self.sim.step_frame()
            self._sim_at = (self._sim_at[0] + 1, self.sim.snapshot())
        return self._sim_at[1]

    def _depth_background(self, view: View) -> Image.Image:
        """Sky is far (black); the ground brightens from the horizon towards the camera.
        Reused while the horizon stays on the same row (every frame of most shots)."""
        hy = round(view.set.to_screen(0.0, self.horizon, self.w, self.h)[1])
        if self._depth_cache is None or self._depth_cache[0] != hy:
            col = np.clip(20 + 150 * (self._rows - hy) / max(1.0, self.h - hy), 0, 170)
            col[self._rows < hy] = 0
            grey = np.ascontiguousarray(np.broadcast_to(col.astype(np.uint8)[:, None], (self.h, self.w)))
            self._depth_cache = (hy, Image.fromarray(grey))
        return self._depth_cache[1].copy()

    def _far_frame(self, i: int) -> Image.Image:
        """The distant layer of frame i, resampled once per anchor (see far_anchors)."""
        anchor = self.far_anchor[i]
        if self._far is None or self._far[0] != anchor:
            held = self.views[anchor]
            self._far = (anchor, _set_frame(self.canvas, self.pixels, held.far or held.set))
        return self._far[1].copy()

    def frame(self, i: int) -> DrawnFrame:
        spec, view = self.spec, self.views[i]
        t, p = i / spec.fps, self.move.progress(i)
        sim = self.sim_frame(i)
        if self.layered:
            frame = self._far_frame(i)
            if self.near_box is not None:
                near, at = crop_set(
                    self.near, self.near_pixels, view.set, self.near_premultiplied, self.near_box
                )
                if near is not None:
                    frame.paste(near, at, near)
        else:
            frame = _set_frame(self.canvas, self.pixels, view.set)
        labels = self.cast.draw(frame, view.cast, t, p)
        boxes = dict(self.cast.boxes)
        self.dressing.draw(frame, view, sim=sim)
        draw_props(
            ImageDraw.Draw(frame),
            sim,
            self.stage,
            view.cast,
            self.w,
            self.h,
            ramps=self.sim.ramps,
            dressed=self.dressing.bodies,
        )
        self.dressing.light(frame, view, i)
        depth: Image.Image | None = None
        if self.depth:
            depth = self._depth_background(view)
            self.cast.draw(depth, view.cast, t, p, ink=SUBJECT_DEPTH)
            self.dressing.draw(depth, view, ink=SUBJECT_DEPTH, sim=sim)
            draw_props(
                ImageDraw.Draw(depth),
                sim,
                self.stage,
                view.cast,
                self.w,
                self.h,
                SUBJECT_DEPTH,
                self.sim.ramps,
                self.dressing.bodies,
            )
        shown: list[tuple[str, str, list[Point]]] = [("boxes", n, corners(b)) for n, b in boxes.items()]
        if self.control:
            props, pieces = self.dressing.corners(view, i, sim)
            shown += [("props", n, q) for n, q in props.items()] + [("set", n, q) for n, q in pieces.items()]
        points = [q for _, _, pts in shown for q in pts]
        if view.roll_deg:
            anchors = [a for _, a in labels]
            frame, moved = roll(frame, anchors + points, view.roll_deg)
            labels = [(img, q) for (img, _), q in zip(labels, moved[: len(anchors)], strict=True)]
            points = moved[len(anchors) :]
            if depth is not None:  # nearest: cheaper, and depth edges should stay hard anyway
                depth, _ = roll(depth, [], view.roll_deg, Image.Resampling.NEAREST)
        frame = self.weather.apply(frame, i, sim.particles)
        paste_tags(frame, labels, self.card.top)
        self.card.apply(frame)
        out: dict[str, dict[str, list[int]]] = {"boxes": {}, "props": {}, "set": {}}
        if self.control:
            k = 0
            for where, n, pts in shown:
                clipped = _clip_box(points[k : k + len(pts)], self.w, self.h)
                k += len(pts)
                if clipped is not None:
                    out[where][n] = clipped
        return DrawnFrame(
            np.asarray(frame),
            None if depth is None else np.asarray(depth),
            out["boxes"],
            out["props"],
            out["set"],
        )

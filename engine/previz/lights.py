"""Light in the previz: a warm radial glow around every lit source, and beams that sweep.

Both are drawn per frame over the finished picture (figures included, since a lamp lights the
people beside it), but everything they need is made once per shot: a glow is a prerendered
sprite composited with `screen` over its own small region, a beam is two translucent wedges.
Strength follows the hour: a lamp barely shows at noon and floods the frame at night.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from PIL import Image, ImageChops, ImageDraw

from film import TimeOfDay

RGB = tuple[int, int, int]
Point = tuple[float, float]

STRENGTH: dict[TimeOfDay, float] = {
    TimeOfDay.night: 1.0,
    TimeOfDay.dusk: 0.85,
    TimeOfDay.dawn: 0.6,
    TimeOfDay.morning: 0.35,
    TimeOfDay.day: 0.3,
}
"""How much a light source shows against the hour's own light."""


@lru_cache(maxsize=32)
def glow_sprite(radius: int, colour: RGB, strength: float) -> Image.Image:
    """A (2r+1)² RGB image: the light's colour falling off smoothly to black at the rim."""
    r = max(1, radius)
    yy, xx = np.mgrid[-r : r + 1, -r : r + 1].astype(np.float32)
    fall = np.clip(1.0 - np.hypot(xx, yy) / r, 0.0, 1.0) ** 2
    rgb = fall[..., None] * np.asarray(colour, np.float32) * (0.85 * strength)
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))


def apply_glow(frame: Image.Image, at: Point, sprite: Image.Image) -> None:
    """Brighten the frame around `at` with the glow (screen blend: lights add, never clip hard)."""
    r = sprite.size[0] // 2
    x, y = round(at[0]) - r, round(at[1]) - r
    w, h = frame.size
    if x >= w or y >= h or x + sprite.size[0] <= 0 or y + sprite.size[1] <= 0:
        return
    box = (x, y, x + sprite.size[0], y + sprite.size[1])
    frame.paste(ImageChops.screen(frame.crop(box), sprite), box[:2])


def beam_polygon(origin: Point, target: Point, height: int) -> list[Point]:
    """A wedge of light from `origin` through `target` and on past it, widening as it goes."""
    ox, oy = origin
    dx, dy = target[0] - ox, target[1] - oy
    length = max(1.0, math.hypot(dx, dy))
    ux, uy = dx / length, dy / length
    far = 1.6 * length
    nx, ny = -uy, ux
    near_w, far_w = 0.012 * height, 0.06 * height + 0.1 * far
    fx, fy = ox + ux * far, oy + uy * far
    return [
        (ox + nx * near_w, oy + ny * near_w),
        (fx + nx * far_w, fy + ny * far_w),
        (fx - nx * far_w, fy - ny * far_w),
        (ox - nx * near_w, oy - ny * near_w),
    ]


def draw_beam(frame: Image.Image, polygon: list[Point], colour: RGB, strength: float) -> None:
    """The beam as a soft outer wedge and a brighter core, blended over the frame."""
    draw = ImageDraw.Draw(frame, "RGBA")
    draw.polygon(polygon, fill=(*colour, round(46 * strength)))
    (ax, ay), (bx, by), (cx, cy), (dx, dy) = polygon
    mid_far = ((bx + cx) / 2, (by + cy) / 2)
    mid_near = ((ax + dx) / 2, (ay + dy) / 2)
    core = [
        ((ax + mid_near[0]) / 2, (ay + mid_near[1]) / 2),
        ((bx + 2 * mid_far[0]) / 3, (by + 2 * mid_far[1]) / 3),
        ((cx + 2 * mid_far[0]) / 3, (cy + 2 * mid_far[1]) / 3),
        ((dx + mid_near[0]) / 2, (dy + mid_near[1]) / 2),
    ]
    draw.polygon(core, fill=(*colour, round(70 * strength)))

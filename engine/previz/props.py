"""Props: the simulated bodies (and splash droplets) drawn where the camera sees them.

The simulation works in metres on the cast's stage plane; `Stage` says how metres map onto
base pixels of that plane (scaled so a 1.7 m person is as tall as the shot's figures), and the
cast's `LayerView` then carries them through the camera move like the figures themselves.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import ImageDraw

from engine.previz.camera import LayerView
from engine.previz.physics import SimFrame
from film import stable_hash

PERSON_M = 1.7
RGB = tuple[int, int, int]
PROP_COLOURS: tuple[RGB, ...] = (
    (231, 76, 60),
    (241, 196, 15),
    (52, 152, 219),
    (155, 89, 182),
    (46, 204, 113),
)


@dataclass(frozen=True)
class Stage:
    """Metres on the stage plane → base pixels: x = 0 at the frame centre, y = 0 on the feet line."""

    px_per_m: float
    origin_x: float
    ground_y: float

    @classmethod
    def for_cast(cls, figure_height: float, feet_y: float, width: int, height: int) -> Stage:
        """Scale from the figures; capped so that in close shots the props stay readable."""
        return cls(min(figure_height / PERSON_M, height / 2.5), width / 2, feet_y)

    def to_base(self, x: float, y: float) -> tuple[float, float]:
        return (self.origin_x + x * self.px_per_m, self.ground_y - y * self.px_per_m)


def prop_colour(name: str) -> RGB:
    """Each named object keeps its colour in every shot."""
    return PROP_COLOURS[int(stable_hash(name)[:6], 16) % len(PROP_COLOURS)]


def draw_props(
    draw: ImageDraw.ImageDraw,
    frame: SimFrame,
    stage: Stage,
    view: LayerView,
    w: int,
    h: int,
    ink: int | None = None,
    ramps: list[tuple[tuple[float, float], tuple[float, float]]] | None = None,
    dressed: frozenset[str] = frozenset(),
) -> None:
    """Bodies as shaded discs (fragments as shards), droplets as dots, slopes as wedges;
    `ink` draws everything in one flat grey (the depth pass). Whole bodies named in `dressed`
    are left out: the set dressing draws them as their prop's silhouette."""
    for top, foot in ramps or []:
        pts = [stage.to_base(*top), stage.to_base(*foot), stage.to_base(top[0], 0.0)]
        draw.polygon(
            [view.to_screen(x, y, w, h) for x, y in pts], fill=ink if ink is not None else (120, 96, 72)
        )
    for body in frame.bodies:
        if body.name in dressed and not body.fragment:
            continue
        bx, by = stage.to_base(body.x, body.y)
        x, y = view.to_screen(bx, by, w, h)
        r = max(1.0, body.radius * stage.px_per_m * view.zoom)
        if x < -r or x > w + r or y < -r or y > h + r:
            continue
        colour = prop_colour(body.name)
        fill = ink if ink is not None else colour
        if body.fragment:
            pts = [
                (x + r * 1.4 * math.cos(body.angle + a), y + r * 1.4 * math.sin(body.angle + a))
                for a in (0.0, 2.3, 4.1)
            ]
            draw.polygon(pts, fill=fill)
            continue
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)
        if ink is None:  # a highlight and a spin mark, so rolling reads
            dark = (colour[0] // 2, colour[1] // 2, colour[2] // 2)
            draw.line(
                [(x, y), (x + r * math.cos(-body.angle), y + r * math.sin(-body.angle))],
                fill=dark,
                width=max(1, int(r / 5)),
            )
            draw.ellipse((x - 0.55 * r, y - 0.6 * r, x - 0.15 * r, y - 0.2 * r), fill=(255, 255, 255))
    if len(frame.droplets):
        dr = max(1.5, 0.035 * stage.px_per_m * view.zoom)
        fill_d: int | RGB = ink if ink is not None else (170, 210, 245)
        for dx, dy in frame.droplets.tolist():
            x, y = view.to_screen(*stage.to_base(dx, dy), w, h)
            draw.ellipse((x - dr, y - dr, x + dr, y + dr), fill=fill_d)

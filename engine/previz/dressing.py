"""Set dressing from the plan: the scene's set pieces and the shot's props as silhouettes, placed
in depth, with their light, and their screen boxes for the control pass.

- Set pieces (`scene.set_pieces`) stand on the set plane at the horizon, in fixed slots of the
  part of the set the shot shows (for a still camera, the same place in every shot of a scene);
  they are painted into the set canvas once per shot (scenery.py calls `paint`).
- Shot props (`shot.props`) stand on the cast's plane beside the figures' feet, or at their
  hands; each is a sprite drawn once per shot and pasted per frame. The sun and the moon hang
  in the sky where the set paints its own; a kind placed "far" (a beam) stands on the set. A
  light whose silhouette mounts on a set piece of the scene (a lamp or a beam on the
  lighthouse, headlights on the car) shines from that piece.
- Every piece is placed inside the part of its plane that every frame of the shot shows (above
  the shot card, clear of a dutch roll), so a prop the plan names is on screen the whole shot.
- A prop that is also a motion event's object (a bucket that falls) is drawn where the
  simulation has it, turning with it, instead of a plain disc; once the water has it, it is gone.
- Lit sources glow per frame; a beam sweeps across the frame over the shot when `sweeps`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from PIL import Image, ImageDraw

from engine.previz.camera import LayerView, View
from engine.previz.figures import Cast
from engine.previz.lights import STRENGTH, apply_glow, beam_polygon, draw_beam, glow_sprite
from engine.previz.locations import scene_kinds
from engine.previz.physics import BodyPose, SimFrame
from engine.previz.props import Stage
from engine.previz.scenery import PALETTES, sun_point
from engine.previz.silhouettes import Look, Silhouette, draw_silhouette, silhouette, sprite
from film import Prop, RenderSpec, TimeOfDay

Plane = Literal["set", "cast"]
Box = tuple[float, float, float, float]
Point = tuple[float, float]

SLOTS = (0.2, 0.8, 0.36, 0.64, 0.08, 0.92, 0.5)
"""Where set pieces stand across the part of the set every frame shows (for a still camera, the
same place in every shot of the scene), in the order the scene names them."""

SET_SCALE = {"room": 0.17, "outdoors": 0.032}
"""Frame heights per metre on the set plane: a room's back wall is near, a skyline is far."""

SHADE: dict[TimeOfDay, float] = {
    TimeOfDay.dawn: 0.35,
    TimeOfDay.morning: 0.0,
    TimeOfDay.day: 0.0,
    TimeOfDay.dusk: 0.5,
    TimeOfDay.night: 0.62,
}
"""How far set pieces fall toward the hour's shadow colour (props, nearer, half as far)."""

MOUNT_BOX = 0.03
"""Half the side of a mounted light's box, in frame heights."""


@dataclass(frozen=True)
class Piece:
    """One thing placed for a shot, in base pixels of its plane."""

    prop: Prop
    sil: Silhouette
    plane: Plane
    box: Box
    set_piece: bool = False
    host: Piece | None = None  # the set piece that draws this light (the lighthouse's own lamp)
    lit: bool = False  # drawn lit: the prop's own light, or a light mounted on it

    @property
    def emitter(self) -> Point:
        if self.host is not None:
            return self.host.emitter
        x0, y0, x1, y1 = self.box
        return (x0 + self.sil.emitter[0] * (x1 - x0), y0 + self.sil.emitter[1] * (y1 - y0))


def plane_view(view: View, plane: Plane) -> LayerView:
    return view.cast if plane == "cast" else view.set


def _to_base(lv: LayerView, sx: float, sy: float, w: int, h: int) -> Point:
    return ((sx - w / 2) / lv.zoom + w / 2 + lv.dx, (sy - h / 2) / lv.zoom + h / 2 + lv.dy)


def shown(layers: Sequence[LayerView], w: int, h: int, inset: Box) -> Box:
    """The base rectangle of one plane that every frame shows inside the screen rect `inset`;
    where the camera travels too far for much of one to exist, a small one about the middle of
    the travel, so a piece placed there overlaps every frame."""
    rects = [
        (*_to_base(lv, inset[0], inset[1], w, h), *_to_base(lv, inset[2], inset[3], w, h)) for lv in layers
    ]
    left, right = _span(max(r[0] for r in rects), min(r[2] for r in rects), 0.15 * w)
    top, bottom = _span(max(r[1] for r in rects), min(r[3] for r in rects), 0.15 * h)
    return (left, top, right, bottom)


def _span(low: float, high: float, least: float) -> tuple[float, float]:
    """At least `least` wide, about the middle of what every frame shares (or nearly shares)."""
    if high - low >= least:
        return (low, high)
    mid = (low + high) / 2
    return (mid - least / 2, mid + least / 2)


def fit(box: Box, window: Box, vertical: bool = True) -> Box:
    """`box` shrunk about its foot (keeping its aspect) and shifted just enough to lie inside
    `window`; with `vertical` off only across (a set piece keeps standing on the horizon)."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    k = min(1.0, (window[2] - window[0]) / bw)
    if vertical:
        k = min(k, (window[3] - window[1]) / bh)
    cx, bottom, bw, bh = (x0 + x1) / 2, y1, bw * k, bh * k
    cx = min(max(cx, window[0] + bw / 2), window[2] - bw / 2)
    if vertical:
        bottom = min(max(bottom, window[1] + bh), window[3])
    return (cx - bw / 2, bottom - bh, cx + bw / 2, bottom)


def corners(box: Box) -> list[Point]:
    x0, y0, x1, y1 = box
    return [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]


class Dressing:
    """The set pieces and props of one shot, placed once; drawn, lit and boxed per frame."""

    def __init__(
        self, spec: RenderSpec, views: list[View], horizon: float, cast: Cast, stage: Stage, card_top: float
    ) -> None:
        self.w, self.h, self.frames, self.horizon = spec.width, spec.height, len(views), horizon
        tod = spec.scene.time_of_day
        palette = PALETTES[tod]
        self.strength = STRENGTH[tod]
        self.look = Look(palette.silhouette, SHADE[tod], night=palette.night or tod is TimeOfDay.dusk)
        self.room = scene_kinds(spec.scene) == ["room"]
        inset = self._inset(views, card_top)
        self.windows = {
            plane: shown([plane_view(v, plane) for v in views], self.w, self.h, inset)
            for plane in ("set", "cast")
        }
        self.pieces = [self._set_piece(i, prop) for i, prop in enumerate(spec.scene.set_pieces)]
        for k, prop in enumerate(spec.shot.props):
            self.pieces.append(self._shot_prop(k, prop, cast, stage, tod))
        lit_hosts = {p.host.prop.id for p in self.pieces if p.host is not None and p.prop.light}
        self.pieces = [
            replace(p, lit=True) if p.set_piece and p.prop.id in lit_hosts else p for p in self.pieces
        ]
        self.sprites = {
            p.prop.id: sprite(p.sil, p.box[2] - p.box[0], p.box[3] - p.box[1], self._look(p))
            for p in self.pieces
            if p.plane == "cast"
        }
        self._scaled: dict[str, tuple[tuple[int, int], Image.Image]] = {}
        self.stage = stage
        events = {e.object for e in spec.shot.physics.events}
        self.bodies = frozenset(
            p.prop.kind for p in self.pieces if p.plane == "cast" and p.prop.kind in events
        )
        """Props the simulation moves: drawn at their body, not at their place."""
        self.glows = {
            p.prop.id: glow_sprite(round(self._glow_radius(p)), p.sil.light, self.strength)
            for p in self.pieces
            if p.prop.light
        }

    @property
    def has_sky(self) -> bool:
        """Whether the plan hangs its own sun or moon (the set then paints none)."""
        return any(p.sil.place == "sky" and p.plane == "set" for p in self.pieces)

    def _inset(self, views: list[View], card_top: float) -> Box:
        roll = math.radians(max((abs(v.roll_deg) for v in views), default=0.0))
        magnify = math.cos(roll) + max(self.w, self.h) / min(self.w, self.h) * math.sin(roll)
        pad = 0.04 + 0.5 * (1 - 1 / magnify) + 0.5 * math.sin(roll)
        return (
            pad * self.w,
            pad * self.h,
            (1 - pad) * self.w,
            min((1 - pad) * self.h, card_top - 0.02 * self.h),
        )

    def _look(self, piece: Piece) -> Look:
        amount = self.look.amount * (0.5 if piece.plane == "cast" else 1.0)
        return replace(self.look, amount=amount, lit=piece.lit or piece.prop.light)

    def _glow_radius(self, piece: Piece) -> float:
        """A mounted light glows as big as its host's lamp (the lighthouse's, not a hand lamp's)."""
        return max(piece.sil.glow, piece.host.sil.glow if piece.host else 0.0) * self.h

    def _set_piece(self, i: int, prop: Prop, set_piece: bool = True) -> Piece:
        sil = silhouette(prop.kind)
        scale = SET_SCALE["room" if self.room else "outdoors"]
        ph = min(max(sil.height_m * scale, 0.1), 0.5) * self.h
        pw = sil.aspect * ph
        if pw > 0.55 * self.w:
            pw, ph = 0.55 * self.w, ph * 0.55 * self.w / pw
        left, _, right, _ = window = self.windows["set"]
        cx, bottom = left + SLOTS[i % len(SLOTS)] * (right - left), self.horizon + sil.sink * self.h
        box = fit((cx - pw / 2, bottom - ph, cx + pw / 2, bottom), window)
        return Piece(prop, sil, "set", box, set_piece=set_piece)

    def _shot_prop(self, k: int, prop: Prop, cast: Cast, stage: Stage, tod: TimeOfDay) -> Piece:
        sil = silhouette(prop.kind)
        host = next((p for p in self.pieces if p.set_piece and p.sil.kind in sil.mounts), None)
        if host is not None:  # boxed as a square around the host's emitter
            ex, ey = host.emitter
            r = MOUNT_BOX * self.h
            return Piece(prop, sil, "set", (ex - r, ey - r, ex + r, ey + r), host=host)
        if sil.place == "far":  # a searchlight's beam with no lighthouse: from the far shore
            return self._set_piece(4 + k % 2, prop, set_piece=False)  # the edge slots: it reaches across
        if sil.place == "sky":
            side = (0.2 if prop.kind == "moon" else 0.16) * self.h
            cx, cy = sun_point(tod, self.w, self.h, self.horizon)
            window = self.windows["set"]
            sky = (window[0], window[1], window[2], max(window[1] + side, min(window[3], self.horizon)))
            return Piece(
                prop, sil, "set", fit((cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2), sky)
            )
        return Piece(prop, sil, "cast", fit(self._beside(k, sil, cast, stage), self.windows["cast"]))

    def _beside(self, k: int, sil: Silhouette, cast: Cast, stage: Stage) -> Box:
        """A prop's base box: at a figure's hand, or on the ground beside the group, alternating
        right and left and moving outwards as more props join."""
        ph = min(max(sil.height_m * stage.px_per_m, 0.05 * self.h), 0.45 * self.h)
        pw = min(sil.aspect * ph, 0.4 * self.w)
        ph = pw / sil.aspect
        figs = sorted(cast.figures, key=lambda f: f.x)
        fig_h, feet = cast.figure_height, cast.feet_y
        if sil.place == "hand" and figs:
            fig = figs[(k // 2) % len(figs)]
            side = 1.0 if k % 2 == 0 else -1.0
            cx, cy = fig.x + side * (0.17 * fig_h + pw / 2), feet - 0.46 * fig_h
            return (cx - pw / 2, cy - ph / 2, cx + pw / 2, cy + ph / 2)
        spread = (figs[-1].x - figs[0].x) / 2 + 0.22 * fig_h if figs else 0.04 * self.w
        centre = (figs[0].x + figs[-1].x) / 2 if figs else self.w / 2
        side = 1.0 if k % 2 == 0 else -1.0
        cx = centre + side * (spread + (k // 2 + 0.5) * (pw + 0.04 * self.w))
        return (cx - pw / 2, feet - ph, cx + pw / 2, feet)

    def paint(self, draw: ImageDraw.ImageDraw, left: int, top: int, layer: str) -> None:
        """Paint the set-plane pieces into a set canvas whose pixel (0, 0) is base (left, top)."""
        if layer == "far":
            return
        for p in self.pieces:
            if p.plane == "set" and p.host is None:
                x0, y0, x1, y1 = p.box
                draw_silhouette(draw, p.sil, (x0 - left, y0 - top, x1 - left, y1 - top), self._look(p))

    def _sprite(self, piece: Piece, zoom: float) -> Image.Image:
        base = self.sprites[piece.prop.id]
        if abs(zoom - 1.0) < 1e-3:
            return base
        size = (max(1, round(base.size[0] * zoom)), max(1, round(base.size[1] * zoom)))
        cached = self._scaled.get(piece.prop.id)
        if cached is None or cached[0] != size:
            cached = (size, base.resize(size, Image.Resampling.BILINEAR))
            self._scaled[piece.prop.id] = cached
        return cached[1]

    def _body(self, piece: Piece, sim: SimFrame | None) -> BodyPose | None:
        if sim is None or piece.prop.kind not in self.bodies:
            return None
        return next((b for b in sim.bodies if b.name == piece.prop.kind and not b.fragment), None)

    def _placed(self, piece: Piece, view: View, sim: SimFrame | None) -> tuple[Image.Image, Point] | None:
        """The prop's picture this frame and its top-left on screen: where the simulation has it
        while that is in frame, else at its place; None once the simulation has taken it away
        (splashed, shattered)."""
        img = self._sprite(piece, view.cast.zoom)
        body = self._body(piece, sim)
        if body is not None:
            turned = img.rotate(math.degrees(body.angle), Image.Resampling.BILINEAR, expand=True)
            x, y = view.cast.to_screen(*self.stage.to_base(body.x, body.y), self.w, self.h)
            x, y = x - turned.size[0] / 2, y - turned.size[1] / 2
            if x < self.w and y < self.h and x + turned.size[0] > 0 and y + turned.size[1] > 0:
                return turned, (x, y)
        elif piece.prop.kind in self.bodies:
            return None
        return img, view.cast.to_screen(piece.box[0], piece.box[1], self.w, self.h)

    def draw(
        self, frame: Image.Image, view: View, ink: int | None = None, sim: SimFrame | None = None
    ) -> None:
        """Paste the cast-plane props; with `ink`, as flat grey shapes (the depth pass)."""
        for p in self.pieces:
            placed = self._placed(p, view, sim) if p.plane == "cast" else None
            if placed is None:
                continue
            img, (x, y) = placed
            at = (round(x), round(y))
            if ink is None:
                frame.paste(img, at, img)
            else:
                frame.paste(ink, (*at, at[0] + img.size[0], at[1] + img.size[1]), img.getchannel("A"))

    def _beam(self, piece: Piece, view: View, i: int) -> list[Point] | None:
        if not piece.prop.light or not (piece.prop.sweeps or piece.sil.beam):
            return None
        w, h = self.w, self.h
        ox, oy = plane_view(view, piece.plane).to_screen(*piece.emitter, w, h)
        ground = view.set.to_screen(0.0, self.horizon, w, h)[1]
        ty = max(min(max(ground + 0.35 * (h - ground), 0.35 * h), 0.9 * h), oy + 0.08 * h)
        if piece.prop.sweeps:
            phase = i / (self.frames - 1) if self.frames > 1 else 0.5
            start, end = (0.04 * w, 0.96 * w) if ox <= w / 2 else (0.96 * w, 0.04 * w)
            tx = start + (end - start) * phase
        else:
            facing = piece.sil.emitter[0]
            direction = 1.0 if facing > 0.7 else -1.0 if facing < 0.3 else (1.0 if ox < w / 2 else -1.0)
            tx = ox + direction * 0.45 * w
        return beam_polygon((ox, oy), (tx, ty), h)

    def light(self, frame: Image.Image, view: View, i: int) -> None:
        """Glows around lit sources, then their beams."""
        for p in self.pieces:
            if p.prop.light:
                at = plane_view(view, p.plane).to_screen(*p.emitter, self.w, self.h)
                apply_glow(frame, at, self.glows[p.prop.id])
                beam = self._beam(p, view, i)
                if beam is not None:
                    draw_beam(frame, beam, p.sil.light, self.strength)

    def corners(
        self, view: View, i: int, sim: SimFrame | None = None
    ) -> tuple[dict[str, list[Point]], dict[str, list[Point]]]:
        """Screen corners (before any roll) of each shot prop and each set piece, for the boxes."""
        props: dict[str, list[Point]] = {}
        pieces: dict[str, list[Point]] = {}
        for p in self.pieces:
            if p.plane == "cast":
                placed = self._placed(p, view, sim)
                if placed is None:
                    continue
                img, (x, y) = placed
                bbox = img.getchannel("A").getbbox() or (0, 0, 1, 1)
                props[p.prop.id] = corners((x + bbox[0], y + bbox[1], x + bbox[2], y + bbox[3]))
                continue
            pts = [view.set.to_screen(x, y, self.w, self.h) for x, y in corners(p.box)]
            if p.prop.kind == "beam":
                pts = self._beam(p, view, i) or pts
            (pieces if p.set_piece else props)[p.prop.id] = pts
        return props, pieces

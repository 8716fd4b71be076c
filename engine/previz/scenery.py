"""The set: sky, ground and a location silhouette, painted once per shot onto a canvas that is
big enough for every frame's camera window (the renderer only crops it afterwards).

Features are placed in fixed world slots seeded by the scene, not the shot, so every shot of a
scene shows the same skyline or tree line — continuity an animatic reader relies on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from engine.previz.locations import scene_kinds
from film import Scene, TimeOfDay, stable_hash

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    sky_top: RGB
    sky_horizon: RGB
    ground_far: RGB
    ground_near: RGB
    silhouette: RGB
    light: RGB
    night: bool = False


PALETTES: dict[TimeOfDay, Palette] = {
    TimeOfDay.dawn: Palette(
        (62, 70, 122), (246, 172, 132), (96, 92, 84), (52, 60, 48), (58, 52, 70), (255, 196, 140)
    ),
    TimeOfDay.morning: Palette(
        (104, 166, 228), (206, 228, 246), (122, 152, 92), (76, 118, 58), (88, 108, 128), (255, 244, 200)
    ),
    TimeOfDay.day: Palette(
        (66, 136, 218), (184, 216, 244), (112, 160, 82), (66, 116, 50), (80, 98, 118), (255, 250, 220)
    ),
    TimeOfDay.dusk: Palette(
        (40, 40, 92), (238, 122, 82), (72, 60, 62), (40, 34, 40), (36, 30, 48), (255, 150, 90)
    ),
    TimeOfDay.night: Palette(
        (6, 9, 26), (28, 38, 74), (26, 30, 36), (12, 14, 18), (14, 18, 30), (232, 236, 250), night=True
    ),
}


FAR_KINDS = ("mountain", "hills", "space")
"""Set pieces that stand far off, on the far layer; the others are painted on the near one."""


SUN_HIGH: dict[TimeOfDay, float] = {TimeOfDay.day: 0.42, TimeOfDay.morning: 0.3, TimeOfDay.night: 0.36}
"""How far above the horizon the sun (or the moon, at night) stands, in frame heights; 0.1 else."""


def sun_point(tod: TimeOfDay, width: int, height: int, horizon: float) -> tuple[float, float]:
    """The base point the set hangs its sun or moon at; a plan's own sun hangs there too."""
    return (0.78 * width, horizon - SUN_HIGH.get(tod, 0.1) * height - 0.07 * height)


Dress = Callable[[ImageDraw.ImageDraw, int, int, str], None]
"""Paints set pieces into a canvas: (draw, canvas left, canvas top, layer)."""


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _gradient(rows: np.ndarray, y0: float, y1: float, c0: RGB, c1: RGB) -> np.ndarray:
    """(n, 3) colours for base rows `rows`, running from c0 at y0 to c1 at y1."""
    t = np.clip((rows - y0) / max(1e-6, y1 - y0), 0.0, 1.0)[:, None]
    return np.asarray(c0, np.float32) * (1 - t) + np.asarray(c1, np.float32) * t


@dataclass(frozen=True)
class Canvas:
    """A painted set: pixel (u, v) shows base point (u + left, v + top)."""

    image: Image.Image
    left: int
    top: int
    width: int  # the delivery frame's size, which every proportion here refers to
    height: int
    horizon: float


class SetPainter:
    """Paints one scene's set for one shot into the base rectangle `bounds`."""

    def __init__(
        self,
        scene: Scene,
        width: int,
        height: int,
        horizon: float,
        dress: Dress | None = None,
        sky: bool = True,
    ) -> None:
        self.scene = scene
        self.dress, self.sky = dress, sky
        self.w, self.h = width, height
        self.horizon = horizon
        self.palette = PALETTES[scene.time_of_day]
        self.seed = int(stable_hash({"scene": scene.id, "location": scene.location})[:8], 16)

    def _rng(self, kind: str, slot: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, sum(map(ord, kind)), slot + (1 << 20)])

    def _slots(self, step: float) -> range:
        return range(int(np.floor(self.left / step)) - 1, int(np.ceil(self.right / step)) + 1)

    def paint(self, bounds: tuple[int, int, int, int], blur: float = 0.0, layer: str = "all") -> Canvas:
        """Paint the base rectangle `bounds`. `layer` "far" is sky, ground and distant relief
        (mountains, hills, space); "near" is the rest on a transparent RGBA canvas; "all" is
        both in one. Painted apart, the two can travel at their own depths (parallax)."""
        self.left, self.top, self.right, self.bottom = bounds
        cw, ch = self.right - self.left, self.bottom - self.top
        kinds = scene_kinds(self.scene)
        if layer == "near":
            img = Image.new("RGBA", (cw, ch), (0, 0, 0, 0))
        else:
            img = Image.fromarray(self._sky_and_ground(cw, ch, kinds))
        self.draw = ImageDraw.Draw(img)
        if kinds != ["room"] and layer != "near":
            self._lights(kinds == ["space"])
        painters: dict[str, Callable[[], None]] = {
            "room": self._room,
            "space": self._space,
            "mountain": self._mountains,
            "city": self._city,
            "forest": self._forest,
            "desert": self._desert,
            "sea": self._sea,
            "hills": self._hills,
        }
        for kind in kinds:
            if layer == "all" or (kind in FAR_KINDS) == (layer == "far"):
                painters[kind]()
        if self.dress is not None:
            self.dress(self.draw, self.left, self.top, layer)
        if img.mode == "RGBA":
            alpha = img.getchannel("A")
            img = _tint(img.convert("RGB"), self.scene.palette)
            img.putalpha(alpha)
        else:
            img = _tint(img, self.scene.palette)
        if blur > 0:
            img = img.filter(ImageFilter.GaussianBlur(blur))
        return Canvas(img, self.left, self.top, self.w, self.h, self.horizon)

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        """Base point → canvas pixel."""
        return (x - self.left, y - self.top)

    def _sky_and_ground(self, cw: int, ch: int, kinds: list[str]) -> np.ndarray:
        pal, hz = self.palette, self.horizon
        rows = np.arange(self.top, self.bottom, dtype=np.float32)
        if kinds == ["space"]:
            sky = _gradient(rows, -0.5 * self.h, hz, (2, 2, 10), (16, 14, 40))
            ground = _gradient(rows, hz, self.h * 1.2, (70, 74, 84), (36, 38, 46))
        elif kinds == ["room"]:
            wall = (214, 196, 168) if not pal.night else (96, 84, 80)
            sky = _gradient(rows, -0.5 * self.h, hz, _mix(wall, (0, 0, 0), 0.15), wall)
            ground = _gradient(rows, hz, self.h * 1.2, (150, 104, 70), (96, 62, 40))
        else:
            near = (222, 196, 140) if kinds == ["desert"] else pal.ground_near
            far = (236, 210, 160) if kinds == ["desert"] else pal.ground_far
            sky = _gradient(rows, hz - 1.2 * self.h, hz, pal.sky_top, pal.sky_horizon)
            ground = _gradient(rows, hz, self.h * 1.2, far, near)
        col = np.where((rows < hz)[:, None], sky, ground).astype(np.uint8)
        return np.ascontiguousarray(np.broadcast_to(col[:, None, :], (ch, cw, 3)))

    def _lights(self, space: bool) -> None:
        pal, rng = self.palette, self._rng("stars", 0)
        if pal.night or space:
            n = int((self.right - self.left) * max(0.0, self.horizon - self.top) / 900)
            xs = rng.uniform(self.left, self.right, n)
            ys = rng.uniform(self.top, max(self.top, self.horizon - 0.08 * self.h), n)
            for x, y in zip(xs, ys, strict=True):
                u, v = self._xy(x, y)
                self.draw.point((u, v), fill=(230, 230, 255) if rng.random() < 0.7 else (160, 160, 200))
        if not self.sky:
            return
        r = 0.07 * self.h
        cx, cy = self._xy(*sun_point(self.scene.time_of_day, self.w, self.h, self.horizon))
        glow = _mix(pal.light, pal.sky_horizon, 0.6)
        self.draw.ellipse((cx - 1.6 * r, cy - 1.6 * r, cx + 1.6 * r, cy + 1.6 * r), fill=glow)
        self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=pal.light)

    def _mountains(self) -> None:
        step = 0.32 * self.w
        for k in self._slots(step):
            rng = self._rng("mountain", k)
            x, peak = (k + rng.uniform(0.2, 0.8)) * step, self.horizon - rng.uniform(0.15, 0.34) * self.h
            half = rng.uniform(0.7, 1.1) * step
            col = _mix(self.palette.silhouette, self.palette.sky_horizon, 0.35)
            self.draw.polygon(
                [
                    self._xy(x - half, self.horizon + 2),
                    self._xy(x, peak),
                    self._xy(x + half, self.horizon + 2),
                ],
                fill=col,
            )
            cap = 0.28
            self.draw.polygon(
                [
                    self._xy(x - half * cap, peak + (self.horizon - peak) * cap),
                    self._xy(x, peak),
                    self._xy(x + half * cap, peak + (self.horizon - peak) * cap),
                ],
                fill=_mix((240, 244, 250), self.palette.sky_horizon, 0.25),
            )

    def _city(self) -> None:
        step, pal = 0.075 * self.w, self.palette
        win = (
            (255, 214, 120)
            if pal.night or self.scene.time_of_day is TimeOfDay.dusk
            else _mix(pal.silhouette, pal.sky_top, 0.5)
        )
        for k in self._slots(step):
            rng = self._rng("city", k)
            x0 = k * step + rng.uniform(-0.1, 0.1) * step
            bw, bh = step * rng.uniform(0.75, 1.05), self.h * rng.uniform(0.1, 0.38)
            top = self.horizon - bh
            shade = _mix(pal.silhouette, (0, 0, 0), rng.uniform(0.0, 0.3))
            self.draw.rectangle((*self._xy(x0, top), *self._xy(x0 + bw, self.horizon + 2)), fill=shade)
            ws = max(2.0, 0.012 * self.h)
            for wy in np.arange(top + ws, self.horizon - ws, 2.2 * ws):
                for wx in np.arange(x0 + ws, x0 + bw - ws, 2.2 * ws):
                    if rng.random() < 0.45:
                        self.draw.rectangle((*self._xy(wx, wy), *self._xy(wx + ws, wy + ws)), fill=win)

    def _forest(self) -> None:
        pal = self.palette
        for row, (step, scale, dark) in enumerate(((0.05 * self.w, 0.6, 0.45), (0.09 * self.w, 1.0, 0.2))):
            leaf = _mix((46, 110, 58), pal.silhouette, 0.3 + dark) if not pal.night else (16, 30, 24)
            for k in self._slots(step):
                rng = self._rng(f"forest{row}", k)
                x = (k + rng.uniform(0.1, 0.9)) * step
                base = self.horizon + row * 0.04 * self.h
                th = self.h * scale * rng.uniform(0.14, 0.24)
                tw = th * rng.uniform(0.35, 0.5)
                self.draw.rectangle(
                    (*self._xy(x - tw * 0.08, base - th * 0.3), *self._xy(x + tw * 0.08, base)),
                    fill=(70, 48, 30),
                )
                self.draw.polygon(
                    [
                        self._xy(x - tw / 2, base - th * 0.25),
                        self._xy(x, base - th),
                        self._xy(x + tw / 2, base - th * 0.25),
                    ],
                    fill=leaf,
                )

    def _desert(self) -> None:
        xs = np.arange(self.left, self.right + 8, 8.0)
        ys = self.horizon - 0.05 * self.h * (1 + np.sin(xs / (0.21 * self.w) + self.seed % 7))
        pts = [self._xy(x, y) for x, y in zip(xs, ys, strict=True)]
        self.draw.polygon(
            [*pts, self._xy(self.right, self.horizon + 2), self._xy(self.left, self.horizon + 2)],
            fill=(214, 170, 110),
        )
        step = 0.4 * self.w
        for k in self._slots(step):
            rng = self._rng("cactus", k)
            x, base, ch = (k + rng.uniform(0.2, 0.8)) * step, self.horizon + 0.1 * self.h, 0.1 * self.h
            green, w = (60, 110, 60), max(2, int(0.012 * self.h))
            self.draw.line([self._xy(x, base), self._xy(x, base - ch)], fill=green, width=w)
            self.draw.line(
                [
                    self._xy(x - 0.03 * self.h, base - 0.7 * ch),
                    self._xy(x - 0.03 * self.h, base - 0.4 * ch),
                    self._xy(x, base - 0.4 * ch),
                ],
                fill=green,
                width=w,
            )

    def _sea(self) -> None:
        pal, shore = self.palette, self.horizon + 0.3 * (self.h - self.horizon)
        water = _mix((40, 96, 150), pal.sky_horizon, 0.25) if not pal.night else (14, 22, 44)
        self.draw.rectangle((*self._xy(self.left, self.horizon), *self._xy(self.right, shore)), fill=water)
        self.draw.rectangle(
            (*self._xy(self.left, shore), *self._xy(self.right, self.bottom)),
            fill=_mix((214, 192, 146), pal.ground_near, 0.35),
        )
        rng = self._rng("waves", 0)
        for _ in range(int((self.right - self.left) / 30)):
            x, y = rng.uniform(self.left, self.right), rng.uniform(self.horizon + 3, shore - 3)
            lw = 0.02 * self.w * (0.5 + (y - self.horizon) / max(1.0, shore - self.horizon))
            self.draw.line([self._xy(x, y), self._xy(x + lw, y)], fill=_mix(water, (255, 255, 255), 0.35))

    def _hills(self) -> None:
        xs = np.arange(self.left, self.right + 8, 8.0)
        ys = self.horizon - 0.06 * self.h * (1 + np.sin(xs / (0.17 * self.w) + self.seed % 5))
        pts = [self._xy(x, y) for x, y in zip(xs, ys, strict=True)]
        col = _mix(self.palette.ground_far, self.palette.sky_horizon, 0.3)
        self.draw.polygon(
            [*pts, self._xy(self.right, self.horizon + 2), self._xy(self.left, self.horizon + 2)], fill=col
        )

    def _room(self) -> None:
        pal, h = self.palette, self.h
        self.draw.rectangle(
            (*self._xy(self.left, self.horizon - 0.02 * h), *self._xy(self.right, self.horizon)),
            fill=(90, 70, 56),
        )
        step = 0.55 * self.w
        for k in self._slots(step):
            rng = self._rng("room", k)
            x = k * step + 0.15 * step
            if k % 2 == 0:  # a window onto the time of day
                top, bottom, ww = self.horizon - 0.5 * h, self.horizon - 0.18 * h, 0.42 * step
                self.draw.rectangle(
                    (*self._xy(x, top), *self._xy(x + ww, bottom)),
                    fill=pal.sky_horizon,
                    outline=(250, 246, 236),
                    width=max(2, int(0.01 * h)),
                )
                self.draw.line(
                    [self._xy(x + ww / 2, top), self._xy(x + ww / 2, bottom)],
                    fill=(250, 246, 236),
                    width=max(2, int(0.008 * h)),
                )
            else:  # a door or a picture
                if rng.random() < 0.5:
                    self.draw.rectangle(
                        (*self._xy(x, self.horizon - 0.42 * h), *self._xy(x + 0.2 * step, self.horizon)),
                        fill=(120, 84, 58),
                    )
                else:
                    self.draw.rectangle(
                        (
                            *self._xy(x, self.horizon - 0.42 * h),
                            *self._xy(x + 0.3 * step, self.horizon - 0.25 * h),
                        ),
                        fill=(70, 110, 140),
                        outline=(60, 44, 30),
                        width=3,
                    )

    def _space(self) -> None:
        r = 0.22 * self.h
        cx, cy = self._xy(0.25 * self.w, self.horizon - 0.35 * self.h)
        self.draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(70, 110, 170))
        self.draw.ellipse((cx - 0.7 * r, cy - 0.9 * r, cx + 0.9 * r, cy + 0.4 * r), fill=(96, 146, 196))
        self.draw.line(
            [self._xy(self.left, self.horizon), self._xy(self.right, self.horizon)],
            fill=(140, 150, 170),
            width=max(2, int(0.006 * self.h)),
        )


def _tint(img: Image.Image, palette: str) -> Image.Image:
    """Scene palette words as a one-time grade of the set (warm, cold, noir, pastel...)."""
    words = palette.lower()
    if any(w in words for w in ("noir", "monochrome", "black and white", "b&w", "grey", "gray")):
        return img.convert("L").convert("RGB")
    gains = None
    if any(w in words for w in ("warm", "golden", "amber", "sunset")):
        gains = (1.08, 1.0, 0.88)
    elif any(w in words for w in ("cold", "cool", "blue", "icy", "teal")):
        gains = (0.88, 0.98, 1.1)
    if gains is not None:
        arr = np.asarray(img, np.float32) * np.asarray(gains, np.float32)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if "pastel" in words or "muted" in words:
        img = Image.blend(img, Image.new("RGB", img.size, (235, 230, 225)), 0.25)
    return img

"""Weather drawn over the picture: rain, snow, fog, dust and storms.

The particles themselves live in the physics simulation (metres, pushed by the wind; see
physics.py); this layer only maps them onto the frame — the weather fills the air between the
camera and the set, so it is drawn in screen space — and adds haze and lightning.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from engine.previz.physics import particle_velocity_ms
from film import Physics, Weather

WEATHER_EXTENT_M = (16.0, 9.0)
"""The slab of air (width, height in metres) the frame shows weather in."""


GRADES: dict[Weather, tuple[tuple[float, float, float], float]] = {
    Weather.rain: ((0.78, 0.82, 0.9), 0.25),
    Weather.storm: ((0.55, 0.58, 0.68), 0.35),
    Weather.snow: ((1.0, 1.03, 1.08), 0.3),
    Weather.fog: ((1.0, 1.0, 1.02), 0.45),
    Weather.dust: ((1.05, 0.95, 0.8), 0.2),
}
"""Per weather: light (RGB gains) and how much colour it washes out — overcast is dim and
grey, snow cold and bright, dust warm and flat."""


def weather_grade(weather: Weather) -> Callable[[Image.Image], Image.Image]:
    """A once-per-shot grade of the set for the weather's light (alpha, if any, is kept)."""
    if weather not in GRADES:
        return lambda img: img
    gains, wash = GRADES[weather]

    def grade(img: Image.Image) -> Image.Image:
        arr = np.asarray(img).astype(np.float32)
        rgb = arr[..., :3]
        grey = rgb.mean(axis=2, keepdims=True)
        rgb = (rgb * (1 - wash) + grey * wash) * np.asarray(gains, np.float32)
        arr[..., :3] = rgb
        return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))

    return grade


class WeatherLayer:
    """The weather of one shot at a given frame size; `apply` draws it onto a frame."""

    def __init__(self, physics: Physics, width: int, height: int, fps: int, seed: int) -> None:
        self.kind = physics.weather
        self.w, self.h, self.fps = width, height, fps
        rng = np.random.default_rng([seed, 11])
        self.sx, self.sy = width / WEATHER_EXTENT_M[0], height / WEATHER_EXTENT_M[1]
        vx, vy = particle_velocity_ms(physics)
        scale = height / 480
        self.streak = 14.0 * scale
        speed = max(1e-6, float(np.hypot(vx * self.sx, vy * self.sy)))
        self.streak_dx = self.streak * vx * self.sx / speed  # streaks follow the wind-bent fall
        self.streak_dy = -self.streak * vy * self.sy / speed
        haze = {
            Weather.fog: ((200, 204, 210), 0.42),
            Weather.dust: ((196, 160, 110), 0.3),
            Weather.storm: ((70, 76, 90), 0.25),
            Weather.rain: ((120, 128, 140), 0.12),
        }
        self.haze = haze.get(self.kind)
        self._haze_lut = _haze_table(*self.haze) if self.haze else None
        self.flash_frames = {int(f * fps) + k for f in rng.uniform(0.5, 60, 8) for k in (0, 2)}

    def to_screen(self, particles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World particle positions (m, y up, x centred) → screen pixels."""
        return (particles[:, 0] + WEATHER_EXTENT_M[0] / 2) * self.sx, self.h - particles[:, 1] * self.sy

    def apply(self, frame: Image.Image, i: int, particles: np.ndarray) -> Image.Image:
        if self.kind is Weather.clear and not len(particles):
            return frame
        if self._haze_lut is not None:
            frame = frame.point(self._haze_lut)  # the blend toward the haze colour, as a lookup
        if self.kind is Weather.storm and i in self.flash_frames:
            frame = Image.blend(frame, Image.new("RGB", frame.size, (240, 240, 255)), 0.55)
        if not len(particles):
            return frame
        xs, ys = self.to_screen(particles)
        draw = ImageDraw.Draw(frame)
        if self.kind in (Weather.rain, Weather.storm):
            dx, dy = self.streak_dx, self.streak_dy
            for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
                draw.line([(x, y), (x - dx, y - dy)], fill=(196, 206, 222))
        elif self.kind is Weather.snow:
            r = max(1.0, 1.6 * self.h / 480)
            for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
                draw.ellipse((x - r, y - r, x + r, y + r), fill=(246, 248, 252))
        else:
            for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
                draw.point((x, y), fill=(222, 190, 140))
        return frame


def _haze_table(colour: tuple[int, int, int], amount: float) -> list[int]:
    """Per-channel lookup for `Image.blend(frame, flat colour, amount)`: the same pixels at a
    fraction of the cost, since the haze is a flat colour."""
    return [round(v * (1 - amount) + c * amount) for c in colour for v in range(256)]

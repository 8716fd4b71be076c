"""Weather as particles and haze drawn over the picture: rain, snow, fog, dust and storms.

Particles are seeded per shot and move on closed-form paths (position = start + velocity·t,
wrapped), so any frame can be drawn without simulating the ones before it.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from film import Physics, Weather


class WeatherLayer:
    """The weather of one shot at a given frame size; `apply` draws it onto a frame."""

    def __init__(self, physics: Physics, width: int, height: int, fps: int, seed: int) -> None:
        self.kind = physics.weather
        self.w, self.h, self.fps = width, height, fps
        rng = np.random.default_rng([seed, 11])
        wind_x = float(np.clip(physics.wind_ms[0], -30, 30))
        density = {
            Weather.rain: 1 / 1400,
            Weather.storm: 1 / 700,
            Weather.snow: 1 / 1800,
            Weather.dust: 1 / 2600,
        }
        n = int(width * height * density.get(self.kind, 0.0))
        self.x0 = rng.uniform(0, width, n)
        self.y0 = rng.uniform(0, height, n)
        self.speed = rng.uniform(0.8, 1.2, n)
        self.phase = rng.uniform(0, 2 * np.pi, n)
        scale = height / 480
        if self.kind in (Weather.rain, Weather.storm):
            self.vy, self.vx = 900.0 * scale, (wind_x * 25 + 60) * scale
            self.streak = 14.0 * scale
        elif self.kind is Weather.snow:
            self.vy, self.vx = 60.0 * scale, wind_x * 12 * scale
        else:
            self.vy, self.vx = 6.0 * scale, (wind_x * 20 + 40) * scale
        haze = {
            Weather.fog: ((200, 204, 210), 0.42),
            Weather.dust: ((196, 160, 110), 0.3),
            Weather.storm: ((70, 76, 90), 0.25),
            Weather.rain: ((120, 128, 140), 0.12),
        }
        self.haze = haze.get(self.kind)
        self._haze_img = Image.new("RGB", (width, height), self.haze[0]) if self.haze else None
        self.flash_frames = {int(f * fps) + k for f in rng.uniform(0.5, 60, 8) for k in (0, 2)}

    def apply(self, frame: Image.Image, i: int) -> Image.Image:
        if self.kind is Weather.clear:
            return frame
        t = i / self.fps
        if self._haze_img is not None and self.haze is not None:
            frame = Image.blend(frame, self._haze_img, self.haze[1])
        if self.kind is Weather.storm and i in self.flash_frames:
            frame = Image.blend(frame, Image.new("RGB", frame.size, (240, 240, 255)), 0.55)
        xs = (self.x0 + self.vx * t * self.speed) % (self.w + 40) - 20
        ys = (self.y0 + self.vy * t * self.speed) % (self.h + 40) - 20
        draw = ImageDraw.Draw(frame)
        if self.kind in (Weather.rain, Weather.storm):
            dx = self.streak * self.vx / self.vy
            for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
                draw.line([(x, y), (x - dx, y - self.streak)], fill=(196, 206, 222))
        elif self.kind is Weather.snow:
            xs = xs + 6 * np.sin(t * 1.5 + self.phase) * self.h / 480
            r = max(1.0, 1.6 * self.h / 480)
            for x, y, s in zip(xs.tolist(), ys.tolist(), self.speed.tolist(), strict=True):
                draw.ellipse((x - r * s, y - r * s, x + r * s, y + r * s), fill=(246, 248, 252))
        elif self.kind is Weather.dust:
            for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
                draw.point((x, y), fill=(222, 190, 140))
        return frame

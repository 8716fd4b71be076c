"""Motion graphics for ads, composited with moviepy: the kinetic hook title, burned captions,
the call-to-action button, the logo sting, the countdown bar and the legal line.

Each `film.timeline.Graphic` becomes one moviepy composite the size of its box, built once per
assembly: lettering and plates are drawn as RGBA pictures (the house lettering, or the brand's
font file), and moviepy times, moves, scales and fades them. The cutter asks for the composite's
picture and mask at each frame inside the graphic's window and lays it on the decoded frame, so
only those frames are re-encoded. Everything is a pure function of the Graphic: the same ad
gives the same pixels.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from moviepy import CompositeVideoClip, ImageClip, VideoClip, vfx
from PIL import Image, ImageDraw, ImageFont

from engine.cutting.lettering import draw_text, font, text_width
from film.timeline import Graphic

RGB = tuple[int, int, int]
POP_S = 0.25
"""How long a button or logo takes to pop in; words of a kinetic title follow each other faster."""
Drawn = tuple[list["VideoClip"], float]
"""A graphic's moviepy clips, and the second after which its picture stops changing."""


def rgb(colour: str) -> RGB:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


class Face:
    """A size of the lettering a graphic is set in: the house lettering (every script), or the
    brand's own font file when the kit names one."""

    def __init__(self, size: int, *, bold: bool, path: str = "") -> None:
        self.size = max(6, size)
        self.house = font(self.size, bold=bold)
        self.pil = ImageFont.truetype(path, self.size) if path else None

    def width(self, text: str) -> float:
        return self.pil.getlength(text) if self.pil is not None else text_width(text, self.house)

    def draw(self, img: Image.Image, xy: tuple[float, float], text: str, fill: tuple[int, ...]) -> None:
        if self.pil is None:
            draw_text(img, xy, text, self.house, fill)
        else:
            ImageDraw.Draw(img).text(xy, text, font=self.pil, fill=fill)

    def wrap(self, text: str, max_width: float, max_lines: int) -> list[str]:
        """Greedy wrap at spaces; the last line keeps the rest (and is shrunk to fit by the caller)."""
        lines: list[str] = []
        for word in text.split():
            fits = bool(lines) and self.width(f"{lines[-1]} {word}") <= max_width
            if fits or len(lines) == max_lines:
                lines[-1] = f"{lines[-1]} {word}"
            else:
                lines.append(word)
        return lines or [""]


def fitted(text: str, width: int, height: int, lines: int, *, bold: bool, path: str,
           most: int = 0) -> tuple[Face, list[str]]:  # fmt: skip
    """The biggest face (at most a line's share of `height`, and `most` px when given) whose
    wrap of `text` fits the box."""
    size = max(6, int(height / (lines * 1.3)))
    size = min(size, most) if most else size
    while True:
        face = Face(size, bold=bold, path=path)
        wrapped = face.wrap(text, width, lines)
        fits = len(wrapped) * size * 1.3 <= height and all(face.width(w) <= width for w in wrapped)
        if fits or size <= 8:
            return face, wrapped
        size = max(8, int(size * 0.9))


def plate(w: int, h: int, colour: RGB, alpha: int, radius: int) -> Image.Image:
    img = Image.new("RGBA", (max(1, w), max(1, h)), (0, 0, 0, 0))
    ImageDraw.Draw(img).rounded_rectangle((0, 0, w - 1, h - 1), radius=radius, fill=(*colour, alpha))
    return img


def lettered(
    lines: Sequence[str], face: Face, fg: RGB, box_w: int, bg: RGB | None, alpha: int = 224
) -> Image.Image:
    """Lines centred on a rounded plate of `bg` (none when `bg` is None), as one RGBA picture."""
    line_h = round(face.size * 1.3)
    pad = max(2, face.size // 3)
    w = min(box_w, math.ceil(max(face.width(line) for line in lines)) + 2 * pad)
    img = (
        plate(w, line_h * len(lines) + 2 * pad, bg, alpha, pad)
        if bg
        else Image.new("RGBA", (w, line_h * len(lines) + 2 * pad), (0, 0, 0, 0))
    )
    for k, line in enumerate(lines):
        face.draw(img, ((w - face.width(line)) / 2, pad + k * line_h + face.size * 0.1), line, (*fg, 255))
    return img


def _still(img: Image.Image, duration: float) -> ImageClip:
    return ImageClip(np.asarray(img), transparent=True).with_duration(duration)


def _centre(img: Image.Image, w: int, h: int) -> tuple[int, int]:
    return (w - img.width) // 2, (h - img.height) // 2


def _kinetic(g: Graphic, w: int, h: int, d: float) -> Drawn:
    """The hook's words one after another, each sliding up into place on the brand plate."""
    face, lines = fitted(g.text, round(w * 0.92), h, 3, bold=True, path=g.font)
    back = lettered(lines, face, rgb(g.bg), w, rgb(g.bg), 200)  # the plate alone, words drawn on top
    x0, y0 = _centre(back, w, h)
    clips: list[VideoClip] = [_still(back, d).with_position((x0, y0)).with_effects([vfx.CrossFadeIn(0.12)])]
    words = [(k, word) for k, line in enumerate(lines) for word in line.split()]
    step = min(0.18, 0.5 * d / max(1, len(words)))
    line_h, pad = round(face.size * 1.3), max(2, face.size // 3)
    widths = [face.width(line) for line in lines]
    cursor = [(back.width - wl) / 2 for wl in widths]
    for n, (k, word) in enumerate(words):
        pic = Image.new("RGBA", (math.ceil(face.width(word)) + 2, line_h), (0, 0, 0, 0))
        face.draw(pic, (1, face.size * 0.1), word, (*rgb(g.fg), 255))
        x, y = x0 + cursor[k], y0 + pad + k * line_h
        cursor[k] += face.width(word + " ")
        start = n * step
        rise = _rise(x, y, line_h * 0.35)
        clips.append(
            _still(pic, d - start).with_start(start).with_position(rise).with_effects([vfx.CrossFadeIn(0.15)])
        )
    return clips, max(0.12, (len(words) - 1) * step + 0.15)


def _rise(x: float, y: float, by: float) -> Callable[[float], tuple[float, float]]:
    return lambda t: (x, y + by * max(0.0, 1 - t / 0.15))


def _caption(g: Graphic, w: int, h: int, d: float) -> Drawn:
    face, lines = fitted(g.text, round(w * 0.94), h, 2, bold=False, path=g.font, most=max(12, w // 13))
    pic = lettered(lines, face, rgb(g.fg), w, rgb(g.bg))
    return [_still(pic, d).with_position(_centre(pic, w, h)).with_effects([vfx.CrossFadeIn(0.1)])], 0.1


def _cta(g: Graphic, w: int, h: int, d: float) -> Drawn:
    """The offer line over a button that pops in; the button is the brand plate with its words."""
    offer_h = round(h * 0.38) if g.subtitle else 0
    clips: list[VideoClip] = []
    if g.subtitle:
        face, lines = fitted(g.subtitle, round(w * 0.96), offer_h, 2, bold=False, path=g.font)
        pic = lettered(lines, face, rgb(g.fg), w, rgb(g.bg), 200)
        clips.append(
            _still(pic, d).with_position(((w - pic.width) // 2, 0)).with_effects([vfx.CrossFadeIn(0.2)])
        )
    face, lines = fitted(g.text, round(w * 0.7), round((h - offer_h) * 0.6), 1, bold=True, path=g.font)
    words = lines[0]
    bw = max(math.ceil(face.width(words)) + 2 * max(2, face.size // 3), round(w * 0.5))
    bh = round((h - offer_h) * 0.9)
    button = plate(bw, bh, rgb(g.bg), 255, bh // 3)
    face.draw(button, ((bw - face.width(words)) / 2, (bh - face.size * 1.2) / 2), words, (*rgb(g.fg), 255))
    x, y = (w - bw) // 2, offer_h + (h - offer_h - bh) // 2
    clips.append(_scaled_in(button, x, y, d, lambda t: 0.6 + 0.4 * min(1.0, t / POP_S), 0.1))
    return clips, POP_S


def _scaled_in(pic: Image.Image, x: int, y: int, d: float, scale: Callable[[float], float],
               fade: float) -> VideoClip:  # fmt: skip
    """`pic` at (x, y), scaled by `scale(t)` about its centre while it fades in over `fade` s."""

    def at(t: float) -> tuple[float, float]:
        k = scale(t)
        return x + pic.width * (1 - k) / 2, y + pic.height * (1 - k) / 2

    clip = _still(pic, d).with_effects([vfx.Resize(scale)]).with_position(at)
    return clip.with_effects([vfx.CrossFadeIn(fade)])


def _logo(g: Graphic, w: int, h: int, d: float) -> Drawn:
    """The sting: the logo (or the brand's name on its plate) settles from 130 % as it fades in."""
    if g.image:
        pic = _logo_file(g.image, w, h)
    else:
        face, lines = fitted(g.text, round(w * 0.9), round(h * 0.8), 1, bold=True, path=g.font)
        pic = lettered(lines, face, rgb(g.fg), w, rgb(g.bg), 255)
    x, y = _centre(pic, w, h)
    return [_scaled_in(pic, x, y, d, lambda t: 1.3 - 0.3 * min(1.0, t / (2 * POP_S)), 2 * POP_S)], 2 * POP_S


@lru_cache(maxsize=8)
def _logo_file(path: str, w: int, h: int) -> Image.Image:
    with Image.open(Path(path)) as img:
        pic = img.convert("RGBA")
    k = min(w / pic.width, h / pic.height) / 1.3  # room for the sting's overshoot
    return pic.resize((max(1, round(pic.width * k)), max(1, round(pic.height * k))), Image.Resampling.LANCZOS)


def _countdown(g: Graphic, w: int, h: int, d: float) -> Drawn:
    """A bar draining from full to empty over the window, its label above it."""
    label_h = round(h * 0.55) if g.text else 0
    clips: list[VideoClip] = []
    if g.text:
        face, lines = fitted(g.text, w, label_h, 1, bold=True, path=g.font)
        pic = lettered(lines, face, rgb(g.fg), w, rgb(g.bg))
        clips.append(_still(pic, d).with_position(((w - pic.width) // 2, 0)))
    bar_h = max(4, h - label_h - 2)
    track, fill = rgb(g.bg), rgb(g.fg)

    def picture(t: float) -> np.ndarray:
        out = np.empty((bar_h, w, 3), np.uint8)
        out[:] = track
        out[:, : round(w * max(0.0, 1 - t / d))] = fill
        return out

    bar = VideoClip(picture, duration=d)
    bar = bar.with_mask(VideoClip(lambda t: np.full((bar_h, w), 0.9), is_mask=True, duration=d))
    clips.append(bar.with_position((0, label_h + 1)))
    return clips, math.inf  # the bar moves to the last frame


def _legal(g: Graphic, w: int, h: int, d: float) -> Drawn:
    face, lines = fitted(g.text, round(w * 0.98), h, 2, bold=False, path=g.font)
    pic = lettered(lines, face, rgb(g.fg), w, rgb(g.bg), 200)
    return [_still(pic, d).with_position(_centre(pic, w, h))], 0.0


DRAWN: dict[str, Callable[[Graphic, int, int, float], Drawn]] = {
    "kinetic": _kinetic,
    "caption": _caption,
    "cta": _cta,
    "logo": _logo,
    "countdown": _countdown,
    "legal": _legal,
}


@dataclass
class _Built:
    """One graphic's composite in place, and once it has settled, its blend terms `p*a` and
    `1-a`, so every still frame after that costs one multiply-add instead of a moviepy render."""

    comp: CompositeVideoClip
    box: tuple[int, int, int, int]
    settle_s: float
    still: tuple[np.ndarray, np.ndarray] | None = None

    def layer(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        if self.still is not None:
            return self.still
        picture = self.comp.get_frame(t).astype(np.float32)
        assert self.comp.mask is not None
        alpha = self.comp.mask.get_frame(t).astype(np.float32)[..., None]
        terms = (picture * alpha, 1 - alpha)
        if t > self.settle_s + 1e-6:
            self.still = terms
        return terms


class GraphicsLayer:
    """The timeline's graphics, composited per frame: each built into a moviepy composite on
    first use and kept for the rest of the assembly."""

    def __init__(self, graphics: Sequence[Graphic], width: int, height: int, fps: int) -> None:
        self.graphics, self.width, self.height, self.fps = tuple(graphics), width, height, fps
        self._built: dict[int, _Built] = {}

    def __bool__(self) -> bool:
        return bool(self.graphics)

    def _composite(self, k: int) -> _Built:
        if k not in self._built:
            g = self.graphics[k]
            left, top, right, bottom = g.box
            x0, y0 = round(left * self.width), round(top * self.height)
            x1, y1 = round(right * self.width), round(bottom * self.height)
            w, h, d = max(2, x1 - x0), max(2, y1 - y0), g.frames / self.fps
            clips, settle_s = DRAWN[g.kind](g, w, h, d)
            comp = CompositeVideoClip(clips, size=(w, h), bg_color=None).with_duration(d)
            self._built[k] = _Built(comp, (x0, y0, x0 + w, y0 + h), settle_s)
        return self._built[k]

    def paint(self, frame: np.ndarray, film_frame: int) -> np.ndarray:
        """`frame` (film frame `film_frame`) with every graphic showing then laid on it."""
        out: np.ndarray | None = None
        for k, g in enumerate(self.graphics):
            if not g.start_frame <= film_frame < g.start_frame + g.frames:
                continue
            built = self._composite(k)
            x0, y0, x1, y1 = built.box
            pa, keep = built.layer((film_frame - g.start_frame) / self.fps)
            out = frame.copy() if out is None else out
            x1, y1 = min(x1, out.shape[1]), min(y1, out.shape[0])
            region = out[y0:y1, x0:x1].astype(np.float32)
            pa, keep = pa[: y1 - y0, : x1 - x0], keep[: y1 - y0, : x1 - x0]
            out[y0:y1, x0:x1] = (region * keep + pa).round().clip(0, 255).astype(np.uint8)
        return frame if out is None else out

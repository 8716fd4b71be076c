"""Everything the assembler draws: title/end cards, lower thirds, chapter and end titles.

Cards are whole frames of their own; overlays are painted onto decoded clip frames inside the
short window the assembler re-encodes, so a name tag never costs a full-take re-encode. An
overlay's lettering is drawn once and only faded per frame.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from engine.cutting.lettering import cached, draw_text, ellipsize, font, text_width, wrap
from engine.marking import Marker
from engine.media import FrameWriter
from film import TitleCard
from film.disclosure import AI_LABEL
from film.timeline import Overlay


def title_frame(card: TitleCard, width: int, height: int, language: str = "") -> np.ndarray:
    """The title card's picture: big title, smaller subtitle, a disclosure line, dark ground."""
    rows = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    bg = np.asarray((26, 28, 40), np.float32) * (1 - rows) + np.asarray((8, 8, 12), np.float32) * rows
    img = Image.fromarray(
        np.ascontiguousarray(np.broadcast_to(bg[:, None, :], (height, width, 3))).astype(np.uint8)
    )
    _centred_text(img, card.text, card.subtitle, language)
    short = min(width, height)
    tiny = font(round(0.026 * short), language=language)
    note_y = height - round(0.07 * short)
    draw_text(img, ((width - text_width(AI_LABEL, tiny)) / 2, note_y), AI_LABEL, tiny, (110, 114, 128))
    return np.asarray(img)


def _centred_text(img: Image.Image, text: str, subtitle: str, language: str) -> None:
    width, height = img.size
    short = min(width, height)
    big = font(round(0.09 * short), bold=True, language=language)
    small = font(round(0.042 * short), language=language)
    title = wrap(text, big, 0.88 * width, 3)
    sub = wrap(subtitle, small, 0.84 * width, 2) if subtitle else []
    big_h, small_h = round(0.09 * short * 1.25), round(0.042 * short * 1.4)
    block = big_h * len(title) + (small_h * len(sub) + big_h // 2 if sub else 0)
    y = (height - block) / 2
    for line in title:
        draw_text(img, ((width - text_width(line, big)) / 2, y), line, big, (244, 240, 228))
        y += big_h
    y += big_h // 2
    for line in sub:
        draw_text(img, ((width - text_width(line, small)) / 2, y), line, small, (186, 190, 204))
        y += small_h


def render_title_card(
    card: TitleCard,
    width: int,
    height: int,
    fps: int,
    dest: Path,
    *,
    fade_out: bool = False,
    language: str = "",
) -> Path:
    """Exactly `card.frames` frames of the card, fading up from black over half a second (and, for
    an end card, back down to black)."""
    still = title_frame(card, width, height, language).astype(np.float32)
    fade = min(fps // 2, card.frames // 4)
    with FrameWriter(dest, width, height, fps, mark=Marker(width, height, bug="off")) as writer:
        for i in range(card.frames):
            k = min(1.0, (i + 1) / (fade + 1)) if fade else 1.0
            if fade_out and fade:
                k = min(k, (card.frames - i) / (fade + 1))
            writer.write(still.astype(np.uint8) if k >= 1.0 else (still * k).astype(np.uint8))
    return dest


def _ramp(i: int, frames: int) -> float:
    """Opacity of an overlay on its i-th frame: a quarter-second-ish ease in and out."""
    edge = max(1, min(6, frames // 4))
    return min(1.0, (i + 1) / edge, (frames - i) / edge)


def paint_overlay(frame: np.ndarray, overlay: Overlay, i: int, language: str = "") -> np.ndarray:
    """`frame` with the overlay's i-th frame (0-based inside the overlay) painted on."""
    alpha = _ramp(i, overlay.frames)
    height, width = frame.shape[:2]
    if overlay.kind == "lower_third":
        return _lower_third(frame, overlay, alpha, language)
    # chapter and end titles: darken the picture, then centred text
    dim = 0.35 if overlay.kind == "chapter" else 0.15
    if overlay.kind == "end":  # the end title settles into near black and stays there
        alpha = min(1.0, (i + 1) / max(1, min(12, overlay.frames // 3)))
    img = Image.fromarray(frame).point(_dimmer(round(1.0 - alpha * (1.0 - dim), 4)))
    (x, y), layer, luma = _title_layer(overlay.text, overlay.subtitle, width, height, language)
    img.paste(layer, (x, y), _faded(luma, alpha))
    return np.asarray(img)


@cached(maxsize=64)
def _dimmer(k: float) -> list[int]:
    """The darkening of a whole frame by `k` as a per-channel lookup: one pass in C, not a float
    copy of the frame."""
    return [int(v * k) for v in range(256)] * 3


def _faded(luma: Image.Image, alpha: float) -> Image.Image:
    """The paste mask at `alpha`: the lettering's coverage scaled through a lookup table."""
    return luma.point([round(v * alpha) for v in range(256)])


@cached(maxsize=4)
def _title_layer(
    text: str, subtitle: str, width: int, height: int, language: str
) -> tuple[tuple[int, int], Image.Image, Image.Image]:
    """Where the centred lettering goes, the lettering cut to its box, and its alpha as the paste
    mask (drawn once per title; pasting only the box leaves the rest of the frame alone)."""
    layer = Image.new("RGBA", (width, height))
    _centred_text(layer, text, subtitle, language)
    box = layer.getbbox(alpha_only=True) or (0, 0, 1, 1)
    cut = layer.crop(box)
    return (box[0], box[1]), cut, cut.getchannel("A")


@cached(maxsize=4)
def _name_plate(
    text: str, subtitle: str, width: int, height: int, language: str
) -> tuple[tuple[int, int, int, int], tuple[int, int], Image.Image, Image.Image]:
    """A lower third's box (x0, y0, x1, y1), where its lettering goes, the lettering cut to its
    own box, and that cut's alpha."""
    short = min(width, height)
    name_f = font(round(0.05 * short), bold=True, language=language)
    role_f = font(round(0.032 * short), language=language)
    name = ellipsize(text, name_f, 0.6 * width)
    role = ellipsize(subtitle, role_f, 0.6 * width) if subtitle else ""
    pad = round(0.02 * short)
    box_w = round(max(text_width(name, name_f), text_width(role, role_f) if role else 0.0) + 3 * pad)
    box_h = round(0.05 * short * 1.3 + (0.032 * short * 1.4 if role else 0) + 2 * pad)
    x0, y1 = round(0.05 * width), round(0.78 * height)  # clear of the previz shot card below
    y0 = y1 - box_h
    layer = Image.new("RGBA", (width, height))
    draw_text(layer, (x0 + 2 * pad, y0 + pad), name, name_f, (250, 248, 240, 255))
    if role:
        role_y = y0 + pad + round(0.05 * short * 1.3)
        draw_text(layer, (x0 + 2 * pad, role_y), role, role_f, (200, 204, 214, 255))
    ink = layer.getbbox(alpha_only=True) or (0, 0, 1, 1)
    cut = layer.crop(ink)
    return (x0, y0, x0 + box_w, y1), (ink[0], ink[1]), cut, cut.getchannel("A")


def _lower_third(frame: np.ndarray, overlay: Overlay, alpha: float, language: str) -> np.ndarray:
    height, width = frame.shape[:2]
    (x0, y0, x1, y1), at, layer, luma = _name_plate(overlay.text, overlay.subtitle, width, height, language)
    bar = max(2, round(0.02 * min(width, height)) // 3)
    out = frame.copy()  # only the plate's box changes: the rest is copied, not converted
    band = out[y0:y1, x0:x1].astype(np.float32)
    band *= 1.0 - 0.6 * alpha  # a translucent dark band keeps the name legible on any picture
    band[:, :bar] = (1 - alpha) * band[:, :bar] + alpha * 230
    out[y0:y1, x0:x1] = band.clip(0, 255).astype(np.uint8)
    img = Image.fromarray(out)
    img.paste(layer, at, _faded(luma, alpha))
    return np.asarray(img)

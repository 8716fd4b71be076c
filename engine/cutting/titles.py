"""Everything the assembler draws: title/end cards, lower thirds, chapter and end titles.

Cards are whole frames of their own; overlays are painted onto decoded clip frames inside the
short window the assembler re-encodes, so a name tag never costs a full-take re-encode.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from engine.cutting.lettering import ellipsize, font, text_width, wrap
from engine.media import FrameWriter
from film import TitleCard
from film.disclosure import AI_LABEL
from film.timeline import Overlay


def title_frame(card: TitleCard, width: int, height: int) -> np.ndarray:
    """The title card's picture: big title, smaller subtitle, a disclosure line, dark ground."""
    rows = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    bg = np.asarray((26, 28, 40), np.float32) * (1 - rows) + np.asarray((8, 8, 12), np.float32) * rows
    img = Image.fromarray(
        np.ascontiguousarray(np.broadcast_to(bg[:, None, :], (height, width, 3))).astype(np.uint8)
    )
    _centred_text(img, card.text, card.subtitle)
    draw = ImageDraw.Draw(img)
    short = min(width, height)
    tiny = font(round(0.026 * short))
    note_y = height - round(0.07 * short)
    draw.text(((width - text_width(AI_LABEL, tiny)) / 2, note_y), AI_LABEL, font=tiny, fill=(110, 114, 128))
    return np.asarray(img)


def _centred_text(img: Image.Image, text: str, subtitle: str) -> None:
    draw = ImageDraw.Draw(img)
    width, height = img.size
    short = min(width, height)
    big, small = font(round(0.09 * short), bold=True), font(round(0.042 * short))
    title = wrap(text, big, 0.88 * width, 3)
    sub = wrap(subtitle, small, 0.84 * width, 2) if subtitle else []
    big_h, small_h = round(0.09 * short * 1.25), round(0.042 * short * 1.4)
    block = big_h * len(title) + (small_h * len(sub) + big_h // 2 if sub else 0)
    y = (height - block) / 2
    for line in title:
        draw.text(((width - text_width(line, big)) / 2, y), line, font=big, fill=(244, 240, 228))
        y += big_h
    y += big_h // 2
    for line in sub:
        draw.text(((width - text_width(line, small)) / 2, y), line, font=small, fill=(186, 190, 204))
        y += small_h


def render_title_card(
    card: TitleCard, width: int, height: int, fps: int, dest: Path, *, fade_out: bool = False
) -> Path:
    """Exactly `card.frames` frames of the card, fading up from black over half a second (and, for
    an end card, back down to black)."""
    still = title_frame(card, width, height).astype(np.float32)
    fade = min(fps // 2, card.frames // 4)
    with FrameWriter(dest, width, height, fps) as writer:
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


def paint_overlay(frame: np.ndarray, overlay: Overlay, i: int) -> np.ndarray:
    """`frame` with the overlay's i-th frame (0-based inside the overlay) painted on."""
    alpha = _ramp(i, overlay.frames)
    if overlay.kind == "lower_third":
        return _lower_third(frame, overlay, alpha)
    # chapter and end titles: darken the picture, then centred text
    dim = 0.35 if overlay.kind == "chapter" else 0.15
    if overlay.kind == "end":  # the end title settles into near black and stays there
        alpha = min(1.0, (i + 1) / max(1, min(12, overlay.frames // 3)))
    base = frame.astype(np.float32) * (1.0 - alpha * (1.0 - dim))
    img = Image.fromarray(base.astype(np.uint8))
    layer = Image.new("RGB", img.size)
    _centred_text(layer, overlay.text, overlay.subtitle)
    mask = Image.fromarray((np.asarray(layer.convert("L"), np.float32) * alpha).clip(0, 255).astype(np.uint8))
    img.paste(layer, (0, 0), mask)
    return np.asarray(img)


def _lower_third(frame: np.ndarray, overlay: Overlay, alpha: float) -> np.ndarray:
    height, width = frame.shape[:2]
    short = min(width, height)
    name_f, role_f = font(round(0.05 * short), bold=True), font(round(0.032 * short))
    name = ellipsize(overlay.text, name_f, 0.6 * width)
    role = ellipsize(overlay.subtitle, role_f, 0.6 * width) if overlay.subtitle else ""
    pad = round(0.02 * short)
    box_w = round(max(text_width(name, name_f), text_width(role, role_f)) + 3 * pad)
    box_h = round(0.05 * short * 1.3 + (0.032 * short * 1.4 if role else 0) + 2 * pad)
    x0, y1 = round(0.05 * width), round(0.78 * height)  # clear of the previz shot card below
    y0 = y1 - box_h
    out = frame.astype(np.float32)
    band = out[y0:y1, x0 : x0 + box_w]
    band *= 1.0 - 0.6 * alpha  # a translucent dark band keeps the name legible on any picture
    out[y0:y1, x0 : x0 + max(2, pad // 3)] = (1 - alpha) * out[
        y0:y1, x0 : x0 + max(2, pad // 3)
    ] + alpha * 230
    img = Image.fromarray(out.clip(0, 255).astype(np.uint8))
    layer = Image.new("RGB", img.size)
    draw = ImageDraw.Draw(layer)
    draw.text((x0 + 2 * pad, y0 + pad), name, font=name_f, fill=(250, 248, 240))
    if role:
        draw.text(
            (x0 + 2 * pad, y0 + pad + round(0.05 * short * 1.3)), role, font=role_f, fill=(200, 204, 214)
        )
    mask = Image.fromarray((np.asarray(layer.convert("L"), np.float32) * alpha).clip(0, 255).astype(np.uint8))
    img.paste(layer, (0, 0), mask)
    return np.asarray(img)

"""Fonts and text fitting for everything the engine writes on screen (cards, name tags, titles)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> Font:
    """DejaVu Sans at `size` px, or Pillow's built-in font where DejaVu is not installed."""
    path = _DEJAVU / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    try:
        return ImageFont.truetype(str(path), max(6, size))
    except OSError:
        return ImageFont.load_default(max(6, size))


def text_width(text: str, face: Font) -> float:
    """Rendered width of `text` in pixels."""
    return float(face.getlength(text))


def ellipsize(text: str, face: Font, max_width: float) -> str:
    """`text` cut to fit `max_width` px, ending in an ellipsis when it was cut."""
    text = " ".join(text.split())
    if text_width(text, face) <= max_width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that still fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid].rstrip() + "…", face) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…" if lo else ""


def wrap(text: str, face: Font, max_width: float, max_lines: int) -> list[str]:
    """Greedy word wrap into at most `max_lines` lines; the last one is ellipsized if needed."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if text_width(trial, face) <= max_width or not current:
            current = trial
            continue
        if len(lines) == max_lines - 1:
            current = " ".join([current, *words[i:]])
            break
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    return [ellipsize(line, face, max_width) for line in lines[:max_lines]]


def tag(text: str, size: int, fg: tuple[int, int, int], bg: tuple[int, int, int, int]) -> Image.Image:
    """A small RGBA label: text on a rounded translucent plate (used for name tags)."""
    face = font(size, bold=True)
    pad = max(2, size // 4)
    left, top, right, bottom = face.getbbox(text)
    w, h = int(right - left) + 2 * pad, int(bottom - top) + 2 * pad
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=pad, fill=bg)
    draw.text((pad - left, pad - top), text, font=face, fill=(*fg, 255))
    return img

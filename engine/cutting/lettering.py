"""Lettering: every piece of text the engine puts on screen, in any script.

A line is set once (`typeset`): cut into clusters, each cluster given the first typeface of the
fallback chain that holds it (engine.cutting.typefaces), grouped into runs of one face and one
bidi level, and the runs put in visual order (engine.cutting.bidi). raqm shapes inside each run:
Arabic joins, Devanagari conjuncts, Thai marks. Drawing puts the runs on one baseline; colour
emoji are drawn at their one bitmap size and scaled. Lines, wraps and rendered plates are cached,
because titles and subtitles are redrawn on every frame of the windows that show them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from PIL import Image, ImageDraw, ImageFont

from engine.cutting import typefaces
from engine.cutting.bidi import clusters, levels, visual_order
from engine.cutting.typefaces import BUILTIN, COLOUR_PX, Typeface, choose, cjk_face, pil_font

ELLIPSIS = "…"

Fill = int | tuple[int, ...]
_F = TypeVar("_F", bound=Callable[..., Any])
_CACHES: list[Any] = []
_PROOFS: list[list[Line]] = []


def cached(maxsize: int) -> Callable[[_F], _F]:
    """An lru_cache that `forget()` empties: for anything drawn with the installed fonts."""

    def wrap_cache(fn: _F) -> _F:
        memo = lru_cache(maxsize=maxsize)(fn)
        _CACHES.append(memo)
        return memo  # type: ignore[return-value]

    return wrap_cache


def forget() -> None:
    """Drop every cached line and plate (after the installed fonts change)."""
    for memo in _CACHES:
        memo.cache_clear()


@contextmanager
def proof() -> Iterator[list[Line]]:
    """Collect every line drawn inside the block (caches emptied first, so each is drawn anew)."""
    forget()
    drawn: list[Line] = []
    _PROOFS.append(drawn)
    try:
        yield drawn
    finally:
        _PROOFS.remove(drawn)


@dataclass(frozen=True)
class Font:
    """A size and weight of the house lettering; the typefaces behind it are chosen per cluster.
    `language` (BCP 47) picks the regional forms of Han characters."""

    size: int
    bold: bool = False
    language: str = ""


def font(size: int, bold: bool = False, language: str = "") -> Font:
    return Font(max(6, size), bold, language.lower())


@dataclass(frozen=True)
class Run:
    """Part of a line in one typeface and one direction; `x` is its left edge in the line."""

    text: str
    face: Typeface
    rtl: bool
    x: float
    width: float


@dataclass(frozen=True)
class Line:
    """A typeset line: runs in visual order, left to right; `rtl` is its reading direction, and
    `ascent` how far below the top of the line the baseline sits (the first chain font's ascent,
    so Latin sits exactly where it did when DejaVu was the only font)."""

    text: str
    font: Font
    runs: tuple[Run, ...]
    width: float
    rtl: bool
    ascent: int


def _shaped(pil: ImageFont.FreeTypeFont) -> bool:
    return getattr(pil, "layout_engine", None) == ImageFont.Layout.RAQM


def _direction(pil: ImageFont.FreeTypeFont, rtl: bool) -> dict[str, str]:
    return {"direction": "rtl" if rtl else "ltr"} if _shaped(pil) else {}


def _shown(run: Run, pil: ImageFont.FreeTypeFont) -> str:
    """The run's text as handed to Pillow (basic layout cannot reorder, so RTL is reversed here)."""
    if run.rtl and not _shaped(pil):
        return "".join(reversed(clusters(run.text)))
    return run.text


def typeset(text: str, face: Font) -> Line:
    """`text` set as one line in `face` with the fonts installed now."""
    return _typeset(text, face, typefaces.FONT_DIRS)


@cached(maxsize=4096)
def _typeset(text: str, face: Font, dirs: tuple[Any, ...]) -> Line:
    parts = clusters(text)
    line_levels, rtl = levels(parts)
    chain = typefaces.chain(face.bold, cjk_face(face.language, text), dirs)
    logical: list[tuple[str, Typeface, int]] = []
    before: Typeface | None = None
    for part, level in zip(parts, line_levels, strict=True):
        before = choose(part, chain, before, face.bold, dirs)
        if logical and logical[-1][1:] == (before, level):
            logical[-1] = (logical[-1][0] + part, before, level)
        else:
            logical.append((part, before, level))
    runs, x = [], 0.0
    for i in visual_order([level for _, _, level in logical]):
        run_text, chosen, level = logical[i]
        pil = pil_font(chosen, face.size)
        if chosen.colour:
            width = pil.getlength(run_text) * face.size / COLOUR_PX
        else:
            width = pil.getlength(run_text, **_direction(pil, level % 2 == 1))  # type: ignore[arg-type]
        runs.append(Run(run_text, chosen, level % 2 == 1, x, width))
        x += width
    ascent = pil_font(chain[0] if chain else BUILTIN, face.size).getmetrics()[0]
    return Line(text, face, tuple(runs), x, rtl, ascent)


def fingerprint() -> str:
    """The installed fonts and fallback chain, as a short hash: for cache keys of drawn frames."""
    return typefaces.fingerprint(typefaces.FONT_DIRS)


def text_width(text: str, face: Font) -> float:
    """Rendered width of `text` in pixels."""
    return typeset(text, face).width


@cached(maxsize=256)
def _emoji(text: str, face: Typeface, size: int) -> tuple[Image.Image, int]:
    """A colour emoji run drawn at the font's one size and scaled to `size`; and its ascent."""
    pil = pil_font(face, size)
    ascent, descent = pil.getmetrics()
    width = max(1, math.ceil(pil.getlength(text)))
    big = Image.new("RGBA", (width, ascent + descent))
    ImageDraw.Draw(big).text((0, ascent), text, font=pil, anchor="ls", embedded_color=True)
    k = size / COLOUR_PX
    scaled = (max(1, round(width * k)), max(1, round((ascent + descent) * k)))
    return big.resize(scaled, Image.Resampling.LANCZOS), round(ascent * k)


def ink_box(line: Line) -> tuple[float, float, float, float] | None:
    """The inked box of `line` around its left end on the baseline (None when nothing is inked)."""
    boxes: list[tuple[float, float, float, float]] = []
    for run in line.runs:
        if not run.text.strip():
            continue
        if run.face.colour:
            pic, ascent = _emoji(run.text, run.face, line.font.size)
            boxes.append((run.x, -ascent, run.x + pic.width, pic.height - ascent))
            continue
        pil = pil_font(run.face, line.font.size)
        shown = _shown(run, pil)
        left, top, right, bottom = pil.getbbox(shown, anchor="ls", **_direction(pil, run.rtl))  # type: ignore[arg-type]
        boxes.append((run.x + left, top, run.x + right, bottom))
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _lay(img: Image.Image, pic: Image.Image, at: tuple[int, int], fill: Fill) -> None:
    """Put an RGBA picture (an emoji) on `img`: composited on RGBA, pasted on RGB, as `fill` on L."""
    if img.mode == "RGBA":  # alpha_composite keeps the layer's alpha right; it needs the part inside
        left, top = max(0, -at[0]), max(0, -at[1])
        inside = pic.crop((left, top, min(pic.width, img.width - at[0]), min(pic.height, img.height - at[1])))
        if inside.width > 0 and inside.height > 0:
            img.alpha_composite(inside, (at[0] + left, at[1] + top))
    elif img.mode == "L":
        img.paste(fill, (*at, at[0] + pic.width, at[1] + pic.height), pic.getchannel("A"))
    else:
        img.paste(pic.convert(img.mode), at, pic.getchannel("A"))


def draw_text(
    img: Image.Image,
    xy: tuple[float, float],
    text: str,
    face: Font,
    fill: Fill,
    *,
    stroke_width: int = 0,
    stroke_fill: Fill | None = None,
) -> float:
    """Draw `text` on `img` (RGB, RGBA or L) with the top of its line at `xy`; return its width."""
    line = typeset(text, face)
    for drawn in _PROOFS:
        drawn.append(line)
    draw = ImageDraw.Draw(img)
    x0, baseline = xy[0], xy[1] + line.ascent
    for run in line.runs:
        if run.face.colour:
            pic, ascent = _emoji(run.text, run.face, face.size)
            _lay(img, pic, (round(x0 + run.x), round(baseline) - ascent), fill)
            continue
        pil = pil_font(run.face, face.size)
        draw.text(
            (x0 + run.x, baseline),
            _shown(run, pil),
            font=pil,
            fill=fill,
            anchor="ls",
            stroke_width=stroke_width,
            stroke_fill=stroke_fill,
            **_direction(pil, run.rtl),  # type: ignore[arg-type]
        )
    return line.width


def ellipsize(text: str, face: Font, max_width: float) -> str:
    """`text` cut to fit `max_width` px, ending in an ellipsis when it was cut. The cut falls
    between clusters of the logical text, so an RTL line loses its (visually left) end."""
    text = " ".join(text.split())
    if text_width(text, face) <= max_width:
        return text
    parts = clusters(text)
    lo, hi = 0, len(parts)
    while lo < hi:  # the longest prefix that still fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width("".join(parts[:mid]).rstrip() + ELLIPSIS, face) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return "".join(parts[:lo]).rstrip() + ELLIPSIS if lo else ""


# Line breaking: spaces, and between any two Han/kana/fullwidth characters, but never before
# closing punctuation or small kana, nor after opening brackets or a Thai leading vowel.
_NO_BREAK_BEFORE = frozenset(
    "、。，．,.!?！？；;：:)）]」』】〕〉》…ーゝゞ々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ・"
)
_NO_BREAK_AFTER = frozenset("(（[「『【〔〈《เแโใไ")


def _ideographic(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x2E80 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x3FFFF
    )


def _pieces(text: str) -> list[tuple[str, str]]:
    """(glue, piece) pairs a line may break between: words, and single ideographs."""
    out: list[tuple[str, str]] = []
    for word in text.split():
        glue, piece = (" " if out else ""), ""
        for part in clusters(word):
            breakable = piece and (_ideographic(part[0]) or _ideographic(piece[-1]))
            if breakable and part[0] not in _NO_BREAK_BEFORE and piece[-1] not in _NO_BREAK_AFTER:
                out.append((glue, piece))
                glue, piece = "", part
            else:
                piece += part
        out.append((glue, piece))
    return out


def _fit(text: str, face: Font, max_width: float) -> str:
    """The longest cluster prefix of `text` that fits (at least one cluster): a word too long
    for a line is broken between characters, as CJK and Thai lines are."""
    parts = clusters(text)
    lo, hi = 1, len(parts)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width("".join(parts[:mid]), face) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    if lo > 1 and parts[lo - 1][-1] in _NO_BREAK_AFTER:
        lo -= 1
    return "".join(parts[:lo])


def wrap(text: str, face: Font, max_width: float, max_lines: int) -> list[str]:
    """Greedy wrap into at most `max_lines` lines; the last one is ellipsized if needed."""
    return list(_wrap(text, face, max_width, max_lines, typefaces.FONT_DIRS))


@cached(maxsize=1024)
def _wrap(text: str, face: Font, max_width: float, max_lines: int, dirs: tuple[Any, ...]) -> tuple[str, ...]:
    pieces = _pieces(text)
    lines: list[str] = []
    current = ""
    for i, (glue, piece) in enumerate(pieces):
        trial = current + glue + piece if current else piece
        if text_width(trial, face) <= max_width:
            current = trial
            continue
        if len(lines) >= max_lines - 1:  # the last line takes the rest and is ellipsized
            current = trial + "".join(g + p for g, p in pieces[i + 1 :])
            break
        if current:
            lines.append(current)
        current = piece
        while text_width(current, face) > max_width and len(lines) < max_lines - 1:
            head = _fit(current, face, max_width)
            lines.append(head)
            current = current[len(head) :]
    if current:
        lines.append(current)
    return tuple(ellipsize(line, face, max_width) for line in lines[:max_lines])


def tag(text: str, size: int, fg: tuple[int, int, int], bg: tuple[int, int, int, int]) -> Image.Image:
    """A small RGBA label: text on a rounded translucent plate (used for name tags)."""
    face = font(size, bold=True)
    pad = max(2, size // 4)
    line = typeset(text, face)
    left, top, right, bottom = ink_box(line) or (0.0, -line.ascent, 1.0, 0.0)
    w, h = math.ceil(right - left) + 2 * pad, math.ceil(bottom - top) + 2 * pad
    img = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(img).rounded_rectangle((0, 0, w - 1, h - 1), radius=pad, fill=bg)
    draw_text(img, (pad - left, pad - top - line.ascent), text, face, (*fg, 255))
    return img

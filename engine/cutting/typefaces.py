"""The typefaces behind the lettering: a fallback chain of installed fonts, read for coverage.

No one font draws every script, so each cluster is set in the first font of the chain whose
character map holds it (Debian's fonts-noto-core, fonts-noto-cjk, fonts-noto-color-emoji and
fonts-dejavu-core, installed by `make fonts`). A font that is missing is skipped; a character
that no chain font holds is looked for in every other font installed; with no fonts at all,
Pillow's built-in face still draws Latin.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError
from PIL import ImageFont, features

from engine.cutting.bidi import ZWJ

FONT_DIRS: tuple[Path, ...] = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
"""Where fonts are looked for (searched recursively); tests point it at a folder of their own."""

COLOUR_PX = 109
"""NotoColorEmoji is a bitmap (CBDT) font with one strike: Pillow loads it only at this size."""

LAYOUT = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
"""raqm shapes Arabic, Devanagari and Thai and mirrors brackets; basic layout only maps glyphs."""

_CJK = "NotoSansCJK-Regular.ttc"
_EMOJI = "NotoColorEmoji.ttf"
_RTL_BLOCKS = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))  # Hebrew, Arabic and their forms
Chain = tuple[tuple[str, str, tuple[tuple[int, int], ...]], ...]
CHAIN: Chain = (  # (regular, bold, blocks it leaves to a later font), in the order a cluster tries them
    # DejaVu first: it draws Latin, Greek and Cyrillic as the cards always have, and ~5× faster
    # than Noto Sans (Pillow caches no glyphs); its Hebrew and Arabic are left to Noto's.
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", _RTL_BLOCKS),
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", ()),
    ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf", ()),
    ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", ()),
    ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf", ()),
    ("NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf", ()),
    (_CJK, "NotoSansCJK-Bold.ttc", ()),  # Han, kana, hangul; the face index picks the region
    ("NotoSansSymbols-Regular.ttf", "NotoSansSymbols-Bold.ttf", ()),
    ("NotoSansSymbols2-Regular.ttf", "NotoSansSymbols2-Regular.ttf", ()),
    ("NotoSansMath-Regular.ttf", "NotoSansMath-Regular.ttf", ()),
    (_EMOJI, _EMOJI, ()),
)
CJK_FACES = {"ja": 0, "ko": 1, "zh": 2, "zh-hans": 2, "zh-cn": 2, "zh-hant": 3, "zh-tw": 3, "zh-hk": 4}
"""Face index in the NotoSansCJK collection per language: JP, KR, SC, TC, HK."""


@dataclass(frozen=True)
class Typeface:
    """One font file (and face in a collection); `colour` marks the bitmap emoji font."""

    path: str
    index: int = 0
    colour: bool = False
    defers: tuple[tuple[int, int], ...] = ()

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else "Pillow built-in"

    def covers(self, text: str) -> bool:
        """Whether every drawn character of `text` is in this face's character map."""
        cmap = character_map(self.path, self.index)
        return all(ord(ch) in cmap for ch in text if not invisible(ch))

    def suits(self, text: str) -> bool:
        """Covers `text`, and none of it is in a block this face leaves to a better font."""
        return self.covers(text) and not any(lo <= ord(ch) <= hi for ch in text for lo, hi in self.defers)


BUILTIN = Typeface("")
"""Pillow's own face, for a machine with no fonts at all; its coverage is unknown (empty)."""


def invisible(ch: str) -> bool:
    """Default-ignorable characters (joiners, selectors, tags) shape but draw no glyph of their own."""
    cp = ord(ch)
    return (
        ch == ZWJ
        or unicodedata.category(ch) == "Cf"
        or 0xFE00 <= cp <= 0xFE0F
        or 0xE0100 <= cp <= 0xE01EF
        or 0xE0000 <= cp <= 0xE007F
    )


@cache
def character_map(path: str, index: int = 0) -> frozenset[int]:
    """The code points `path` (face `index`) has glyphs for; read once per font, empty if unreadable."""
    if not path:
        return frozenset()
    try:
        with TTFont(path, fontNumber=index, lazy=True) as ttf:
            return frozenset(ttf.getBestCmap() or {})
    except (OSError, TTLibError, KeyError, AssertionError):
        return frozenset()


@lru_cache(maxsize=8)
def installed(dirs: tuple[Path, ...]) -> dict[str, str]:
    """Every font file under `dirs`, by file name (the first found wins)."""
    found: dict[str, str] = {}
    for folder in dirs:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                    found.setdefault(path.name, str(path))
    return found


@lru_cache(maxsize=8)
def fingerprint(dirs: tuple[Path, ...]) -> str:
    """Which fonts lettering can use under `dirs`: part of the cache key of anything drawn with them,
    so installing a font redraws cards that showed boxes before."""
    return hashlib.sha256(repr((CHAIN, sorted(installed(dirs)))).encode()).hexdigest()[:16]


def cjk_face(language: str, text: str) -> int:
    """The region of Han characters: the language's when known, else guessed from kana or hangul."""
    language = language.lower()
    if language in CJK_FACES or language.split("-")[0] in CJK_FACES:
        return CJK_FACES.get(language, CJK_FACES.get(language.split("-")[0], 2))
    if any(0x3040 <= ord(ch) <= 0x30FF for ch in text):
        return CJK_FACES["ja"]
    if any(0xAC00 <= ord(ch) <= 0xD7AF or 0x1100 <= ord(ch) <= 0x11FF for ch in text):
        return CJK_FACES["ko"]
    return CJK_FACES["zh"]


@lru_cache(maxsize=64)
def chain(bold: bool, cjk: int, dirs: tuple[Path, ...]) -> tuple[Typeface, ...]:
    """The fallback chain as installed under `dirs`: missing fonts are left out."""
    found = installed(dirs)
    faces = []
    for regular, heavy, defers in CHAIN:
        name = heavy if bold and heavy in found else regular
        if name in found:
            index = cjk if name.startswith("NotoSansCJK") else 0
            faces.append(Typeface(found[name], index, colour=name == _EMOJI, defers=defers))
    return tuple(faces)


@lru_cache(maxsize=4096)
def rescue(ch: str, bold: bool, dirs: tuple[Path, ...]) -> Typeface | None:
    """Any other installed font holding `ch` (Bengali, Tamil, Georgian…), sans and the weight first."""
    names = {n for regular, bold, _ in CHAIN for n in (regular, bold)}
    weight = "-Bold." if bold else "-Regular."
    others = sorted(
        (name for name in installed(dirs) if name not in names and ("-Regular." in name or weight in name)),
        key=lambda n: (weight not in n, "Sans" not in n, n),
    )
    cp = ord(ch)
    return next(
        (Typeface(installed(dirs)[n]) for n in others if cp in character_map(installed(dirs)[n])), None
    )


def _wants_colour(cluster: str) -> bool:
    """Emoji presentation: a pictograph, an emoji selector, a skin tone, a keycap or a flag."""
    if "\ufe0e" in cluster:  # text presentation asked for
        return False
    return any(ch in "\ufe0f\u20e3" or 0x1F000 <= ord(ch) <= 0x1FAFF for ch in cluster)


def choose(
    cluster: str, faces: tuple[Typeface, ...], after: Typeface | None, bold: bool, dirs: tuple[Path, ...]
) -> Typeface:
    """The face for one cluster: the colour emoji face for emoji; a space or punctuation stays in
    the face before it (so a sentence is not cut into runs); otherwise the first face that suits
    it, then the first that holds every character, then one that holds the base character, then
    any installed font."""
    drawn = "".join(ch for ch in cluster if not invisible(ch)) or cluster[:1]
    if _wants_colour(cluster):
        for face in faces:
            if face.colour and face.covers(drawn[:1]):
                return face
    neutral = unicodedata.bidirectional(cluster[0]) not in ("L", "R", "AL")
    if after is not None and not after.colour and neutral and after.covers(drawn):
        return after
    for face in faces:
        if face.suits(drawn):
            return face
    for face in faces:
        if face.covers(drawn):
            return face
    for face in faces:
        if face.covers(drawn[:1]):
            return face
    return rescue(drawn[0], bold, dirs) or (faces[0] if faces else BUILTIN)


@lru_cache(maxsize=512)
def pil_font(face: Typeface, size: int) -> ImageFont.FreeTypeFont:
    """The Pillow font for `face` at `size` px (the colour face only loads at COLOUR_PX)."""
    if face is BUILTIN or not face.path:
        return ImageFont.load_default(size)  # type: ignore[return-value]
    px = COLOUR_PX if face.colour else size
    return ImageFont.truetype(face.path, px, index=face.index, layout_engine=LAYOUT)

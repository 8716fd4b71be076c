"""Text folding for the gate: every layer matches on the same folded form, so "Präsident Lula",
"PRÄSIDENT  lula" and "Prasident Lula" meet one entry, and every match maps back to the words the
user wrote (a refusal quotes them).

Folding: NFKD, casefold, drop combining marks on Latin/Greek/Cyrillic letters and Arabic vowel
marks (Devanagari, Thai and kana keep theirs: there they are letters), transliterate leftover
Latin letters with anyascii (ß, ø, ł, æ), turn punctuation into spaces and collapse whitespace.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from anyascii import anyascii

SENTENCE_ENDS = frozenset(".!?;\n。！？；؟।")
"""Characters that end a sentence; harmful-scene words only count in a person's own sentence."""
ARABIC_FOLD = {"ى": "ي", "ة": "ه", "ـ": ""}
"""Arabic letter variants written interchangeably (alef maqsura, ta marbuta, tatweel)."""


ACCENTS = (
    (0x0300, 0x036F),
    (0x0483, 0x0489),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)
"""Combining marks that are accents (dropped); Indic, Thai and kana marks are parts of letters."""


def _is_accent(mark: str) -> bool:
    code = ord(mark)
    return any(low <= code <= high for low, high in ACCENTS)


@cache
def _fold_char(char: str) -> str:
    """One original character, folded (may be empty or several characters)."""
    if char in ARABIC_FOLD:
        return ARABIC_FOLD[char]
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", char.casefold()):
        cat = unicodedata.category(part)
        if cat.startswith("M"):
            if not _is_accent(part):
                out.append(part)
        elif cat[0] in "LN":
            if 0x80 <= ord(part) < 0x250:
                out.append(anyascii(part).casefold() or part)
            else:
                out.append(part)
        else:
            out.append(" ")
    return "".join(out)


@dataclass(frozen=True)
class Folded:
    """A folded text with, for each folded character, the index of the original it came from."""

    original: str
    text: str
    origin: tuple[int, ...]
    breaks: tuple[int, ...]
    """Folded positions where a sentence ended (sorted)."""

    def span(self, start: int, end: int) -> str:
        """The original words behind folded[start:end]."""
        if start >= end:
            return ""
        return self.original[self.origin[start] : self.origin[end - 1] + 1].strip()

    def sentence(self, pos: int) -> int:
        """Which sentence (0-based) the folded position `pos` sits in."""
        return bisect.bisect_right(self.breaks, pos)


def fold(text: str) -> Folded:
    """Fold `text` for matching, keeping the way back to the original characters."""
    chars: list[str] = []
    origin: list[int] = []
    breaks: list[int] = []
    for index, char in enumerate(text):
        if char in SENTENCE_ENDS:
            breaks.append(len(chars))
        piece = _fold_char(char)
        if piece == " " and (not chars or chars[-1] == " "):
            continue
        for out in piece:
            if out == " " and chars and chars[-1] == " ":
                continue
            chars.append(out)
            origin.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return Folded(text, "".join(chars), tuple(origin), tuple(breaks))


def fold_plain(text: str) -> str:
    """Just the folded string (for data entries and names)."""
    return fold(text).text.strip()


_TRANSLITERATE = re.compile(r"[\u0370-\u03ff\u0400-\u052f]")


def needs_transliteration(text: str) -> bool:
    """Greek or Cyrillic text is also matched in Latin letters (anyascii: "Ангела" -> "angela")."""
    return _TRANSLITERATE.search(text) is not None


def transliterate(text: str) -> Folded:
    """`text` with Greek and Cyrillic letters in Latin, folded, still mapped to the original."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = anyascii(char).replace("'", "") if _TRANSLITERATE.match(char) else char
        chars.append(piece)
        origin.extend([index] * len(piece))
    latin = "".join(chars)
    folded = fold(latin)
    return Folded(text, folded.text, tuple(origin[i] for i in folded.origin), folded.breaks)


def strip_titles(name: str, titles: frozenset[str]) -> str:
    """A folded name without leading or trailing titles ("dr dana whitfield" -> "dana whitfield")."""
    words = fold_plain(name).split()
    while len(words) > 1 and words[0] in titles:
        words.pop(0)
    while len(words) > 1 and words[-1] in titles:
        words.pop()
    return " ".join(words)

"""Text primitives shared by the heuristics: sentence splitting that respects quotes in many
scripts, keyword-stem matching that works with and without spaces between words, and slugs.

Kept free of film types so each heuristic module can lean on it without import cycles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from agents.heuristics import lexicon

# Paired quotes: opener -> closer. „“ (German) and »« (German/Danish) reuse characters that open
# in other languages, so the splitter keeps a stack instead of a fixed table of closers.
QUOTE_PAIRS: dict[str, str] = {
    "“": "”",
    "„": "“",
    "«": "»",
    "»": "«",
    "「": "」",
    "『": "』",
    "‹": "›",
    '"': '"',
}
# Terminators that end a sentence only before whitespace/end (Latin-like) or anywhere (CJK, Indic).
SPACED_ENDS = ".!?…"
UNSPACED_ENDS = "。！？．।॥؟۔።"
CLOSERS = '"”»’)]」』›“'
ABBREVIATIONS = frozenset(lexicon.words("sentences", "abbreviations"))
# Letters of scripts that separate words with spaces; stems in these scripts match word prefixes.
_SPACED_SCRIPT = re.compile(r"^[\sA-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u0900-\u097F'’.-]+$")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
NEVER = "(?!)"
"""A pattern that matches nothing: what a word list left empty in every language compiles to."""


def normalise(text: str) -> str:
    """NFC, unified newlines, no BOM or zero-width characters: the parser sees one shape of text."""
    text = unicodedata.normalize("NFC", text).replace("\ufeff", "").replace("\u200b", "")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, never inside a quotation, for Latin, CJK, Indic and Arabic text."""
    out: list[str] = []
    stack: list[str] = []
    start = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if stack and ch == stack[-1]:
            stack.pop()
        elif ch in QUOTE_PAIRS and not (ch == "»" and stack and stack[-1] == "»"):
            stack.append(QUOTE_PAIRS[ch])
        if len(stack) and i - start > 600:  # an unbalanced quote must not swallow the text
            stack.clear()
        end = -1
        if not stack and ch in UNSPACED_ENDS:
            end = i + 1
        elif not stack and ch in SPACED_ENDS:
            j = i + 1
            while j < n and text[j] in SPACED_ENDS:
                j += 1
            while j < n and text[j] in CLOSERS:
                j += 1
            if (j >= n or text[j].isspace()) and not _is_abbreviation(text, start, i):
                end = j
        if end > 0:
            while end < n and text[end] in CLOSERS:
                end += 1
            piece = text[start:end].strip()
            if piece:
                out.append(piece)
            start, i = end, end
            continue
        i += 1
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _is_abbreviation(text: str, start: int, dot: int) -> bool:
    """'Dr. Lee' and 'z.B.' are not sentence ends; a lone initial ('J. Smith') is not either."""
    if text[dot] != ".":
        return False
    words = text[start:dot].split()
    if not words:
        return False
    last = words[-1].strip("(\"'“«")
    return last.lower() in ABBREVIATIONS or (len(last) == 1 and last.isupper())


def words(text: str) -> list[str]:
    """Word tokens (letters, digits, inner apostrophes and hyphens) in their original case."""
    return _WORD.findall(text)


def is_spaced(stem: str) -> bool:
    """True for stems in scripts that put spaces between words (match at a word start there)."""
    return bool(_SPACED_SCRIPT.match(stem))


@lru_cache(maxsize=512)
def stem_pattern(stems: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled alternation: word-prefix matches for spaced scripts, substrings otherwise."""
    spaced = sorted({s.lower() for s in stems if is_spaced(s)}, key=len, reverse=True)
    unspaced = sorted({s.lower() for s in stems if not is_spaced(s)}, key=len, reverse=True)
    parts = []
    if spaced:
        parts.append(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in spaced) + ")")
    if unspaced:
        parts.append("(?:" + "|".join(re.escape(s) for s in unspaced) + ")")
    return re.compile("|".join(parts)) if parts else None


def alternation(words: Iterable[str]) -> str:
    """Regex alternative of literal words, longest first so a longer word wins over its prefix;
    NEVER when there are none (an empty alternative would match everywhere)."""
    return "|".join(re.escape(w) for w in sorted(dict.fromkeys(words), key=len, reverse=True)) or NEVER


def find_stem(text: str, stems: Iterable[str]) -> re.Match[str] | None:
    """First occurrence of any stem in `text` (case-insensitive), or None."""
    pattern = stem_pattern(tuple(stems))
    return pattern.search(text.lower()) if pattern else None


def has_stem(text: str, stems: Iterable[str]) -> bool:
    return find_stem(text, stems) is not None


def slug(text: str) -> str:
    """ASCII id for a name: 'Ana María' -> 'ana-maria'; '' when nothing ASCII survives."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:40].strip("-")


def clip(text: str, limit: int) -> str:
    """Cut text to `limit` characters at a word boundary when possible, marking the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def visible_length(text: str) -> int:
    """Reading weight of a text: CJK characters carry about a word each, so count them thrice."""
    weight = 0
    for ch in text:
        if ch.isspace():
            continue
        weight += 3 if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" else 1
    return weight

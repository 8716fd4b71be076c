"""Text primitives shared by the heuristics: sentence splitting that respects quotes in many
scripts, keyword stems matched as whole words with their endings in every script (stems.py, the
rule every room's lookups go through), and slugs.

Kept free of film types so each heuristic module can lean on it without import cycles.
"""

from __future__ import annotations

import re
import unicodedata

from agents.heuristics import lexicon
from agents.heuristics.stems import (
    CLAUSE,
    NEVER,
    alternation,
    blank,
    classes_for,
    find_stem,
    first_class,
    has_stem,
    is_spaced,
    near,
    stem_matches,
    stem_pattern,
    stems_for,
)

__all__ = [
    "CLAUSE",
    "NEVER",
    "QUOTES",
    "alternation",
    "blank",
    "classes_for",
    "clip",
    "find_stem",
    "first_class",
    "has_stem",
    "is_spaced",
    "near",
    "normalise",
    "quotes",
    "slug",
    "split_sentences",
    "stem_matches",
    "stem_pattern",
    "stems_for",
    "unquoted",
    "visible_length",
    "words",
]

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
QUOTES = re.compile(  # speech in any of the common quote styles; group k holds the words
    r"“([^”“]{1,400})”|\"([^\"]{1,400})\"|«\s*([^»]{1,400}?)\s*»|„([^“”]{1,400})[“”]"
    r"|「([^」]{1,400})」|『([^』]{1,400})』|»([^«]{1,400})«"
)
# Terminators that end a sentence only before whitespace/end (Latin-like) or anywhere (CJK, Indic).
SPACED_ENDS = ".!?…"
UNSPACED_ENDS = "。！？．।॥؟۔።"
CLOSERS = '"”»’)]」』›“'
ABBREVIATIONS = frozenset(lexicon.words("sentences", "abbreviations"))
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


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


def quotes(text: str) -> list[str]:
    """Quoted speech in any of the common quote styles, in order."""
    return [next(g for g in m.groups() if g).strip() for m in QUOTES.finditer(text)]


def unquoted(text: str) -> str:
    """`text` with its quoted speech blanked (positions kept): what the narration itself says, so
    "Not tonight," a character says, does not make the scene night."""
    return QUOTES.sub(lambda m: " " * len(m.group()), text)


def words(text: str) -> list[str]:
    """Word tokens (letters, digits, inner apostrophes and hyphens) in their original case."""
    return _WORD.findall(text)


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

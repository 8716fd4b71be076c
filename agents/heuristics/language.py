"""A small language detector: script first (CJK, Arabic, Devanagari, Cyrillic...), then stopword
counts for Latin-script languages. Good enough to pick keyword lists and label subtitles.

Stopwords and telltale letters come from the lexicons ([stopwords], [detect]); the Unicode blocks
of the scripts stay here, with the rule that kana makes Chinese characters Japanese."""

from __future__ import annotations

from agents.heuristics import lexicon
from agents.heuristics.text import words

STOPWORDS: dict[str, frozenset[str]] = {
    code: frozenset(stops) for code, stops in lexicon.by_language("stopwords", "words")
}
# Letters that only some Latin-script languages use: (language, letters, bonus to its stopword score).
HINTS: tuple[tuple[str, tuple[str, ...], int], ...] = tuple(
    (code, letters, bonus)
    for code, letters in lexicon.by_language("detect", "letters")
    if isinstance(bonus := lexicon.value(code, "detect", "bonus"), int)
)
# Languages written in another's script and told apart by letters of their own: (script, letters, language).
SHARED_SCRIPTS: tuple[tuple[str, tuple[str, ...], str], ...] = tuple(
    (script, letters, code)
    for code, letters in lexicon.by_language("detect", "letters")
    if isinstance(script := lexicon.value(code, "detect", "script"), str)
)
SCRIPTS: tuple[tuple[str, str, str], ...] = (
    # (language, first char, last char) — kana decides Japanese over Chinese.
    ("ja", "\u3040", "\u30ff"),
    ("ko", "\uac00", "\ud7af"),
    ("zh", "\u4e00", "\u9fff"),
    ("ar", "\u0600", "\u06ff"),
    ("hi", "\u0900", "\u097f"),
    ("ru", "\u0400", "\u04ff"),
    ("el", "\u0370", "\u03ff"),
    ("he", "\u0590", "\u05ff"),
    ("th", "\u0e00", "\u0e7f"),
)
NON_LATIN = frozenset(code for code, _, _ in SCRIPTS)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the brief's main language; 'en' when nothing else stands out."""
    counts = dict.fromkeys((code for code, _, _ in SCRIPTS), 0)
    latin = 0
    for ch in text:
        if ch.isascii():
            latin += ch.isalpha()
            continue
        for code, lo, hi in SCRIPTS:
            if lo <= ch <= hi:
                counts[code] += 1
                break
        else:
            latin += ch.isalpha()
    if counts["ja"] and counts["ja"] * 10 >= counts["zh"]:
        counts["ja"] += counts["zh"]
    best = max(counts, key=lambda code: counts[code])
    if counts[best] > latin * 0.3 and counts[best] > 0:
        for script, letters, code in SHARED_SCRIPTS:
            if best == script and any(ch in text for ch in letters):
                return code
        return best
    return _latin_language(text)


def _latin_language(text: str) -> str:
    tokens = [w.lower() for w in words(text)]
    scores = {code: sum(t in stops for t in tokens) for code, stops in STOPWORDS.items()}
    for code, letters, bonus in HINTS:
        if any(ch in text for ch in letters):
            scores[code] = scores.get(code, 0) + bonus
    best = max(scores, key=lambda code: (scores[code], code == "en"))
    return best if scores[best] > 0 else "en"

"""A small language detector: script first (CJK, Arabic, Devanagari, Cyrillic...), then stopword
counts for Latin-script languages. Good enough to pick keyword lists and label subtitles."""

from __future__ import annotations

from agents.heuristics.text import words

# fmt: off
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset([
        "the", "and", "a", "an", "of", "to", "in", "is", "are", "was", "were", "he", "she", "they", "it",
        "his", "her", "with", "on", "at", "for",
    ]),
    "es": frozenset([
        "el", "la", "los", "las", "y", "de", "que", "en", "un", "una", "es", "por", "con", "su", "se",
        "del", "al", "lo",
    ]),
    "fr": frozenset([
        "le", "la", "les", "et", "de", "des", "un", "une", "est", "dans", "il", "elle", "qui", "que", "en",
        "du", "au", "sur", "pas",
    ]),
    "de": frozenset([
        "der", "die", "das", "und", "ein", "eine", "ist", "nicht", "ich", "sie", "er", "mit", "den", "dem",
        "des", "im", "zu", "auf",
    ]),
    "it": frozenset([
        "il", "lo", "gli", "e", "di", "che", "un", "una", "è", "per", "con", "non", "della", "nel", "sono",
    ]),
    "pt": frozenset([
        "o", "os", "as", "e", "de", "que", "um", "uma", "é", "em", "com", "não", "do", "da", "no", "na",
        "seu", "sua",
    ]),
    "nl": frozenset([
        "de", "het", "een", "en", "van", "is", "dat", "niet", "in", "op", "zijn", "met", "voor", "hij",
        "zij",
    ]),
}
# fmt: on
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
        if best == "ru" and any(ch in text for ch in "їієґ"):
            return "uk"
        return best
    return _latin_language(text)


def _latin_language(text: str) -> str:
    tokens = [w.lower() for w in words(text)]
    scores = {code: sum(t in stops for t in tokens) for code, stops in STOPWORDS.items()}
    if any(ch in text for ch in "ñ¿¡"):
        scores["es"] += 3
    if any(ch in text for ch in "äöüß"):
        scores["de"] += 2
    if any(ch in text for ch in "çèêà"):
        scores["fr"] += 2
    best = max(scores, key=lambda code: (scores[code], code == "en"))
    return best if scores[best] > 0 else "en"

"""Which language a brief is in, so the planner picks its lexicon and the subtitles their label.

Scripts that decide alone come first: kana makes Chinese characters Japanese, Han without kana is
Chinese, Hangul is Korean. Every other text goes to py3langid, an offline naive-Bayes identifier
of ~100 languages whose model ships in its wheel (loaded on first use, ~0.6 s, then ~0.1 ms a
call). Two corrections keep it useful on story briefs:

- near relatives the model confuses on a sentence or two (Indonesian/Malay, English/Pidgin) go
  to the one with a lexicon when its score is within `NEAR_NATS_PER_BYTE` of the model's best;
  a language that is really another (Swahili, Turkish, Polish) scores far below and keeps its code;
- a text shorter than `SHORT_LETTERS` (a title) is too little for the model alone, so the
  lexicons' stopwords and telltale letters ([stopwords], [detect]) add their evidence and only
  languages with a lexicon compete.
"""

from __future__ import annotations

import contextlib
import lzma
import os
import shutil
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from agents.heuristics import lexicon
from agents.heuristics.text import words
from film.files import atomic_path

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

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
CJK = frozenset({"ja", "ko", "zh"})
"""Scripts that name their language alone; the model sees the rest."""

NEAR_NATS_PER_BYTE = 0.5
"""How far (log-probability per byte of text) a language with a lexicon may trail the model's best
and still win. Confused relatives measured 0.01-0.11 apart; real other languages 1.9-2.7."""
SHORT_LETTERS = 24
"""Below this many letters the model's guess is noise: lexicon evidence joins in."""
NATS_PER_HIT = 4.0
"""What one stopword (or one point of a [detect] bonus) is worth against the model's scores."""
FEATURELESS = -1e38
"""py3langid scores a text with none of its features at float32's floor, for every language."""
UNSUPPORTED_NOTE = "brief language '{code}' has no lexicon; planned with the English and script-neutral rules"


def supported() -> tuple[str, ...]:
    """Languages with a lexicon file, in common.toml order."""
    return lexicon.languages()


def is_supported(code: str) -> bool:
    """Whether the planner has a lexicon for `code` (an ISO 639-1 code)."""
    return code in lexicon.languages()


def unsupported_note(code: str) -> str | None:
    """The run's warning for a brief in a language without a lexicon; None when it has one."""
    return None if is_supported(code) else UNSUPPORTED_NOTE.format(code=code)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's main language; 'en' when the text has no letters."""
    script, rest = _script_language(text)
    if script is not None:
        return script
    letters = sum(ch.isalpha() for ch in rest)
    if not letters:
        return "en"
    ranked = _identifier().rank(rest)
    return _short_language(rest, ranked) if letters < SHORT_LETTERS else _long_language(rest, ranked)


def _script_language(text: str) -> tuple[str | None, str]:
    """(the language a dominant CJK script names, or None; the text left for the model)."""
    counts = dict.fromkeys((code for code, _, _ in SCRIPTS), 0)
    other = 0
    kept: list[str] = []
    for ch in text:
        code = next((c for c, lo, hi in SCRIPTS if lo <= ch <= hi), None) if not ch.isascii() else None
        if code is None:
            other += ch.isalpha()
        else:
            counts[code] += 1
        if code not in CJK:
            kept.append(ch)
    if counts["ja"] and counts["ja"] * 10 >= counts["zh"]:
        counts["ja"] += counts["zh"]
    best = max(CJK, key=lambda code: (counts[code], code))
    if counts[best] and counts[best] > (other + sum(counts.values()) - counts[best]) * 0.3:
        return best, text
    return None, "".join(kept)


def _long_language(text: str, ranked: list[tuple[str, float]]) -> str:
    best, top = ranked[0]
    if is_supported(best):
        return best
    near = next(((code, score) for code, score in ranked if is_supported(code)), None)
    if near is not None and (top - near[1]) / len(text.encode()) < NEAR_NATS_PER_BYTE:
        return near[0]
    return best


def _short_language(text: str, ranked: list[tuple[str, float]]) -> str:
    evidence = _lexicon_evidence(text)
    featureless = ranked[0][1] <= FEATURELESS  # the model saw nothing it knows: evidence alone
    scores = {
        code: (0.0 if featureless else score) + NATS_PER_HIT * evidence.get(code, 0)
        for code, score in ranked
        if is_supported(code)
    }
    for script, letters, code in SHARED_SCRIPTS:
        if script in scores and code in scores and any(ch in text for ch in letters):
            scores[code] = max(scores[code], scores[script] + NATS_PER_HIT)
    if not scores:
        return ranked[0][0]
    return max(scores, key=lambda code: (scores[code], code == "en"))


def _lexicon_evidence(text: str) -> dict[str, int]:
    """Stopword hits per language, plus the [detect] bonus of each language whose letters occur."""
    tokens = [w.lower() for w in words(text)]
    scores = {code: sum(t in stops for t in tokens) for code, stops in STOPWORDS.items()}
    for code, letters, bonus in HINTS:
        if any(ch in text for ch in letters):
            scores[code] = scores.get(code, 0) + bonus
    return scores


_LOADING = threading.Lock()


@cache
def _identifier() -> LanguageIdentifier:
    """py3langid's model, read once per process and only when a text needs it (keeps the CLI fast)."""
    with _LOADING:  # a planner asking while `warm` still reads it waits for that read
        return _load_identifier()


@cache
def _load_identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    packed = Path(MODEL_DIR) / MODEL_FILE
    unpacked = _unpacked(packed)
    if unpacked is not None:  # read as py3langid's own loader reads it, without the LZMA pass
        with contextlib.suppress(Exception):  # any surprise: py3langid's own way below
            from py3langid.modelio import _to_array

            with np.load(unpacked, allow_pickle=False) as data:
                row = _to_array(data["nextmove_row"])
                return LanguageIdentifier(
                    np.asarray(data["ptc"]), np.asarray(data["pc"]), data["classes"].tolist(),
                    _to_array(data["nextmove"]), data["out_feat"].tolist(), tk_row=row,
                )  # fmt: skip
    return LanguageIdentifier.from_model_file(packed)


def _unpacked(packed: Path) -> Path | None:
    """The model decompressed once into the user's cache (keyed by the packed file's size and
    time), so each later process skips half a second of LZMA; None where there is no cache."""
    stat = packed.stat()
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "storyreel"
    target = root / f"langid-{stat.st_size}-{stat.st_mtime_ns}.npz"
    if target.is_file():
        return target
    try:  # a temp name renamed into place: a killed or failed unpack leaves nothing behind
        with atomic_path(target) as tmp, lzma.open(packed) as src, open(tmp, "wb") as out:
            shutil.copyfileobj(src, out, length=1 << 20)
    except (OSError, lzma.LZMAError):
        return None
    return target


def warm() -> None:
    """Start reading the model on a side thread: unpacking it (LZMA, which lets go of the GIL)
    takes half a second that a film's start-up (database, graph) can hide."""
    threading.Thread(target=_identifier, name="langid-warm", daemon=True).start()

"""Word segmentation for scripts written without spaces (Chinese, Japanese), so lexicon stems
and names match whole words there too: "千代" in "店主のおばあさん・千代が" is a word, and "海"
does not fire inside "上海".

Text outside those scripts keeps whitespace words. Chinese runs go to rjieba (jieba's dictionary
and HMM, compiled in Rust, dictionary inside the wheel: ~0.15 s to load), Japanese runs to janome
(pure Python, IPADIC inside the wheel: ~0.15 s to load, ~1 ms a sentence). Each loads once per
process and only when a text holds such a run, so plain-Latin briefs and the CLI never pay for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from janome.tokenizer import Tokenizer
    from rjieba import Jieba

Spans = list[tuple[int, int]]

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
UNSPACED = re.compile(f"[{HAN}{KANA}]")
"""A character of a script written without spaces between words."""
HAS_KANA = re.compile(f"[{KANA}]")
WHITESPACE_WORD = re.compile(r"\S+")


def word_spans(text: str, language: str | None = None) -> Spans:
    """(start, end) of each word of `text`, in order. A whitespace-separated run that holds Chinese
    or Japanese is cut into its words (punctuation dropped); any other run is one word.
    `language` ("ja", "zh") picks the segmenter; without one, kana anywhere in `text` means Japanese."""
    spans: Spans = []
    cut: Callable[[str], Spans] | None = None
    for run in WHITESPACE_WORD.finditer(text):
        if not UNSPACED.search(run.group()):
            spans.append(run.span())
            continue
        if cut is None:
            cut = _segmenter(_cjk_language(text, language))
        spans.extend(
            (run.start() + a, run.start() + b) for a, b in cut(run.group()) if _is_word(run.group()[a:b])
        )
    return spans


def words(text: str, language: str | None = None) -> list[str]:
    """The words of `text` (see `word_spans`)."""
    return [text[a:b] for a, b in word_spans(text, language)]


def _cjk_language(text: str, language: str | None) -> str:
    if language in ("ja", "zh"):
        return language
    return "ja" if HAS_KANA.search(text) else "zh"


def _is_word(piece: str) -> bool:
    """A segment with a letter or a digit; the segmenters also return punctuation like 。 and ・."""
    return any(ch.isalnum() for ch in piece)


def _segmenter(language: str) -> Callable[[str], Spans]:
    return _japanese if language == "ja" else _chinese


def _chinese(run: str) -> Spans:
    return [(start, end) for _, start, end in _jieba().tokenize(run)]


def _japanese(run: str) -> Spans:
    return list(_consecutive(run, _janome().tokenize(run, wakati=True)))


def _consecutive(run: str, pieces: Iterator[object]) -> Iterator[tuple[int, int]]:
    """Spans of `pieces`, found in order in `run` (janome gives surfaces, not offsets)."""
    at = 0
    for piece in pieces:
        surface = str(piece)
        start = run.find(surface, at)
        if start < 0:  # a surface the analyser normalised: skip it rather than misplace it
            continue
        at = start + len(surface)
        yield start, at


@cache
def _jieba() -> Jieba:
    """rjieba's segmenter (built by its import), loaded when the first Chinese run needs it."""
    import rjieba

    return rjieba._DEFAULT_JIEBA


@cache
def _janome() -> Tokenizer:
    """janome's tokenizer over its bundled IPADIC, built when the first Japanese run needs it."""
    from janome.tokenizer import Tokenizer

    return Tokenizer(wakati=True)

"""The gate's data files (templates/gate/*.toml), read once, and the one way word lists become
regular expressions, so every layer draws word boundaries the same way in every script.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from agents.gate.normalise import fold_plain
from templates import template_path

FOLDER = "gate"
NOT_WORD = r"(?<![^\W_])(?<![\u0900-\u0DFF\u0E00-\u0E7F])"
"""Left word boundary: Python's \\w misses Indic and Thai vowel signs, so they count as letters too."""
NOT_WORD_AFTER = r"(?![^\W_])(?![\u0900-\u0DFF\u0E00-\u0E7F])"
PROCLITIC = r"(?<=" + NOT_WORD + r"[وبلفك])"
"""Arabic writes 'and', 'with', 'for' joined to the next word: a name may follow one."""
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f]")
"""Scripts written without spaces between words (CJK, kana, Thai) and Korean (particles attach)."""
ARABIC = re.compile(r"[\u0600-\u06ff]")


@cache
def data(name: str) -> Mapping[str, Any]:
    """One data file, parsed once per process."""
    with template_path(FOLDER, name).open("rb") as handle:
        return tomllib.load(handle)


def version() -> str:
    """The data version every verdict records: one version, or both when the files differ."""
    figures = str(data("public_figures.toml")["version"])
    patterns = str(data("patterns.toml")["version"])
    return figures if figures == patterns else f"{figures}+{patterns}"


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def compile_words(words: Iterable[str]) -> re.Pattern[str]:
    """A pattern matching any of `words` (raw; folded here) on folded text. Spaced-script words match
    whole words (a trailing '*' lets one match a word's start); CJK, kana, Thai and Hangul anywhere."""
    whole: list[str] = []
    starts: list[str] = []
    anywhere: list[str] = []
    arabic: list[str] = []
    for raw in words:
        star = raw.endswith("*")
        word = fold_plain(raw.rstrip("*"))
        if not word:
            continue
        if UNSPACED.search(word):
            anywhere.append(word)
        elif ARABIC.search(word):
            arabic.append(word)
        elif star:
            starts.append(word)
        else:
            whole.append(word)
    parts = []
    if whole:
        parts.append(f"{NOT_WORD}(?:{_alternation(whole)}){NOT_WORD_AFTER}")
    if starts:
        parts.append(NOT_WORD + f"(?:{_alternation(starts)})" + r"\w*")
    if arabic:
        parts.append(f"(?:{NOT_WORD}|{PROCLITIC})(?:{_alternation(arabic)}){NOT_WORD_AFTER}")
    if anywhere:
        parts.append(f"(?:{_alternation(anywhere)})")
    return re.compile("|".join(parts) or r"(?!x)x")


def words(file: str, table: str, key: str) -> tuple[str, ...]:
    """A word list from a data file, checked to be a list of strings (a typo fails loudly)."""
    value = data(file)[table][key]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"templates/gate/{file}: [{table}] {key} must be a list of non-empty strings")
    return tuple(value)

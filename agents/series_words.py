"""The continuity ledger's words per language (templates/series/ledger.toml): the cues that find
threads, facts, departures and returns, and the labels the episode brief writes its own lines
with. Read once and checked on load; English stands in for a language without a table."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from film import BadInput
from templates import template_path

WORDS_FILE = ("series", "ledger.toml")
TEXTS = ("on_screen", "cast", "previously", "canon", "open_threads")
CUES = ("threads", "facts", "departures", "returns")


@dataclass(frozen=True)
class LedgerWords:
    """One language's table of ledger.toml."""

    weekdays: tuple[str, ...]
    on_screen: str
    cast: str
    previously: str
    canon: str
    open_threads: str
    threads: tuple[str, ...]
    facts: tuple[str, ...]
    departures: tuple[str, ...]
    returns: tuple[str, ...]


def _fail(key: str, value: object, why: str) -> BadInput:
    return BadInput(f"{'/'.join(WORDS_FILE)} {key}", value, why)


def _words(language: str, table: dict[str, Any], key: str) -> tuple[str, ...]:
    words = table.get(key)
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise _fail(f"[{language}] {key}", words, "must be a list of non-empty strings")
    return tuple(words)


def _text(language: str, table: dict[str, Any], key: str) -> str:
    text = table.get(key)
    if not isinstance(text, str) or not text.strip():
        raise _fail(f"[{language}] {key}", text, "must be a non-empty string")
    return text


def _table(language: str, table: object) -> LedgerWords:
    """One language's table, checked: every key known and of its type."""
    if not isinstance(table, dict):
        raise _fail(f"[{language}]", table, "must be a table")
    unknown = sorted(set(table) - {"weekdays", *TEXTS, *CUES})
    if unknown:
        known = ", ".join(("weekdays", *TEXTS, *CUES))
        raise _fail(f"[{language}] {unknown[0]}", table[unknown[0]], f"is not one of {known}")
    weekdays = _words(language, table, "weekdays")
    if len(weekdays) != 7:
        raise _fail(f"[{language}] weekdays", weekdays, "must name seven days, Monday first")
    cast = _text(language, table, "cast")
    try:
        cast.format(name="", description="", appearance="")
    except (KeyError, IndexError, ValueError) as err:
        why = f"may use {{name}}, {{description}} and {{appearance}} ({err})"
        raise _fail(f"[{language}] cast", cast, why) from None
    return LedgerWords(
        weekdays=weekdays,
        on_screen=_text(language, table, "on_screen"),
        cast=cast,
        previously=_text(language, table, "previously"),
        canon=_text(language, table, "canon"),
        open_threads=_text(language, table, "open_threads"),
        threads=_words(language, table, "threads"),
        facts=_words(language, table, "facts"),
        departures=_words(language, table, "departures"),
        returns=_words(language, table, "returns"),
    )


@cache
def all_ledger_words() -> dict[str, LedgerWords]:
    """Every language's table of templates/series/ledger.toml, read and checked once."""
    path: Path = template_path(*WORDS_FILE)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise _fail("", str(path), f"cannot be read ({err})") from None
    if "en" not in data:
        raise _fail("[en]", None, "is missing; English is every language's fallback")
    return {language: _table(language, table) for language, table in data.items()}


def ledger_words(language: str) -> LedgerWords:
    """The words of `language` (its base code, 'id' for 'id-ID'), English when it has none."""
    found = all_ledger_words()
    return found.get(language.split("-")[0].lower(), found["en"])


@cache
def labels() -> tuple[str, ...]:
    """The labels opening the brief's bookkeeping sentences, in every language, lower case."""
    return tuple(
        f"{getattr(words, key).lower()}:"
        for words in all_ledger_words().values()
        for key in ("on_screen", "previously", "canon", "open_threads")
    )


def strip_end(text: str, marks: str = ".;, ") -> str:
    """`text` without trailing `marks` and surrounding space."""
    return " ".join(text.split()).rstrip(marks).strip()

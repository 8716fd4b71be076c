"""Public figures by name: the versioned list in templates/gate/public_figures.toml, matched on
folded text. Surname-only forms that are also common words ("Trump", "Bush", "Lula") count only
next to a title, and a name given to an animal ("Caesar the parrot") is the animal's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from agents.gate.lexicon import compile_words, data, words
from agents.gate.normalise import Folded, fold_plain

FILE = "public_figures.toml"


@dataclass(frozen=True)
class Figure:
    """One real person from the list."""

    name: str
    category: str
    born: int | None
    died: int | None
    keys: frozenset[str]
    """Every folded alias: a consent naming any of them is this person's."""

    def dramatised(self, today: date, deceased_years: int) -> bool:
        """Died more than `deceased_years` ago (by year, so a death in the boundary year still needs
        the estate's consent)."""
        return self.died is not None and today.year - self.died > deceased_years


@dataclass(frozen=True)
class Mention:
    """A person named in one input: where, as written, and how sure the match is."""

    name: str
    span: str
    field: str
    start: int
    sentence: int
    figure: Figure | None = None


@dataclass(frozen=True)
class Roster:
    figures: tuple[Figure, ...]
    by_alias: dict[str, tuple[tuple[Figure, bool], ...]]
    """folded alias -> (figure, weak) pairs."""
    pattern: re.Pattern[str]
    title_before: re.Pattern[str]
    title_after: re.Pattern[str]
    animal_before: re.Pattern[str]
    animal_after: re.Pattern[str]


def _figure(entry: dict[str, object]) -> tuple[Figure, list[tuple[str, bool]]]:
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError(f"templates/gate/{FILE}: a [[figure]] has no name: {entry}")
    forms: list[tuple[str, bool]] = []
    for key, weak in (("aliases", False), ("short", False), ("weak", True)):
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ValueError(f"templates/gate/{FILE}: {name}: {key} must be a list of names")
        forms += [(v, weak) for v in value]
    if all(fold_plain(f) != fold_plain(name) for f, _ in forms):
        forms.insert(0, (name, False))  # the canonical name is strong unless listed as weak
    born, died = entry.get("born"), entry.get("died")
    if not isinstance(born, int | None) or not isinstance(died, int | None):
        raise ValueError(f"templates/gate/{FILE}: {name}: born and died are years")
    keys = frozenset(fold_plain(f) for f, _ in forms)
    return Figure(name, str(entry.get("category", "")), born, died, keys), forms


def _bounded(pattern: re.Pattern[str], *, before: bool) -> re.Pattern[str]:
    """A word-list pattern anchored to the end (before a name) or start (after it) of a window."""
    return re.compile(f"(?:{pattern.pattern})[ ]?$" if before else f"^[ ]?(?:{pattern.pattern})")


@cache
def roster() -> Roster:
    """The public-figure list and its compiled matchers, built once per process."""
    figures: list[Figure] = []
    by_alias: dict[str, list[tuple[Figure, bool]]] = {}
    for entry in data(FILE)["figure"]:
        figure, forms = _figure(entry)
        figures.append(figure)
        for form, weak in forms:
            pairs = by_alias.setdefault(fold_plain(form), [])
            if all(f is not figure for f, _ in pairs):
                pairs.append((figure, weak))
    titles = data(FILE)["titles"]
    animals = compile_words(words("patterns.toml", "animals", "nouns"))
    naming = compile_words(words("patterns.toml", "animals", "naming"))
    articles = compile_words(words("patterns.toml", "animals", "articles"))
    return Roster(
        figures=tuple(figures),
        by_alias={k: tuple(v) for k, v in by_alias.items()},
        pattern=compile_words(by_alias),
        title_before=_bounded(compile_words(titles["before"]), before=True),
        title_after=_bounded(compile_words(titles["after"]), before=False),
        animal_before=re.compile(
            f"(?:(?:{animals.pattern})(?:[ ]\\S+){{0,2}}[ ]?(?:{naming.pattern})|(?:{animals.pattern}))[ ]?$"
        ),
        animal_after=re.compile(f"^[ ](?:(?:{articles.pattern})[ ])?(?:{animals.pattern})"),
    )


def titled(folded: str, start: int, end: int) -> bool:
    """Whether a title stands right before (or, in CJK and Hindi, right after) folded[start:end]."""
    r = roster()
    return bool(r.title_before.search(folded[max(0, start - 40) : start])) or bool(
        r.title_after.search(folded[end : end + 12])
    )


def animal_name(folded: str, start: int, end: int) -> bool:
    """Whether the name at folded[start:end] is given to an animal ("a dog called Obama")."""
    r = roster()
    return bool(r.animal_before.search(folded[max(0, start - 40) : start])) or bool(
        r.animal_after.search(folded[end : end + 24])
    )


def find(text: Folded, field: str, *, full_names_only: bool = False) -> list[Mention]:
    """Every public figure named in `text` (one mention per match; the first figure of a shared alias).
    `full_names_only` (for a transliterated view) keeps names of two words or more: one Latin word
    read out of Cyrillic is too easily a common word there."""
    r = roster()
    found: list[Mention] = []
    for match in r.pattern.finditer(text.text):
        start, end = match.span()
        if full_names_only and " " not in match.group(0):
            continue
        pairs = r.by_alias.get(match.group(0), ())
        strong = [f for f, weak in pairs if not weak]
        if not strong and not titled(text.text, start, end):
            continue
        if animal_name(text.text, start, end):
            continue
        figure = (strong or [f for f, _ in pairs])[0]
        found.append(Mention(figure.name, text.span(start, end), field, start, text.sentence(start), figure))
    return found

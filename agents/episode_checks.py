"""The two checks a series episode passes before review (issue 17, item 4).

**Variety.** A series that makes the same episode twice is broken even when every episode is
fine alone. `fingerprint` reduces a plan to the words that tell episodes apart: its topic
(`t:word`), its hook - the title and the first shot (`h:word`) - and two-word shingles of every
shot description (`s:word_word`). Text is folded (lowercase, no diacritics, no punctuation), the
English and Indonesian stop words (and the plan language's) are dropped, words lose one
inflection (STEM_ENDINGS: "bikes" -> "bike", "sepedanya" -> "sepeda"), and the words the series
repeats on purpose are dropped through `ignore` (the cast's names, the segment names, the end
card: `recurring_words(bible)`); otherwise every pair of episodes of the same hosts looks alike.
`similarity` is a weighted mean of the three groups' Jaccard indices (WEIGHTS), `too_close`
finds the nearest earlier episode at or above a threshold, and `vary` re-plans up to a bound
and then flags the episode for review.

**Canon.** `canon_breaks` reads the plan against the folded ledger: a cast member who left (in
`canon.away`) and performs again, by id, as a speaker or by name, while the episode's own ledger
entry does not list them in `returned`; and a canon fact "<Name> now owns the <thing>" ("<Name>
sekarang punya <thing>") contradicted by a shot giving the thing to someone else ("Bima's red
bicycle", "sepeda merah Bima", "Bima owns the red bicycle") unless the entry's changed_facts
re-assign it. Matching happens inside one clause, so "sepeda merah, Bima tertawa" gives nothing.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agents.gate.normalise import fold_plain
from agents.heuristics import lexicon
from agents.heuristics.stems import CLAUSE, alternation, near
from film import BadInput, Character, FilmPlan
from film.series import Canon, LedgerEntry, SeriesBible
from templates import template_path

WEIGHTS: dict[str, float] = {"t": 0.4, "h": 0.35, "s": 0.25}
"""Weight of each feature group in `similarity`: the topic and the hook say what an episode is
about; shot shingles say how it is told, and differ between plans of one topic by chance."""
STOP_LANGUAGES = ("en", "id")
"""Stop words of these languages are always dropped (briefs of an Indonesian series mix English)."""
STEM_LEFT = 3
"""A word loses an ending only when at least this many letters stay ("cats" -> "cat", "bus" stays)."""
STEM_ENDINGS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("ies", ""), ("ied", ""), ("ing", ""), ("ed", ""), ("es", "(?:s|x|z|ch|sh)$"), ("s", "[^s]$")),
    "id": (("nya", ""),),
}
"""(ending, regex the rest must match) tried in order: inflections only. The lexicons' [inflections]
endings are made for matching a stem's forms and cut too deep here ("market" -> "marke"), and the
Indonesian -an, -kan, -lah make other words ("makanan", "sekolah"), so only the enclitic -nya goes."""
with template_path("series", "checks.toml").open("rb") as _handle:
    _WORDS: dict[str, Any] = tomllib.load(_handle)  # templates/series/checks.toml
EXTRA_STOP: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _WORDS["extra_stop"].items()}
"""Stop words the lexicons' [stopwords] and [function_words] leave out."""
MENTIONS: tuple[str, ...] = tuple(_WORDS["mentions"]["words"])
"""Words before a departed member's name that make it a mention, not a return."""
OWNS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _WORDS["owns"].items()}
"""Verbs of an ownership fact, per language."""
THING_ENDS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _WORDS["thing_ends"].items()}
OF: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _WORDS["of"].items()}


def _stop_words(language: str) -> frozenset[str]:
    return _stops(tuple(dict.fromkeys((*STOP_LANGUAGES, language))))


@cache
def _stops(languages: tuple[str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for code in languages:
        for category, key in (("stopwords", "words"), ("stopwords", "title_only")):
            out.update(lexicon.words(category, key, code))
        for key in lexicon.keys("function_words"):
            out.update(lexicon.words("function_words", key, code))
        out.update(EXTRA_STOP.get(code, ()))
    return frozenset(fold_plain(w) for w in out)


def stem(word: str, language: str) -> str:
    """`word` less its first STEM_ENDINGS ending in `language` that leaves STEM_LEFT letters."""
    for ending, then in STEM_ENDINGS.get(language, ()):
        root = word[: -len(ending)]
        if word.endswith(ending) and len(root) >= STEM_LEFT and (not then or re.search(then, root)):
            return root + ("y" if ending in ("ies", "ied") else "")
    return word


@dataclass(frozen=True)
class _Reader:
    """Folds, drops and stems words the same way for every text of one fingerprint."""

    language: str
    drop: frozenset[str]

    def words(self, text: str) -> list[str]:
        out = []
        for token in fold_plain(text).split():
            if len(token) < 2 or token in self.drop:
                continue
            root = stem(token, self.language)
            if root not in self.drop:
                out.append(root)
        return out


def _reader(language: str, ignore: Iterable[str]) -> _Reader:
    ignored = {w for text in ignore for w in fold_plain(text).split()}
    ignored |= {stem(w, language) for w in ignored}
    return _Reader(language, _stop_words(language) | ignored)


def recurring_words(bible: SeriesBible) -> tuple[str, ...]:
    """What every episode of the series repeats on purpose, for `ignore`: the cast's names and
    ids, the series title, the cold open, the segment names and the end card."""
    fixed = [m.name for m in bible.cast] + [m.id for m in bible.cast]
    fixed += [bible.title, bible.format.cold_open, bible.format.end_card]
    fixed += [s.name for s in bible.format.segments]
    return tuple(t for t in fixed if t)


def fingerprint(plan: FilmPlan, topic: str, *, ignore: Collection[str] = ()) -> list[str]:
    """The episode's features, sorted and without repeats, so it stores as JSON and compares
    the same on every machine."""
    read = _reader(plan.language, ignore)
    features = {f"t:{w}" for w in read.words(topic)}
    features |= {f"h:{w}" for w in read.words(f"{plan.title}\n{plan.shots[0].description}")}
    for shot in plan.shots:
        words = read.words(shot.description)
        pairs = itertools.pairwise(words) if len(words) > 1 else ((w, "") for w in words)
        features |= {f"s:{a}_{b}" if b else f"s:{a}" for a, b in pairs}
    return sorted(features)


def _groups(features: Iterable[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for feature in features:
        group, _, rest = feature.partition(":")
        if group in WEIGHTS:
            out.setdefault(group, set()).add(rest)
    return out


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """In [0, 1]: each group's Jaccard index weighted by WEIGHTS, over the groups either side has;
    1.0 for equal fingerprints, 0.0 when neither has any feature (nothing says they are alike)."""
    ga, gb = _groups(a), _groups(b)
    total = score = 0.0
    for group, weight in WEIGHTS.items():
        left, right = ga.get(group, set()), gb.get(group, set())
        if left or right:
            total += weight
            score += weight * len(left & right) / len(left | right)
    return round(min(1.0, score / total), 4) if total else 0.0


def closest(fp: Sequence[str], recent: Sequence[tuple[int, Sequence[str]]]) -> tuple[int, float] | None:
    """The earlier episode most like `fp` and its score (the later one on a tie); None when none."""
    best: tuple[int, float] | None = None
    for number, other in recent:
        score = similarity(fp, other)
        if best is None or (score, number) > (best[1], best[0]):
            best = (number, score)
    return best


def _threshold(threshold: float) -> float:
    if not 0 < threshold <= 1:
        raise BadInput("variety.threshold", threshold, "must be above 0 and at most 1")
    return threshold


def too_close(
    fp: Sequence[str], recent: Sequence[tuple[int, Sequence[str]]], threshold: float
) -> tuple[int, float] | None:
    """(number, score) of the closest earlier episode when the score is at or above `threshold`."""
    found = closest(fp, recent)
    return found if found is not None and found[1] >= _threshold(threshold) else None


class Variation(BaseModel):
    """The plan `vary` settled on, with what its check found."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    plan: FilmPlan
    fingerprint: list[str]
    attempts: int = Field(ge=1, description="plans made: 1 when the first was different enough")
    closest: int | None = Field(description="the most similar earlier episode; None with no history")
    score: float = Field(ge=0, le=1, description="similarity to it")
    flagged: bool = Field(description="still too close after every re-plan: send it to review")

    @property
    def reason(self) -> str:
        """The review reason for a flagged episode ('' otherwise)."""
        return f"too close to episode {self.closest} ({self.score:.2f})" if self.flagged else ""


def vary(
    plan_for: Callable[[int], FilmPlan],
    *,
    topic: str,
    recent: Sequence[tuple[int, Sequence[str]]],
    threshold: float,
    replans: int,
    ignore: Collection[str] = (),
) -> Variation:
    """Plan with attempt 0, then 1, 2 ... while the plan is too close to a recent episode, at most
    `replans` times more; the last plan is kept and flagged when it is still too close."""
    _threshold(threshold)
    if replans < 0:
        raise BadInput("variety.replans", replans, "must be 0 or more")
    for attempt in range(replans + 1):
        plan = plan_for(attempt)
        fp = fingerprint(plan, topic, ignore=ignore)
        near_one = closest(fp, recent)
        number, score = near_one if near_one is not None else (None, 0.0)
        flagged = score >= threshold
        if not flagged:
            break
    return Variation(plan=plan, fingerprint=fp, attempts=attempt + 1, closest=number, score=score,
                     flagged=flagged)  # fmt: skip


# --- canon -------------------------------------------------------------------------------------

HONORIFICS = frozenset(fold_plain(w) for w in lexicon.words("names", "honorifics"))


def _name_forms(character: Character) -> tuple[str, ...]:
    """How text calls a member: the full name, and its first word that is no honorific."""
    full = fold_plain(character.name)
    first = next((w for w in full.split() if w not in HONORIFICS), "")
    return tuple(dict.fromkeys(f for f in (full, first) if len(f) > 1))


def _word(forms: Iterable[str]) -> str:
    return rf"(?<!\w)(?:{alternation(forms)})(?!\w)"


def _clauses(plan: FilmPlan) -> Iterator[tuple[str, str]]:
    """(shot id, folded clause) for every clause of every shot's description and dialogue."""
    for shot in plan.shots:
        for text in (shot.description, *(line.text for line in shot.dialogue)):
            for clause in CLAUSE.split(text):
                if folded := fold_plain(clause):
                    yield shot.id, folded


def _cast(plan: FilmPlan, bible: SeriesBible) -> dict[str, Character]:
    out: dict[str, Character] = {m.id: m for m in bible.cast}
    for character in plan.characters:
        out.setdefault(character.id, character)
    return out


def _back_in(plan: FilmPlan, member: Character) -> list[str]:
    """The shots where `member` performs, speaks or is named other than as a mention."""
    forms = _name_forms(member)
    name = re.compile(_word(forms))
    shots = [
        s.id
        for s in plan.shots
        if any(p.character_id == member.id for p in s.performances)
        or any(fold_plain(line.speaker or "") in (*forms, member.id) for line in s.dialogue)
    ]
    for shot_id, clause in _clauses(plan):
        if any(not near(clause, m.start(), MENTIONS, before=True, words=4) for m in name.finditer(clause)):
            shots.append(shot_id)
    order = [s.id for s in plan.shots]
    return sorted(set(shots), key=order.index)


def _returns(plan: FilmPlan, canon: Canon, entry: LedgerEntry, cast: dict[str, Character]) -> list[str]:
    out = []
    for member_id in canon.away:
        if member_id in entry.returned:
            continue
        member = cast.get(member_id, Character(id=member_id, name=member_id))
        shots = _back_in(plan, member)
        if shots:
            where = f"shot {shots[0]}" if len(shots) == 1 else f"shots {', '.join(shots)}"
            out.append(f"{member.name} left the story and is back in {where} with no explanation")
    return out


@dataclass(frozen=True)
class Ownership:
    """A fact "<owner> now owns <thing>", read: the owner's id, the thing's words and language."""

    fact: str
    owner: str
    thing: tuple[str, ...]
    language: str

    @property
    def head(self) -> str:
        """The thing's noun: last in English ("red bicycle"), first in Indonesian ("sepeda merah")."""
        return self.thing[-1] if self.language == "en" else self.thing[0]

    @property
    def modifiers(self) -> tuple[str, ...]:
        return self.thing[:-1] if self.language == "en" else self.thing[1:]

    def claims(self, other: Character) -> str:
        """Regex of a clause that gives the thing to `other`."""
        who = _word(_name_forms(other))
        mods = alternation(self.modifiers)
        head = re.escape(self.head)
        if self.language == "en":
            dets = alternation(lexicon.words("function_words", "determiners", "en"))
            own = alternation(OWNS["en"])
            thing = rf"(?:(?:{mods})\s+){{0,3}}{head}(?:s|es)?(?!\w)"
            return rf"{who}\s+s\s+{thing}|{who}\s+(?:{own})\s+(?:(?:{dets})\s+)?{thing}"
        own, of = alternation(OWNS["id"]), alternation(OF["id"])
        thing = rf"(?<!\w){head}(?:\s+(?:{mods})){{0,3}}"
        return rf"{thing}\s+(?:(?:{of})\s+)?{who}|{who}\s+(?:{own})\s+{thing}(?!\w)"


def _ownership(fact: str, cast: dict[str, Character]) -> Ownership | None:
    """The fact read as an ownership, or None when it is none or its owner is not in the cast."""
    folded = fold_plain(fact)
    for language, verbs in OWNS.items():
        m = re.match(rf"(?P<owner>.+?)\s+(?:{alternation(verbs)})\s+(?P<thing>.+)$", folded)
        if m is None:
            continue
        dets = {fold_plain(w) for w in lexicon.words("function_words", "determiners", language)}
        words = m["thing"].split()
        while words and words[0] in dets | {"the", "a", "an"}:
            words = words[1:]
        while words and words[-1] in THING_ENDS[language]:
            words = words[:-1]
        owner = next((i for i, c in cast.items() if m["owner"] in (*_name_forms(c), i)), None)
        if owner is not None and words:
            return Ownership(fact, owner, tuple(words), language)
    return None


def _owned(plan: FilmPlan, canon: Canon, entry: LedgerEntry, cast: dict[str, Character]) -> list[str]:
    facts = [o for f in canon.facts if (o := _ownership(f, cast)) is not None]
    reassigned = {o.thing for f in entry.changed_facts if (o := _ownership(f, cast)) is not None}
    latest = {o.thing: o for o in facts}  # a later fact about the same thing wins
    out = []
    for fact in latest.values():
        if fact.thing in reassigned:
            continue
        for other_id, other in cast.items():
            if other_id == fact.owner:
                continue
            claim = re.compile(fact.claims(other))
            for shot_id in dict.fromkeys(s for s, clause in _clauses(plan) if claim.search(clause)):
                thing = " ".join(fact.thing)
                out.append(
                    f'shot {shot_id} gives the {thing} to {other.name}, but the canon says "{fact.fact}"'
                )
    return out


def canon_breaks(plan: FilmPlan, canon: Canon, entry: LedgerEntry, bible: SeriesBible) -> list[str]:
    """One line per contradiction of the ledger, each naming its shot; [] when the plan keeps canon."""
    cast = _cast(plan, bible)
    return list(dict.fromkeys(_returns(plan, canon, entry, cast) + _owned(plan, canon, entry, cast)))

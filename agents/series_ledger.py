"""What a series carries from one episode to the next: the bible's cast put into a plan verbatim
(`recast`), and the ledger entry read back from the plan that was made (`ledger_entry`).

The ledger is heuristic and deterministic. Its news is the episode's topic and every sentence
of the plan (logline, shot descriptions, spoken lines) that the bible does not write into every
episode, nor the brief's own bookkeeping (the sentences opening with an on-screen or canon
label). News holding the cue words of templates/series/ledger.toml becomes open threads and
changed facts; a cast member named nearest before a leaving or returning cue departed or returned.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from agents.fidelity import same_name
from agents.heuristics import lexicon
from agents.heuristics.cast import bare_name
from agents.heuristics.text import clip, quotes, split_sentences, unquoted
from agents.series import all_ledger_words, episode_brief, labels, strip_end, topic_for
from film import Character, FilmPlan, Performance
from film.series import Canon, CastMember, LedgerEntry, SeriesBible

__all__ = ["ledger_entry", "recast"]

GAP = r"(?:\W+\w+){0,6}?\W+"
"""What ' ... ' in a cue stands for: up to six words."""
MOST = 5
"""Threads and facts one episode adds at most, so a long episode cannot flood the canon."""
RECAP_CHARS = 400
COVERAGE = (
    "establishing",
    "reaction",
    "reacting",
    "insert",
    "over_the_shoulder",
    "cutaway",
    "close",
    "angle",
)
"""The coverage lines the offline planner adds ('Reaction: Theo watches Maya'): no news."""


@cache
def _coverage() -> re.Pattern[str]:
    """Every language's coverage line templates, each `{slot}` standing for any text."""
    lines = []
    for language in lexicon.languages():
        for key in COVERAGE:
            template = lexicon.value(language, "coverage", key)
            if isinstance(template, str):
                pieces = re.split(r"\{\w+\}", template)
                lines.append(".+?".join(re.escape(p) for p in pieces))
    return re.compile(rf"(?:{'|'.join(sorted(set(lines)))})[.!?…]?", re.IGNORECASE)


@cache
def _cues(kind: str) -> re.Pattern[str]:
    """Every language's cues of one kind as one pattern, whole words, any case."""
    parts = []
    for words in all_ledger_words().values():
        for cue in getattr(words, kind):
            if not re.search(r"\w", cue):
                parts.append(re.escape(cue.strip()))
                continue
            pieces = [r"\s+".join(map(re.escape, p.split())) for p in cue.split(" ... ")]
            parts.append(r"(?<!\w)" + GAP.join(pieces) + r"(?!\w)")
    return re.compile("|".join(sorted(set(parts), key=len, reverse=True)), re.IGNORECASE)


def _keys(name: str) -> tuple[str, str]:
    """A name's full and first-name keys, lower case, honorifics dropped ('Pak Budi' -> 'budi')."""
    bare = bare_name(name).lower()
    return bare, bare.split()[0] if bare else bare


def _member_for(character: Character, cast: tuple[CastMember, ...]) -> CastMember | None:
    """The cast member a planned character is: the same id, else the same name (honorifics
    aside), else a name that shows the member's ('Will Maya' shows 'Maya'), else the same first
    name. The first member in the bible's order wins each test."""
    full, first = _keys(character.name)
    tests = (
        lambda m: m.id == character.id,
        lambda m: _keys(m.name)[0] == full,
        lambda m: same_name(character.name, bare_name(m.name)),
        lambda m: _keys(m.name)[1] == first,
    )
    for test in tests:
        found = next((m for m in cast if test(m)), None)
        if found is not None:
            return found
    return None


def recast(plan: FilmPlan, bible: SeriesBible) -> FilmPlan:
    """The plan with the bible's cast in it verbatim. A planned character that is a cast member
    becomes that member's Character; every other one stays, as a guest. Members come first in
    the bible's order, guests after in the plan's; performances and speakers follow. The plan
    takes the series' style whatever the planner chose, since every episode must look alike."""
    ids: dict[str, str] = {}
    speakers: dict[str, str] = {}
    members: set[str] = set()
    guests: list[Character] = []
    for character in plan.characters:
        member = _member_for(character, bible.cast)
        if member is None:
            guests.append(character)
            continue
        ids[character.id] = member.id
        speakers[character.name.lower()] = speakers[character.id] = member.name
        members.add(member.id)
    cast = [m.character() for m in bible.cast if m.id in members]
    shots = []
    for shot in plan.shots:
        acting: dict[str, Performance] = {}  # two planned names for one member act once
        for performance in shot.performances:
            who = ids.get(performance.character_id, performance.character_id)
            acting.setdefault(who, performance.model_copy(update={"character_id": who}))
        lines = [
            line.model_copy(update={"speaker": speakers.get((line.speaker or "").lower(), line.speaker)})
            for line in shot.dialogue
        ]
        shots.append(
            shot.model_copy(update={"performances": tuple(acting.values()), "dialogue": tuple(lines)})
        )
    data = plan.model_dump()
    data.update(characters=[*cast, *guests], shots=shots, style=bible.style)
    return FilmPlan.model_validate(data)


def ledger_entry(plan: FilmPlan, *, number: int, slot: datetime, bible: SeriesBible) -> LedgerEntry:
    """What episode `number` (made for `slot`) leaves for the next: a recap (title and the first
    news), the open threads and changed facts it adds, and who of the cast departed or returned."""
    news = _news(plan, number=number, slot=slot, bible=bible)
    threads = [s for s in news if _cues("threads").search(unquoted(s))][:MOST]
    facts = [s for s in news if _cues("facts").search(unquoted(s)) and s not in threads][:MOST]
    title = strip_end(plan.title, ".;, :")
    told = [s for s in news if _squash(s) not in _squash(title)][:3]
    recap = clip(" ".join([title + ("" if title[-1:] in ".!?…" else "."), *told]), RECAP_CHARS)
    return LedgerEntry(
        slot=slot,
        number=number,
        title=plan.title,
        recap=recap,
        open_threads=tuple(clip(s, 300) for s in threads),
        changed_facts=tuple(clip(s, 300) for s in facts),
        departed=_moved(news, bible, "departures"),
        returned=_moved(news, bible, "returns"),
    )


TOPIC = "\x00topic\x00"
"""Stands for the topic where the episode's text is compared with the bible's."""


def _news(plan: FilmPlan, *, number: int, slot: datetime, bible: SeriesBible) -> list[str]:
    """The topic's sentences, then the plan's that no episode of the series would share, in
    order, once each. A plan sentence is shared when, with the topic written as TOPIC, it lies
    inside the brief the bible renders for every episode (the canon left out) or its world and
    cast notes; a bookkeeping sentence (opening with a label) and any quote in it are skipped."""
    topic = topic_for(bible, number)
    shared = _squash(
        " ".join(
            [
                episode_brief(bible, number=number, slot=slot, canon=Canon()).replace(topic, TOPIC),
                bible.world,
                *(f"{m.description}. {m.appearance}" for m in bible.cast),
            ]
        )
    )
    texts = [plan.logline, *(s.description for s in plan.shots)]
    kept = [s for t in texts for s in split_sentences(t) if _squash(s).startswith(labels())]
    bookkeeping = {_squash(q) for s in kept for q in quotes(s)}
    found: dict[str, str] = {}
    for sentence in split_sentences(topic):
        found.setdefault(_squash(sentence), " ".join(sentence.split()))
    spoken = [line.text for s in plan.shots for line in s.dialogue]
    for sentence in (s for text in [*texts, *spoken] for s in split_sentences(text)):
        key = _squash(sentence)
        if key in found or len(key) < 4 or key.startswith(labels()) or key in bookkeeping:
            continue
        if _coverage().fullmatch(sentence.strip()):
            continue
        if _squash(sentence.replace(topic, TOPIC)) in shared:
            continue
        found[key] = " ".join(sentence.split())
    return list(found.values())


def _squash(text: str) -> str:
    """Text compared as words: lower case, one space, no closing dot or quote marks."""
    return " ".join(text.lower().replace("\u201c", '"').replace("\u201d", '"').split()).strip(" .…")


def _moved(sentences: list[str], bible: SeriesBible, kind: str) -> tuple[str, ...]:
    """Cast ids named nearest before a `kind` cue (or first after it, when none is before), in
    the bible's order."""
    moved: set[str] = set()
    for sentence in sentences:
        for cue in _cues(kind).finditer(sentence):
            hits = [(hit.start(), m.id) for m in bible.cast for hit in _mention(m).finditer(sentence)]
            before = [h for h in hits if h[0] < cue.start()]
            after = [h for h in hits if h[0] >= cue.end()]
            if before or after:
                moved.add(max(before)[1] if before else min(after)[1])
    return tuple(m.id for m in bible.cast if m.id in moved)


@cache
def _mention(member: CastMember) -> re.Pattern[str]:
    """A member's full name, bare name or first name as a whole word, any case."""
    names = {member.name, *(k for k in _keys(member.name) if k)}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

"""The character bible: what the brief says a character looks like, and nothing more.

Only phrases that modify the character count: an apposition ("Mara, a young keeper in a yellow
raincoat,"), a predicate ("Mara is tall", "Theo wears a red coat"), the words between an article
and the name ("the old fisherman Theo", "a girl named Ivy"), and in Chinese and Japanese the
noun joined to the name ("店主のおばあさん・千代", "小雨的女孩"). An adjective elsewhere in the
sentence describes its own noun ("the old lighthouse" does not age Mara). Fields the brief leaves
open get neutral values and are listed in `Character.defaults`, so prompts never invent a look.
The words come from the lexicons' [looks], [builds], [colours] and [function_words] tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from agents.heuristics import lexicon
from agents.heuristics.segment import words as segmented
from agents.heuristics.text import (
    alternation,
    clip,
    has_stem,
    is_spaced,
    split_sentences,
    stem_matches,
    stems_for,
    unquoted,
)
from film import Character

# fmt: off
PALETTE: tuple[tuple[str, str], ...] = (
    ("#c0392b", "crimson"), ("#2980b9", "cobalt blue"), ("#27ae60", "emerald green"), ("#f39c12", "amber"),
    ("#8e44ad", "violet"), ("#16a085", "teal"), ("#d35400", "burnt orange"), ("#2c3e50", "midnight navy"),
    ("#e84393", "rose pink"), ("#7f8c8d", "slate grey"), ("#b7950b", "mustard yellow"),
    ("#6d4c41", "chestnut"),
)
# fmt: on
"""Figure colours for characters the brief does not dress, so figures still differ on screen."""
NEUTRAL_BUILD = "average"
AGE = re.compile(r"\s*[（(]\s*(\d{1,3})\s*[岁歳才]?\s*[）)]")
CHILD_AGE = 14
WORD = re.compile(r"\w+(?:['’-]\w+)*")
CLOSE = ",.;:!?()（）—–。、，！？"
MIDDLE_DOT = re.compile(r"([^\s。、，！？「」『』・はがをにでと]{1,12})[・の]$")
"""A Japanese role noun joined to the name after it: 店主のおばあさん・千代, 小学生のユウタ."""


@dataclass(frozen=True)
class Looks:
    """One language's words for describing a person (with English and the non-Latin scripts)."""

    garments: tuple[str, ...]
    look_words: tuple[str, ...]
    build_words: tuple[str, ...]
    builds: tuple[tuple[str, tuple[str, ...]], ...]
    colours: tuple[tuple[str, tuple[str, ...]], ...]
    determiners: frozenset[str]
    place_prepositions: frozenset[str]
    phrase_breaks: frozenset[str]
    introducers: frozenset[str]
    apposition: re.Pattern[str]
    predicate: re.Pattern[str]
    wears: re.Pattern[str]


@cache
def looks(language: str | None) -> Looks:
    """The words `bible` reads a brief in `language` with (None: every language's)."""

    def pick(category: str, key: str) -> tuple[str, ...]:
        return stems_for(category, key, language)

    builds = tuple((name, pick("builds", name)) for name in lexicon.keys("builds"))
    colours = tuple(
        (lexicon.schema().colours[name], pick("colours", name)) for name in lexicon.keys("colours")
    )
    build_words = tuple(s for _, stems in builds for s in stems)
    wearing = pick("looks", "wearing")
    garments = pick("looks", "garments")
    copula = alternation(pick("function_words", "copulas"))
    return Looks(
        garments=garments,
        look_words=garments
        + pick("looks", "descriptors")
        + wearing
        + tuple(s for _, stems in colours for s in stems),
        build_words=build_words,
        builds=builds,
        colours=colours,
        determiners=frozenset(pick("function_words", "determiners")),
        place_prepositions=frozenset(pick("function_words", "place_prepositions")),
        phrase_breaks=frozenset(pick("function_words", "phrase_breaks")),
        introducers=frozenset(pick("names", "introducers")),
        apposition=re.compile(rf"\s*[,(（–—]\s*([^{CLOSE}]{{2,90}})(?=[{CLOSE}]|$)"),
        predicate=re.compile(rf"\s*(?:,\s*\w+\s+)?(?:{copula})\s+([^{CLOSE}]{{1,80}})", re.I),
        wears=re.compile(rf"\s*(?:\w+\s+){{0,2}}?((?:{alternation(wearing)})[^{CLOSE}]{{0,80}})", re.I),
    )


@dataclass(frozen=True)
class Phrase:
    """Words that describe the character: `text` for the appearance line (may be ''), `head` the
    part an adjective there modifies (the build and age come from it)."""

    text: str
    head: str


def bible(
    cid: str, name: str, mentions: re.Pattern[str], corpus: str, index: int, language: str
) -> Character:
    """The character as the brief draws them; what it leaves open is neutral and named in defaults."""
    words = looks(language)
    sentences = [s for s in split_sentences(corpus) if mentions.search(s)]
    phrases = [p for s in sentences for p in own_phrases(s, mentions, words)]
    appearance = ", ".join(dict.fromkeys(p.text for p in phrases if p.text))
    heads = " ".join(p.head for p in phrases)
    build = next((b for b, stems in words.builds if has_stem(heads, stems)), None) or _age_build(
        corpus, mentions
    )
    dressed = dressed_colour(appearance, language) if appearance else None
    missing = {"appearance": not appearance, "build": build is None, "color": dressed is None}
    return Character(
        id=cid,
        name=clip(name, 60),
        description=clip(" ".join(sentences[:4]) or name, 400),
        appearance=clip(appearance, 400),
        color=dressed or PALETTE[index % len(PALETTE)][0],
        build=build or NEUTRAL_BUILD,  # a [builds] class name, which film's Literal lists
        defaults=tuple(f for f, gone in missing.items() if gone),
    )


def _age_build(corpus: str, mentions: re.Pattern[str]) -> str | None:
    """A screenplay's age after the name ('LUCA (12)'): a child under CHILD_AGE."""
    for m in mentions.finditer(corpus):
        age = AGE.match(corpus, m.end())
        if age and int(age.group(1)) < CHILD_AGE:
            return "child"
    return None


def own_phrases(sentence: str, mentions: re.Pattern[str], words: Looks) -> list[Phrase]:
    """The phrases of one sentence that describe the character `mentions` finds (quotes blanked)."""
    text = unquoted(sentence)
    out: list[Phrase] = []
    for m in mentions.finditer(text):
        after, before = text[m.end() :], text[: m.start()]
        if p := words.predicate.match(after):
            out.append(_described(p.group(1), p.group(1), words))
        elif a := words.apposition.match(after):
            phrase = a.group(1).strip()
            first = phrase.split()[0].lower() if phrase.split() else ""
            out.append(_described(phrase, _head(phrase, words), words, keep=first in words.determiners))
        if w := words.wears.match(after):
            out.append(_described(w.group(1), "", words))
        out.append(_before_name(before, words))
        if not is_spaced(m.group()):
            out.append(_unspaced(after, words))
    return [p for p in out if p.text or p.head]


def described_after(after: str, language: str) -> bool:
    """Whether the words right after a name describe a person ('Elena, in a grey sweater,',
    'Mara is tall'): a sign the capitalised word is somebody."""
    words = looks(language)
    for pattern in (words.predicate, words.apposition, words.wears):
        m = pattern.match(after)
        if m and has_stem(m.group(1), words.look_words):
            return True
    return False


def described_before(before: str, language: str) -> bool:
    """Whether the words right before a name describe a person ('the old fisherman Theo', 'une
    vieille pêcheuse, Yvonne')."""
    return bool(_before_name(before, looks(language)).text)


def _described(text: str, head: str, words: Looks, *, keep: bool = False) -> Phrase:
    """A phrase is a look when it holds a look word (or `keep`: an apposition led by an article);
    else its head may still give a build ('a girl named Ivy': a child, with no look)."""
    if keep or has_stem(text, words.look_words):
        return Phrase(text.strip(), head)
    return Phrase("", head if has_stem(head, words.build_words) else "")


def _head(phrase: str, words: Looks) -> str:
    """The noun phrase an adjective in `phrase` can modify: up to its first preposition, so in
    'a tall man with a small dog' the man is tall and nobody is small."""
    tokens = WORD.findall(phrase)
    start = 1 if tokens and tokens[0].lower() in words.determiners else 0
    head: list[str] = []
    for token in tokens[start:]:
        if token.lower() in words.phrase_breaks:
            break
        head.append(token)
    return " ".join(head)


def _before_name(before: str, words: Looks) -> Phrase:
    """'the old fisherman Theo' -> 'old fisherman'; 'a girl named Ivy' -> build only; 'at the old
    harbour Theo' is a place, not a description. Japanese: the role noun before a middle dot."""
    if m := MIDDLE_DOT.search(before):
        return _described(m.group(1), m.group(1), words)
    trimmed = before.rstrip()
    if trimmed.endswith(","):  # 'une vieille pêcheuse, Yvonne,': the name in apposition
        trimmed = trimmed[:-1]
    clause = re.split(rf"[{CLOSE}]", trimmed)[-1]
    tokens = WORD.findall(clause)[-6:]
    if tokens and tokens[-1].lower() in words.introducers:
        tokens = tokens[:-1]
    article = max((i for i, t in enumerate(tokens) if t.lower() in words.determiners), default=-1)
    described = tokens[article + 1 :]
    if article < 0 or not described or len(described) > 4 or not all(w.islower() for w in described):
        return Phrase("", "")
    if article > 0 and tokens[article - 1].lower() in words.place_prepositions:
        return Phrase("", "")
    phrase = " ".join(described)
    return _described(phrase, phrase, words)


def _unspaced(after: str, words: Looks) -> Phrase:
    """Chinese and Japanese: 'X的女孩' (the girl X) names who X is; the clause after the name
    says what they wear ('小雨穿着红色的雨衣')."""
    if after.startswith("的"):
        noun = next(iter(segmented(after[1:20], "zh")), "")
        return _described(noun, noun, words)
    clause = re.split(rf"[{CLOSE}]", after)[0].lstrip("はがも")
    return _described(clause, "", words) if has_stem(clause, words.garments) else Phrase("", "")


def dressed_colour(appearance: str, language: str | None = None) -> str | None:
    """The colour the brief dresses a character in (the word nearest a garment, else the first
    colour word), so the previz figure wears it too. Without a language, any language's words."""
    words = looks(language)
    hits = [
        (m.start(), -len(m.group()), hex_colour)
        for hex_colour, stems in words.colours
        for m in stem_matches(appearance, stems)
    ]  # (start, -length, hex)
    worn = [m.start() for m in stem_matches(appearance, words.garments)]

    def rank(hit: tuple[int, int, str]) -> tuple[bool, int, int]:
        gap = min((abs(g - hit[0]) for g in worn), default=0)
        return (gap > 30, gap if worn else hit[0], hit[1])

    return min(hits, key=rank)[2] if hits else None

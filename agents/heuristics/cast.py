"""Finds the named people in a brief and writes their character bible: a stable id, a colour, a
build and an appearance line, so every shot describes them the same way.

Signals, strongest first: screenplay cues; 'named X' patterns; capitalised words (Latin, Cyrillic,
Greek) that are not sentence-initial function words, never appear in lower case, never follow an
article, and recur or are followed by a verb. Scripts without capitals get the pattern signals only.
The words behind every signal are the lexicons' [names], [function_words], [looks], [builds] and
[colours] tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from agents.heuristics import lexicon
from agents.heuristics.beats import QUOTES
from agents.heuristics.language import STOPWORDS
from agents.heuristics.lexicon import NameMark
from agents.heuristics.text import alternation, clip, has_stem, slug, split_sentences, words
from agents.heuristics.verbs import EMOTIONS, MOVES
from film import Character

# fmt: off
PALETTE: tuple[tuple[str, str], ...] = (
    ("#c0392b", "crimson"), ("#2980b9", "cobalt blue"), ("#27ae60", "emerald green"), ("#f39c12", "amber"),
    ("#8e44ad", "violet"), ("#16a085", "teal"), ("#d35400", "burnt orange"), ("#2c3e50", "midnight navy"),
    ("#e84393", "rose pink"), ("#7f8c8d", "slate grey"), ("#b7950b", "mustard yellow"),
    ("#6d4c41", "chestnut"),
)
# fmt: on
MAX_CAST = 12
# Colour words that, when the brief dresses a character in them, become the figure's colour.
COLOUR_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (lexicon.schema().colours[name], stems) for name, stems in lexicon.classes("colours")
)
PARTICLES = "".join(lexicon.words("names", "particles"))
NOT_NAMES = frozenset(lexicon.words("names", "not_names")).union(*STOPWORDS.values())
DETERMINERS = frozenset(lexicon.words("function_words", "determiners"))
PLACE_PREPOSITIONS = frozenset(lexicon.words("function_words", "place_prepositions"))
NAMED = re.compile(rf"(?:{alternation(lexicon.words('names', 'introducers'))})\s+([^\W\d_][\w'’-]*)", re.I)
GARMENTS = lexicon.words("looks", "garments")
BUILDS: tuple[tuple[str, tuple[str, ...]], ...] = lexicon.classes("builds")
DESCRIPTORS = frozenset(lexicon.words("looks", "descriptors"))


def _marked(mark: NameMark) -> re.Pattern[str]:
    """The pattern of one name mark: its words before or after a run of the script's letters."""
    gap = r"\s+" if mark.spaced else ""
    name = f"([{mark.letters}]{{1,{mark.longest}}})" if mark.longest else f"([{mark.letters}]+)"
    marks = sorted(mark.before or mark.after, key=len, reverse=True)
    either = "|".join(gap.join(map(re.escape, m.split())) if gap else re.escape(m) for m in marks)
    return re.compile(f"(?:{either}){gap}{name}" if mark.before else f"{name}{gap}(?:{either})")


NAMED_UNSPACED: tuple[re.Pattern[str], ...] = tuple(_marked(mark) for mark in lexicon.name_marks())


@dataclass
class CastMember:
    """A found character with every way the brief refers to them."""

    name: str
    aliases: set[str] = field(default_factory=set)
    first_seen: int = 0
    count: int = 0


def find_cast(texts: list[str], cues: Iterable[str]) -> list[tuple[Character, re.Pattern[str]]]:
    """The character bible for a brief given its beat texts and screenplay cues (in order), each
    with the pattern that finds the character's mentions in a beat."""
    members = _candidates(texts, list(cues))
    members = sorted(members, key=lambda m: (-m.count, m.first_seen))[:MAX_CAST]
    members.sort(key=lambda m: m.first_seen)
    corpus = " ".join(texts)
    out: list[tuple[Character, re.Pattern[str]]] = []
    used: set[str] = set()
    colours: set[str] = set()
    for index, member in enumerate(members):
        base = slug(member.name) or f"c{index + 1}"
        cid, n = base, 2
        while cid in used:
            cid, n = f"{base}-{n}", n + 1
        used.add(cid)
        character = _bible(cid, member, corpus, index)
        if character.color in colours:  # two figures must never look alike on screen
            spare = next((c for c, _ in PALETTE if c not in colours), character.color)
            character = character.model_copy(update={"color": spare})
        colours.add(character.color)
        out.append((character, mention_pattern(character, member.aliases)))
    return out


def _candidates(texts: list[str], cues: list[str]) -> list[CastMember]:
    found: dict[str, CastMember] = {}

    def add(name: str, pos: int, weight: int = 1) -> None:
        key = name.lower()
        member = found.setdefault(key, CastMember(name=name, first_seen=pos))
        member.aliases.add(name)
        member.count += weight
        member.first_seen = min(member.first_seen, pos)

    for i, cue in enumerate(cues):
        add(" ".join(w.capitalize() if w.isalpha() else w for w in cue.split()), i, 3)
    corpus = "\n".join(texts)
    for m in NAMED.finditer(corpus):
        if m.group(1)[0].isupper() or not m.group(1)[0].isalpha():
            add(m.group(1), m.start(), 2)
    for pattern in NAMED_UNSPACED:
        for m in pattern.finditer(corpus):
            name = m.group(1).rstrip(PARTICLES) if len(m.group(1)) > 2 else m.group(1)
            add(name, m.start(), 2)
    for name, pos, count in _capitalised(texts):
        add(name, pos, count)
    _merge_partial_names(found)
    return list(found.values())


def _capitalised(texts: list[str]) -> list[tuple[str, int, int]]:
    """Capitalised runs that behave like names: (name, first position, occurrences)."""
    lower_words = {w for t in texts for w in words(t) if w.islower()}
    stats: dict[str, list[int]] = {}  # name -> [count, first_pos, mid, verb_follows, article, place]
    verbs = tuple(
        s for lex in (MOVES, EMOTIONS) for by_lang in lex.values() for v in by_lang.values() for s in v
    )
    pos = 0
    for text in texts:
        for sentence in split_sentences(QUOTES.sub(" ", text)):  # speech starts with capitals
            tokens = words(sentence)
            k = 0
            while k < len(tokens):
                run: list[str] = []
                while k + len(run) < len(tokens) and len(run) < 3 and _capital(tokens[k + len(run)]):
                    run.append(tokens[k + len(run)])
                if not run:
                    k += 1
                    continue
                start = k
                while run and (run[0].lower() in NOT_NAMES or run[0].lower() in lower_words):
                    run, start = run[1:], start + 1
                k = start + max(len(run), 1)
                if not run or any(t.lower() in lower_words or t.lower() in NOT_NAMES for t in run):
                    continue
                name = " ".join(run)
                row = stats.setdefault(name, [0, pos, 0, 0, 0, 0])
                row[0] += 1
                prev = tokens[start - 1].lower() if start > 0 else ""
                after = tokens[k] if k < len(tokens) else ""
                row[2] += start > 0
                lower_after = bool(after) and after.islower() and after.lower() not in NOT_NAMES
                row[3] += lower_after and (start > 0 or has_stem(after, verbs))
                row[4] += prev in DETERMINERS
                row[5] += prev in PLACE_PREPOSITIONS
            pos += 1
    return [
        (name, first, count)
        for name, (count, first, _mid, verb, article, place) in stats.items()
        if not article and place * 2 <= count and (count >= 2 or verb) and not name.lower().endswith("ly")
    ]


def _capital(token: str) -> bool:
    """'Mara' and 'Élodie' are; 'I', 'NASA' and contractions like "Don't" are not."""
    return (
        len(token) >= 2
        and token[0].isupper()
        and not token[1:].isupper()
        and token[0].isalpha()
        and "'" not in token
        and "’" not in token
    )


def _merge_partial_names(found: dict[str, CastMember]) -> None:
    """'Maria' and 'Maria Lopez' are one person: fold single words into the longer name."""
    for key in sorted(found, key=len):
        member = found[key]
        if " " in key:
            continue
        longer = [m for k, m in found.items() if k != key and key in k.split()]
        if len(longer) == 1:
            longer[0].count += member.count
            longer[0].aliases |= member.aliases
            longer[0].first_seen = min(longer[0].first_seen, member.first_seen)
            del found[key]
    for member in found.values():
        if " " in member.name:
            parts = [p for p in member.name.split() if p.lower() not in NOT_NAMES and len(p) > 2]
            if parts:
                member.aliases.add(parts[0])


def _bible(cid: str, member: CastMember, corpus: str, index: int) -> Character:
    color, color_name = PALETTE[index % len(PALETTE)]
    sentences = [s for s in split_sentences(corpus) if any(a.lower() in s.lower() for a in member.aliases)]
    about = " ".join(sentences[:4])
    apposition = ""
    for alias in sorted(member.aliases, key=len, reverse=True):
        m = re.search(
            re.escape(alias) + r"\s*[,(–—-]\s*((?:a|an|the|un|una|une|ein|eine|el|la|le)\s"
            r"[^,.;:!?()]{3,90})",
            about,
            re.I,
        )
        if m:
            apposition = m.group(1).strip()
            break
    pieces = [apposition] if apposition else []
    lowered = about.lower().split()
    for i, word in enumerate(lowered):
        bare = word.strip(".,;:!?\"'()«»“”")
        if bare in DESCRIPTORS and bare not in " ".join(pieces):
            pieces.append(bare)
        if any(bare.startswith(g) for g in GARMENTS) and bare not in " ".join(pieces):
            window = [w.strip(".,;:!?\"'()«»“”") for w in lowered[max(0, i - 2) : i + 2]]
            pieces.append(" ".join(w for w in window if w and w not in DETERMINERS))
    build = next(
        (b for b, stems in BUILDS if any(s in (apposition + " " + " ".join(pieces)).lower() for s in stems)),
        None,
    )
    if build is None:
        build = next(
            (
                b
                for b, stems in BUILDS
                if any(re.search(r"(?<!\w)" + re.escape(s), about.lower()) for s in stems)
            ),
            "average",
        )
    appearance = ", ".join(dict.fromkeys(p for p in pieces if p))
    if not appearance:
        appearance = f"wears a {color_name} jacket, {build} build"
    else:
        color = dressed_colour(appearance) or color
    return Character(
        id=cid,
        name=clip(member.name, 60),
        description=clip(about or member.name, 400),
        appearance=clip(appearance, 400),
        color=color,
        build=build,
    )


def dressed_colour(appearance: str) -> str | None:
    """The colour the brief dresses a character in, so the previz figure wears it too."""
    words = [w.strip(".,;:!?\"'()«»“”") for w in appearance.lower().split()]
    for word in words:
        for hex_colour, stems in COLOUR_WORDS:
            if any(word.startswith(stem) for stem in stems):
                return hex_colour
    return None


def mention_pattern(character: Character, aliases: Iterable[str]) -> re.Pattern[str]:
    """Regex finding a character in text: whole words in spaced scripts (Cyrillic names may take a
    case ending), substrings in CJK."""
    parts = []
    for alias in sorted({character.name, *aliases}, key=len, reverse=True):
        if re.search(r"[\u0400-\u04ff]", alias) and len(alias) > 3:
            parts.append(r"(?<!\w)" + re.escape(alias[:-1]) + r"\w{0,3}(?!\w)")
        elif re.search(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff]", alias):
            parts.append(r"(?<!\w)" + re.escape(alias) + r"(?!\w)")
        else:
            parts.append(re.escape(alias))
    return re.compile("|".join(parts), re.I)

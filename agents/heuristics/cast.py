"""Finds the named people in a brief and writes their character bible (bible.py): a stable id, a
colour, a build and an appearance line, so every shot describes them the same way.

Signals, strongest first: screenplay cues (not all-caps action lines); 'named X' patterns; a name
behind an honorific ('Pak Bambang', 'la señora López'); the name marks of scripts without
capitals ('ユウタくん', '・千代', '名叫小雨') and the speaker of a quote there ('千代说：', see
unspaced.py); then
capitalised words that are not sentence-initial function words, never appear in lower case,
never follow an article, are mostly not in a place phrase ('di pasar ikan Surabaya', 'in Lisbon',
'Baker Street'), are no weather word ('Thunder'), and recur or are followed by a verb.
The words behind every signal are the lexicons' [names], [function_words], [place_names],
[speech] and weather tables.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from anyascii import anyascii

from agents.heuristics import lexicon
from agents.heuristics.bible import PALETTE, bible, described_after, described_before, dressed_colour
from agents.heuristics.language import STOPWORDS, detect_language
from agents.heuristics.text import (
    alternation,
    has_stem,
    quotes,
    slug,
    split_sentences,
    stems_for,
    unquoted,
    words,
)
from agents.heuristics.unspaced import NOT_NAMES, VERBS, unspaced_names
from agents.heuristics.verbs import speech_verbs
from film import Character

__all__ = ["PALETTE", "dressed_colour", "find_cast", "is_character_cue", "mention_pattern"]

MAX_CAST = 12
DETERMINERS = frozenset(lexicon.words("function_words", "determiners"))
HONORIFICS = frozenset(w.lower() for w in lexicon.words("names", "honorifics"))
PEOPLE = frozenset(w.lower() for w in lexicon.words("names", "people"))
"""Kinship nouns: 'his little sister Mia' is Mia, though 'Sister Mia' is the name."""
SKY_WORDS = tuple(
    w.strip().lower()
    for cat, key in [*(("weather", k) for k in lexicon.keys("weather")), ("physics", "wind")]
    for w in lexicon.words(cat, key)
)
"""Weather words: 'Thunder' and 'Rain' open sentences but are nobody."""
NAMED = re.compile(rf"(?:{alternation(lexicon.words('names', 'introducers'))})\s+([^\W\d_][\w'’-]*)", re.I)
TOKEN = re.compile(r"\w+(?:['’-]\w+)*")
SPEECH = speech_verbs()


@dataclass(frozen=True)
class Vocabulary:
    """The function words a brief's language reads names with (with English, briefs mix it in):
    the French 'son' must not be an article in 'her son Leo'."""

    not_names: frozenset[str]
    determiners: frozenset[str]
    place_prepositions: frozenset[str]
    place_words: frozenset[str]
    place_suffixes: tuple[str, ...]
    people: frozenset[str]


@cache
def vocabulary(language: str) -> Vocabulary:
    def pick(category: str, key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in stems_for(category, key, language))

    stops = STOPWORDS.get(language, frozenset()) | STOPWORDS.get("en", frozenset())
    return Vocabulary(
        not_names=pick("names", "not_names") | stops,
        determiners=pick("function_words", "determiners"),
        place_prepositions=pick("function_words", "place_prepositions"),
        place_words=pick("place_names", "words"),
        place_suffixes=tuple(pick("place_names", "suffixes")),
        people=pick("names", "people"),
    )


@dataclass
class CastMember:
    """A found character with every way the brief refers to them."""

    name: str
    aliases: set[str] = field(default_factory=set)
    first_seen: int = 0
    count: int = 0


def find_cast(
    texts: list[str], cues: Iterable[str], language: str | None = None
) -> list[tuple[Character, re.Pattern[str]]]:
    """The character bible for a brief given its beat texts and screenplay cues (in order), each
    with the pattern that finds the character's mentions in a beat."""
    corpus = " ".join(texts)
    language = language or detect_language(corpus)
    members = _candidates(texts, [c for c in cues if is_character_cue(c)], language)
    members = sorted(members, key=lambda m: (-m.count, m.first_seen))[:MAX_CAST]
    members.sort(key=lambda m: _first_mention(m, corpus))
    out: list[tuple[Character, re.Pattern[str]]] = []
    used: set[str] = set()
    colours: set[str] = set()
    for index, member in enumerate(members):
        base = slug(anyascii(bare_name(member.name))) or f"c{index + 1}"
        cid, n = base, 2
        while cid in used:
            cid, n = f"{base}-{n}", n + 1
        used.add(cid)
        pattern = mention_pattern(member.name, member.aliases)
        character = bible(cid, member.name, pattern, corpus, index, language)
        if character.color in colours:  # two figures must never look alike on screen
            spare = next((c for c, _ in PALETTE if c not in colours), character.color)
            update = {"color": spare, "defaults": tuple(dict.fromkeys((*character.defaults, "color")))}
            character = character.model_copy(update=update)
        colours.add(character.color)
        out.append((character, pattern))
    return out


def _first_mention(member: CastMember, corpus: str) -> tuple[int, int]:
    """Where the brief first names a character (a screenplay cue alone: where it was found)."""
    found = mention_pattern(member.name, member.aliases).search(corpus)
    return (found.start(), 0) if found else (len(corpus), member.first_seen)


def is_character_cue(cue: str) -> bool:
    """A screenplay cue names a speaker; an all-caps action line ('THE DOOR SLAMS', 'THUNDER
    CRACKS OVERHEAD') does not, though it is set like one."""
    tokens = [t.lower() for t in words(cue)]
    if not tokens or any(t in NOT_NAMES - DETERMINERS or _sky(t) for t in tokens):
        return False
    return not (len(tokens) >= 3 and tokens[0] in DETERMINERS)


def bare_name(name: str) -> str:
    """The name without its honorific: 'Pak Bambang' -> 'Bambang' (ids and short mentions)."""
    parts = name.split()
    while len(parts) > 1 and parts[0].lower().rstrip(".") in HONORIFICS:
        parts = parts[1:]
    return " ".join(parts)


def _candidates(texts: list[str], cues: list[str], language: str) -> list[CastMember]:
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
    for name, pos in unspaced_names(corpus, language):
        add(name, pos, 2)
    strong = set(found)
    for name, pos, count in _capitalised(texts, language):
        add(name, pos, count)
    for key in _slogans(corpus) - strong:
        found.pop(key, None)
    _merge_partial_names(found)
    return list(found.values())


def _slogans(corpus: str) -> set[str]:
    """Brand names an ad's voice-over opens with ('«Vuelo. Corre…»', '"Teh Melati Sejuk. …"'):
    a product, not a person, though capitalised like one."""
    out = set()
    for quote in quotes(corpus):
        head = (split_sentences(quote) or [""])[0]
        if head.endswith(".") and 0 < len(words(head)) <= 4 and _capital(words(head)[0]):
            out.add(head[:-1].strip().lower())
    return out


@dataclass
class _Seen:
    """How a capitalised run behaves over the brief."""

    first: int
    count: int = 0
    verb: int = 0
    article: int = 0
    place: int = 0
    honoured: bool = False


def _capitalised(texts: list[str], language: str) -> list[tuple[str, int, int]]:
    """Capitalised runs that behave like names: (name, first position, weight)."""
    vocab = vocabulary(language)
    lower_words = {w for t in texts for w in words(t) if w.islower()} | vocab.not_names
    stats: dict[str, _Seen] = {}
    offset = 0  # where each sentence starts in the texts joined by newlines, as other signals count
    for text in texts:
        blanked, cursor = unquoted(text), 0  # speech starts with capitals
        for sentence in split_sentences(blanked):
            cursor = blanked.find(sentence, cursor)
            tokens = list(TOKEN.finditer(sentence))
            for start, end in _runs(sentence, tokens):
                while (
                    start < end
                    and tokens[start].group().lower() not in HONORIFICS
                    and (tokens[start].group().lower() in lower_words)
                ):
                    start += 1
                prev = _before(sentence, tokens, start)
                noun = start < end and tokens[start].group().lower() not in HONORIFICS
                if noun and prev is not None and prev.lower() in vocab.determiners and end - start > 1:
                    start += 1  # 'die Bäuerin Maria': the noun takes the article, the name follows
                run = [t.group() for t in tokens[start:end]]
                honoured = len(run) > 1 and run[0].lower() in HONORIFICS
                if not run or _sky(run[0]) or _is_place(run, vocab):
                    continue
                if not honoured and any(t.lower() in lower_words for t in run):
                    continue
                name = sentence[tokens[start].start() : tokens[end - 1].end()]
                name = name[:1].upper() + name[1:]
                seen = stats.setdefault(name, _Seen(first=offset + max(cursor, 0)))
                seen.count += 1
                seen.honoured |= honoured
                _weigh(seen, sentence, tokens, (start, end), vocab, language)
        offset += len(text) + 1
    return [
        (name, s.first, s.count + (2 if s.honoured else 0))
        for name, s in stats.items()
        if s.honoured
        or (
            not s.article
            and s.place * 2 <= s.count
            and (s.count >= 2 or s.verb)
            and not name.lower().endswith("ly")
        )
    ]


def _weigh(
    seen: _Seen,
    sentence: str,
    tokens: list[re.Match[str]],
    run: tuple[int, int],
    vocab: Vocabulary,
    language: str,
) -> None:
    """What one mention says: a verb after it ('Theo rows'), a speech verb before it ('—susurra
    Lucía'), a description beside it ('Elena, in a grey sweater,', 'une vieille pêcheuse, Yvonne'),
    an article before it (a German noun), or a place phrase around it."""
    start, end = run
    prev = _before(sentence, tokens, start)
    joined = end < len(tokens) and _joined(sentence, tokens[end - 1], tokens[end])
    after = tokens[end].group() if joined else ""
    ahead = sentence[: tokens[start].start()].rstrip()
    last = TOKEN.findall(ahead.rstrip(","))[-1:]
    seen.verb += after.islower() and after not in vocab.not_names and has_stem(after, VERBS)
    seen.verb += prev is not None and has_stem(prev, SPEECH)
    seen.verb += joined and has_stem(
        " ".join(t.group() for t in tokens[end : end + 2]), SPEECH
    )  # 'Chiara lo chiama'
    seen.verb += bool(last) and last[0].lower() in vocab.people and (prev is not None or ahead.endswith(","))
    seen.verb += described_after(sentence[tokens[end - 1].end() :], language)
    seen.verb += ahead.endswith(",") and described_before(ahead, language)
    seen.article += prev is not None and prev.lower() in vocab.determiners
    seen.place += _in_place_phrase(sentence, tokens, start, vocab)


def _before(sentence: str, tokens: list[re.Match[str]], start: int) -> str | None:
    """The word right before token `start` in the same clause (only spaces between), if any."""
    if start > 0 and start < len(tokens) and _joined(sentence, tokens[start - 1], tokens[start]):
        return tokens[start - 1].group()
    return None


def _runs(sentence: str, tokens: list[re.Match[str]]) -> Iterator[tuple[int, int]]:
    """(start, end) token indexes of runs of up to three capitalised words with only spaces between
    (a comma ends a run: 'Pamannya, Pak Bambang'); a lower-case honorific joins the run after it."""
    k = 0
    while k < len(tokens):
        if not _capital(tokens[k].group()):
            k += 1
            continue
        start = k
        if (
            start > 0
            and tokens[start - 1].group().lower() in HONORIFICS - PEOPLE
            and _joined(sentence, tokens[start - 1], tokens[start])
        ):
            start -= 1
        end = k + 1
        while (
            end < len(tokens)
            and end - start < 3
            and _capital(tokens[end].group())
            and _joined(sentence, tokens[end - 1], tokens[end])
        ):
            end += 1
        yield start, end
        k = end


def _joined(sentence: str, left: re.Match[str], right: re.Match[str]) -> bool:
    """Only spaces between two words, or the dot of an honorific ('Mr. Lee', 'Sra. López')."""
    gap = sentence[left.end() : right.start()]
    return not gap.strip() or (gap.strip() == "." and left.group().lower() in HONORIFICS)


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


def _sky(token: str) -> bool:
    """A weather word ('Thunder', 'Rains', 'Stormy'), not a name ('Rainer')."""
    low = token.lower()
    return any(low.startswith(w) and len(low) - len(w) <= 1 for w in SKY_WORDS)


def _is_place(run: list[str], vocab: Vocabulary) -> bool:
    """'Baker Street', 'Calle Mayor', 'Jalan Sudirman', 'Friedrichstraße' name places."""
    return any(
        t.lower() in vocab.place_words or (t.lower().endswith(vocab.place_suffixes) and len(t) > 7)
        for t in run
    )


def _in_place_phrase(sentence: str, tokens: list[re.Match[str]], start: int, vocab: Vocabulary) -> bool:
    """The run stands in a place phrase: right after a place preposition or a place noun, or after
    one with up to three lower-case words between ('di pasar ikan Surabaya', 'through the streets
    of Lisbon')."""
    for back in range(start - 1, max(start - 5, -1), -1):
        if not _joined(sentence, tokens[back], tokens[back + 1]):
            return False
        word = tokens[back].group()
        if word.lower() in vocab.place_prepositions or word.lower() in vocab.place_words:
            return True
        if not word.islower() or word in vocab.determiners or word in vocab.people:
            return False  # 'to his little sister Mia' is a person phrase
    return False


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
            parts = [p for p in bare_name(member.name).split() if p.lower() not in NOT_NAMES and len(p) > 2]
            if parts:
                member.aliases.add(parts[0])


def mention_pattern(name: str, aliases: Iterable[str]) -> re.Pattern[str]:
    """Regex finding a character in text: whole words in spaced scripts (Cyrillic names may take a
    case ending), substrings in CJK."""
    parts = []
    for alias in sorted({name, *aliases}, key=len, reverse=True):
        if re.search(r"[\u0400-\u04ff]", alias) and len(alias) > 3:
            parts.append(r"(?<!\w)" + re.escape(alias[:-1]) + r"\w{0,3}(?!\w)")
        elif re.search(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff]", alias):
            parts.append(r"(?<!\w)" + re.escape(alias) + r"(?!\w)")
        else:
            parts.append(re.escape(alias))
    return re.compile("|".join(parts), re.I)

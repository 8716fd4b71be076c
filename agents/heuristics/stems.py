"""Keyword stems matched as words, in every script: the one rule for every lexicon lookup.

A stem in a script with spaces matches at a word's start and only when the rest of the word is an
ending of the stem's own language (`[inflections] endings`, plus the spelling rules it names), so
"rain" finds "rains" and "rainy" but not "raincoat", "hug" not "huge" (a false friend), and the
Spanish "calle" never fires inside the English "called". Each word of a phrase takes the endings
("roll in" finds "rolls in"). A stem ending in a space matches the exact word(s), one ending in
"*" any continuation (the old prefix rule), and one ending in other punctuation (`"sea."`) the
literal text. Languages without endings keep the prefix rule.

Chinese and Japanese stems match inside runs of text, but never across the edge of a word the
segmenter found ("市长" in "南京市|长江") and never inside a listed false friend ("雨" in "雨衣").
`stems_for` and `classes_for` pick a brief's own language's words (plus English and the scripts
that cannot fire inside its words), so another language's stems do not misfire there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from agents.heuristics import lexicon, segment

NEVER = "(?!)"
"""A pattern that matches nothing: what a word list left empty in every language compiles to."""
# Letters of scripts that separate words with spaces; stems in these scripts match whole words.
_SPACED_SCRIPT = re.compile(
    r"^[\sA-Za-z\u00C0-\u024F\u1E00-\u1EFF\u0370-\u03FF\u0400-\u04FF\u0900-\u097F'’.,*-]+$"
)
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
_SEGMENTED = re.compile(f"[{segment.HAN}{segment.KANA}]")
VOWELS = "aeiouyàáâäèéêëìíîïòóôöùúûü"
WORD_START = r"(?<![\w\u0300-\u036f\u0900-\u097f])"
"""Not right after a letter, a combining mark or a Devanagari vowel sign (which \\w leaves out)."""
INFLECTIONS = "inflections"


def alternation(words: Iterable[str]) -> str:
    """Regex alternative of literal words, longest first so a longer word wins over its prefix;
    NEVER when there are none (an empty alternative would match everywhere)."""
    return "|".join(re.escape(w) for w in sorted(dict.fromkeys(words), key=len, reverse=True)) or NEVER


def is_spaced(stem: str) -> bool:
    """True for stems in scripts that put spaces between words (matched as words there)."""
    return bool(_SPACED_SCRIPT.match(stem))


@dataclass(frozen=True)
class Inflection:
    """How words of some languages end: their endings and spelling rules (`double`: hug → hugged,
    `drop_e`: smile → smiling, `y_to_i`: hurry → hurried)."""

    endings: tuple[str, ...]
    rules: frozenset[str]

    @cached_property
    def _endings(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """All endings, those that begin with a vowel, those that do not begin with i."""
        return (
            self.endings,
            tuple(e for e in self.endings if e[0] in VOWELS),
            tuple(e for e in self.endings if e[0] != "i"),
        )

    def forms(self, word: str) -> list[tuple[str, tuple[str, ...], bool]]:
        """(base, its endings, whether an ending is required) for each way `word` is spelt
        before an ending."""
        every, vowel, not_i = self._endings
        out = [(word, every, False)]
        if "double" in self.rules and re.search(r"(?:^|[^aeiou])[aeiou][b-df-hj-np-tvz]$", word):
            out.append((word + word[-1], vowel, True))
        if "drop_e" in self.rules and len(word) > 2 and word.endswith("e"):
            out.append((word[:-1], vowel, True))
        if "y_to_i" in self.rules and re.search(r"[^aeiou]y$", word):
            out.append((word[:-1] + "i", not_i, True))
        return [form for form in out if form[1] or not form[2]]

    def word(self, word: str) -> str:
        """Regex for one word and its inflected forms."""
        parts = (
            f"{re.escape(b)}(?:{alternation(e)})" + ("" if need else "?") for b, e, need in self.forms(word)
        )
        return "(?:" + "|".join(parts) + ")"

    def written(self, word: str) -> frozenset[str]:
        """Every written form of `word`."""
        return frozenset(
            b + e for b, endings, need in self.forms(word) for e in ((*endings,) if need else ("", *endings))
        )


@cache
def _languages_of() -> Mapping[str, frozenset[str]]:
    """Every lexicon word (lowercase) -> the languages that list it, so a stem takes its own
    language's endings whichever category it comes from."""
    schema = lexicon.schema()
    found: dict[str, set[str]] = {}
    for code in schema.languages:
        for category, table in lexicon.lexicon(code).items():
            if category == INFLECTIONS:
                continue
            for key, value in table.items():
                if schema.type_of(category, key) == "words":
                    for word in value:
                        found.setdefault(word.lower(), set()).add(code)
    return {word: frozenset(codes) for word, codes in found.items()}


@cache
def _inflection(codes: frozenset[str]) -> Inflection | None:
    """The endings of all of `codes` together; None when none of them lists endings."""
    endings = [e.lower() for code in sorted(codes) for e in lexicon.words(INFLECTIONS, "endings", code)]
    if not endings:
        return None
    rules = frozenset(r for code in codes for r in lexicon.words(INFLECTIONS, "spelling", code))
    return Inflection(tuple(dict.fromkeys(endings)), rules)


def _spaced_regex(stem: str) -> str:
    """Regex for one stem of a spaced script, matched at a word start."""
    body = stem.strip()
    if stem.endswith("*"):
        return _phrase(stem[:-1])
    if stem[-1].isspace():
        return _phrase(body) + r"(?!\w)"
    if not (stem[-1].isalnum() or stem[-1] in "'’"):
        return _phrase(stem)
    inflection = _inflection_of(stem)
    if inflection is None:
        return _phrase(stem)
    return r"\s+".join(inflection.word(w) for w in body.split()) + r"(?!\w)"


def _inflection_of(stem: str) -> Inflection | None:
    """The endings of the stem's languages; an English word takes English endings only, so the
    French "port" (also English) does not find the Italian "porta"."""
    codes = _languages_of().get(stem, frozenset())
    return _inflection(frozenset({"en"}) if "en" in codes else codes)


def _phrase(text: str) -> str:
    return r"\s+".join(re.escape(w) for w in text.split())


_WORD_AT = re.compile(r"\w+(?:['’]\w+)*")


@lru_cache(maxsize=8192)
def _forms(stem: str) -> frozenset[str] | None:
    """Every written form of a one-word stem with endings (a set, cheaper than a regex); None for
    stems matched by `_stem_regex`."""
    plain = is_spaced(stem) and " " not in stem and (stem[-1].isalnum() or stem[-1] in "'’")
    inflection = _inflection_of(stem) if plain else None
    return inflection.written(stem) if inflection is not None else None


@lru_cache(maxsize=8192)
def _literal(word: str) -> re.Pattern[str]:
    return re.compile(re.escape(word), re.IGNORECASE)


def _match_at(text: str, p: int, stem: str) -> re.Match[str] | None:
    """The stem's match starting at `p`, or None."""
    forms = _forms(stem)
    if forms is None:
        return _stem_regex(stem).match(text, p)
    word = _WORD_AT.match(text, p)
    if word is None:
        return None
    found = word.group().lower()
    while found not in forms and ("'" in found or "’" in found):  # l'orage's → try without the tail
        found = re.split(r"['’](?=\w+$)", found)[0]
    return _literal(found).match(text, p) if found in forms else None


@lru_cache(maxsize=8192)
def _stem_regex(stem: str) -> re.Pattern[str]:
    """One stem's own pattern, compiled the first time the stem could match somewhere."""
    return re.compile(_spaced_regex(stem) if is_spaced(stem) else re.escape(stem), re.IGNORECASE)


def _lead(stem: str) -> str:
    """The letters every form of a stem starts with: its first word, less a final e or y that a
    spelling rule drops ("smil" for smile → smiling)."""
    first = stem.strip(" *").split()[0] if stem.strip(" *") else stem
    inflection = _inflection_of(stem) if is_spaced(stem) and stem[-1].isalnum() else None
    drops = inflection is not None and bool(inflection.rules & {"drop_e", "y_to_i"})
    if drops and len(first) > 2 and first[-1] in "ey":
        return first[:-1]
    return first


@dataclass(frozen=True)
class Stems:
    """A word list ready to match: where any of its stems may start (`pattern`, a cheap
    alternation of their leading letters), and the stems to try there, longest first."""

    pattern: re.Pattern[str] | None
    by_lead: Mapping[str, tuple[tuple[str, str], ...]]
    """First two letters of a lead -> (lead, stem) pairs."""


@lru_cache(maxsize=1024)
def compiled(stems: tuple[str, ...]) -> Stems:
    lowered = sorted({s.lower() for s in stems if s.strip(" *")}, key=len, reverse=True)
    leads = {s: _lead(s) for s in lowered}
    spaced = sorted({leads[s] for s in lowered if is_spaced(s)}, key=len, reverse=True)
    unspaced = sorted({leads[s] for s in lowered if not is_spaced(s)}, key=len, reverse=True)
    parts = []
    if spaced:
        parts.append(WORD_START + "(?:" + "|".join(re.escape(w) for w in spaced) + ")")
    if unspaced:
        parts.append("(?:" + "|".join(re.escape(w) for w in unspaced) + ")")
    by_lead: dict[str, list[tuple[str, str]]] = {}
    for stem in lowered:
        by_lead.setdefault(leads[stem][:2], []).append((leads[stem], stem))
    return Stems(
        re.compile("|".join(parts), re.IGNORECASE) if parts else None,
        {key: tuple(pairs) for key, pairs in by_lead.items()},
    )


def stem_pattern(stems: tuple[str, ...]) -> re.Pattern[str] | None:
    """Where any of the stems may start (case-insensitive); `stem_matches` checks each place."""
    return compiled(stems).pattern


@cache
def _false_friends() -> re.Pattern[str] | None:
    """Every language's false friends: words that hold a stem but mean something else."""
    words = sorted({w.lower() for w in lexicon.words(INFLECTIONS, "false_friends")}, key=len, reverse=True)
    if not words:
        return None
    alts = [rf"(?<!\w){re.escape(w)}(?!\w)" if is_spaced(w) else re.escape(w) for w in words]
    return re.compile("|".join(alts), re.IGNORECASE)


@lru_cache(maxsize=256)
def _friend_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    pattern = _false_friends()
    return tuple((m.start(), m.end(), m.group().lower()) for m in pattern.finditer(text)) if pattern else ()


@lru_cache(maxsize=256)
def _word_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(segment.word_spans(text))


def _crosses_a_word(text: str, start: int, end: int) -> bool:
    """True when a CJK match starts inside a segmented word and runs on past its end ("市长" in
    "南京市|长江"); a stem inside one word ("雨" in "下雨") or ending inside a verb ("恋に落ち" in
    "恋|に|落ちる") is fine."""
    return any(a < start < b < end for a, b in _word_spans(text))


def stem_matches(text: str, stems: Iterable[str]) -> Iterator[re.Match[str]]:
    """Every match of the stems in `text`, in order, each the longest stem that fits there with
    an ending of its language, outside false friends and not across a segmented word's edge."""
    stems = tuple(stems)
    ready = compiled(stems)
    if ready.pattern is None:
        return
    listed = {s.lower().strip(" *") for s in stems}
    at = 0
    while (lead := ready.pattern.search(text, at)) is not None:
        p = lead.start()
        at = p + 1
        head = text[p : p + 2].lower()
        tried = ready.by_lead.get(head, ()) + (ready.by_lead.get(head[:1], ()) if len(head) > 1 else ())
        for first, stem in tried:
            if text[p : p + len(first)].lower() != first:
                continue
            m = _match_at(text, p, stem)
            if m is None or not _fits(text, m, listed):
                continue
            yield m
            at = max(at, m.end())
            break


def _fits(text: str, m: re.Match[str], listed: set[str]) -> bool:
    a, b = m.span()
    if any(fa <= a and b <= fb and word not in listed for fa, fb, word in _friend_spans(text)):
        return False
    return not (_SEGMENTED.match(m.group()) and _crosses_a_word(text, a, b))


def find_stem(text: str, stems: Iterable[str]) -> re.Match[str] | None:
    """First occurrence of any stem in `text` (case-insensitive), or None."""
    return next(stem_matches(text, stems), None)


def has_stem(text: str, stems: Iterable[str]) -> bool:
    return find_stem(text, stems) is not None


def blank(text: str, stems: Iterable[str]) -> str:
    """`text` with every match of the stems (idioms, cues) replaced by spaces: positions kept."""
    out = text
    for m in stem_matches(text, stems):
        out = out[: m.start()] + " " * (m.end() - m.start()) + out[m.end() :]
    return out


CLAUSE = re.compile(r"[,;:.!?，。；：！？、]")
"""Marks that end a clause: a negation or an ending never reaches across them."""


def near(text: str, at: int, stems: Iterable[str], *, before: bool, words: int) -> bool:
    """Whether a stem occurs in the same clause as position `at`, ending at most `words` words
    before it (`before`) or starting at most `words` words after it; in CJK a word is ~2 letters."""
    window = text[:at] if before else text[at:]
    for m in stem_matches(window, stems):
        gap = window[m.end() :] if before else window[: m.start()]
        if CLAUSE.search(gap):
            continue
        letters = 2 * words + 1 if _SEGMENTED.search(gap) else len(gap)
        if len(gap.split()) <= words and len(gap.strip()) <= letters:
            return True
    return False


def _primary(code: str, language: str | None) -> bool:
    return language is None or code in (language, "en")


@cache
def stems_for(category: str, key: str, language: str | None = None) -> tuple[str, ...]:
    """A key's stems for a brief in `language`: its own, English ones (briefs mix English in) and
    those of scripts other than Latin; every language's when `language` is None or the language
    has no words in `category` at all (a language the lexicons do not cover yet)."""
    if language is not None and not any(lexicon.words(category, k, language) for k in lexicon.keys(category)):
        language = None
    out: list[str] = []
    for code, words in lexicon.by_language(category, key):
        out.extend(w for w in words if _primary(code, language) or not _LATIN.search(w))
    return tuple(dict.fromkeys(out))


@cache
def classes_for(category: str, language: str | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(class, stems) for each key of a category, for a brief in `language` (see `stems_for`)."""
    return tuple((key, stems_for(category, key, language)) for key in lexicon.keys(category))


def first_class(text: str, classes: Iterable[tuple[str, tuple[str, ...]]]) -> tuple[int, str] | None:
    """(position, class) of the class named earliest in `text`; the earlier class wins a tie."""
    best: tuple[int, str] | None = None
    for name, stems in classes:
        m = find_stem(text, stems)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best

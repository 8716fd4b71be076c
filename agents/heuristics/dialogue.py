"""Who speaks each line: screenplay cues, speech verbs in every supported language, and the
nearest named speaker of the sentence pair; otherwise nobody (a narrator line).

A quote is attributed, strongest first, by the speech verb beside it ('"…," Mara whispers',
'says Theo', 'X: "…"', '—No —susurra Lucía', '「…」と千代は言った', '千代说：“…”'), then by the
characters its own sentence names outside quotes (the subject before the quote, else the first
after it), then by the sentence before: its last speaker, else the first character it names.
Never by the sentence after, so the next character mentioned never takes a line. Dash dialogue
(es/pt/fr/it/ru) reads '—speech —narration— speech', including an incise that the sentence
splitter cut off ('— Pourquoi ? | demande Élodie.') and speech that goes on after '—.'.
The verbs are the lexicons' [speech] table; pronouns come from [function_words].
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from agents.heuristics import lexicon
from agents.heuristics.beats import Beat
from agents.heuristics.cast import is_character_cue
from agents.heuristics.segment import UNSPACED
from agents.heuristics.text import QUOTES, alternation, clip, find_stem, split_sentences, stem_matches, words
from agents.heuristics.verbs import speech_verbs
from film import Character, DialogueLine

CastPatterns = Sequence[tuple[Character, re.Pattern[str]]]
CLAUSE_END = re.compile(r"[,;:，、；：。.!?！？…]")
LEAD = re.compile(r"[\s,，、.!?！？…:：;；]*(?:[—―–]\s*)?[と]?")
"""What stands between a quote and its attribution: punctuation, a dash, Japanese と."""
DASH = re.compile(r"\s*[—―]\s*")
DASH_LINE = re.compile(r"^\s*[—―]")
CONTINUES = re.compile(r"[—―]\s*[.,;]?\s*$")
"""'—susurra Lucía—.': the narration closes with a dash, so the speech goes on."""
DETERMINERS = frozenset(lexicon.words("function_words", "determiners"))
STAGE_LINE = re.compile(
    r"\s*([^:：\s]{1,40}?|[^:：]{1,40}?(?=\s*[:：]))\s*(?:[:：]|(?<=[\u30a0-\u30ff\u3400-\u9fff])\s+(?:[（(][^）)]{0,20}[）)]\s*)?)\s*(\S.*)$"
)
"""'Mara: Not tonight.' and a Chinese or Japanese screenplay's '李明 （大喊） 阿强！'."""
TERMINALS = (".", "!", "?", "…", "。", "！", "？")
OPENERS = '“"«„「『¿¡—―'


def _pronouns() -> re.Pattern[str]:
    """Subject pronouns: whole words in cased scripts ('she', not 'the'), anywhere in the others."""
    found = lexicon.words("function_words", "pronouns")
    cased = alternation(p for p in found if p.isascii() or p.lower() != p.upper())
    uncased = alternation(p for p in found if not (p.isascii() or p.lower() != p.upper()))
    return re.compile(rf"(?<!\w)(?:{cased})(?!\w)|{uncased}", re.I)


PRONOUNS = _pronouns()


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str


@dataclass(frozen=True)
class Attribution:
    """What a speech verb beside a quote says: a named `speaker`, or a pronoun or unnamed subject
    (`speaker` None, `certain` when nobody named is meant), with names to rule out (the addressee)."""

    speaker: str | None = None
    certain: bool = False
    exclude: frozenset[str] = frozenset()
    pronoun: str = ""


class Said(NamedTuple):
    """One spoken line as read: its words, its speaker, whether the attribution is sure (or only
    the sentence pair's guess, which an incise may correct), and the pronoun that attributed it."""

    text: str
    speaker: str | None
    certain: bool
    pronoun: str = ""


@dataclass
class Context:
    """What a sentence leaves for the next one: its last speaker, the first character it names,
    whether its dash speech goes on, its lines still waiting for an incise, and who it addressed."""

    speaker: str | None = None
    named: str | None = None
    continues: bool = False
    waiting: list[tuple[list[DialogueLine], int]] = field(default_factory=list)
    pronoun: str = ""
    """The pronoun that gave the last line its speaker ('ruft sie')."""
    addressed: tuple[str, ...] = ()
    """Who the sentence's quotes name ('Guten Morgen, Herr Schmidt!'): the one who may answer."""


def speak(beats: Sequence[Beat], cast: CastPatterns, language: str | None = None) -> list[list[DialogueLine]]:
    """The lines spoken in each beat, in order, each given to its speaker (None: a narrator line).
    Done per beat before beats merge into shots, so merging never moves a line. Without a
    language every language's speech verbs count (they are only looked for beside a quote)."""
    verbs = speech_verbs(language) if language else lexicon.words("speech", "verbs")
    reader = _Reader(cast, verbs)
    out: list[list[DialogueLine]] = []
    carried = ""  # an opening quote the sentence splitter left at the end of the beat before
    for beat in beats:
        lines: list[DialogueLine] = []
        text, carried = carried + beat.text, ""
        if _dangling(text) and not beat.dialogue:
            text, carried = text.rstrip()[:-1], text.rstrip()[-1]
        if beat.dialogue:
            lines = [
                DialogueLine(speaker=_cue(s, cast), text=clip(t, 500)) for s, t in beat.dialogue if t.strip()
            ]
            reader.context = Context(speaker=lines[-1].speaker if lines else None)
        else:
            for sentence in split_sentences(text) or [text]:
                for piece in reader.pieces(sentence):
                    reader.sentence(piece, lines)
        out.append(lines)
    return out


def _dangling(text: str) -> bool:
    """The text ends with a quote that opens and closes nothing ('…摔碎了。“'): the next beat's."""
    end = len(text.rstrip())
    return text[end - 1 : end] in OPENERS and all(m.end() != end for m in QUOTES.finditer(text))


def _cue(speaker: str | None, cast: CastPatterns) -> str | None:
    """A screenplay cue as the cast names them ('JONAS (O.S.)' -> 'Jonas'); an all-caps action
    line set like a cue is nobody's line."""
    if not speaker:
        return None
    match = next((c.name for c, p in cast if p.fullmatch(speaker) or p.search(speaker)), None)
    if match is None and not is_character_cue(speaker):
        return None
    return clip(match or " ".join(w.capitalize() for w in speaker.split()), 60)


class _Reader:
    """Reads sentences in order, remembering the one before (the sentence pair)."""

    def __init__(self, cast: CastPatterns, verbs: tuple[str, ...]) -> None:
        self.cast = cast
        self.verbs = verbs
        self.context = Context()

    def _verbs(self, text: str, start: int, end: int) -> list[re.Match[str]]:
        """The speech verbs in text[start:end], as whole words with their endings."""
        return [m for m in stem_matches(text[:end], self.verbs) if m.start() >= start]

    def pieces(self, text: str) -> list[str]:
        """A sentence cut after a quote that ends one ('"Not while the boats are out." Far below,
        Theo rows…' is two sentences), unless a speech verb follows ('"Run!" Theo shouts.')."""
        out, start = [], 0
        for m in QUOTES.finditer(text):
            inner = next(g for g in m.groups() if g).rstrip()
            rest = text[m.end() :]
            nxt = rest.lstrip()[:1]
            unspaced = bool(nxt) and UNSPACED.match(nxt) is not None
            if not inner.endswith(TERMINALS) or not nxt or (rest[:1] != " " and not unspaced):
                continue
            if not (nxt.isupper() or nxt in OPENERS or (unspaced and nxt not in "とっ")):
                continue
            clause = CLAUSE_END.split(rest, maxsplit=1)[0]
            verb = find_stem(clause, self.verbs)
            if verb and len(words(clause[: verb.start()])) <= 3:
                continue
            out.append(text[start : m.end()])
            start = m.end()
        return [*out, text[start:]]

    def sentence(self, text: str, lines: list[DialogueLine]) -> None:
        before = self.context
        quotes = [
            (m.start(), m.end(), next(g for g in m.groups() if g).strip()) for m in QUOTES.finditer(text)
        ]
        mentions = self._mentions(text, [(a, b) for a, b, _ in quotes])
        addressed = tuple(c.name for c, p in self.cast if any(p.search(q) for _, _, q in quotes))
        now = Context(named=mentions[0].name if mentions else None, addressed=addressed)
        said: list[Said] = []
        if before.continues and not quotes and not DASH_LINE.match(text):
            said = [Said(text.strip(), before.speaker, True)]
        elif incise := self._incise(text, before, mentions):
            now.speaker = incise[0]
        elif DASH_LINE.match(text) and not quotes:
            said, now.continues = self._dash_line(text, mentions, before)
        elif quotes:
            said = [self._quoted(text, quotes, k, mentions, before) for k in range(len(quotes))]
        elif (stage := STAGE_LINE.match(text)) and (who := self._named(stage.group(1))):
            said = [Said(stage.group(2).strip(), who, True)]
        for spoken, speaker, certain, pronoun in said:
            if any(ch.isalnum() for ch in spoken):
                lines.append(DialogueLine(speaker=speaker, text=clip(spoken, 500)))
                now.speaker, now.pronoun = speaker, pronoun
                if not certain:
                    now.waiting.append((lines, len(lines) - 1))
        self.context = now

    def _mentions(self, text: str, quoted: list[tuple[int, int]]) -> list[Mention]:
        """Where the sentence names a cast member outside its quotes, in order."""
        found = [
            Mention(m.start(), m.end(), character.name)
            for character, pattern in self.cast
            for m in pattern.finditer(text)
            if not any(a <= m.start() < b for a, b in quoted)
        ]
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        out: list[Mention] = []
        for m in found:
            if not out or m.start >= out[-1].end:
                out.append(m)
        return out

    def _named(self, text: str) -> str | None:
        """The character `text` is, when it is nothing but their name ('Mara' in 'Mara: …')."""
        return next((c.name for c, p in self.cast if p.fullmatch(text.strip())), None)

    def _quoted(
        self, text: str, quotes: list[tuple[int, int, str]], k: int, mentions: list[Mention], before: Context
    ) -> Said:
        start, end, quote = quotes[k]
        window_start = quotes[k - 1][1] if k else 0
        window_end = quotes[k + 1][0] if k + 1 < len(quotes) else len(text)
        lead = text[window_start:start].strip().rstrip(":：")
        if lead and (who := self._named(lead)):
            return Said(quote, who, True)  # Mara: "…", ソウタ「…」
        found = self._after(text, end, window_end, mentions) or self._before(
            text, window_start, start, mentions
        )
        if found is None:
            return Said(quote, self._pair(start, end, mentions, before, frozenset()), False)
        if found.speaker or found.certain:  # "…," says the old fisherman: an unnamed speaker
            return Said(quote, found.speaker, True)
        return Said(
            quote,
            self._pair(start, end, mentions, before, found.exclude, found.pronoun),
            False,
            found.pronoun,
        )

    def _after(self, text: str, start: int, end: int, mentions: list[Mention]) -> Attribution | None:
        """'"…," Mara whispers', '"…," says Theo', '「…」と千代は言った', '«…» —Mara'."""
        lead = LEAD.match(text, start, end)
        begin = lead.end() if lead else start
        stop = CLAUSE_END.search(text, begin, end)
        clause_end = stop.start() if stop else end
        verb = next(iter(self._verbs(text, begin, clause_end)), None)
        names = [m for m in mentions if begin <= m.start < clause_end]
        if verb is None:
            dashed = lead is not None and any(ch in "—―–" for ch in lead.group())
            return Attribution(names[0].name, True) if dashed and names and names[0].start == begin else None
        if len(words(text[begin : verb.start()])) > 3 and verb.group().isascii():
            return None  # the verb is too far from the quote to introduce it
        return self._subject(text, begin, verb, clause_end, names)

    def _before(self, text: str, start: int, end: int, mentions: list[Mention]) -> Attribution | None:
        """'Theo says, "…"', 'Anna sagt: „…“', '千代说：“…”'."""
        tail = text[start:end].rstrip(" \t,:：，—–")
        clause_start = start
        for stop in CLAUSE_END.finditer(text, start, start + len(tail)):
            clause_start = stop.end()
        clause_start = min([clause_start, *(m.start for m in mentions if m.start < clause_start < m.end)])
        verbs = self._verbs(text, clause_start, start + len(tail))
        if not verbs or len(words(text[verbs[-1].end() : start + len(tail)])) > 3:
            return None
        names = [m for m in mentions if clause_start <= m.start < start + len(tail)]
        return self._subject(text, clause_start, verbs[-1], start + len(tail), names, first=True)

    def _subject(
        self,
        text: str,
        begin: int,
        verb: re.Match[str],
        end: int,
        names: list[Mention],
        *,
        first: bool = False,
    ) -> Attribution:
        """Who the speech verb's subject is: a name before it ('Mara whispers'), a pronoun ('she
        tells Theo': someone else named, never Theo), or the name right after it ('dijo Lucía')."""
        verb_end = verb.end()
        ahead = [m for m in names if m.end <= verb.start()]
        behind = [m for m in names if m.start >= verb_end]
        pronoun = PRONOUNS.search(text, ahead[-1].end if ahead else begin, verb.start())
        if ahead and not pronoun:
            return Attribution(ahead[0 if first else -1].name, True)
        if pronoun:
            return Attribution(exclude=frozenset(m.name for m in behind), pronoun=pronoun.group().lower())
        if behind and len(words(text[verb_end : behind[0].start])) <= 1:
            return Attribution(behind[0].name, True)
        following = [p for w in words(text[verb_end:end])[:1] for p in w.split("-")]
        if said := next(
            (p for p in following if PRONOUNS.fullmatch(p)), None
        ):  # 'dijo ella', 'demande-t-elle'
            return Attribution(exclude=frozenset(m.name for m in behind), pronoun=said.lower())
        subject = [*words(text[begin : verb.start()])[-2:], *words(text[verb_end:end])[:1]]
        return Attribution(certain=any(w.lower() in DETERMINERS for w in subject))  # 'says the fisherman'

    def _pair(
        self,
        start: int,
        end: int,
        mentions: list[Mention],
        before: Context,
        exclude: frozenset[str],
        pronoun: str = "",
    ) -> str | None:
        """The nearest named speaker of the sentence pair: this sentence's subject before the
        quote, else its first name after it, else the sentence before (its speaker, its first name).
        A pronoun other than the one the last speaker had ('ruft sie' … 'fragt er') is someone else:
        first the one the last line addressed."""
        own = [m.name for m in mentions if m.end <= start and m.name not in exclude]
        own = own or [m.name for m in mentions if m.start >= end and m.name not in exclude]
        if own:
            return own[0]
        if pronoun and before.pronoun and pronoun != before.pronoun and before.speaker:
            exclude = exclude | {before.speaker}
            return next((n for n in (*before.addressed, before.named) if n and n not in exclude), None)
        return next((n for n in (before.speaker, before.named) if n and n not in exclude), None)

    def _dash_line(self, text: str, mentions: list[Mention], before: Context) -> tuple[list[Said], bool]:
        """'—No esta noche —susurra Lucía—. No mientras…': odd parts speak, even parts narrate;
        True when the speech goes on in the next sentence."""
        cuts = [0, *(i for m in DASH.finditer(text) for i in m.span()), len(text)]
        parts = [(cuts[i], cuts[i + 1]) for i in range(2, len(cuts) - 1, 2)]  # between the dashes
        spoken, narration = parts[0::2], [p for p in parts[1::2] if text[p[0] : p[1]].strip(" .,;")]
        if len(spoken) == 1 and not narration:  # '— Je viens, dit-il.': the incise after a comma
            a, b = spoken[0]
            cut = next(
                (v for v in self._verbs(text, a, b) if re.search(r"[,?!…]\s+$", text[a : v.start()])), None
            )
            if cut:
                spoken, narration = [(a, cut.start())], [(cut.start(), b)]
        found = next((f for a, b in narration if (f := self._after(text, a, b, mentions))), None)
        if found and (found.speaker or found.certain):
            speaker, certain = found.speaker, True
        else:
            exclude = found.exclude if found else frozenset()
            speaker, certain = self._pair(0, 0, mentions, before, exclude), False
        said = [Said(text[a:b].lstrip(" .,;").strip(), speaker, certain) for a, b in spoken]
        return said, bool(narration and CONTINUES.search(text))

    def _incise(self, text: str, before: Context, mentions: list[Mention]) -> tuple[str | None] | None:
        """'demande Élodie.' after '— Pourquoi ?' (cut apart by the sentence splitter) names the
        speaker of the lines before it and says nothing itself: (that speaker,), else None."""
        lead = re.match(r"\s*[—―–]?\s*", text)
        begin = lead.end() if lead else 0
        verbs = self._verbs(text, begin, len(text))
        if not before.waiting or not verbs:
            return None
        if mentions and UNSPACED.match(text, begin) and len(text.strip()) <= 16:  # '张伟连声说。'
            if mentions[0].start != begin or verbs[0].start() - mentions[0].end > 4:
                return None
            found = Attribution(mentions[0].name, True)
        elif verbs[0].start() == begin and text[begin : begin + 1].islower():
            found = self._subject(text, begin, verbs[0], len(text), mentions)
        else:
            return None
        if not (found.speaker or found.certain):
            return (before.speaker,)
        for lines, index in before.waiting:
            lines[index] = lines[index].model_copy(update={"speaker": found.speaker})
        return (found.speaker,)

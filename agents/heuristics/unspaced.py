"""Names in scripts written without capitals or spaces (Chinese, Japanese), found by the words
around them: the lexicons' name marks ('ユウタくん', '店主のおばあさん・千代', '名叫小雨'), the
speaker beside a quote's speech verb ('千代说：“…”', '“…”小雨轻声说', '「…」と健太が聞いた'), and a
screenplay's name before its age or its line ('ハルカ（17）が', '李明（30岁）', 'ソウタ「…」').
Words come segmented (segment.py), so a name is a whole word there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from agents.heuristics import lexicon
from agents.heuristics.language import STOPWORDS
from agents.heuristics.lexicon import NameMark
from agents.heuristics.segment import UNSPACED, word_spans
from agents.heuristics.text import QUOTES, has_stem
from agents.heuristics.verbs import EMOTIONS, MOVES, speech_verbs

PARTICLES = "".join(lexicon.words("names", "particles"))
NOT_NAMES = frozenset(w.lower() for w in lexicon.words("names", "not_names")).union(*STOPWORDS.values())
"""Words that are never a name, in every language (cues and unspaced scripts cannot tell which)."""
PRONOUNS = tuple(lexicon.words("function_words", "pronouns"))
VERBS = tuple(s for lex in (MOVES, EMOTIONS) for by_lang in lex.values() for v in by_lang.values() for s in v)
NAME_LETTERS = re.compile(r"^[\u30a0-\u30ff\u3400-\u9fff]{1,4}$")
"""A word a Chinese or Japanese name can be: katakana or Han, up to four letters."""
SCRIPT_NAME = re.compile(
    r"(?:^|(?<=[\s。！？」]))([\u30a0-\u30ff\u3400-\u9fff]{1,5})(?:[（(]\s*\d{1,3}\s*[岁歳才]?\s*[）)]|「)",
    re.M,
)
"""A Chinese or Japanese screenplay's names: 'ハルカ（17）が', '李明（30岁）', 'ソウタ「…」'."""
CJK_CLAUSE = re.compile(r"[。！？!?，、,“”「」『』]")


def _marked(mark: NameMark) -> re.Pattern[str]:
    """The pattern of one name mark: its words before or after a run of the script's letters."""
    gap = r"\s+" if mark.spaced else ""
    name = f"([{mark.letters}]{{1,{mark.longest}}})" if mark.longest else f"([{mark.letters}]+)"
    marks = sorted(mark.before or mark.after, key=len, reverse=True)
    either = "|".join(gap.join(map(re.escape, m.split())) if gap else re.escape(m) for m in marks)
    return re.compile(f"(?:{either}){gap}{name}" if mark.before else f"{name}{gap}(?:{either})")


NAMED_UNSPACED: tuple[re.Pattern[str], ...] = tuple(_marked(mark) for mark in lexicon.name_marks())


def unspaced_names(corpus: str, language: str) -> Iterator[tuple[str, int]]:
    """(name, where) for every name the marks, quotes and screenplay lines of `corpus` show."""
    for pattern in NAMED_UNSPACED:
        for m in pattern.finditer(corpus):
            name = m.group(1).rstrip(PARTICLES) if len(m.group(1)) > 2 else m.group(1)
            if name and name.lower() not in NOT_NAMES:
                yield name, m.start()
    yield from _quote_speakers(corpus, language)
    for m in SCRIPT_NAME.finditer(corpus):
        if m.group(1) not in NOT_NAMES:
            yield m.group(1), m.start(1)


def _quote_speakers(corpus: str, language: str) -> Iterator[tuple[str, int]]:
    """Names found as a quote's speaker: the subject of the speech verb beside the quote
    ('千代说：“…”', '“…”小雨轻声说', '「…」と千代は言った')."""
    verbs = tuple(v for v in speech_verbs(language) if UNSPACED.search(v))
    for quote in QUOTES.finditer(corpus) if verbs else ():
        after = CJK_CLAUSE.split(corpus[quote.end() : quote.end() + 30])[0]
        before = CJK_CLAUSE.split(corpus[max(0, quote.start() - 30) : quote.start()])[-1]
        for window, offset in ((after, quote.end()), (before, quote.start() - len(before))):
            name = _speaker_word(window, verbs, language)
            if name:
                yield name, offset


def _speaker_word(window: str, verbs: tuple[str, ...], language: str) -> str | None:
    """The first word before the speech verb that can be a name; None when a pronoun comes first."""
    spans = word_spans(window, language if language in ("ja", "zh") else None)
    pieces = [window[a:b] for a, b in spans]
    verb = next((i for i, w in enumerate(pieces) if any(w.startswith(v) for v in verbs)), None)
    for word in pieces[:verb] if verb is not None else []:  # the subject comes first: 张伟连声说
        if any(p in word for p in PRONOUNS):
            return None  # 她轻声说: the speaker is someone already named
        if len(word) < 2 or word in NOT_NAMES or not NAME_LETTERS.match(word) or word.endswith(("地", "着")):
            continue  # particles, roles, adverbs: と, 店主, 笑 in 笑着说
        return None if has_stem(word, VERBS) else word  # 走进来说: no name before the verb
    return None

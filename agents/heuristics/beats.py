"""Reads a brief's form — prose, screenplay or markdown — into scenes of beats.

A beat is one thing that happens (a sentence, a list item, a dialogue block); beats become shots
later. Scenes come from sluglines and headings, and follow the story: a beat whose opening moves to
another time or place ("At dawn…", "Far below, on the sea…", "Meanwhile in the kitchen") starts a
new scene (scene_cues.py); a paragraph break alone does not. A first line on its own without a
sentence's end ("Harbor Roast — 30 s spot") is the brief's title. Slugline (`INT.`, `外景`,
`○ 公園・昼`), transition and title words come from the lexicons' [screenplay] tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from agents.heuristics import lexicon
from agents.heuristics.language import detect_language
from agents.heuristics.scene_cues import location, opening, time_of_day
from agents.heuristics.text import QUOTES, alternation, normalise, quotes, split_sentences
from film import TimeOfDay

__all__ = ["QUOTES", "Beat", "BriefDraft", "SceneDraft", "cue_name", "parse_brief", "quotes", "strip_markup"]

INTERIOR = tuple(w.upper() for w in lexicon.words("screenplay", "interior"))
SLUG_WORDS = alternation(
    word for key in ("interior", "exterior", "establishing") for word in lexicon.words("screenplay", key)
)
# The mixed forms ('INT./EXT.', 'I/E') go first: 'INT' alone would match their start.
SLUGLINE = re.compile(
    rf"^\s*(?:\d+[.)]?\s+)?(INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|I/E|{SLUG_WORDS})(\.|:|\s)\s*(.*)$",
    re.IGNORECASE,
)
MARU_SLUG = re.compile(r"^\s*[○◯]\s*(\S.*)$")
"""A Japanese screenplay's scene heading: ○ place・time."""
SENTENCE_END = ".!?…。！？．:：;；"
TITLE_CHARS = 100
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$")
LIST_ITEM = re.compile(r"^\s*(?:[-*+•·–]|\d{1,3}[.)])\s+(.+)$")
CUE_EXTENSION = re.compile(
    r"\s*\((?:V\.?\s?O\.?|O\.?\s?S\.?|O\.?\s?C\.?|CONT['’]?D\.?|[^)]{1,16})\)\s*$", re.I
)
STAGE_LINE = re.compile(
    r"^\s*([^\W\d_][^\W\d_ .'’-]*(?:[ .'’-][^\W\d_]+){0,2})\s*(?:\(([^)]{1,40})\))?\s*:\s+(.+)$"
)
TRANSITION = re.compile(r"^(?:" + alternation(lexicon.words("screenplay", "transitions")) + r")\b", re.I)
TITLE_LINE = re.compile(
    r"^\s*(?:" + alternation(lexicon.words("screenplay", "title_labels")) + r")\s*[:：]\s*(.+)$", re.I
)
MARKUP = re.compile(r"(\*\*|__|`|~~|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w))")
QUOTE_END = re.compile(r"(?<=[.!?…。！？][\"”»」』])\s+(?=\w)")
"""Where a quotation ends a sentence and the next begins."""


@dataclass
class Beat:
    """One thing that happens: action text, and the lines spoken during it (speaker as written)."""

    text: str
    dialogue: list[tuple[str | None, str]] = field(default_factory=list)
    parenthetical: str = ""


@dataclass
class SceneDraft:
    """A scene before it is cast and timed; `explicit` when the brief marked it itself."""

    heading: str = ""
    location: str = ""
    time_hint: str = ""
    interior: bool | None = None
    explicit: bool = False
    slugline: bool = False
    beats: list[Beat] = field(default_factory=list)


@dataclass
class BriefDraft:
    title: str
    form: str
    scenes: list[SceneDraft]
    cues: list[str]


def strip_markup(line: str) -> str:
    """Drop markdown emphasis and code ticks; keep the words."""
    return MARKUP.sub("", line).strip()


def cue_name(line: str) -> str | None:
    """The speaker if `line` is a screenplay character cue ('MARIA (V.O.)'), else None."""
    name = CUE_EXTENSION.sub("", line.strip()).strip()
    if not name or len(name) > 40 or len(name.split()) > 4 or TRANSITION.match(name):
        return None
    letters = [c for c in name if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters if c.upper() != c.lower()):
        return None
    if not any(c.upper() != c.lower() for c in letters) or name.endswith((":", ".", "!", "?")):
        return None
    return name


UNCASED_CUE = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{1,6}$")
"""A Chinese, Japanese or Korean screenplay cue: the speaker's name alone on a line (no case
to tell it by, so only inside a screenplay, and only before the speech)."""


def uncased_cue(line: str) -> str | None:
    """The speaker if `line` is a cue in a script without capitals ('李明', 'ユウタ（V.O.）')."""
    name = CUE_EXTENSION.sub("", line.strip()).strip()
    name = re.sub(r"\s*（[^）]{1,16}）$", "", name)
    return name if UNCASED_CUE.match(name) else None


def parse_brief(brief: str, language: str | None = None) -> BriefDraft:
    """Structure of the brief: title, form, scenes with beats, and screenplay cues in order.
    `language` picks the cue words; detected from the brief when not given."""
    language = language or detect_language(brief)
    lines = normalise(brief).split("\n")
    has_slug = any(_slugline(line) or MARU_SLUG.match(line) for line in lines)
    headings = [(len(m.group(1)), strip_markup(m.group(2))) for m in map(HEADING.match, lines) if m]
    title = ""
    opener = next((line for line in lines if line.strip()), "")
    # a top-level heading that opens the brief, or heads several others, is the film's title, so
    # its words ('Apple Day') set no scene's time or place
    skip_first_heading = (
        bool(headings) and headings[0][0] == 1 and (len(headings) > 1 or bool(HEADING.match(opener)))
    )
    if headings:
        title = headings[0][1]
    parser = _Parser(has_slug=has_slug, skip_first_heading=skip_first_heading)
    if not headings and not has_slug and (first := _title_line(lines)) is not None:
        parser.title, lines = strip_markup(lines[first]), lines[first + 1 :]
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        parser.feed(line, nxt)
    parser.flush()
    title = title or parser.title
    form = "screenplay" if has_slug or parser.cues else "list" if parser.list_items > 1 else "prose"
    scenes = _follow_story([s for s in parser.scenes if s.beats], language)
    if not any(s.beats for s in scenes):  # punctuation or markup only: still one shot of it
        scenes = [SceneDraft(beats=[Beat(text=" ".join(brief.split())[:1000] or "…")])]
    return BriefDraft(title=title, form=form, scenes=scenes, cues=parser.cues)


def _title_line(lines: list[str]) -> int | None:
    """The index of a title line: the first line, alone in its paragraph, short, not a sentence
    and not a list item, with more of the brief after it."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) < 2:
        return None
    first = filled[0]
    line = strip_markup(lines[first]).strip()
    alone = first + 1 < len(lines) and not lines[first + 1].strip()
    if not alone or len(line) > TITLE_CHARS or LIST_ITEM.match(lines[first]) or cue_name(line):
        return None
    return None if line.rstrip("\"”»」』)）'’ ")[-1:] in SENTENCE_END else first


def _slugline(line: str) -> re.Match[str] | None:
    m = SLUGLINE.match(line)
    if not m or not m.group(3).strip():
        return None
    token = m.group(1)
    uncased = token.upper() == token.lower()  # 外景, 内景: a script without capitals
    return m if token.isupper() or uncased or m.group(2) == "." else None


def _parse_slug(body: str) -> tuple[str, str]:
    parts = [p.strip(" .") for p in re.split(r"\s+[-–—]+\s+|\s*[-–—]{2,}\s*", body) if p.strip(" .")]
    if len(parts) >= 2:
        return " - ".join(parts[:-1]), parts[-1]
    return (parts[0] if parts else body.strip()), ""


class _Parser:
    """Line-by-line state machine; one instance per brief."""

    def __init__(self, *, has_slug: bool, skip_first_heading: bool) -> None:
        self.has_slug = has_slug
        self.skip_first_heading = skip_first_heading
        self.scenes: list[SceneDraft] = [SceneDraft()]
        self.cues: list[str] = []
        self.paragraph: list[str] = []
        self.speaker: str | None = None
        self.speech: list[str] = []
        self.parenthetical = ""
        self.title = ""
        self.list_items = 0
        self.seen_heading = False
        self.seen_slug = False

    def feed(self, raw: str, nxt: str) -> None:
        line = raw.strip()
        if self.speaker is not None:
            if line and not _slugline(line) and not HEADING.match(line):
                if line.startswith(("(", "（")) and line.endswith((")", "）")):
                    self.parenthetical = line.strip("()（） ")
                else:
                    self.speech.append(strip_markup(line))
                return
            self._end_speech()
        if not line or re.fullmatch(r"[-*_=]{3,}", line):
            self._end_paragraph(new_scene=not (self.has_slug or self.seen_heading))
            return
        if m := _slugline(line):
            self._new_scene(explicit=True)
            location, when = _parse_slug(m.group(3))
            scene = self.scenes[-1]
            scene.heading, scene.location, scene.time_hint = line[:200], location, when
            scene.interior = m.group(1).upper().startswith(INTERIOR)
            scene.slugline = self.seen_slug = True
            return
        if m := MARU_SLUG.match(line):
            self._new_scene(explicit=True)
            scene = self.scenes[-1]
            parts = [p for p in re.split(r"\s*[・･—–-]\s*|\s+", m.group(1).strip()) if p]
            scene.heading, scene.location = line[:200], " ".join(parts[:-1]) or m.group(1).strip()
            scene.time_hint = parts[-1] if len(parts) > 1 else ""
            scene.slugline = self.seen_slug = True
            return
        if m := HEADING.match(line):
            text = strip_markup(m.group(2))
            if self.skip_first_heading and not self.seen_heading:
                self.seen_heading = True
                return
            self.seen_heading = True
            self._new_scene(explicit=True)
            self.scenes[-1].heading = text[:200]
            return
        if m := TITLE_LINE.match(line):
            self.title = self.title or strip_markup(m.group(1))
            return
        if TRANSITION.match(line):
            self._end_paragraph(new_scene=False)
            return
        if self.has_slug and not self.seen_slug and not self.title and len(line) < 80:
            self.title = strip_markup(line).strip(" _*")
            return
        name = cue_name(line) or (uncased_cue(line) if self.has_slug else None)
        if name and nxt.strip() and not _slugline(nxt) and not TRANSITION.match(nxt.strip()):
            self._end_paragraph(new_scene=False)
            self._start_speech(name)
            return
        if (m := STAGE_LINE.match(line)) and cue_name(m.group(1)):
            self._end_paragraph(new_scene=False)
            self._start_speech(m.group(1).strip())
            self.parenthetical = (m.group(2) or "").strip()
            self.speech.append(strip_markup(m.group(3)))
            self._end_speech()
            return
        if m := LIST_ITEM.match(raw):
            self._end_paragraph(new_scene=False)
            self.list_items += 1
            self.paragraph.append(strip_markup(m.group(1)))
            self._end_paragraph(new_scene=False)
            return
        self.paragraph.append(strip_markup(line.lstrip("> ")))

    def flush(self) -> None:
        self._end_speech()
        self._end_paragraph(new_scene=False)

    def _new_scene(self, *, explicit: bool) -> None:
        self._end_speech()
        self._end_paragraph(new_scene=False)
        if self.scenes[-1].beats or self.scenes[-1].heading:
            self.scenes.append(SceneDraft(explicit=explicit))
        else:
            self.scenes[-1].explicit = explicit

    def _start_speech(self, name: str) -> None:
        self.speaker = name
        if name not in self.cues:
            self.cues.append(name)

    def _end_speech(self) -> None:
        if self.speaker is not None and self.speech:
            text = " ".join(self.speech)
            self.scenes[-1].beats.append(
                Beat(
                    text=f"{self.speaker}: {text}",
                    dialogue=[(self.speaker, text)],
                    parenthetical=self.parenthetical,
                )
            )
        self.speaker, self.speech, self.parenthetical = None, [], ""

    def _end_paragraph(self, *, new_scene: bool) -> None:
        if self.paragraph:
            text = " ".join(self.paragraph)
            for sentence in split_sentences(text):
                if any(c.isalnum() for c in sentence):
                    self.scenes[-1].beats.append(Beat(text=sentence))
            self.paragraph = []
            if new_scene and self.scenes[-1].beats:
                self.scenes.append(SceneDraft())


def _follow_story(scenes: list[SceneDraft], language: str) -> list[SceneDraft]:
    """Scenes where the story moves to another time or place. A slugline's scene is the
    screenplay's own and stays whole; paragraphs run on into one scene until a cue cuts it; a
    scene cut at a cue counts as marked by the brief."""
    out: list[SceneDraft] = []
    when: TimeOfDay | None = None
    where: str | None = None
    prose = False  # the last scene came from paragraphs, so the next paragraph runs on in it
    for scene in scenes:
        if scene.slugline:
            out.append(scene)
            prose = False
            continue
        runs_on, prose = prose and not scene.explicit, not scene.explicit
        if runs_on:
            current = out.pop()
        else:
            current = SceneDraft(scene.heading, scene.location, scene.time_hint, None, scene.explicit)
            when = time_of_day(f"{scene.time_hint} {scene.heading}", language)
            where = location(scene.heading, language)
        for beat in (piece for b in scene.beats for piece in _at_cues(b, language)):
            cue = opening(beat.text, language) if current.beats and not beat.dialogue else None
            if cue is not None and (
                cue.cut
                or (cue.time is not None and when is not None and cue.time != when)
                or (cue.place is not None and where is not None and cue.place != where)
            ):
                out.append(current)
                current = SceneDraft(explicit=True)
                when, where = cue.time or when, cue.place
            current.beats.append(beat)
            if not beat.dialogue:
                when = when or time_of_day(beat.text, language)
                where = where or location(beat.text, language)
        out.append(current)
    return out or [SceneDraft()]


def _at_cues(beat: Beat, language: str) -> list[Beat]:
    """A beat split where a sentence that ends in a quotation is followed by a scene cue: the
    sentence splitter keeps '"…out." Far below, Theo rows' together, the story does not."""
    if beat.dialogue:
        return [beat]
    for m in QUOTE_END.finditer(beat.text):
        rest = beat.text[m.end() :]
        cue = opening(rest, language)
        if cue.cut or cue.time is not None:
            return [Beat(text=beat.text[: m.start()].strip()), *_at_cues(Beat(text=rest.strip()), language)]
    return [beat]

"""Who speaks each line: screenplay cues, speech verbs in every supported language, and the
nearest named speaker of the sentence pair; otherwise nobody (a narrator line).
STUB: the cast room replaces the body."""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.heuristics.beats import Beat, quotes
from agents.heuristics.text import clip
from film import Character, DialogueLine

CastPatterns = Sequence[tuple[Character, re.Pattern[str]]]


def speak(beats: Sequence[Beat], cast: CastPatterns) -> list[list[DialogueLine]]:
    """The lines spoken in each beat, in order, each given to its speaker (None: a narrator line).
    Done per beat before beats merge into shots, so merging never moves a line."""
    out: list[list[DialogueLine]] = []
    for beat in beats:
        lines = list(beat.dialogue) or [(None, q) for q in quotes(beat.text)]
        out.append([DialogueLine(speaker=_name(s, cast), text=clip(t, 500)) for s, t in lines])
    return out


def _name(speaker: str | None, cast: CastPatterns) -> str | None:
    if not speaker:
        return None
    match = next((c.name for c, p in cast if p.fullmatch(speaker) or p.search(speaker)), None)
    return clip(match or " ".join(w.capitalize() for w in speaker.split()), 60)

"""Subtitle sidecars (SRT, WebVTT, written with pysubs2) and a Pillow burn-in.

pysubs2 writes cue text as it is given (its events hold SubStation text), so the text is made
safe here for what players parse: in WebVTT `&`, `<` and `>` become character references (so
no cue holds `-->`); SRT has no escapes, so a word joiner (U+2060, invisible) goes after each
`<` or `{` that a player would read as markup and each `&` that would read as an entity, and
inside `-->`. Burn-in draws with Pillow rather than ffmpeg's `subtitles` filter: libass needs
fontconfig and a font set we cannot count on here, while engine.cutting.lettering always
finds a face, in every script.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pysubs2
from PIL import Image

from engine.cutting.lettering import cached, draw_text, font, text_width, wrap
from film import BadInput, SubtitleCue

WORD_JOINER = "\u2060"
_SRT_MARKUP = re.compile(r"(<|\{(?=\\|[A-Za-z]:)|&(?=#?\w+;)|--(?=>))")
_ASS_ESCAPES = re.compile(r"\\(?=[nNh])")
"""pysubs2 turns `\\N`, `\\n` and `\\h` into breaks and spaces, and `{\\...}` would read as a tag."""


def _hms(seconds: float, sep: str) -> str:
    ms = _ms(seconds)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{ms:03d}"


def _ms(seconds: float) -> int:
    return round(max(0.0, seconds) * 1000)


def srt_timestamp(seconds: float) -> str:
    """SRT's `HH:MM:SS,mmm`, rounded to the millisecond."""
    return _hms(seconds, ",")


def vtt_timestamp(seconds: float) -> str:
    """WebVTT's `HH:MM:SS.mmm`."""
    return _hms(seconds, ".")


def _ordered(cues: Sequence[SubtitleCue]) -> list[SubtitleCue]:
    for i, cue in enumerate(cues):
        if cue.end_s <= cue.start_s:
            raise BadInput(
                f"timeline.subtitles[{i}].end_s", cue.end_s, f"must be after start_s={cue.start_s}"
            )
    return [c for _, c in sorted(enumerate(cues), key=lambda ic: (ic[1].start_s, ic[0]))]


def cue_text(cue: SubtitleCue) -> str:
    """What a viewer reads: the speaker's name before the line, when there is one."""
    return (f"{cue.speaker}: {cue.text}" if cue.speaker else cue.text).strip()


def _one_line(text: str) -> str:
    """Blank lines end a cue in both formats, so whitespace runs collapse (line breaks stay)."""
    return "\n".join(" ".join(row.split()) for row in text.strip().splitlines() if row.strip())


def srt_escape(text: str) -> str:
    """`text` safe in an SRT cue: nothing in it reads as a tag, an entity or a timing arrow."""
    return _SRT_MARKUP.sub(lambda m: m.group(0) + WORD_JOINER, text)


def vtt_escape(text: str) -> str:
    """`text` as WebVTT cue text: `&`, `<` and `>` as character references (which rules out `-->`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _subtitle_file(cues: Sequence[SubtitleCue], text_of: list[str]) -> pysubs2.SSAFile:
    subs = pysubs2.SSAFile()
    for cue, text in zip(cues, text_of, strict=True):
        text = _ASS_ESCAPES.sub("\\\\" + WORD_JOINER, text).replace("{\\", "{" + WORD_JOINER + "\\")
        text = text.replace("\n", "\\N")
        subs.events.append(pysubs2.SSAEvent(start=_ms(cue.start_s), end=_ms(cue.end_s), text=text))
    return subs


def to_srt(cues: Sequence[SubtitleCue]) -> str:
    """Numbered SRT blocks in time order; an empty string (a valid, empty file) for no cues."""
    ordered = _ordered(cues)
    texts = [srt_escape(_one_line(cue_text(c))) for c in ordered]
    return _subtitle_file(ordered, texts).to_string("srt", keep_ssa_tags=True)


def to_vtt(cues: Sequence[SubtitleCue], language: str = "en") -> str:
    """A WebVTT file; the language goes in the header so players can label the track, and a
    speaker goes in a voice span (`<v MAYA>`)."""
    ordered = _ordered(cues)
    texts = [
        (f"<v {vtt_escape(' '.join(c.speaker.split()))}>" if c.speaker else "")
        + vtt_escape(_one_line(c.text))
        for c in ordered
    ]
    body = _subtitle_file(ordered, texts).to_string("vtt", keep_ssa_tags=True)
    header = f"WEBVTT\nLanguage: {' '.join(language.split()).replace('-->', '')}\n"
    return header + body.removeprefix("WEBVTT\n")


@cached(maxsize=16)
def _caption(text: str, width: int, height: int, language: str) -> tuple[int, Image.Image]:
    """A subtitle's lettering, outlined, on a transparent band: drawn once, pasted per frame."""
    size = round(0.045 * min(width, height))
    face = font(size, language=language)
    lines = wrap(text, face, 0.86 * width, 2)
    line_h = round(size * 1.3)
    top = height - round(0.06 * height) - line_h * len(lines)
    stroke = max(1, line_h // 12)
    band = Image.new("RGBA", (width, line_h * len(lines) + 2 * line_h), (0, 0, 0, 0))
    y = float(line_h)  # a line of room above for tall marks and the outline
    for line in lines:
        x = (width - text_width(line, face)) / 2
        draw_text(
            band, (x, y), line, face, (255, 255, 255, 255), stroke_width=stroke, stroke_fill=(0, 0, 0, 255)
        )
        y += line_h
    return top - line_h, band


def burn_in(frame: np.ndarray, text: str, language: str = "") -> np.ndarray:
    """`frame` with `text` as a bottom-centred, outlined subtitle (two lines at most)."""
    height, width = frame.shape[:2]
    top, band = _caption(text, width, height, language)
    img = Image.fromarray(frame)
    img.paste(band, (0, top), band)
    return np.asarray(img)


def cue_at(cues: Sequence[SubtitleCue], t: float) -> SubtitleCue | None:
    """The cue showing at time `t`, if any (the later one where two overlap)."""
    found = None
    for cue in cues:
        if cue.start_s <= t < cue.end_s:
            found = cue
    return found

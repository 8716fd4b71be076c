"""Subtitle sidecars (SRT, WebVTT) and a Pillow burn-in.

Burn-in draws with Pillow rather than ffmpeg's `subtitles` filter: libass needs fontconfig
and a font set we cannot count on here, while engine.cutting.lettering always finds a face.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

from engine.cutting.lettering import font, text_width, wrap
from film import BadInput, SubtitleCue


def _hms(seconds: float, sep: str) -> str:
    ms = round(max(0.0, seconds) * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{ms:03d}"


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
    return (f"{cue.speaker}: {cue.text}" if cue.speaker else cue.text).strip()


def to_srt(cues: Sequence[SubtitleCue]) -> str:
    """Numbered SRT blocks in time order; an empty string (a valid, empty file) for no cues."""
    return "\n".join(
        f"{n}\n{srt_timestamp(c.start_s)} --> {srt_timestamp(c.end_s)}\n{cue_text(c)}\n"
        for n, c in enumerate(_ordered(cues), start=1)
    )


def to_vtt(cues: Sequence[SubtitleCue], language: str = "en") -> str:
    """A WebVTT file; the language goes in the header so players can label the track."""
    blocks = [f"WEBVTT\nLanguage: {language}\n"]
    for n, c in enumerate(_ordered(cues), start=1):
        speaker = f"<v {c.speaker}>" if c.speaker else ""
        blocks.append(
            f"{n}\n{vtt_timestamp(c.start_s)} --> {vtt_timestamp(c.end_s)}\n{speaker}{c.text.strip()}\n"
        )
    return "\n".join(blocks)


def burn_in(frame: np.ndarray, text: str) -> np.ndarray:
    """`frame` with `text` as a bottom-centred, outlined subtitle (two lines at most)."""
    height, width = frame.shape[:2]
    face = font(round(0.045 * min(width, height)))
    lines = wrap(text, face, 0.86 * width, 2)
    img = Image.fromarray(frame)
    draw = ImageDraw.Draw(img)
    line_h = round(0.045 * min(width, height) * 1.3)
    y = height - round(0.06 * height) - line_h * len(lines)
    stroke = max(1, line_h // 12)
    for line in lines:
        x = (width - text_width(line, face)) / 2
        draw.text((x, y), line, font=face, fill=(255, 255, 255), stroke_width=stroke, stroke_fill=(0, 0, 0))
        y += line_h
    return np.asarray(img)


def cue_at(cues: Sequence[SubtitleCue], t: float) -> SubtitleCue | None:
    """The cue showing at time `t`, if any (the later one where two overlap)."""
    found = None
    for cue in cues:
        if cue.start_s <= t < cue.end_s:
            found = cue
    return found

"""SRT and WebVTT sidecars written with pysubs2: escaped for players, parseable, in time order."""

from __future__ import annotations

import html
import re

import pysubs2
import pytest

from engine.cutting.subtitles import WORD_JOINER, srt_timestamp, to_srt, to_vtt, vtt_timestamp
from film import BadInput, SubtitleCue

TRICKY = "a <b>bold</b> & c --> d &amp; {\\an8} 1 < 2 > 0"
CUES = (
    SubtitleCue(start_s=3.5, end_s=5.25, text=TRICKY, speaker="MAYA"),
    SubtitleCue(start_s=0.5, end_s=1.999, text="مرحبا بالعالم — 我能吞下玻璃 🎉"),
    SubtitleCue(start_s=3661.042, end_s=3662.5, text="Much later", speaker="O<t>to & Co"),
)
TIMING = re.compile(r"^\d\d:\d\d:\d\d[,.]\d{3} --> \d\d:\d\d:\d\d[,.]\d{3}$")


def _blocks(text: str) -> list[list[str]]:
    return [block.splitlines() for block in text.strip().split("\n\n")]


def test_srt_is_numbered_in_time_order_and_nothing_in_it_reads_as_markup() -> None:
    srt = to_srt(CUES)
    blocks = _blocks(srt)
    assert [b[0] for b in blocks] == ["1", "2", "3"]
    assert [b[1] for b in blocks] == [
        "00:00:00,500 --> 00:00:01,999",
        "00:00:03,500 --> 00:00:05,250",
        "01:01:01,042 --> 01:01:02,500",
    ]
    for block in blocks:
        assert all(TIMING.match(line) is None and line.strip() for line in block[2:])
        body = "\n".join(block[2:])
        assert not re.search(r"<[^\u2060]|&[#\w]+;|-->|\{\\", body)  # no tag, entity, arrow or override
    assert blocks[1][2].replace(WORD_JOINER, "") == f"MAYA: {TRICKY}"
    assert blocks[2][2].replace(WORD_JOINER, "") == "O<t>to & Co: Much later"
    assert blocks[0][2] == "مرحبا بالعالم — 我能吞下玻璃 🎉"  # other scripts pass untouched


def test_srt_round_trips_through_pysubs2() -> None:
    parsed = pysubs2.SSAFile.from_string(to_srt(CUES), format_="srt")
    assert [(e.start, e.end) for e in parsed] == [(500, 1999), (3500, 5250), (3661042, 3662500)]
    assert parsed[1].text.replace(WORD_JOINER, "") == f"MAYA: {TRICKY}"


def test_vtt_escapes_references_keeps_language_and_voice() -> None:
    vtt = to_vtt(CUES, "fr")
    assert vtt.startswith("WEBVTT\nLanguage: fr\n\n")
    blocks = _blocks(vtt)[1:]
    assert [b[1] for b in blocks] == [
        "00:00:00.500 --> 00:00:01.999",
        "00:00:03.500 --> 00:00:05.250",
        "01:01:01.042 --> 01:01:02.500",
    ]
    texts = ["\n".join(b[2:]) for b in blocks]
    assert texts[1].startswith("<v MAYA>") and texts[2].startswith("<v O&lt;t&gt;to &amp; Co>")
    for text in texts:
        bare = re.sub(r"^<v [^<>]*>", "", text)
        assert "<" not in bare and "-->" not in bare and ">" not in bare
        assert re.fullmatch(r"([^&]|&(amp|lt|gt);)*", bare, re.S)
        assert html.unescape(bare).replace(WORD_JOINER, "") in (TRICKY, "Much later", CUES[1].text)


def test_vtt_round_trips_through_pysubs2() -> None:
    parsed = pysubs2.SSAFile.from_string(to_vtt(CUES, "ja"), format_="vtt")
    assert [(e.start, e.end) for e in parsed] == [(500, 1999), (3500, 5250), (3661042, 3662500)]
    assert html.unescape(parsed[1].text).replace(WORD_JOINER, "") == TRICKY


def test_line_breaks_stay_but_blank_lines_cannot_end_a_cue_early() -> None:
    cue = SubtitleCue(start_s=0, end_s=1, text="first line\n\n\nsecond   line")
    assert _blocks(to_srt((cue,)))[0][2:] == ["first line", "second line"]
    assert _blocks(to_vtt((cue,)))[1][2:] == ["first line", "second line"]


def test_timestamps_empty_files_and_bad_cues() -> None:
    assert srt_timestamp(0) == "00:00:00,000" and srt_timestamp(3723.4567) == "01:02:03,457"
    assert vtt_timestamp(59.9995) == "00:01:00.000"
    assert to_srt(()) == "" and to_vtt((), "en") == "WEBVTT\nLanguage: en\n\n"
    backwards = (CUES[0], SubtitleCue(start_s=2.0, end_s=2.0, text="never shown"))
    with pytest.raises(BadInput, match=r"timeline\.subtitles\[1\]\.end_s"):
        to_srt(backwards)
    with pytest.raises(BadInput, match=r"timeline\.subtitles\[1\]\.end_s"):
        to_vtt(backwards)

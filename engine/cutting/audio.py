"""The film's sound: a music bed the user gives, ducked under dialogue cues and normalised to a
loudness target with ffmpeg's two-pass `loudnorm`; measured back with `ebur128`.

storyreel has no voices yet, so "dialogue" is the subtitle cues' time ranges: the bed dips
there to leave room for the voice a later pass (or a human) adds.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.media import run_ffmpeg
from film import BadInput, RenderFailure, SubtitleCue

SAMPLE_RATE = 48000
DUCK_GAIN = 0.25  # -12 dB under dialogue
DUCK_RAMP_S = 0.3


@dataclass(frozen=True)
class Loudness:
    """Where the mix should land: EBU R128 integrated loudness and a true-peak ceiling."""

    integrated_lufs: float = -14.0
    true_peak_db: float = -1.0
    range_lu: float = 11.0


def duck_expression(cues: Sequence[SubtitleCue]) -> str:
    """A `volume` expression of t: 1 outside cues, DUCK_GAIN inside, with short ramps."""
    if not cues:
        return "1"
    r = DUCK_RAMP_S
    terms = "+".join(
        f"clip((t-{c.start_s - r:.3f})/{r},0,1)*clip(({c.end_s + r:.3f}-t)/{r},0,1)" for c in cues
    )
    return f"1-{1 - DUCK_GAIN:.3f}*min(1,{terms})"


def _bed_chain(cues: Sequence[SubtitleCue], total_s: float) -> str:
    fade = min(1.0, total_s / 4)
    return (
        f"aresample={SAMPLE_RATE},aformat=channel_layouts=stereo,"
        f"volume='{duck_expression(cues)}':eval=frame,"
        f"afade=t=in:d={fade:.3f},afade=t=out:st={max(0.0, total_s - fade):.3f}:d={fade:.3f}"
    )


def music_bed(
    music: Path, total_s: float, cues: Sequence[SubtitleCue], dest: Path, target: Loudness = Loudness()
) -> Path:
    """The bed looped/trimmed to the film, ducked, loudness-normalised (two passes), as AAC."""
    music = Path(music)
    if not music.is_file():
        raise BadInput("music", str(music), "no such audio file")
    src = ["-stream_loop", "-1", "-i", str(music), "-t", f"{total_s:.6f}", "-map", "0:a:0"]
    norm = f"loudnorm=I={target.integrated_lufs}:TP={target.true_peak_db}:LRA={target.range_lu}"
    chain = _bed_chain(cues, total_s)
    err = run_ffmpeg(
        [*src, "-af", f"{chain},{norm}:print_format=json", "-f", "null", "-"], "measure the music"
    )
    found = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", err)
    if found is None:
        raise RenderFailure("loudnorm printed no measurement for the music bed")
    m = json.loads(found.group(0))
    if m["input_i"] in ("-inf", "inf"):  # silence: nothing to normalise
        second = f"{chain},aresample={SAMPLE_RATE}"
    else:
        second = (
            f"{chain},{norm}:measured_I={m['input_i']}:measured_TP={m['input_tp']}:"
            f"measured_LRA={m['input_lra']}:measured_thresh={m['input_thresh']}:"
            f"offset={m['target_offset']}:linear=true,aresample={SAMPLE_RATE}"
        )
    run_ffmpeg(
        [*src, "-af", second, "-c:a", "aac", "-b:a", "192k", "-ac", "2", str(dest)], "mix the music bed"
    )
    return dest


_I_RE = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf) LUFS")
_TP_RE = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf) dBFS")


def measure(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of a file's first audio stream, by ebur128."""
    err = run_ffmpeg(
        ["-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true", "-f", "null", "-"], "measure loudness"
    )
    i, tp = _I_RE.findall(err), _TP_RE.findall(err)
    if not i or not tp:
        raise RenderFailure(f"ebur128 gave no summary for {Path(path).name}")
    return float(i[-1]), float(tp[-1])


_SILENCE: list[Path] = []


def silence() -> Path:
    """Ten seconds of silent stereo AAC, encoded once per process: a film with no sound loops it
    by stream copy (`-stream_loop -1`) instead of encoding a silent track as long as the film."""
    if not _SILENCE or not _SILENCE[0].is_file():
        folder = Path(tempfile.mkdtemp(prefix="storyreel-silence-"))
        dest = folder / "silence.m4a"
        run_ffmpeg(["-f", "lavfi", "-i", f"anullsrc=channel_layout=stereo:sample_rate={SAMPLE_RATE}",
                    "-t", "10", "-c:a", "aac", "-b:a", "128k", str(dest)], "encode silence")  # fmt: skip
        _SILENCE[:] = [dest]
    return _SILENCE[0]

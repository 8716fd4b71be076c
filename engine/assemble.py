"""FfmpegAssembler: cuts a Timeline into `film.mp4` with its `film.srt` and `plan.json` sidecars.

Takes that already share storyreel's encoder settings are joined by stream copy (no quality
loss, seconds for a whole film); only trimmed or foreign takes are re-encoded, with the same
settings, so the concat demuxer can still copy everything.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from engine.lettering import font, text_width, wrap
from engine.media import H264_ARGS, FrameWriter, MediaInfo, probe, run_ffmpeg
from film import BadInput, FilmPlan, RenderFailure, SubtitleCue, Timeline, TitleCard, stable_hash

FILM_NAME = "film.mp4"
SRT_NAME = "film.srt"
PLAN_NAME = "plan.json"
COMMENT = "AI-generated with storyreel"
_X264_SEI = re.compile(rb"x264 - core \d+.*? - options: ([^\x00]*)")


def srt_timestamp(seconds: float) -> str:
    """SRT's `HH:MM:SS,mmm`, rounded to the millisecond."""
    ms = round(max(0.0, seconds) * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{ms:03d}"


def to_srt(cues: Sequence[SubtitleCue]) -> str:
    """Numbered SRT blocks in time order; an empty string (a valid, empty file) for no cues."""
    blocks = []
    ordered = sorted(enumerate(cues), key=lambda ic: (ic[1].start_s, ic[0]))
    for n, (i, cue) in enumerate(ordered, start=1):
        if cue.end_s <= cue.start_s:
            raise BadInput(
                f"timeline.subtitles[{i}].end_s", cue.end_s, f"must be after start_s={cue.start_s}"
            )
        text = f"{cue.speaker}: {cue.text}" if cue.speaker else cue.text
        blocks.append(f"{n}\n{srt_timestamp(cue.start_s)} --> {srt_timestamp(cue.end_s)}\n{text.strip()}\n")
    return "\n".join(blocks)


def title_frame(card: TitleCard, width: int, height: int) -> np.ndarray:
    """The title card's picture: big title, smaller subtitle, a disclosure line, dark ground."""
    rows = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    bg = np.asarray((26, 28, 40), np.float32) * (1 - rows) + np.asarray((8, 8, 12), np.float32) * rows
    img = Image.fromarray(
        np.ascontiguousarray(np.broadcast_to(bg[:, None, :], (height, width, 3))).astype(np.uint8)
    )
    draw = ImageDraw.Draw(img)
    short = min(width, height)
    big, small, tiny = (
        font(round(0.09 * short), bold=True),
        font(round(0.042 * short)),
        font(round(0.026 * short)),
    )
    title = wrap(card.text, big, 0.88 * width, 3)
    sub = wrap(card.subtitle, small, 0.84 * width, 2) if card.subtitle else []
    big_h, small_h = round(0.09 * short * 1.25), round(0.042 * short * 1.4)
    block = big_h * len(title) + (small_h * len(sub) + big_h // 2 if sub else 0)
    y = (height - block) / 2
    for line in title:
        draw.text(((width - text_width(line, big)) / 2, y), line, font=big, fill=(244, 240, 228))
        y += big_h
    y += big_h // 2
    for line in sub:
        draw.text(((width - text_width(line, small)) / 2, y), line, font=small, fill=(186, 190, 204))
        y += small_h
    note_y = height - round(0.07 * short)
    draw.text(((width - text_width(COMMENT, tiny)) / 2, note_y), COMMENT, font=tiny, fill=(110, 114, 128))
    return np.asarray(img)


def render_title_card(card: TitleCard, width: int, height: int, fps: int, dest: Path) -> Path:
    """Exactly `card.frames` frames of the card, fading up from black over half a second."""
    still = title_frame(card, width, height).astype(np.float32)
    fade = min(fps // 2, card.frames // 4)
    with FrameWriter(dest, width, height, fps) as writer:
        for i in range(card.frames):
            k = (i + 1) / (fade + 1) if i < fade else 1.0
            writer.write(still.astype(np.uint8) if k >= 1.0 else (still * k).astype(np.uint8))
    return dest


def x264_options(path: Path) -> bytes | None:
    """The encoder settings x264 wrote into the stream, to tell whether two files can be joined."""
    with open(path, "rb") as fh:
        head = fh.read(4 << 20)
    found = _X264_SEI.search(head)
    return found.group(1) if found else None


def _concat_line(path: Path) -> str:
    escaped = str(path.resolve()).replace("'", "'\\''")
    return f"file '{escaped}'\n"


_REFERENCES: dict[tuple[int, int, int], bytes | None] = {}


def reference_options(width: int, height: int, fps: int) -> bytes | None:
    """x264's settings for our encoder at this size and fps, encoded once per process."""
    key = (width, height, fps)
    if key not in _REFERENCES:
        with tempfile.TemporaryDirectory(prefix="storyreel-ref-") as tmp:
            ref = render_title_card(
                TitleCard(text="ref", frames=1), width, height, fps, Path(tmp) / "ref.mp4"
            )
            _REFERENCES[key] = x264_options(ref)
    return _REFERENCES[key]


class FfmpegAssembler:
    """Joins a title card and the timeline's clips with hard cuts, plus sidecars.

    With `card_cache`, title cards are kept there by content hash, so a revision that keeps the
    title re-encodes nothing but the shots that changed."""

    def __init__(self, card_cache: Path | None = None) -> None:
        self.card_cache = card_cache

    def _title(self, card: TitleCard, width: int, height: int, fps: int, work: Path) -> Path:
        if self.card_cache is None:
            return render_title_card(card, width, height, fps, work / "title.mp4")
        key = stable_hash({"card": card, "size": [width, height, fps], "x264": list(H264_ARGS)})
        cached = self.card_cache / f"title-{key[:32]}.mp4"
        if not cached.is_file():
            self.card_cache.mkdir(parents=True, exist_ok=True)
            render_title_card(card, width, height, fps, cached)
        return cached

    def assemble(self, timeline: Timeline, plan: FilmPlan, out_dir: Path) -> Path:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        srt = to_srt(timeline.subtitles)  # fail on bad cues before spending time on video
        with tempfile.TemporaryDirectory(dir=out_dir, prefix=".assemble-") as tmp:
            work = Path(tmp)
            w, h, fps = timeline.width, timeline.height, timeline.fps
            reference = reference_options(w, h, fps)
            parts: list[Path] = []
            if timeline.title_card is not None:
                parts.append(self._title(timeline.title_card, w, h, fps, work))
            with ThreadPoolExecutor(max_workers=4) as pool:  # probing is mostly waiting on ffmpeg
                parts += pool.map(
                    lambda i: self._prepare(i, timeline, work, reference), range(len(timeline.clips))
                )
            listing = work / "parts.txt"
            listing.write_text("".join(_concat_line(p) for p in parts), encoding="utf-8")
            film = work / FILM_NAME
            run_ffmpeg(
                [
                    "-f",
                    "concat",
                    "-safe",
                    "0",
                    "-i",
                    str(listing),
                    "-f",
                    "lavfi",
                    "-i",
                    "anullsrc=channel_layout=stereo:sample_rate=48000",
                    "-map",
                    "0:v:0",
                    "-map",
                    "1:a:0",
                    "-map_metadata",
                    "-1",
                    "-c:v",
                    "copy",
                    "-c:a",
                    "aac",
                    "-b:a",
                    "128k",
                    "-t",
                    f"{timeline.total_s:.6f}",
                    "-metadata",
                    f"title={plan.title}",
                    "-metadata",
                    f"comment={COMMENT}",
                    "-movflags",
                    "+faststart",
                    str(film),
                ],
                "join the film",
            )
            info = probe(film)
            if info.frames != timeline.total_frames:
                raise RenderFailure(
                    f"the joined film has {info.frames} frames, the timeline {timeline.total_frames}"
                )
            (work / SRT_NAME).write_text(srt, encoding="utf-8")
            (work / PLAN_NAME).write_text(plan.model_dump_json(indent=2), encoding="utf-8")
            for name in (PLAN_NAME, SRT_NAME, FILM_NAME):
                os.replace(work / name, out_dir / name)
        return out_dir / FILM_NAME

    def _prepare(self, i: int, timeline: Timeline, work: Path, reference: bytes | None) -> Path:
        """The clip as a file the concat demuxer can copy: the take itself, or a re-encode."""
        clip = timeline.clips[i]
        take = Path(clip.take_path)
        if not take.is_file():
            raise BadInput(f"timeline.clips[{i}].take_path", clip.take_path, "no such take file")
        info = probe(take)
        if clip.out_frame > info.frames or clip.in_frame >= clip.out_frame:
            raise BadInput(
                f"timeline.clips[{i}].out_frame",
                clip.out_frame,
                f"must be > in_frame={clip.in_frame} and <= the take's {info.frames} frames",
            )
        joinable = (
            self._joinable(info, timeline) and reference is not None and x264_options(take) == reference
        )
        if joinable and clip.in_frame == 0 and clip.out_frame == info.frames:
            return take
        w, h, fps = timeline.width, timeline.height, timeline.fps
        filters = [f"trim=start_frame={clip.in_frame}:end_frame={clip.out_frame}", f"setpts=N/({fps}*TB)"]
        if (info.width, info.height) != (w, h):
            filters += [
                f"scale={w}:{h}:force_original_aspect_ratio=decrease",
                f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2",
            ]
        filters.append("setsar=1")
        out = work / f"clip{i:04d}.mp4"
        run_ffmpeg(
            [
                "-i",
                str(take),
                "-map",
                "0:v:0",
                "-an",
                "-vf",
                ",".join(filters),
                "-r",
                str(fps),
                *H264_ARGS,
                str(out),
            ],
            f"trim clip {i} ({clip.shot_id})",
        )
        got = probe(out).frames
        if got != clip.frames:
            raise RenderFailure(
                f"trimming clip {i} ({clip.shot_id}) gave {got} frames, expected {clip.frames}"
            )
        return out

    @staticmethod
    def _joinable(info: MediaInfo, timeline: Timeline) -> bool:
        return (
            info.codec == "h264"
            and info.profile == "High"
            and info.pix_fmt == "yuv420p"
            and (info.width, info.height) == (timeline.width, timeline.height)
            and abs(info.fps - timeline.fps) < 1e-6
        )

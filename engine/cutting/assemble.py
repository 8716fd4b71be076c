"""FfmpegAssembler: executes a Timeline as `film.mp4` plus its sidecars.

The film is a concat of pieces joined by stream copy: the title/end cards (cached by content),
the long middles of takes copied GOP by GOP, and short re-encoded pieces only where pixels must
change — transition windows, lower thirds, trims off keyframes (see engine.cutting.cut). Sound is a
silent track or the user's music bed (engine.cutting.audio); provenance is in the container metadata and,
when configured, a signed C2PA manifest (engine.cutting.provenance). Everything lands in a temp folder
first and is moved into place at the end, so a failure leaves no partial file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from engine.cutting.audio import Loudness, music_bed, silence
from engine.cutting.cut import (
    ClipSource,
    CopyPiece,
    EncodePiece,
    Piece,
    needed,
    plan_pieces,
    render_pieces,
    split_take,
)
from engine.cutting.exports import OTIO_NAME, SHEET_NAME, TIMELINE_NAME, contact_sheet, write_otio
from engine.cutting.lettering import fingerprint as lettering_fingerprint
from engine.cutting.mp4 import read_video
from engine.cutting.once import identity, one_at_a_time, sweep_stale
from engine.cutting.provenance import (
    C2paSigner,
    provenance_metadata,
    sidecar_manifest,
    sidecar_path,
    x264_options,
)
from engine.cutting.scoring import Soundtrack, place_stems, scored
from engine.cutting.subtitles import srt_timestamp, to_srt, to_vtt
from engine.cutting.titles import render_title_card, title_frame
from engine.marking import MARKS
from engine.media import H264_ARGS, MediaInfo, encode_workers, probe, run_ffmpeg
from engine.sound.options import SoundOptions
from film import BadInput, FilmPlan, RenderFailure, Timeline, TitleCard, stable_hash
from film.disclosure import AI_LABEL
from film.process import cores
from film.timeline import Graphic

__all__ = [
    "COMMENT",
    "AssembleOptions",
    "FfmpegAssembler",
    "srt_timestamp",
    "title_frame",
    "to_srt",
    "to_vtt",
    "x264_options",
]  # fmt: skip

FILM_NAME = "film.mp4"
SRT_NAME = "film.srt"
VTT_NAME = "film.vtt"
PLAN_NAME = "plan.json"
COMMENT = AI_LABEL


@dataclass(frozen=True)
class AssembleOptions:
    """How a film is finished, beyond what the Timeline says (the studio's settings feed these)."""

    music: Path | None = None
    loudness: Loudness = field(default_factory=Loudness)
    burn_subtitles: bool = False
    exports: bool = True
    signer: C2paSigner | None = None
    sound: SoundOptions = field(default_factory=SoundOptions)


def _new_clip(pieces: Sequence[Piece], k: int) -> bool:
    """Whether encode piece k draws on other clips than the encode piece before it."""
    before, this = pieces[k - 1], pieces[k]
    return isinstance(before, EncodePiece) and isinstance(this, EncodePiece) and before.clips != this.clips


def _touches(graphic: Graphic, group: Sequence[EncodePiece]) -> bool:
    """Whether a graphic shows on any frame of these pieces (so their cache key holds it)."""
    end = graphic.start_frame + graphic.frames
    return any(p.film_start < end and graphic.start_frame < p.film_start + p.frames for p in group)


WORK_PREFIX = ".assemble-"


def _concat_line(path: Path) -> str:
    escaped = str(path.resolve()).replace("'", "'\\''")
    return f"file '{escaped}'\n"


def _probe_workers(clips: int) -> int:
    """Threads checking takes (and encoding the reference) at once: a check is mostly a header
    read or an ffmpeg probe waiting on the disk, so two per core, but no more than the work."""
    return max(1, min(clips + 1, 2 * cores()))


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
    """Timeline → film.mp4 (+ .srt, .vtt, .otio, contact sheet, plan.json, timeline.json).

    With `card_cache`, title and end cards are kept there by content hash, so a revision that
    keeps the title re-encodes nothing but what changed."""

    def __init__(self, card_cache: Path | None = None, options: AssembleOptions | None = None) -> None:
        self.card_cache = card_cache
        self.options = options or AssembleOptions()

    def _card(self, card: TitleCard, timeline: Timeline, work: Path, *, end: bool) -> Path:
        w, h, fps = timeline.width, timeline.height, timeline.fps
        name = "end" if end else "title"
        language = timeline.language
        if self.card_cache is None:
            return render_title_card(card, w, h, fps, work / f"{name}.mp4", fade_out=end, language=language)
        key = stable_hash(
            {"card": card, "end": end, "size": [w, h, fps], "x264": list(H264_ARGS), "language": language,
             "lettering": lettering_fingerprint(), "marks": MARKS}
        )  # fmt: skip
        cached = self.card_cache / f"{name}-{key[:32]}.mp4"
        with one_at_a_time(cached):
            if not cached.is_file():
                self.card_cache.mkdir(parents=True, exist_ok=True)
                render_title_card(card, w, h, fps, cached, fade_out=end, language=language)
        return cached

    def assemble(self, timeline: Timeline, plan: FilmPlan, out_dir: Path) -> Path:
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        to_srt(timeline.subtitles)  # fail on bad cues before spending time on sound and video
        opts = self.options
        sweep_stale(out_dir, WORK_PREFIX)  # a resumed run must not leave litter next to the film
        with tempfile.TemporaryDirectory(dir=out_dir, prefix=f"{WORK_PREFIX}{os.getpid()}-") as tmp:
            work = Path(tmp)
            sound: Soundtrack | None = None
            if opts.sound.enabled:  # first: cues follow the speech
                timeline, sound = scored(timeline, plan, opts, work, self.card_cache)
            srt = to_srt(timeline.subtitles)
            vtt = to_vtt(timeline.subtitles, timeline.language or plan.language)
            with ThreadPoolExecutor(max_workers=_probe_workers(len(timeline.clips))) as pool:
                reference = pool.submit(reference_options, timeline.width, timeline.height, timeline.fps)
                sources = list(pool.map(lambda i: self._source(i, timeline, reference.result()),
                                        range(len(timeline.clips))))  # fmt: skip
            with ThreadPoolExecutor(max_workers=1) as side:  # the sheet is drawn while the pieces encode
                sheet = None
                if opts.exports:
                    fps = [s.fps for s in sources]
                    sheet = side.submit(contact_sheet, timeline, plan, work / SHEET_NAME, take_fps=fps)
                film = self._film(timeline, plan, sources, work, sound=sound)
                if sheet is not None:
                    sheet.result()
            names = [PLAN_NAME, SRT_NAME, VTT_NAME]
            if opts.signer is not None:
                opts.signer.sign(film, title=plan.title)
                (out_dir / sidecar_path(film).name).unlink(missing_ok=True)  # the signed one speaks now
            else:
                sidecar_path(film).write_text(sidecar_manifest(film, plan.title), encoding="utf-8")
                names.append(sidecar_path(film).name)
            (work / SRT_NAME).write_text(srt, encoding="utf-8")
            (work / VTT_NAME).write_text(vtt, encoding="utf-8")
            (work / PLAN_NAME).write_text(plan.model_dump_json(indent=2), encoding="utf-8")
            if opts.exports:
                (work / TIMELINE_NAME).write_text(timeline.model_dump_json(indent=2), encoding="utf-8")
                write_otio(timeline, plan, work / OTIO_NAME, stems=sound.stems if sound else ())
                names += [TIMELINE_NAME, OTIO_NAME, SHEET_NAME]
            place_stems(sound, out_dir, work)
            for name in [*names, FILM_NAME]:  # the film last: its presence means the rest is there
                os.replace(work / name, out_dir / name)
        return out_dir / FILM_NAME

    def _film(self, timeline: Timeline, plan: FilmPlan, sources: Sequence[ClipSource], work: Path, *,
              sound: Soundtrack | None) -> Path:  # fmt: skip
        """The picture cut and joined with its sound in `work`, checked to have every frame."""
        pieces = plan_pieces(timeline, sources, burn=self.options.burn_subtitles)
        parts = self._render(pieces, timeline, sources, work)
        listing = work / "parts.txt"
        listing.write_text("".join(_concat_line(p) for p in parts), encoding="utf-8")
        film = work / FILM_NAME
        self._mux(listing, timeline, plan, work, film, sound=sound)
        header = read_video(film)  # the muxer's own sample table: no second pass over the film
        got = header.frames if header is not None else probe(film).frames
        if got != timeline.total_frames:
            raise RenderFailure(f"the joined film has {got} frames, the timeline {timeline.total_frames}")
        return film

    def _render(self, pieces: Sequence[Piece], timeline: Timeline, sources: Sequence[ClipSource],
                work: Path) -> list[Path]:  # fmt: skip
        """Each piece as a file, in film order: copies split at keyframes, the rest encoded."""
        cuts: dict[int, set[int]] = {}
        for p in pieces:
            if isinstance(p, CopyPiece):
                cuts.setdefault(p.clip, set()).update({p.start, p.end})
        groups: list[list[EncodePiece]] = []  # neighbouring encode pieces share one encode
        group_of: dict[int, int] = {}
        split = bool(timeline.graphics)  # an ad: each clip's run its own encode, shared across variants
        for k, p in enumerate(pieces):
            if isinstance(p, EncodePiece):
                if not (k and isinstance(pieces[k - 1], EncodePiece)) or (split and _new_clip(pieces, k)):
                    groups.append([])
                groups[-1].append(p)
                group_of[k] = len(groups) - 1
        with ThreadPoolExecutor(max_workers=encode_workers()) as pool:
            encoded = [
                pool.submit(self._encoded, g, timeline, sources, work, n) for n, g in enumerate(groups)
            ]
            segments: dict[int, list[Path]] = {}
            for clip, points in cuts.items():
                src = sources[clip]
                inner = sorted(c for c in points if 0 < c < src.take_frames)
                if len(points) == 2 and min(points) == 0 and max(points) == src.take_frames:
                    segments[clip] = [src.take]  # the whole take: no need to split it
                else:
                    segments[clip] = split_take(src.take, inner, work, f"clip{clip:04d}")
            parts: list[Path] = []
            if timeline.title_card is not None:
                parts.append(self._card(timeline.title_card, timeline, work, end=False))
            for k, p in enumerate(pieces):
                if isinstance(p, EncodePiece):
                    if not k or group_of.get(k - 1) != group_of[k]:
                        parts.append(encoded[group_of[k]].result())
                    continue
                src = sources[p.clip]
                bounds = [0, *sorted(c for c in cuts[p.clip] if 0 < c < src.take_frames), src.take_frames]
                files = segments[p.clip]
                if len(files) != len(bounds) - 1:
                    raise RenderFailure(
                        f"splitting {src.take.name} gave {len(files)} segments, not {len(bounds) - 1}"
                    )
                parts += [f for f, lo in zip(files, bounds, strict=False) if p.start <= lo < p.end]
            if timeline.end_card is not None:
                parts.append(self._card(timeline.end_card, timeline, work, end=True))
        return parts

    def _encoded(self, group: Sequence[EncodePiece], timeline: Timeline, sources: Sequence[ClipSource],
                 work: Path, n: int) -> Path:  # fmt: skip
        """One run of re-encoded pieces; with a cache, kept by the content it is made of, so a
        revision re-encodes only the windows that touch a changed take."""
        burn = self.options.burn_subtitles
        if self.card_cache is None:
            return render_pieces(group, timeline, sources, work / f"piece{n:04d}.mp4", burn=burn)
        clips = sorted({ic for piece in group for ic in needed(piece, timeline)})
        key = stable_hash(
            {
                "pieces": [repr(piece) for piece in group],
                "clips": {str(ic): timeline.clips[ic] for ic in clips},
                "takes": {str(ic): identity(sources[ic].take) for ic in clips},
                "frame": [
                    timeline.width,
                    timeline.height,
                    timeline.fps,
                    list(H264_ARGS),
                    MARKS,
                    timeline.bug,
                ],
                "lettering": [timeline.language, lettering_fingerprint()],
                "subtitles": list(timeline.subtitles) if burn else [],
                "graphics": [
                    [g, *(identity(Path(f)) for f in (g.image, g.font) if f)]  # a replaced logo shows
                    for g in timeline.graphics
                    if _touches(g, group)
                ],
            }
        )
        cached = self.card_cache / f"piece-{key[:32]}.mp4"
        with one_at_a_time(cached):  # variants cut side by side need the same piece: encode it once
            if not cached.is_file():
                self.card_cache.mkdir(parents=True, exist_ok=True)
                render_pieces(group, timeline, sources, cached, burn=burn)
        return cached

    def _mux(self, listing: Path, timeline: Timeline, plan: FilmPlan, work: Path, film: Path, *,
             sound: Soundtrack | None) -> None:  # fmt: skip
        opts = self.options
        if sound is not None:  # the scored mix, encoded once
            audio_in, audio_codec = ["-i", str(sound.mix)], ["-c:a", "copy"]
        elif opts.music is not None:
            bed = music_bed(opts.music, timeline.total_s, timeline.subtitles, work / "bed.m4a", opts.loudness)
            audio_in, audio_codec = ["-i", str(bed)], ["-c:a", "copy"]
        else:
            audio_in, audio_codec = ["-stream_loop", "-1", "-i", str(silence())], ["-c:a", "copy"]
        run_ffmpeg(
            ["-f", "concat", "-safe", "0", "-i", str(listing), *audio_in, "-map", "0:v:0", "-map", "1:a:0",
             "-map_metadata", "-1", "-c:v", "copy", *audio_codec, "-t", f"{timeline.total_s:.6f}",
             *provenance_metadata(plan.title, plan.language), "-movflags", "+faststart", str(film)],
            "join the film",
        )  # fmt: skip

    def _source(self, i: int, timeline: Timeline, reference: bytes | None) -> ClipSource:
        """Check clip i against its take and say whether its GOPs can be copied into the film."""
        clip = timeline.clips[i]
        take = Path(clip.take_path)
        if not take.is_file():
            raise BadInput(f"timeline.clips[{i}].take_path", clip.take_path, "no such take file")
        head = read_video(take)
        if clip.reframe:  # every frame is cut from the take afresh: nothing of it is copied
            info = probe(take)
            if clip.out_frame > info.frames:
                raise BadInput(
                    f"timeline.clips[{i}].out_frame", clip.out_frame, f"the take has {info.frames} frames"
                )
            seekable = info.fps if head is not None else None
            return ClipSource(take=take, take_frames=info.frames, copyable=False, fps=seekable,
                              size=(info.width, info.height))  # fmt: skip
        fast = (
            head is not None
            and (head.codec, head.profile_idc) == ("avc1", 100)  # H.264 High: 8-bit 4:2:0
            and (head.width, head.height) == (timeline.width, timeline.height)
            and abs(head.fps - timeline.fps) < 1e-6
            and reference is not None
            and x264_options(take) == reference
        )
        if fast and head is not None:
            frames, copyable, fps = head.frames, True, head.fps
        else:
            info = probe(take)
            frames, fps = info.frames, info.fps
            copyable = (
                self._joinable(info, timeline) and reference is not None and x264_options(take) == reference
            )
        if clip.out_frame > frames or clip.in_frame >= clip.out_frame:
            raise BadInput(
                f"timeline.clips[{i}].out_frame",
                clip.out_frame,
                f"must be > in_frame={clip.in_frame} and <= the take's {frames} frames",
            )
        return ClipSource(take=take, take_frames=frames, copyable=copyable, fps=fps if copyable else None)

    @staticmethod
    def _joinable(info: MediaInfo, timeline: Timeline) -> bool:
        return (
            info.codec == "h264"
            and info.profile == "High"
            and info.pix_fmt == "yuv420p"
            and (info.width, info.height) == (timeline.width, timeline.height)
            and abs(info.fps - timeline.fps) < 1e-6
        )

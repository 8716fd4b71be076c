"""Cutting a Timeline into pieces the concat demuxer can join by stream copy.

Every storyreel take is encoded with `H264_ARGS`: a fixed GOP (keyframes every `GOP` frames,
closed, no scene-cut keyframes) and content-independent SPS/PPS. So whole GOPs of a take can be
stream-copied, and only what must change is decoded, painted and re-encoded with the same
settings: a transition window, the frames under a lower third, the partial GOPs at the edges of
a trim. The long middles of takes are never touched.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

import numpy as np

from engine.cutting.framing import Framing
from engine.cutting.graphics import GraphicsLayer
from engine.cutting.subtitles import burn_in, cue_at, cue_text
from engine.cutting.titles import paint_overlay
from engine.feed import FrameFeed
from engine.marking import Marker
from engine.media import FrameWriter, ffmpeg_exe, run_ffmpeg
from film import Clip, RenderFailure, Timeline
from film.timeline import KEYFRAME_INTERVAL

GOP = KEYFRAME_INTERVAL
"""Keyframe interval of every storyreel encode; copy cuts fall on multiples of it."""


@dataclass(frozen=True)
class CopyPiece:
    """Take frames [start, end), whole GOPs, joined by stream copy."""

    clip: int
    take: Path
    start: int
    end: int


@dataclass(frozen=True)
class EncodePiece:
    """Film frames [film_start, film_start + frames) drawn in numpy and re-encoded."""

    film_start: int
    frames: int
    clips: tuple[int, ...]
    window: bool = False


Piece = CopyPiece | EncodePiece


@dataclass
class ClipSource:
    """What the cutter knows about one clip's take."""

    take: Path
    take_frames: int
    copyable: bool  # same encoder settings and size as the film
    fps: float | None = None  # set when frame i is at i/fps (storyreel encodes): decode can seek
    flagged: set[int] = field(default_factory=set)  # clip-relative frames that must be re-encoded
    size: tuple[int, int] | None = None  # the take's own frame, when the clip re-frames it


def plan_pieces(timeline: Timeline, sources: Sequence[ClipSource], *, burn: bool = False) -> list[Piece]:
    """The film's clips as copy and encode pieces in film order (cards excluded)."""
    pieces: list[Piece] = []
    clips = timeline.clips
    for over in timeline.overlays:
        sources[over.clip_index].flagged.update(range(over.start_frame, over.start_frame + over.frames))
    for graphic in timeline.graphics:  # film frames: each clip flags the part it holds
        for i, clip in enumerate(clips):
            start = timeline.clip_start(i)
            lo = max(graphic.start_frame, start)
            hi = min(graphic.start_frame + graphic.frames, start + clip.frames)
            sources[i].flagged.update(range(lo - start, hi - start))
    film = timeline.clip_start(0)
    for i, clip in enumerate(clips):
        src = sources[i]
        head = clip.head if i > 0 else 0
        tail = clips[i + 1].tail_of_previous if i + 1 < len(clips) else 0
        if head:
            pieces.append(EncodePiece(film - clip.tail_of_previous, clip.transition_frames, (i - 1, i), True))
        body_end = clip.frames - tail
        run_start: int | None = None
        rel = head
        while rel < body_end:
            take_at = clip.in_frame + rel
            # clip-relative end of this GOP (a take's last GOP may be short)
            gop_end = min((take_at // GOP + 1) * GOP, src.take_frames) - clip.in_frame
            whole = take_at % GOP == 0 and gop_end <= body_end
            if whole and src.copyable and not burn and not src.flagged.intersection(range(rel, gop_end)):
                if run_start is not None:
                    pieces.append(EncodePiece(film + run_start, rel - run_start, (i,)))
                    run_start = None
                last = pieces[-1] if pieces else None
                if isinstance(last, CopyPiece) and last.clip == i and last.end == take_at:
                    pieces[-1] = CopyPiece(i, src.take, last.start, clip.in_frame + gop_end)
                else:
                    pieces.append(CopyPiece(i, src.take, take_at, clip.in_frame + gop_end))
                rel = gop_end
            else:
                run_start = rel if run_start is None else run_start
                rel = min(gop_end, body_end)
        if run_start is not None:
            pieces.append(EncodePiece(film + run_start, body_end - run_start, (i,)))
        film += clip.frames
    return pieces


def _decode_cmd(take: Path, start: int, count: int, width: int, height: int, fps: float | None) -> list[str]:
    """ffmpeg writing frames [start, start+count) of `take` to stdout as raw RGB, letterboxed.

    With `fps` (a take whose frame i sits at i/fps, as all storyreel encodes do) ffmpeg seeks to
    the keyframe before `start` and decodes from there; otherwise it decodes from the beginning
    and selects by frame number, which is exact for any file. One decoder thread: these decodes
    serve a few dozen frames beside two-thread encoders, and the pixels are the same either way."""
    size = (
        f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2"
    )
    seek: list[str] = []
    if fps and start > 0:
        seek = ["-ss", f"{(start - 0.5) / fps:.6f}"]  # half a frame early: never drops `start`
        vf = f"{size},setsar=1"
    else:
        vf = f"select=between(n\\,{start}\\,{start + count - 1}),{size},setsar=1"
    return [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1", *seek,
            "-i", str(take), "-map", "0:v:0", "-vf", vf, "-fps_mode", "passthrough", "-frames:v", str(count),
            "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"]  # fmt: skip


def _failure(take: Path, start: int, count: int, stderr: bytes) -> RenderFailure:
    err = stderr.decode("utf-8", "replace")[-600:]
    return RenderFailure(f"could not decode frames {start}..{start + count} of {take.name}: {err}")


def decode(
    take: Path, start: int, count: int, width: int, height: int, fps: float | None = None
) -> np.ndarray:
    """Frames [start, start+count) of `take`, conformed to width×height (letterboxed); with
    `fps` ffmpeg seeks (see `_decode_cmd`)."""
    proc = subprocess.run(
        _decode_cmd(take, start, count, width, height, fps), stdin=subprocess.DEVNULL, capture_output=True
    )
    if proc.returncode != 0 or len(proc.stdout) != count * width * height * 3:
        raise _failure(take, start, count, proc.stderr)
    return np.frombuffer(proc.stdout, np.uint8).reshape(count, height, width, 3)


class FrameStream:
    """Take frames [start, stop) read off one ffmpeg's stdout a frame at a time: one process for
    a whole span rather than one per chunk, and no frame held here. ffmpeg is reaped as soon as
    the last frame is read; `close` kills and reaps it earlier (safe to call more than once)."""

    def __init__(self, take: Path, start: int, stop: int, width: int, height: int, fps: float | None) -> None:
        self.take, self.start, self.stop = take, start, stop
        self.next = start  # the take frame `read` returns next
        self.shape = (height, width, 3)
        # a file, not a pipe, so it cannot fill up and stall ffmpeg; `close` closes it
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._proc = subprocess.Popen(
                _decode_cmd(take, start, stop - start, width, height, fps),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr,
            )  # fmt: skip
        except BaseException:
            self._stderr.close()
            raise

    @property
    def closed(self) -> bool:
        return self._stderr.closed

    def read(self) -> np.ndarray:
        """The frame at `next`; RenderFailure if ffmpeg ends before `stop` or exits with an error."""
        if self.closed or self.next >= self.stop:
            raise RenderFailure(f"frame {self.next} of {self.take.name} is outside this decode")
        assert self._proc.stdout is not None
        size = self.shape[0] * self.shape[1] * self.shape[2]
        data = self._proc.stdout.read(size)
        if len(data) != size:
            raise self._error()
        self.next += 1
        if self.next == self.stop:
            if self._reap(kill=False) != 0:
                raise self._error()
            self.close()
        return np.frombuffer(data, np.uint8).reshape(self.shape)

    def _reap(self, *, kill: bool) -> int:
        if kill and self._proc.poll() is None:
            self._proc.kill()
        if self._proc.stdout is not None:
            self._proc.stdout.close()  # ffmpeg cannot block on a closed pipe: the wait always ends
        return self._proc.wait()

    def _error(self) -> RenderFailure:
        self._reap(kill=False)  # let ffmpeg finish writing why
        self._stderr.seek(0)
        err = self._stderr.read()
        self.close()
        return _failure(self.take, self.start, self.stop - self.start, err)

    def close(self) -> None:
        self._reap(kill=True)
        self._stderr.close()


class ClipFrames:
    """Clip-relative frames of one clip, reaching into the take's handles and holding the edge
    frame where the take has none (so a transition never needs frames the take lacks).

    Frames are asked for in order, so one FrameStream, started at the first frame asked for,
    serves the span; a request it cannot serve (backwards, or past a keyframe ahead, where a
    seek is cheaper than decoding the gap) restarts it there. Only the last frame is kept.
    Use it as a context manager, or `close` it, so the decoder is always reaped."""

    def __init__(self, timeline: Timeline, index: int, src: ClipSource, lo: int, hi: int) -> None:
        self.clip: Clip = timeline.clips[index]
        self.index = index
        self.timeline = timeline
        self.src = src
        self.first = min(max(self.clip.in_frame + lo, 0), src.take_frames - 1)
        self.last = min(max(self.clip.in_frame + hi - 1, 0), src.take_frames - 1)
        self._stream: FrameStream | None = None
        self._held: tuple[int, np.ndarray] | None = None
        self._reach = GOP if src.fps else src.take_frames  # without seeking, reading on beats restarting
        self._recut: tuple[Framing, Marker] | None = None
        if self.clip.reframe and src.size is not None:  # cut from the master take, marks put on afresh
            size = (timeline.width, timeline.height)
            boxes = Path(self.clip.boxes) if self.clip.boxes else None
            self._recut = Framing(boxes, src.take_frames, src.size, size), Marker(*size, bug=timeline.bug)

    def _take_frame(self, at: int) -> np.ndarray:
        at = min(max(at, self.first), self.last)
        if self._held is not None and self._held[0] == at:
            return self._held[1]
        stream = self._stream
        if stream is None or stream.closed or not stream.next <= at < stream.next + self._reach:
            self.close()
            t = self.timeline
            width, height = (
                self.src.size if self._recut is not None and self.src.size else (t.width, t.height)
            )
            stream = self._stream = FrameStream(self.src.take, at, self.last + 1, width, height, self.src.fps)
        while stream.next < at:
            stream.read()
        frame = stream.read()
        if self._recut is not None:
            framing, mark = self._recut
            frame = mark(framing(frame, at))
        self._held = (at, frame)
        return frame

    def close(self) -> None:
        """Reap the decoder and drop the held frame (a later request starts a new decoder)."""
        self._held = None
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getitem__(self, rel: int) -> np.ndarray:
        frame = self._take_frame(self.clip.in_frame + rel)
        for over in self.timeline.overlays:
            if over.clip_index == self.index and over.start_frame <= rel < over.start_frame + over.frames:
                frame = paint_overlay(frame, over, rel - over.start_frame, self.timeline.language)
        return frame


def blend(kind: str, a: np.ndarray | None, b: np.ndarray | None, j: int, n: int, split: int) -> np.ndarray:
    """Frame j of an n-frame transition window; `split` frames of it belong to the outgoing clip."""
    if kind == "dip_to_black":  # each side fades through black on its own frames
        if j < split:
            assert a is not None
            return (a.astype(np.float32) * (1 - (j + 1) / (split + 1))).astype(np.uint8)
        assert b is not None
        return (b.astype(np.float32) * ((j - split + 1) / (n - split + 1))).astype(np.uint8)
    assert a is not None and b is not None
    alpha = (j + 0.5) / n
    if kind == "wipe":  # a soft vertical edge sweeping left to right reveals the incoming shot
        width = a.shape[1]
        soft = max(2.0, width / 40)
        x = np.arange(width, dtype=np.float32)
        edge = alpha * (width + 2 * soft) - soft
        mix = np.clip((edge - x) / soft + 0.5, 0.0, 1.0)[None, :, None]
    else:
        mix = np.float32(alpha)
    out = a.astype(np.float32) * (1 - mix) + b.astype(np.float32) * mix
    return out.round().clip(0, 255).astype(np.uint8)


def needed(piece: EncodePiece, timeline: Timeline) -> dict[int, tuple[int, int]]:
    """Clip-relative frame ranges [lo, hi) each clip must supply for the piece."""
    if piece.window:
        ia, ib = piece.clips
        clip_b = timeline.clips[ib]
        n, split = clip_b.transition_frames, clip_b.tail_of_previous
        na = timeline.clips[ia].frames
        dip = clip_b.transition_in == "dip_to_black"
        ranges = {}
        if split or not dip:
            ranges[ia] = (na - split, na - split + (split if dip else n))
        if n > split or not dip:
            ranges[ib] = ((0 if dip else -split), n - split)
        return ranges
    (ic,) = piece.clips
    rel0 = piece.film_start - timeline.clip_start(ic)
    return {ic: (rel0, rel0 + piece.frames)}


def piece_frames(
    piece: EncodePiece, timeline: Timeline, clips: dict[int, ClipFrames]
) -> Iterator[np.ndarray]:
    """The piece's frames, painted: a transition window's blend, or clip frames with overlays."""
    if piece.window:
        ia, ib = piece.clips
        clip_b = timeline.clips[ib]
        n, split = clip_b.transition_frames, clip_b.tail_of_previous
        na = timeline.clips[ia].frames
        kind = clip_b.transition_in
        dip = kind == "dip_to_black"
        a, b = clips.get(ia), clips.get(ib)
        for j in range(n):
            fa = a[na - split + j] if a is not None and (j < split or not dip) else None
            fb = b[j - split] if b is not None and (j >= split or not dip) else None
            yield blend(kind, fa, fb, j, n, split)
        return
    (ic,) = piece.clips
    rel0 = piece.film_start - timeline.clip_start(ic)
    for j in range(piece.frames):
        yield clips[ic][rel0 + j]


def render_pieces(group: Sequence[EncodePiece], timeline: Timeline, sources: Sequence[ClipSource], dest: Path,
                  *, burn: bool = False) -> Path:  # fmt: skip
    """Encode a run of neighbouring pieces as one file with the shared settings: one decode per
    clip and one encode per run, not one per piece. With `burn`, subtitles go on every frame."""
    spans: dict[int, tuple[int, int]] = {}
    last_use: dict[int, int] = {}
    for k, piece in enumerate(group):
        for ic, (lo, hi) in needed(piece, timeline).items():
            old = spans.get(ic, (lo, hi))
            spans[ic] = (min(lo, old[0]), max(hi, old[1]))
            last_use[ic] = k
    done_after: dict[int, list[int]] = {}  # piece k -> the clips no later piece needs
    for ic, k in last_use.items():
        done_after.setdefault(k, []).append(ic)
    fps = timeline.fps
    graphics = GraphicsLayer(timeline.graphics, timeline.width, timeline.height, fps)
    with (
        contextlib.ExitStack() as decoders,
        FrameWriter(dest, timeline.width, timeline.height, fps) as writer,
        FrameFeed(writer) as feed,  # paint the next frame while x264 takes this one
    ):
        clips = {
            ic: decoders.enter_context(ClipFrames(timeline, ic, sources[ic], lo, hi))
            for ic, (lo, hi) in spans.items()
        }
        for k, piece in enumerate(group):
            for j, frame in enumerate(piece_frames(piece, timeline, clips)):
                if burn:
                    cue = cue_at(timeline.subtitles, (piece.film_start + j) / fps)
                    frame = burn_in(frame, cue_text(cue), timeline.language) if cue else frame
                if graphics:
                    frame = graphics.paint(frame, piece.film_start + j)
                feed.put(np.ascontiguousarray(frame))
            for ic in done_after.get(k, ()):  # a burned-in film is one run over every clip: let go early
                clips[ic].close()
    return dest


def split_take(take: Path, cuts: Sequence[int], work: Path, stem: str) -> list[Path]:
    """Stream-copy `take` into segments at the keyframes `cuts` (frame numbers, GOP multiples)."""
    pattern = work / f"{stem}-%03d.mp4"
    args = ["-i", str(take), "-map", "0:v:0", "-c", "copy", "-f", "segment", "-reset_timestamps", "1"]
    if cuts:
        args += ["-segment_frames", ",".join(str(c) for c in cuts)]
    else:
        args += ["-segment_time", "1e9"]
    run_ffmpeg([*args, str(pattern)], f"split {take.name} at keyframes")
    return sorted(work.glob(f"{stem}-*.mp4"))

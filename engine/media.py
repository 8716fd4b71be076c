"""ffmpeg in one place: the shared H.264 settings, an atomic frame writer, and a probe.

Every encode in storyreel (previz takes, title cards, trimmed clips) uses `H264_ARGS`, so the
assembler can join them with the concat demuxer and `-c copy` instead of re-encoding the film.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import imageio_ffmpeg
import numpy as np

from film import RenderFailure
from film.files import part_path
from film.process import cores
from film.timeline import KEYFRAME_INTERVAL

# fmt: off
H264_ARGS: tuple[str, ...] = (
    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-profile:v", "high",
    "-preset", "veryfast", "-crf", "20",
    "-g", str(KEYFRAME_INTERVAL), "-keyint_min", str(KEYFRAME_INTERVAL),  # a fixed GOP and
    "-sc_threshold", "0",  # no scene-cut keyframes
    # A fixed thread count keeps the bitstream the same on every machine; mbtree=0 because
    # macroblock-tree with frame threads made x264 non-deterministic here; stitchable keeps
    # SPS/PPS independent of content so takes concatenate with stream copy.
    "-threads", "2", "-x264-params", "stitchable=1:mbtree=0",
    "-movflags", "+faststart",
)
# fmt: on
"""The one set of encoder arguments every storyreel encode uses (placed after the inputs)."""

ENCODER_THREADS = int(H264_ARGS[H264_ARGS.index("-threads") + 1])
"""Threads each x264 encode runs: fixed, since the count changes the bitstream (threads 1, 2 and 3
give three different files), so workers are sized around it rather than it around the cores."""


GRAY_ARGS = tuple("gray" if a == "yuv420p" else a for a in H264_ARGS)
"""H264_ARGS for a single-plane (4:0:0, still High profile) encode, e.g. a depth pass."""


def encode_workers() -> int:
    """Encodes to run at once (render workers, the cut's piece encodes): each x264 runs
    ENCODER_THREADS threads, so more encoders than the cores hold only fight over them."""
    return max(1, cores() // ENCODER_THREADS)


_STDERR_TAIL_LINES = 12


def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped with imageio-ffmpeg (there is no system ffmpeg/ffprobe)."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _tail(text: str, lines: int = _STDERR_TAIL_LINES) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_ffmpeg(args: list[str], what: str) -> str:
    """Run ffmpeg with `args`; return its stderr, or raise RenderFailure with the last lines of it."""
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-y", *args]
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace")
    if proc.returncode != 0:
        raise RenderFailure(f"ffmpeg failed to {what} (exit {proc.returncode}):\n{_tail(proc.stderr)}")
    return proc.stderr


PIPE_BYTES = 1 << 20
"""Pipe buffer asked for (Linux's default unprivileged ceiling): a frame passes in a few writes
instead of twenty 64 KiB ones, each a wake-up of ffmpeg."""


def _widen_pipe(pipe: IO[bytes] | None) -> None:
    """Grow a pipe's buffer where the OS allows; a smaller pipe still works, only slower."""
    if pipe is not None and hasattr(fcntl, "F_SETPIPE_SZ"):
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


class FrameWriter:
    """Pipes RGB24 frames into ffmpeg; the file appears at `dest` only if every frame made it.

    On an exception (KeyboardInterrupt included) ffmpeg is killed, the temp file removed and
    the exception re-raised, so a half-written take can never be mistaken for a finished one.
    """

    def __init__(
        self, dest: Path, width: int, height: int, fps: int, *, gray: bool = False,
        mark: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:  # fmt: skip
        self.dest = Path(dest)
        self.gray = gray  # one plane in and out (a depth pass): a third of the pipe, no chroma to code
        self.mark = mark  # the provenance marks (engine.marking), put on each frame as it goes in
        self.tmp = part_path(self.dest)
        self.width = width
        self.height = height
        self.fps = fps
        self.out_width = width + width % 2  # yuv420p needs even sizes; odd frames get one padded edge
        self.out_height = height + height % 2
        self.frames = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    def __enter__(self) -> Self:
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        self._stderr = tempfile.TemporaryFile()
        cmd = [
            ffmpeg_exe(),
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "gray" if self.gray else "rgb24",
            "-s",
            f"{self.width}x{self.height}",
            "-framerate",
            str(self.fps),
            "-i",
            "pipe:0",
            "-an",
        ]
        if (self.out_width, self.out_height) != (self.width, self.height):
            cmd += ["-vf", f"pad={self.out_width}:{self.out_height}:0:0"]
        cmd += [*(GRAY_ARGS if self.gray else H264_ARGS), "-f", "mp4", str(self.tmp)]
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._stderr
        )
        _widen_pipe(self._proc.stdin)
        return self

    def write(self, frame: np.ndarray) -> None:
        """Append one (height, width, 3) uint8 frame, or (height, width) for a gray writer."""
        shape = (self.height, self.width) if self.gray else (self.height, self.width, 3)
        if frame.shape != shape or frame.dtype != np.uint8:
            raise ValueError(f"frame must be uint8 of shape {shape}, got {frame.dtype} {frame.shape}")
        assert self._proc is not None and self._proc.stdin is not None, "use FrameWriter as a context manager"
        if self.mark is not None:
            frame = self.mark(frame)
        try:
            self._proc.stdin.write(np.ascontiguousarray(frame).data)
        except BrokenPipeError:
            self._proc.wait()
            raise RenderFailure(
                f"ffmpeg stopped while encoding {self.dest.name}:\n{self._stderr_tail()}"
            ) from None
        self.frames += 1

    def _stderr_tail(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return _tail(self._stderr.read().decode("utf-8", "replace"))

    def _abort(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            with contextlib.suppress(OSError):
                if self._proc.stdin is not None:
                    self._proc.stdin.close()
            self._proc.wait()
        self.tmp.unlink(missing_ok=True)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is not None:
                self._abort()
                return
            assert self._proc is not None and self._proc.stdin is not None
            with contextlib.suppress(BrokenPipeError):
                self._proc.stdin.close()
            code = self._proc.wait()
            if code != 0 or self.frames == 0:
                tail = self._stderr_tail() or "no frames were written"
                self._abort()
                raise RenderFailure(f"ffmpeg failed to encode {self.dest.name} (exit {code}):\n{tail}")
            os.replace(self.tmp, self.dest)
        except BaseException:
            self._abort()
            raise
        finally:
            if self._stderr is not None:
                self._stderr.close()


@dataclass(frozen=True)
class MediaInfo:
    """What a media file holds, measured by ffmpeg rather than trusted from a header."""

    frames: int
    fps: float
    width: int
    height: int
    duration_s: float
    has_audio: bool
    codec: str = ""
    profile: str = ""
    pix_fmt: str = ""


_VIDEO_RE = re.compile(
    r"Stream #0:\d+[^:]*: Video: (?P<codec>\w+)(?: \((?P<profile>[^)]*)\))?[^,]*, (?P<pix>\w+)"
    r"(?:\([^)]*\))?, (?P<w>\d+)x(?P<h>\d+)"
)


def stream_size(stderr: str) -> tuple[int, int] | None:
    """(width, height) of the first video stream ffmpeg's log describes, or None."""
    video = _VIDEO_RE.search(stderr)
    return (int(video["w"]), int(video["h"])) if video else None


_FPS_RE = re.compile(r"Stream #0:\d+[^:]*: Video: .*?, (?P<fps>[\d.]+)(?P<k>k?) (?:fps|tbr)")
_FRAME_RE = re.compile(r"frame=\s*(\d+)")


def probe(path: Path, *, decode: bool = False) -> MediaInfo:
    """Count the video frames of `path` with ffmpeg (there is no ffprobe here).

    By default stream copy to the null muxer reads every packet without decoding, so this is
    cheap even for a whole film; `decode=True` decodes every frame, which proves the file plays.
    """
    path = Path(path)
    if not path.is_file():
        raise RenderFailure(f"cannot probe {path}: no such file")
    codec = [] if decode else ["-c", "copy"]
    err = run_ffmpeg(["-i", str(path), "-map", "0:v:0", *codec, "-f", "null", "-"], f"probe {path.name}")
    video = _VIDEO_RE.search(err)
    rate = _FPS_RE.search(err)
    counts = _FRAME_RE.findall(err)
    if video is None or rate is None or not counts:
        raise RenderFailure(f"cannot probe {path.name}: no video stream found:\n{_tail(err)}")
    fps = float(rate["fps"]) * (1000.0 if rate["k"] else 1.0)
    frames = int(counts[-1])
    return MediaInfo(
        frames=frames,
        fps=fps,
        width=int(video["w"]),
        height=int(video["h"]),
        duration_s=frames / fps if fps else 0.0,
        has_audio=re.search(r"Stream #0:\d+[^:]*: Audio:", err) is not None,
        codec=video["codec"],
        profile=video["profile"] or "",
        pix_fmt=video["pix"],
    )


def read_frames(
    path: Path, start: int = 0, count: int | None = None, size: tuple[int, int] | None = None
) -> np.ndarray:
    """Decode frames [start, start+count) of `path` as a (n, h, w, 3) uint8 array; with `size`
    (width, height) scaled to it, so a reader that only needs statistics (the critic) holds a
    take in a few MB instead of hundreds."""
    info = probe(path)
    vf = f"select=gte(n\\,{start})" if start else "null"
    if size is not None:
        vf += f",scale={size[0]}:{size[1]}"
    cmd = [
        ffmpeg_exe(),
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-i",
        str(path),
        "-map",
        "0:v:0",
        "-vf",
        vf,
        "-fps_mode",
        "passthrough",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
    ]
    if count is not None:
        cmd += ["-frames:v", str(count)]
    proc = subprocess.run([*cmd, "pipe:1"], stdin=subprocess.DEVNULL, capture_output=True)
    if proc.returncode != 0:
        raise RenderFailure(
            f"ffmpeg failed to decode {path.name}:\n{_tail(proc.stderr.decode('utf-8', 'replace'))}"
        )
    width, height = size or (info.width, info.height)
    frame_bytes = width * height * 3
    n = len(proc.stdout) // frame_bytes
    return np.frombuffer(proc.stdout[: n * frame_bytes], dtype=np.uint8).reshape(n, height, width, 3)

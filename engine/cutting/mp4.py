"""Reading an MP4's video track header (frame count, size, rate, H.264 profile) in Python.

The assembler needs each take's frame count and format before it can plan a cut; asking ffmpeg
costs a process and a pass over the file per take, which for a film of whole-take hard cuts was
most of the time spent. The sample tables in `moov` say it directly. Anything unexpected returns
None and the caller falls back to `engine.media.probe`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}


@dataclass(frozen=True)
class Mp4Video:
    frames: int
    fps: float
    width: int
    height: int
    codec: str
    profile_idc: int


def _boxes(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload start, box end) of the boxes in data[start:end]."""
    out = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            break
        out.append((kind, pos + header, pos + size))
        pos += size
    return out


def _moov(path: Path) -> bytes | None:
    with open(path, "rb") as fh:
        while True:
            head = fh.read(8)
            if len(head) < 8:
                return None
            size, kind = struct.unpack(">I4s", head)
            header = 8
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0]
                header = 16
            if kind == b"moov":
                return head + fh.read(size - header) if header == 8 else None
            if size < header:
                return None
            fh.seek(size - header, 1)


def _readable_moov(path: Path) -> bytes | None:
    try:
        return _moov(Path(path))
    except OSError:
        return None


def read_video(path: Path) -> Mp4Video | None:
    """The first video track's header facts, or None if the file is not a plain MP4 we understand."""
    moov = _readable_moov(path)
    if moov is None:
        return None
    for kind, start, end in _boxes(moov, 8, len(moov)):
        if kind == b"trak":
            found = _track(moov, start, end)
            if found is not None:
                return found
    return None


def _find(data: bytes, start: int, end: int, path: list[bytes]) -> tuple[int, int] | None:
    for kind, s, e in _boxes(data, start, end):
        if kind == path[0]:
            return (s, e) if len(path) == 1 else _find(data, s, e, path[1:])
    return None


def _track(data: bytes, start: int, end: int) -> Mp4Video | None:
    hdlr = _find(data, start, end, [b"mdia", b"hdlr"])
    if hdlr is None or data[hdlr[0] + 8 : hdlr[0] + 12] != b"vide":
        return None
    mdhd, tkhd = _find(data, start, end, [b"mdia", b"mdhd"]), _find(data, start, end, [b"tkhd"])
    stbl = _find(data, start, end, [b"mdia", b"minf", b"stbl"])
    if mdhd is None or tkhd is None or stbl is None:
        return None
    version = data[mdhd[0]]
    timescale = struct.unpack_from(">I", data, mdhd[0] + (20 if version == 1 else 12))[0]
    width, height = (v >> 16 for v in struct.unpack_from(">II", data, tkhd[1] - 8))
    stts = _find(data, stbl[0], stbl[1], [b"stts"])
    stsd = _find(data, stbl[0], stbl[1], [b"stsd"])
    if stts is None or stsd is None or not timescale:
        return None
    count = struct.unpack_from(">I", data, stts[0] + 4)[0]
    entries = [struct.unpack_from(">II", data, stts[0] + 8 + 8 * i) for i in range(count)]
    frames = sum(n for n, _ in entries)
    deltas = {d for n, d in entries if n}
    if len(deltas) > 1 and not (len(entries) == 2 and entries[1][0] == 1):
        return None  # variable frame rate: let ffmpeg measure it
    fps = timescale / entries[0][1] if entries and entries[0][1] else 0.0
    sample = _boxes(data, stsd[0] + 8, stsd[1])
    if not sample:
        return None
    codec, s0, s1 = sample[0]
    profile = 0
    if codec == b"avc1":
        avcc = _find(data, s0 + 78, s1, [b"avcC"])
        profile = data[avcc[0] + 1] if avcc else 0
    return Mp4Video(frames=frames, fps=fps, width=width, height=height, codec=codec.decode("latin-1"),
                    profile_idc=profile)  # fmt: skip


def has_sound(path: Path) -> bool | None:
    """Whether the MP4 carries a sound track (an engine that makes audio with its video), by its
    handlers; None if the file is not a plain MP4 we understand (ask ffmpeg then)."""
    moov = _readable_moov(path)
    if moov is None:
        return None
    for kind, start, end in _boxes(moov, 8, len(moov)):
        hdlr = _find(moov, start, end, [b"mdia", b"hdlr"]) if kind == b"trak" else None
        if hdlr is not None and moov[hdlr[0] + 8 : hdlr[0] + 12] == b"soun":
            return True
    return False

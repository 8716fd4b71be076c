"""Where the cutter's pixels come from: one streaming decode per clip span, always reaped, and a
contact sheet that shows the engine's stills instead of decoding."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from engine.cutting import assemble, cut, exports
from engine.cutting.cut import GOP, ClipFrames, ClipSource, EncodePiece, decode, plan_pieces, render_pieces
from engine.media import FrameWriter
from film import Clip, RenderFailure, Timeline
from film.timeline import Overlay
from tests.engine.conftest import make_plan, make_shot

W, H, FPS, N = 64, 48, 24, 130  # small frames, but more than two GOPs so seeks land on keyframes


@pytest.fixture(scope="module")
def take(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Frames that differ from each other everywhere, so a wrong frame cannot pass for a right one."""
    dest = tmp_path_factory.mktemp("frames") / "take.mp4"
    ramp = np.arange(W, dtype=np.int32)[None, :] + np.arange(H, dtype=np.int32)[:, None]
    with FrameWriter(dest, W, H, FPS) as writer:
        for i in range(N):
            grey = ((ramp + 3 * i) % 256).astype(np.uint8)
            writer.write(np.stack([grey, np.full_like(grey, (7 * i) % 256), 255 - grey], axis=-1))
    return dest


@pytest.fixture
def spawned(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[subprocess.Popen[bytes]]]:
    """The decoder process of every FrameStream the cutter starts, to count them and to check
    that each was reaped, its pipe closed."""
    procs: list[subprocess.Popen[bytes]] = []

    class Recorded(cut.FrameStream):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            procs.append(self._proc)

    monkeypatch.setattr(cut, "FrameStream", Recorded)
    yield procs
    assert all(p.returncode is not None and p.stdout is not None and p.stdout.closed for p in procs)


def _timeline(take: Path, in_frame: int = 0, overlays: tuple[Overlay, ...] = ()) -> Timeline:
    clip = Clip(shot_id="S01", take_path=str(take), in_frame=in_frame, out_frame=N)
    return Timeline(fps=FPS, width=W, height=H, clips=(clip,), overlays=overlays)


def _source(take: Path, seekable: bool = True) -> ClipSource:
    return ClipSource(take=take, take_frames=N, copyable=seekable, fps=float(FPS) if seekable else None)


@pytest.mark.parametrize("seekable", [True, False])
def test_a_span_is_one_decoder_giving_the_frames_decode_gives(
    take: Path, spawned: list[subprocess.Popen[bytes]], seekable: bool
) -> None:
    timeline = _timeline(take, in_frame=10)
    want = decode(take, 0, N, W, H)  # every frame, by frame number from the start
    # clip frames -14..N: reaches 4 frames before the take (edge held) and 4 past its end
    with ClipFrames(timeline, 0, _source(take, seekable), -14, N - 6) as frames:
        got = [frames[rel] for rel in range(-14, N - 6)]
    assert len(spawned) == 1  # not one process per chunk
    expect = [want[min(max(10 + rel, 0), N - 1)] for rel in range(-14, N - 6)]
    assert all((g == e).all() for g, e in zip(got, expect, strict=True))


def test_going_back_or_leaping_ahead_restarts_the_stream_and_stays_exact(
    take: Path, spawned: list[subprocess.Popen[bytes]]
) -> None:
    want = decode(take, 0, N, W, H)
    order = [5, 6, 7, 2, 3, 3, 4 + 2 * GOP, 5 + 2 * GOP, 9 + 2 * GOP]  # back once, then past a GOP
    with ClipFrames(_timeline(take), 0, _source(take), 0, N) as frames:
        for at in order:
            assert (frames[at] == want[at]).all()
    assert len(spawned) == 3


def test_decoders_are_reaped_when_a_piece_fails(
    take: Path, spawned: list[subprocess.Popen[bytes]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def paint(frame: np.ndarray, *_: object) -> np.ndarray:
        raise RuntimeError("lettering broke")

    monkeypatch.setattr(cut, "paint_overlay", paint)
    timeline = _timeline(
        take, overlays=(Overlay(kind="chapter", clip_index=0, start_frame=30, frames=20, text="x"),)
    )
    piece = EncodePiece(film_start=0, frames=60, clips=(0,))
    with pytest.raises(RuntimeError, match="lettering"):
        render_pieces([piece], timeline, [_source(take)], tmp_path / "piece.mp4")
    assert len(spawned) == 1 and spawned[0].returncode is not None  # killed mid-span, not left running
    assert not list(tmp_path.iterdir())


def test_a_run_over_many_clips_holds_frames_of_only_the_clips_in_hand(
    take: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A burned-in film is one run through every clip: a finished clip lets go of its frame."""
    clips = tuple(
        Clip(shot_id=f"S{k}", take_path=str(take), in_frame=5 * k, out_frame=5 * k + 30) for k in range(5)
    )
    timeline = Timeline(fps=FPS, width=W, height=H, clips=clips)
    sources = [_source(take) for _ in clips]
    made: list[ClipFrames] = []
    holding: list[int] = []

    class Watched(ClipFrames):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            made.append(self)

        def __getitem__(self, rel: int) -> np.ndarray:
            holding.append(sum(c._held is not None for c in made))
            return super().__getitem__(rel)

    monkeypatch.setattr(cut, "ClipFrames", Watched)
    group = [p for p in plan_pieces(timeline, sources, burn=True) if isinstance(p, EncodePiece)]
    render_pieces(group, timeline, sources, tmp_path / "run.mp4", burn=True)
    assert len(made) == 5 and len(holding) == 150 and max(holding) == 1


def test_a_take_shorter_than_claimed_fails_and_reaps(
    take: Path, spawned: list[subprocess.Popen[bytes]]
) -> None:
    longer = ClipSource(take=take, take_frames=N + 20, copyable=True, fps=float(FPS))
    with ClipFrames(_timeline(take), 0, longer, 100, N + 20) as frames, pytest.raises(RenderFailure):
        for rel in range(100, N + 20):
            frames[rel]
    assert spawned[0].returncode is not None


def _sheet_timeline(take: Path, stills: list[tuple[str, int]]) -> Timeline:
    clips = tuple(
        Clip(shot_id=f"S{k:02d}", take_path=str(take), in_frame=12 * k, out_frame=12 * k + 40, still=path,
             still_frame=frame)
        for k, (path, frame) in enumerate(stills)
    )  # fmt: skip
    return Timeline(fps=FPS, width=W, height=H, clips=clips)


def _cell(sheet: Path, k: int) -> np.ndarray:
    """Cell k of a 4-column sheet (64×48 frames: cells are frame-sized, 8 px apart, 34 px bands)."""
    x, y = 8 + (k % 4) * (W + 8), 8 + (k // 4) * (H + 34 + 8)
    return np.asarray(Image.open(sheet).convert("RGB"))[y : y + H, x : x + W]


def test_contact_sheet_shows_stills_without_decoding(
    take: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stills = []
    for k in range(3):
        path = tmp_path / f"still{k}.png"
        Image.new("RGB", (W, H), (200, 40 * k, 90)).save(path)
        stills.append((str(path), 12 * k + 20))  # each clip's middle take frame
    timeline = _sheet_timeline(take, stills)

    def no_decode(*_: object, **__: object) -> np.ndarray:
        raise AssertionError("decoded a frame the engine had drawn")

    monkeypatch.setattr(exports, "decode", no_decode)
    sheet = exports.contact_sheet(timeline, make_plan(tuple(make_shot(c.shot_id) for c in timeline.clips)),
                                  tmp_path / "sheet.png")  # fmt: skip
    for k in range(3):
        assert np.abs(_cell(sheet, k).astype(int) - (200, 40 * k, 90)).max() <= 1


def test_contact_sheet_decodes_what_has_no_matching_still_and_seeks_exactly(
    take: Path, tmp_path: Path
) -> None:
    wrong = tmp_path / "wrong.png"
    Image.new("RGB", (W, H), (255, 0, 255)).save(wrong)
    # a still of another frame, a missing still, no still
    timeline = _sheet_timeline(take, [(str(wrong), 19), (str(tmp_path / "gone.png"), 32), ("", -1)])
    plan = make_plan(tuple(make_shot(c.shot_id) for c in timeline.clips))
    seeking = exports.contact_sheet(timeline, plan, tmp_path / "seek.png", take_fps=[float(FPS)] * 3)
    counting = exports.contact_sheet(timeline, plan, tmp_path / "count.png")
    assert (np.asarray(Image.open(seeking)) == np.asarray(Image.open(counting))).all()
    want = decode(take, 0, N, W, H)
    for k in range(3):
        assert (_cell(seeking, k) == want[12 * k + 20]).all()


@pytest.mark.parametrize(("cores", "encoders"), [(1, 1), (2, 1), (3, 1), (4, 2), (16, 8)])
def test_encoders_run_two_threads_each_within_the_cores(
    monkeypatch: pytest.MonkeyPatch, cores: int, encoders: int
) -> None:
    monkeypatch.setattr("film.process.os.sched_getaffinity", lambda pid: set(range(cores)))
    assert assemble.encode_workers() == encoders

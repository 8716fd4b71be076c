"""media: the atomic frame writer and the ffmpeg probe, against the real ffmpeg binary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.media import H264_ARGS, FrameWriter, probe, read_frames, run_ffmpeg
from film import RenderFailure


def _ramp(i: int, w: int = 64, h: int = 48) -> np.ndarray:
    frame = np.zeros((h, w, 3), np.uint8)
    frame[:, : (i * 4) % w] = (200, 60, 30)
    return frame


def test_writer_makes_a_probeable_h264_file(tmp_path: Path) -> None:
    dest = tmp_path / "clip.mp4"
    with FrameWriter(dest, 64, 48, 12) as writer:
        for i in range(30):
            writer.write(_ramp(i))
    info = probe(dest)
    assert (info.frames, info.width, info.height, info.fps) == (30, 64, 48, 12.0)
    assert (info.codec, info.profile, info.pix_fmt) == ("h264", "High", "yuv420p")
    assert info.duration_s == pytest.approx(2.5)
    assert not info.has_audio
    assert not list(tmp_path.glob("*.part*"))
    assert read_frames(dest).shape == (30, 48, 64, 3)
    assert read_frames(dest, start=10, count=5).shape == (5, 48, 64, 3)


def test_exception_inside_writer_leaves_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "clip.mp4"
    with pytest.raises(KeyboardInterrupt), FrameWriter(dest, 64, 48, 12) as writer:
        for i in range(10):
            writer.write(_ramp(i))
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_failing_ffmpeg_raises_render_failure_and_leaves_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "clip.mp4"
    with (
        pytest.raises(RenderFailure, match="ffmpeg"),
        FrameWriter(dest, 64, 48, 0) as writer,
    ):  # fps 0 is refused
        for i in range(200):
            writer.write(_ramp(i))
    assert list(tmp_path.iterdir()) == []


def test_wrong_frame_shape_is_refused_and_cleaned_up(tmp_path: Path) -> None:
    dest = tmp_path / "clip.mp4"
    with pytest.raises(ValueError, match="shape"), FrameWriter(dest, 64, 48, 12) as writer:
        writer.write(np.zeros((48, 63, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


def test_odd_sizes_are_padded_to_even(tmp_path: Path) -> None:
    dest = tmp_path / "odd.mp4"
    with FrameWriter(dest, 65, 47, 12) as writer:
        for i in range(3):
            writer.write(_ramp(i, 65, 47))
    info = probe(dest)
    assert (info.width, info.height, info.frames) == (writer.out_width, writer.out_height, 3) == (66, 48, 3)


def test_probe_and_run_ffmpeg_report_failures(tmp_path: Path) -> None:
    with pytest.raises(RenderFailure, match="no such file"):
        probe(tmp_path / "missing.mp4")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video" * 100)
    with pytest.raises(RenderFailure, match=r"probe junk\.mp4"):
        probe(junk)
    with pytest.raises(RenderFailure, match="exit"):
        run_ffmpeg(["-i", str(junk), *H264_ARGS, str(tmp_path / "out.mp4")], "re-encode junk")

"""The invisible watermark: it reads back from raw frames, from the delivery encode, from a CRF 28
re-encode and from a rescaled copy; it stays faint; unmarked footage and other keys do not read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.media import FrameWriter, run_ffmpeg
from engine.watermark import PAYLOAD_BITS, Watermark, grid_for

W, H, FRAMES = 854, 480, 24


def _panned(width: int = W, height: int = H, frames: int = FRAMES) -> list[np.ndarray]:
    """A real photograph (scikit-image's astronaut), panned a little each frame."""
    from PIL import Image
    from skimage import data

    picture = Image.fromarray(data.astronaut()).resize((round(width * 1.2), height))
    room = picture.width - width
    return [
        np.asarray(picture.crop((x, 0, x + width, height))) for x in np.linspace(0, room, frames).astype(int)
    ]


def _encode(frames: list[np.ndarray], dest: Path, mark: Watermark | None) -> Path:
    height, width = frames[0].shape[:2]
    with FrameWriter(dest, width, height, 24, mark=mark.embed if mark else None) as writer:
        for frame in frames:
            writer.write(frame)
    return dest


@pytest.fixture(scope="module")
def marked_take(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _encode(_panned(), tmp_path_factory.mktemp("wm") / "take.mp4", Watermark())


def test_raw_frames_read_every_bit_and_stay_faint() -> None:
    mark, frames = Watermark(), _panned(frames=6)
    marked = [mark.embed(f) for f in frames]
    got = mark.detect_frames(marked)
    assert got.found and got.agreement >= 0.95 and got.frames == 6, got.line()
    mse = np.mean([(m.astype(float) - f.astype(float)) ** 2 for m, f in zip(marked, frames, strict=True)])
    assert 10 * np.log10(255**2 / mse) >= 34.0  # PSNR, on a busy picture where texture hides it
    assert np.array_equal(marked[0], mark.embed(frames[0]))  # the same frame marks the same way


def test_flat_pictures_change_by_about_a_grey_level() -> None:
    """A flat wall or sky shows a mottle, so there the mark is faintest (and it still reads)."""
    ramp = np.linspace(60, 200, W)[None, :, None].repeat(H, 0).repeat(3, 2).astype(np.uint8)
    marked = Watermark().embed(ramp)
    change = marked.astype(float) - ramp
    assert np.sqrt(np.mean(change**2)) <= 1.5 and np.abs(change).max() <= 3
    assert Watermark().detect_frames([marked]).found


def test_it_survives_the_delivery_encode_and_a_crf28_reencode(marked_take: Path, tmp_path: Path) -> None:
    mark = Watermark()
    delivered = mark.detect_file(marked_take)
    assert delivered.found and delivered.agreement >= 0.95 and delivered.frames == FRAMES, delivered.line()
    again = tmp_path / "crf28.mp4"
    run_ffmpeg(["-i", str(marked_take), "-c:v", "libx264", "-crf", "28", "-an", str(again)], "re-encode")
    reread = mark.detect_file(again)
    assert reread.found and reread.agreement >= 0.9, reread.line()
    assert reread.line().startswith("found (") and f"/{PAYLOAD_BITS} bits" in reread.line()


def test_a_rescaled_copy_still_reads(marked_take: Path, tmp_path: Path) -> None:
    small = tmp_path / "small.mp4"
    run_ffmpeg(
        ["-i", str(marked_take), "-vf", "scale=640:360", "-c:v", "libx264", "-crf", "23", str(small)], "scale"
    )
    assert Watermark().detect_file(small).found


def test_unmarked_footage_and_other_keys_do_not_read(marked_take: Path, tmp_path: Path) -> None:
    plain = _encode(_panned(), tmp_path / "plain.mp4", None)
    assert not Watermark().detect_file(plain).found
    assert not Watermark("someone-else").detect_file(marked_take).found
    noise = np.random.default_rng(3).integers(0, 256, (8, H, W), dtype=np.uint8)
    assert not Watermark().detect_frames(list(noise)).found


def test_files_that_are_not_video_read_as_nothing(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video")
    got = Watermark().detect_file(junk)
    assert (got.found, got.frames) == (False, 0)
    assert got.line().startswith("not found")


def test_cells_stay_square_for_every_aspect() -> None:
    assert grid_for(854, 480) == (128, 72)
    assert grid_for(480, 854) == (72, 128)
    assert grid_for(640, 640) == (96, 96)
    assert grid_for(320, 180) == (48, 27)  # small frames take bigger cells, which the encoder keeps
    vertical = _panned(480, 854, frames=3)
    mark = Watermark()
    assert mark.detect_frames([mark.embed(f) for f in vertical]).found

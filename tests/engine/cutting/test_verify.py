"""`verify` reads back the three marks of a film, and each survives what the others do not."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine import FfmpegAssembler
from engine.cutting.assemble import AssembleOptions
from engine.cutting.provenance import sidecar_path
from engine.cutting.verify import verify
from engine.media import FrameWriter, run_ffmpeg
from engine.previz import PrevizRenderer
from film import BadInput, Clip, RenderSpec, Timeline
from tests.engine.conftest import SCENE, make_plan, make_shot

W, H, FPS, FRAMES = 320, 180, 24, 48


def cut(take: Path, out: Path, frames: int = FRAMES, fps: int = FPS, size: tuple[int, int] = (W, H)) -> Path:
    """A one-take film of `take`, as the studio cuts it (sidecar manifest, no key)."""
    clip = Clip(shot_id="S1", take_path=str(take), out_frame=frames)
    timeline = Timeline(fps=fps, width=size[0], height=size[1], clips=(clip,))
    plan = make_plan((make_shot("S1", frames=frames),), fps=fps)
    return FfmpegAssembler(options=AssembleOptions(exports=False)).assemble(timeline, plan, out)


@pytest.fixture(scope="module")
def previz_film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("verify")
    spec = RenderSpec(
        engine="previz", shot=make_shot("S1", frames=FRAMES), scene=SCENE, seed=7, width=W, height=H, fps=FPS
    )
    take = PrevizRenderer().render(spec, folder / "take.mp4")
    return cut(Path(take.path), folder / "film")


def test_a_fresh_film_shows_all_three_marks(previz_film: Path) -> None:
    report = verify(previz_film)
    assert [m.found for m in report.marks] == [True, True, True], [m.line() for m in report.marks]
    assert "sidecar film.c2pa.json" in report.c2pa.detail and "trainedAlgorithmicMedia" in report.c2pa.detail
    manifest = json.loads(sidecar_path(previz_film).read_text(encoding="utf-8"))
    assert manifest["asset_hash"]["name"] == "film.mp4"
    assert report.summary() == "film.mp4: AI-generated (shown by label, c2pa, watermark)"


def test_stripped_metadata_and_a_crf28_reencode_keep_the_watermark(previz_film: Path, tmp_path: Path) -> None:
    copy = tmp_path / "stripped.mp4"
    run_ffmpeg(["-i", str(previz_film), "-map_metadata", "-1", "-c", "copy", str(copy)], "strip")
    stripped = verify(copy)
    assert (stripped.label.found, stripped.c2pa.found, stripped.watermark.found) == (False, False, True)
    again = tmp_path / "again.mp4"
    run_ffmpeg(["-i", str(copy), "-c:v", "libx264", "-crf", "28", "-an", str(again)], "re-encode")
    assert verify(again).watermark.found and verify(again).ai_made


def test_an_edited_film_no_longer_matches_its_sidecar(previz_film: Path, tmp_path: Path) -> None:
    folder = tmp_path / "edited"
    folder.mkdir()
    edited = folder / "film.mp4"
    edited.write_bytes(previz_film.read_bytes() + b"\0")
    sidecar_path(edited).write_bytes(sidecar_path(previz_film).read_bytes())
    assert not verify(edited).c2pa.found and "hash differs" in verify(edited).c2pa.detail


def test_footage_storyreel_did_not_make_shows_nothing(tmp_path: Path) -> None:
    plain = tmp_path / "plain.mp4"
    rng = np.random.default_rng(3)
    base = rng.integers(40, 200, (H // 4, W // 4, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
    with FrameWriter(plain, W, H, FPS) as writer:
        for i in range(FRAMES):
            writer.write(np.roll(base, i, axis=1))
    report = verify(plain)
    assert not report.ai_made, [m.line() for m in report.marks]
    assert report.summary() == "plain.mp4: no storyreel provenance found"


def test_not_a_video_is_bad_input(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_text("not a film", encoding="utf-8")
    with pytest.raises(BadInput, match="file"):
        verify(junk)
    with pytest.raises(BadInput, match="no such file"):
        verify(tmp_path / "absent.mp4")


def test_a_name_too_long_for_the_file_system_is_one_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot be read"):
        verify(tmp_path / ("x" * 5000))

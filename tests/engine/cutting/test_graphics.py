"""Ad motion graphics (moviepy composites): each kind draws inside its box and nowhere else, the
same graphic gives the same pixels, and a film with graphics re-encodes only their windows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from engine import FfmpegAssembler
from engine.cutting.assemble import AssembleOptions
from engine.cutting.cut import ClipSource, CopyPiece, EncodePiece, plan_pieces
from engine.cutting.graphics import GraphicsLayer
from engine.media import FrameWriter, read_frames
from film import Clip, Timeline
from film.timeline import Graphic, GraphicKind
from tests.engine.conftest import make_plan, make_shot

W, H, FPS, N = 320, 568, 24, 96
BOX = (0.1, 0.3, 0.9, 0.6)
KINDS: tuple[GraphicKind, ...] = ("kinetic", "caption", "cta", "logo", "countdown", "legal")


def _graphic(kind: GraphicKind, **kw: object) -> Graphic:
    fields: dict[str, object] = {
        "name": kind, "kind": kind, "start_frame": 0, "frames": 24, "box": BOX, "text": "Shop the sale now",
        "subtitle": "30% off everything", "fg": "#fdf8ef", "bg": "#1f3a5f",
    }  # fmt: skip
    return Graphic.model_validate(fields | kw)


def _outside(frame: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    x0, y0, x1, y1 = round(box[0] * W), round(box[1] * H), round(box[2] * W), round(box[3] * H)
    keep = np.ones(frame.shape[:2], dtype=bool)
    keep[y0:y1, x0:x1] = False
    return frame[keep]


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_draws_inside_its_box_only_and_the_same_way_twice(kind: GraphicKind) -> None:
    ground = np.full((H, W, 3), 90, np.uint8)
    graphic = _graphic(kind)
    frames = [GraphicsLayer([graphic], W, H, FPS).paint(ground, 18) for _ in range(2)]
    assert np.array_equal(frames[0], frames[1])
    assert np.array_equal(_outside(frames[0], BOX), _outside(ground, BOX))
    assert np.abs(frames[0].astype(int) - ground).sum() > 0, f"{kind} drew nothing"
    assert GraphicsLayer([graphic], W, H, FPS).paint(ground, 24) is ground  # past its window


def test_the_kinetic_title_builds_word_by_word_and_the_countdown_drains() -> None:
    ground = np.full((H, W, 3), 90, np.uint8)
    title = GraphicsLayer([_graphic("kinetic", frames=48)], W, H, FPS)
    drawn = [int(np.abs(title.paint(ground, i).astype(int) - ground).sum()) for i in (1, 8, 40)]
    assert drawn[0] < drawn[1] < drawn[2]
    bar = GraphicsLayer([_graphic("countdown", text="", frames=48, fg="#ffffff", bg="#000000")], W, H, FPS)
    white = [int((bar.paint(ground, i) > 200).all(axis=2).sum()) for i in (0, 24, 47)]
    assert white[0] > white[1] > white[2]


@pytest.mark.parametrize("kind", KINDS)
def test_a_settled_graphic_is_reused_and_paints_what_moviepy_would(kind: GraphicKind) -> None:
    """Once a graphic stops moving its blend is kept; a layer painting frame after frame must give
    the pixels a fresh layer renders for that frame alone."""
    ground = np.random.default_rng(7).integers(0, 255, (H, W, 3), dtype=np.uint8)
    graphic = _graphic(kind, frames=36)
    layer = GraphicsLayer([graphic], W, H, FPS)
    for i in range(36):
        assert np.array_equal(layer.paint(ground, i), GraphicsLayer([graphic], W, H, FPS).paint(ground, i)), i
    assert (layer._composite(0).still is None) == (kind == "countdown")


def test_a_brand_font_file_and_a_logo_picture_are_used(tmp_path: Path) -> None:
    from PIL import Image

    from engine.cutting.typefaces import FONT_DIRS, installed

    font = next(path for name, path in installed(FONT_DIRS).items() if "Serif" in name)
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (64, 32), (250, 20, 20, 255)).save(logo)
    ground = np.full((H, W, 3), 90, np.uint8)
    house = GraphicsLayer([_graphic("caption")], W, H, FPS).paint(ground, 12)
    branded = GraphicsLayer([_graphic("caption", font=font)], W, H, FPS).paint(ground, 12)
    assert not np.array_equal(house, branded)
    sting = GraphicsLayer([_graphic("logo", image=str(logo), frames=24)], W, H, FPS).paint(ground, 23)
    red = (sting[..., 0] > 200) & (sting[..., 1] < 80)
    assert red.sum() > 500


def test_a_box_outside_the_frame_is_refused() -> None:
    with pytest.raises(ValidationError, match="not inside the frame"):
        _graphic("caption", box=(0.5, 0.2, 1.2, 0.4))


@pytest.fixture(scope="module")
def takes(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("graphics")
    paths = []
    for k in range(2):
        dest = folder / f"T{k}.mp4"
        with FrameWriter(dest, W, H, FPS) as writer:
            for i in range(N):
                writer.write(np.full((H, W, 3), (40 + 80 * k, 60, 120 + i % 50), np.uint8))
        paths.append(dest)
    return paths


def test_only_the_windows_under_graphics_are_re_encoded(takes: list[Path], tmp_path: Path) -> None:
    clips = tuple(Clip(shot_id=f"S{k}", take_path=str(p), out_frame=N) for k, p in enumerate(takes))
    graphic = _graphic("cta", start_frame=N + 50, frames=30)  # inside the second clip's second GOP
    timeline = Timeline(fps=FPS, width=W, height=H, clips=clips, graphics=(graphic,))
    sources = [ClipSource(take=p, take_frames=N, copyable=True) for p in takes]
    pieces = plan_pieces(timeline, sources)
    encoded = [(p.film_start, p.frames) for p in pieces if isinstance(p, EncodePiece)]
    assert encoded == [(N + 48, 48)]
    assert sum(p.end - p.start for p in pieces if isinstance(p, CopyPiece)) == 2 * N - 48
    plan = make_plan(tuple(make_shot(f"S{k}", frames=N) for k in range(2)))
    film = FfmpegAssembler(options=AssembleOptions(exports=False)).assemble(timeline, plan, tmp_path / "cut")
    frames = read_frames(film)
    plain, under = frames[N + 10], frames[N + 60]
    assert len(frames) == 2 * N
    assert np.abs(under.astype(int) - plain).sum() > np.abs(frames[N + 11].astype(int) - plain).sum() * 10

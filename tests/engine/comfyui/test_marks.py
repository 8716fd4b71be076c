"""A ComfyUI take carries the corner bug and the watermark, and its film verifies."""

from __future__ import annotations

from pathlib import Path

from engine.comfyui import ComfyUIOptions, ComfyUIRenderer
from engine.cutting.verify import verify
from tests.engine.comfyui.conftest import Comfy, cspec
from tests.engine.cutting.test_verify import cut


def test_a_comfyui_film_verifies(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    _, url = comfy
    spec = cspec(frames=48).model_copy(update={"width": 320, "height": 180})
    take = ComfyUIRenderer(ComfyUIOptions(url=url, poll_s=0.01)).render(spec, tmp_path / "t.mp4")
    report = verify(cut(Path(take.path), tmp_path / "film", frames=48, fps=24, size=(320, 180)))
    assert [m.found for m in report.marks] == [True, True, True], [m.line() for m in report.marks]

"""The ComfyUI engine plans a shot as the diffusers engine does: the size snapped to the model's
stride, the frame count by the model's rule at the model's own fps (told to the video node, and to
LTX's conditioning), and a continued shot rendered one frame longer, that frame dropped."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from engine.comfyui import ComfyUIOptions, ComfyUIRenderer, WorkflowMapping
from engine.media import probe, read_frames
from film import BadInput, Conditioning, RenderSpec
from tests.engine.comfyui.conftest import Comfy, cspec, own_workflow
from tests.engine.conftest import beside_the_bug
from tests.engine.diffusion.conftest import still


def queued(
    state: Comfy, url: str, spec: RenderSpec, dest: Path, options: ComfyUIOptions | None = None
) -> dict[str, Any]:
    """Render `spec` through the scripted server; the nodes of the prompt it was sent."""
    opts = (options or ComfyUIOptions()).model_copy(update={"url": url, "poll_s": 0.01})
    take = ComfyUIRenderer(opts).render(spec, dest)
    info = probe(Path(take.path), decode=True)
    assert (info.frames, info.width, info.height, info.fps) == (spec.frames, 40, 24, 24.0)
    return dict(state.prompts[-1]["prompt"])


def test_wan_gets_its_stride_frame_rule_and_fps(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    state, url = comfy
    wf = queued(state, url, cspec(), tmp_path / "t.mp4")  # 12 frames at 24 fps = 8 at Wan's 16
    size = (wf["6"]["inputs"]["width"], wf["6"]["inputs"]["height"])
    assert size == (32, 32) and wf["6"]["inputs"]["length"] == 9 and wf["20"]["inputs"]["fps"] == 16


def test_ltx_lasts_the_whole_shot_at_25_fps(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    """2 s at 24 fps is 50 frames at LTX's 25: 57 by its 8k+1 rule (the spec's 48 would have
    been cut to 41 by LTX, 0.36 s short)."""
    state, url = comfy
    wf = queued(state, url, cspec(frames=48), tmp_path / "t.mp4", ComfyUIOptions(template="ltx_t2v"))
    length = wf["5"]["inputs"]["length"]
    assert length == 57 and (length - 1) / 25 >= 2.0
    assert (wf["5"]["inputs"]["width"], wf["5"]["inputs"]["height"]) == (32, 32)
    assert wf["20"]["inputs"]["fps"] == 25 and wf["6"]["inputs"]["frame_rate"] == 25


def test_continued_shot_drops_the_repeated_first_frame(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    """The server's video is frames of grey 0, 10, 20...; frame 0 is the previous shot's last
    frame again, so the continued take starts on frame 1 (a plain one on frame 0)."""
    state, url = comfy
    plain = queued(state, url, cspec(), tmp_path / "plain.mp4")
    cond = Conditioning(first_frame=still(tmp_path / "f.png", (9, 9, 9), size=(64, 24)))
    wf = queued(state, url, cspec(conditioning=cond), tmp_path / "cont.mp4")
    assert plain["6"]["inputs"]["length"] == 9 and wf["15"]["inputs"]["length"] == 9  # 8 + 1 → 4k+1
    assert wf["20"]["inputs"]["fps"] == 16 and wf["12"]["inputs"]["image"] == "frame.png"
    assert abs(beside_the_bug(read_frames(tmp_path / "plain.mp4")[0]).mean() - 0) < 3
    assert abs(beside_the_bug(read_frames(tmp_path / "cont.mp4")[0]).mean() - 10) < 3
    png = state.uploads[-1][state.uploads[-1].index(b"\x89PNG") :]
    with Image.open(io.BytesIO(png)) as img:  # cropped to the generation size, not letterboxed
        assert img.size == (32, 32) and np.asarray(img.convert("RGB")).min() == 9


def test_ltx_continued_shot_renders_one_frame_more(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    state, url = comfy
    cond = Conditioning(first_frame=still(tmp_path / "f.png", (9, 9, 9)))
    wf = queued(state, url, cspec(conditioning=cond), tmp_path / "t.mp4", ComfyUIOptions(template="ltx_t2v"))
    assert wf["16"]["class_type"] == "LTXVImgToVideo" and wf["16"]["inputs"]["length"] == 17  # 13 + 1
    assert wf["20"]["inputs"]["fps"] == 25 and wf["6"]["inputs"]["frame_rate"] == 25


def test_own_workflow_is_planned_by_the_card_it_names(comfy: tuple[Comfy, str], tmp_path: Path) -> None:
    state, url = comfy
    options = own_workflow(tmp_path / "wf", "ltx_t2v", model="ltx-video")
    wf = queued(state, url, cspec(), tmp_path / "t.mp4", options)
    assert wf["5"]["inputs"]["length"] == 17 and wf["20"]["inputs"]["fps"] == 25


def test_mapping_takes_one_many_or_no_node_inputs() -> None:
    mapping = WorkflowMapping.model_validate(
        {"prompt": ["3", "text"], "fps": [["20", "fps"], ["6", "frame_rate"]], "steps": None}
    )
    assert mapping.prompt == (("3", "text"),) and mapping.steps == ()
    assert mapping.fps == (("20", "fps"), ("6", "frame_rate"))


def test_sizes_the_model_cannot_take_are_refused_before_queueing(tmp_path: Path) -> None:
    spec = cspec().model_copy(update={"options": {"steps": 4, "width": 40, "height": 32}})
    with pytest.raises(BadInput, match="width must be divisible by 16"):
        ComfyUIRenderer().resolve(spec)
    with pytest.raises(ValueError, match="unknown model card 'wan9'"):
        ComfyUIOptions(model="wan9")

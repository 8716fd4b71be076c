"""The diffusion engine end to end on tiny random-weight models loaded from a local folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.diffusion import DiffusionOptions, DiffusionRenderer, last_frame_path
from engine.media import FrameWriter, probe, read_frames
from film import BadInput, Conditioning
from tests.engine.diffusion.conftest import dspec, media_ref, still


def test_text_to_video_take_has_exact_frames_size_and_progress(
    options: DiffusionOptions, tmp_path: Path
) -> None:
    seen: list[tuple[int, int]] = []
    # 12 frames at 24 fps = 0.5 s = 8 model frames at Wan's 16 fps → 9 generated, resampled back
    spec = dspec(frames=12, fps=24, size=(40, 24))
    renderer = DiffusionRenderer(options)
    take = renderer.render(spec, tmp_path / "t.mp4", lambda d, n: seen.append((d, n)))
    info = probe(Path(take.path), decode=True)
    assert (take.frames, info.frames, info.width, info.height, info.fps) == (12, 12, 40, 24, 24.0)
    assert seen == [(1, 2), (2, 2)]
    assert take.spec_hash == renderer.resolve(spec).spec_hash() and take.engine == "diffusion"
    assert (take.settings["model"], take.settings["steps"], take.settings["dtype"]) == (
        "wan2.1-t2v-1.3b", 2, "float32"
    )  # fmt: skip
    assert last_frame_path(tmp_path / "t.mp4").is_file()


def test_same_seed_same_take_other_seed_differs(options: DiffusionOptions, tmp_path: Path) -> None:
    r = DiffusionRenderer(options)
    a = read_frames(Path(r.render(dspec(seed=5), tmp_path / "a.mp4").path))
    b = read_frames(Path(r.render(dspec(seed=5), tmp_path / "b.mp4").path))
    c = read_frames(Path(r.render(dspec(seed=6), tmp_path / "c.mp4").path))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_continuous_shot_starts_on_previous_last_frame(options: DiffusionOptions, tmp_path: Path) -> None:
    """Shot 1's kept last frame becomes shot 2's first frame; the text-only model hands the
    shot to its VACE companion, which pins that frame."""
    r = DiffusionRenderer(options)
    r.render(dspec(seed=1), tmp_path / "s1.mp4")
    first = media_ref(last_frame_path(tmp_path / "s1.mp4"))
    spec2 = dspec(seed=2, conditioning=Conditioning(first_frame=first))
    take = r.render(spec2, tmp_path / "s2.mp4")
    assert take.frames == 9
    assert r.check_inputs(spec2)[0].name == "wan2.1-vace-1.3b"


def test_first_last_frame_model(options: DiffusionOptions, tmp_path: Path) -> None:
    cond = Conditioning(
        first_frame=still(tmp_path / "f.png", (200, 30, 30)),
        last_frame=still(tmp_path / "l.png", (30, 30, 200)),
    )
    spec = dspec(model="wan2.1-flf2v-14b-720p", conditioning=cond)
    take = DiffusionRenderer(options).render(spec, tmp_path / "flf.mp4")
    assert take.frames == 9


def test_vace_follows_control_video_and_reference(options: DiffusionOptions, tmp_path: Path) -> None:
    depth = tmp_path / "depth.mp4"
    with FrameWriter(depth, 32, 32, 16) as w:
        for i in range(9):
            w.write(np.full((32, 32, 3), 20 * i, dtype=np.uint8))
    cond = Conditioning(
        control_video=media_ref(depth), reference_images=(still(tmp_path / "r.png", (0, 255, 0)),)
    )
    spec = dspec(conditioning=cond)
    r = DiffusionRenderer(options)
    assert r.check_inputs(spec)[0].name == "wan2.1-vace-1.3b"
    plain = read_frames(Path(r.render(dspec(model="wan2.1-vace-1.3b"), tmp_path / "p.mp4").path))
    driven = read_frames(Path(r.render(spec, tmp_path / "v.mp4").path))
    assert driven.shape == plain.shape and not np.array_equal(driven, plain)


def test_ltx_keyframe_conditions(options: DiffusionOptions, tmp_path: Path) -> None:
    cond = Conditioning(
        first_frame=still(tmp_path / "f.png", (250, 250, 250)),
        last_frame=still(tmp_path / "l.png", (0, 0, 0)),
    )
    r = DiffusionRenderer(options)
    free = read_frames(Path(r.render(dspec(model="ltx-video-0.9.7"), tmp_path / "a.mp4").path))
    pinned = read_frames(
        Path(r.render(dspec(model="ltx-video-0.9.7", conditioning=cond), tmp_path / "b.mp4").path)
    )
    assert pinned.shape == (9, 32, 32, 3) and not np.array_equal(free, pinned)
    # the text-only LTX model renders plain shots and hands keyframed ones to the condition model
    assert r.render(dspec(model="ltx-video"), tmp_path / "c.mp4").frames == 9
    assert r.check_inputs(dspec(model="ltx-video", conditioning=cond))[0].name == "ltx-video-0.9.7"


def test_skyreels_long_take_in_one_call(models_dir: Path, tmp_path: Path) -> None:
    opts = DiffusionOptions(models_dir=models_dir, preset="draft", device="cpu", max_window_frames=9)
    spec = dspec(model="skyreels-v2-df-1.3b-540p", frames=34, fps=24)  # 23 model frames > one window
    r = DiffusionRenderer(opts)
    _card, plan = r.check_inputs(spec)
    assert plan.total > plan.windows[0]
    seen: list[tuple[int, int]] = []
    take = r.render(spec, tmp_path / "long.mp4", lambda d, n: seen.append((d, n)))
    assert take.frames == 34 and probe(Path(take.path)).frames == 34
    assert seen[-1][0] == seen[-1][1]


def test_wan_long_take_continues_with_companion(models_dir: Path, tmp_path: Path) -> None:
    opts = DiffusionOptions(models_dir=models_dir, preset="draft", device="cpu", max_window_frames=9)
    spec = dspec(frames=17)
    r = DiffusionRenderer(opts)
    _card, plan = r.check_inputs(spec)
    assert plan.windows == (9, 9, 9) and plan.carry == 5  # VACE continues on the last five frames
    seen: list[tuple[int, int]] = []
    take = r.render(spec, tmp_path / "cont.mp4", lambda d, n: seen.append((d, n)))
    assert take.frames == 17 and seen[-1] == (6, 6)


def test_cache_hook_renders_and_is_a_separate_pipeline(models_dir: Path, tmp_path: Path) -> None:
    from engine.diffusion.loading import load_pipeline
    from engine.diffusion.registry import model_card

    opts = DiffusionOptions(
        models_dir=models_dir, preset="draft", device="cpu", cache="first_block", cache_threshold=0.2
    )
    take = DiffusionRenderer(opts).render(dspec(options={"steps": 3}), tmp_path / "c.mp4")
    assert take.frames == 9
    pipe = load_pipeline(model_card("wan2.1-t2v-1.3b"), opts)
    assert pipe.transformer.is_cache_enabled
    assert pipe is load_pipeline(model_card("wan2.1-t2v-1.3b"), opts)  # loaded once, reused
    one = opts.model_copy(update={"max_pipelines": 1})
    first = load_pipeline(model_card("wan2.1-t2v-1.3b"), one)
    load_pipeline(model_card("wan2.1-vace-1.3b"), one)  # evicts the least recently used
    assert load_pipeline(model_card("wan2.1-t2v-1.3b"), one) is not first


@pytest.mark.parametrize("model", ["wan2.1-t2v-1.3b", "wan2.1-vace-1.3b"])
def test_taylorseer_hook_applies(models_dir: Path, tmp_path: Path, model: str) -> None:
    opts = DiffusionOptions(
        models_dir=models_dir, preset="draft", device="cpu", cache="taylorseer", cache_interval=2
    )
    assert DiffusionRenderer(opts).render(dspec(model=model), tmp_path / "t.mp4").frames == 9


def test_cogvideox_text_and_image_to_video_with_faster_cache(models_dir: Path, tmp_path: Path) -> None:
    """CogVideoX t2v hands a first frame to its i2v companion; FasterCache works on it and is
    refused, before any loading, for a family whose CFG layout it would crash on."""
    opts = DiffusionOptions(models_dir=models_dir, preset="draft", device="cpu", cache="faster")
    r = DiffusionRenderer(opts)
    assert r.render(dspec(model="cogvideox-5b", options={"steps": 3}), tmp_path / "c.mp4").frames == 9
    spec = dspec(
        model="cogvideox-5b", conditioning=Conditioning(first_frame=still(tmp_path / "f.png", (9, 99, 9)))
    )
    assert r.check_inputs(spec)[0].name == "cogvideox-5b-i2v"
    assert r.render(spec, tmp_path / "i.mp4").frames == 9
    with pytest.raises(BadInput, match="FasterCache only works with CogVideoX"):
        r.render(dspec(), tmp_path / "w.mp4")

"""What each model card asks for reaches the pipeline call: each tiny pipeline's `__call__` is
spied on (recording its keyword arguments and the scheduler's shift, then delegating), and the
shot is rendered end to end through card_settings → resolve → shoot."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image

from engine.diffusion import DiffusionOptions, DiffusionRenderer, cogvideox, ltx, skyreels, wan
from engine.diffusion.loading import load_pipeline
from engine.diffusion.registry import MODELS, model_card
from engine.diffusion.renderer import FAMILIES
from engine.diffusion.window import CARD_KEYS, Call, Window, as_video, crop_box, embed, reframe, use_shift
from engine.media import probe
from film import Conditioning
from tests.engine.diffusion.conftest import dspec, still


@dataclass
class Seen:
    """One spied pipeline call."""

    pipe: Any
    kwargs: dict[str, Any]
    shift: float | None


def shift_of(pipe: Any) -> float | None:
    config = getattr(getattr(pipe, "scheduler", None), "config", {})
    for key in ("flow_shift", "shift"):
        if key in config:
            return float(config[key])
    return None


Spy = Callable[[str], list[Seen]]


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    """spy("WanPipeline") → the list its calls are recorded into while the test runs."""
    import diffusers

    def install(name: str) -> list[Seen]:
        cls = getattr(diffusers, name)
        original = cls.__call__
        calls: list[Seen] = []

        def recording(self: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(Seen(self, dict(kwargs), shift_of(self)))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__call__", recording)
        return calls

    return install


def render(options: DiffusionOptions, tmp_path: Path, name: str = "x.mp4", **kw: Any) -> Path:
    return Path(DiffusionRenderer(options).render(dspec(**kw), tmp_path / name).path)


def test_card_settings_by_size_and_card() -> None:
    t2v, a14b = model_card("wan2.1-t2v-14b"), model_card("wan2.2-t2v-a14b")
    assert wan.card_settings(t2v, 832, 480) == {"flow_shift": 3.0}
    assert wan.card_settings(t2v, 1280, 720) == {"flow_shift": 5.0}
    assert wan.card_settings(t2v, 720, 1280)["flow_shift"] == 5.0  # portrait 720p
    assert wan.card_settings(a14b, 1280, 720) == {"flow_shift": 5.0, "guidance_2": 3.0}
    assert wan.card_settings(model_card("wan2.2-i2v-a14b"), 1280, 720)["guidance_2"] == 3.5
    guidance = {name: FAMILIES[MODELS[name].family].guidance_for(MODELS[name]) for name in MODELS}
    assert (guidance["wan2.2-t2v-a14b"], guidance["wan2.2-i2v-a14b"]) == (4.0, 3.5)
    assert (guidance["wan2.1-flf2v-14b-720p"], guidance["wan2.1-t2v-1.3b"]) == (5.5, 5.0)
    assert skyreels.card_settings(model_card("skyreels-v2-df-1.3b-540p"), 960, 544) == {"flow_shift": 8.0}
    assert cogvideox.card_settings(model_card("cogvideox-5b"), 720, 480) == {"dynamic_cfg": True}
    for card in MODELS.values():  # resolve drops exactly these when the card changes
        for size in ((832, 480), (1280, 720)):
            assert set(FAMILIES[card.family].card_settings(card, *size)) <= CARD_KEYS, card.name


def test_use_shift_swaps_the_scheduler_and_restores_the_loaded_one() -> None:
    from diffusers import FlowMatchEulerDiscreteScheduler, UniPCMultistepScheduler

    pipe = SimpleNamespace(scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0))
    use_shift(pipe, 3.0)
    assert pipe.scheduler.config.shift == 3.0
    use_shift(pipe, None)
    assert pipe.scheduler.config.shift == 7.0
    unipc = SimpleNamespace(scheduler=UniPCMultistepScheduler(use_flow_sigmas=True, flow_shift=5.0))
    use_shift(unipc, 8.0)
    assert type(unipc.scheduler) is UniPCMultistepScheduler and shift_of(unipc) == 8.0


def test_wan_shift_and_negative_prompt_reach_the_call(
    options: DiffusionOptions, spy: Spy, tmp_path: Path
) -> None:
    calls = spy("WanPipeline")
    assert DiffusionRenderer(options).resolve(dspec()).options["flow_shift"] == 3.0
    render(options, tmp_path)
    (call,) = calls
    assert call.shift == 3.0  # the tiny weights say 7.0; the card says 3.0 at this size
    assert call.kwargs["negative_prompt"] == wan.NEGATIVE_PROMPT
    assert "guidance_scale_2" not in call.kwargs  # 1.3B has one expert
    render(options, tmp_path, "own.mp4", negative_prompt="blurry")
    assert calls[1].kwargs["negative_prompt"] == "blurry"


def test_a14b_gets_its_second_guidance(options: DiffusionOptions, spy: Spy, tmp_path: Path) -> None:
    calls = spy("WanPipeline")
    render(options, tmp_path, model="wan2.2-t2v-a14b")
    (call,) = calls
    assert call.pipe.config.boundary_ratio == 0.875
    assert call.kwargs["guidance_scale_2"] == 3.0


@pytest.mark.parametrize(("model", "expected"), [("wan2.2-t2v-a14b", 4.0), ("wan2.1-flf2v-14b-720p", 5.5)])
def test_card_guidance_reaches_the_call(
    options: DiffusionOptions, spy: Spy, tmp_path: Path, model: str, expected: float
) -> None:
    calls = spy(MODELS[model].pipeline)
    cond = Conditioning()
    if MODELS[model].mode == "flf2v":
        cond = Conditioning(
            first_frame=still(tmp_path / "f.png", (200, 30, 30)),
            last_frame=still(tmp_path / "l.png", (30, 30, 200)),
        )
    render(options, tmp_path, model=model, conditioning=cond)
    assert calls[0].kwargs["guidance_scale"] == expected
    if cond.last_frame is not None:
        assert isinstance(calls[0].kwargs["last_image"], Image.Image)


def test_ti2v_5b_continues_with_its_own_weights(
    options: DiffusionOptions, models_dir: Path, spy: Spy, tmp_path: Path
) -> None:
    from diffusers import WanImageToVideoPipeline

    direct = WanImageToVideoPipeline.from_pretrained(models_dir / "wan2.2-ti2v-5b", local_files_only=True)
    assert direct.config.expand_timesteps and direct.image_encoder is None
    calls = spy("WanImageToVideoPipeline")
    spec = dspec(
        model="wan2.2-ti2v-5b", conditioning=Conditioning(first_frame=still(tmp_path / "f.png", (9, 99, 9)))
    )
    r = DiffusionRenderer(options)
    assert r.check_inputs(spec)[0].name == "wan2.2-ti2v-5b-i2v"
    assert r.render(spec, tmp_path / "i.mp4").frames == 9
    (call,) = calls
    assert call.pipe.config.expand_timesteps and call.pipe.image_encoder is None
    assert isinstance(call.kwargs["image"], Image.Image) and "last_image" not in call.kwargs
    assert call.shift == 3.0


def test_skyreels_shift_and_reproducible_long_take(
    models_dir: Path, spy: Spy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """addnoise_condition draws from torch's global RNG; the take must not depend on it."""
    opts = DiffusionOptions(models_dir=models_dir, preset="draft", device="cpu", max_window_frames=9)
    calls = spy("SkyReelsV2DiffusionForcingPipeline")
    takes = record_frames(monkeypatch, skyreels)
    long = {"model": "skyreels-v2-df-1.3b-540p", "frames": 17, "fps": 24}  # 17 > 9: long mode
    render(opts, tmp_path, "a.mp4", **long)  # loads the pipeline (which draws from the global RNG)
    torch.manual_seed(123)
    state = torch.get_rng_state()
    render(opts, tmp_path, "b.mp4", **long)
    assert torch.equal(torch.get_rng_state(), state)  # the global RNG is handed back untouched
    assert np.array_equal(takes[0], takes[1])  # the raw floats, before any encoding
    first = calls[0]
    assert (
        first.kwargs["addnoise_condition"] > 0
        and first.kwargs["num_frames"] > first.kwargs["base_num_frames"]
    )
    assert first.shift == 8.0 and first.kwargs["negative_prompt"] == wan.NEGATIVE_PROMPT


def record_frames(monkeypatch: pytest.MonkeyPatch, family: Any) -> list[np.ndarray]:
    """What `family.shoot` returns, per window, as the renderer calls it."""
    shoot = family.shoot
    seen: list[np.ndarray] = []

    def recording(card: Any, w: Window, call: Any) -> Any:
        frames = shoot(card, w, call)
        seen.append(np.asarray(frames))
        return frames

    monkeypatch.setattr(family, "shoot", recording)
    return seen


def test_ltx_card_arguments(options: DiffusionOptions, spy: Spy, tmp_path: Path) -> None:
    calls = spy("LTXPipeline")
    render(options, tmp_path, model="ltx-video")
    (call,) = calls
    assert call.kwargs["decode_timestep"] == 0.05
    assert call.kwargs["negative_prompt"] == ltx.NEGATIVE_PROMPT
    assert call.kwargs["frame_rate"] == model_card("ltx-video").fps
    assert "image_cond_noise_scale" not in call.kwargs  # only the condition pipeline takes it
    assert call.pipe.vae.use_tiling


def test_ltx_097_renders_in_two_passes(options: DiffusionOptions, spy: Spy, tmp_path: Path) -> None:
    passes, upsamples = spy("LTXConditionPipeline"), spy("LTXLatentUpsamplePipeline")
    cond = Conditioning(first_frame=still(tmp_path / "f.png", (250, 250, 250), size=(96, 64)))
    take = render(
        options, tmp_path, model="ltx-video-0.9.7", size=(96, 64), frames=8, fps=30, conditioning=cond
    )
    first, refine = (p.kwargs for p in passes)
    assert (first["width"], first["height"], first["output_type"]) == (64, 32, "latent")  # 2/3, on 32s
    (up,) = upsamples
    assert up.kwargs["output_type"] == "latent" and isinstance(up.kwargs["latents"], torch.Tensor)
    assert (refine["width"], refine["height"]) == (128, 64)
    assert refine["latents"].shape[-2:] == tuple(2 * n for n in up.kwargs["latents"].shape[-2:])
    assert (refine["denoise_strength"], refine["num_inference_steps"]) == (0.4, 10)
    assert refine["decode_timestep"] == 0.05
    assert first["image_cond_noise_scale"] == refine["image_cond_noise_scale"] == 0.025
    assert len(first["conditions"]) == 1
    info = probe(take)
    assert (info.width, info.height) == (96, 64)


def test_cogvideox_dynamic_cfg_and_vae_memory(options: DiffusionOptions, spy: Spy, tmp_path: Path) -> None:
    calls = spy("CogVideoXPipeline")
    render(options, tmp_path, model="cogvideox-5b")
    (call,) = calls
    assert call.kwargs["use_dynamic_cfg"] is True
    assert call.pipe.vae.use_slicing and call.pipe.vae.use_tiling


def test_cogvideox_i2v_renders_at_its_pinned_geometry(
    options: DiffusionOptions, spy: Spy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = spy("CogVideoXImageToVideoPipeline")
    shot = record_frames(monkeypatch, cogvideox)
    cond = Conditioning(first_frame=still(tmp_path / "f.png", (9, 99, 9), size=(48, 32)))
    take = render(options, tmp_path, model="cogvideox-5b-i2v", size=(48, 32), conditioning=cond)
    (call,) = calls
    assert (call.kwargs["width"], call.kwargs["height"], call.kwargs["num_frames"]) == (32, 32, 9)
    assert call.kwargs["image"].size == (32, 32)
    window = DiffusionRenderer(options).check_inputs(
        dspec(model="cogvideox-5b-i2v", size=(48, 32), conditioning=cond)
    )[1]
    assert shot[0].shape == (window.windows[0], 32, 48, 3)  # cropped to the window, trimmed to its frames
    assert (probe(take).width, probe(take).height) == (48, 32)
    pipe = load_pipeline(model_card("cogvideox-5b-i2v"), options)
    assert cogvideox.pinned_geometry(pipe) == (32, 32, 9)


def test_pinned_geometry_round_trip_keeps_the_first_frame() -> None:
    rng = np.random.default_rng(0)
    image = Image.fromarray(rng.integers(0, 255, (32, 48, 3), dtype=np.uint8))
    canvas = embed(image, 32, 32)
    assert canvas.size == (32, 32) and crop_box(32, 32, 48 / 32) == (0, 5, 32, 26)
    back = reframe(np.asarray(canvas, dtype=np.float32)[None] / 255, 48, 32, 3)
    assert back.shape == (3, 32, 48, 3)
    small = image.resize((32, 21), Image.Resampling.LANCZOS)
    assert np.array_equal(np.asarray(canvas)[5:26], np.asarray(small))  # the crop gives it back


def test_lead_frames_are_pinned_where_the_family_can(options: DiffusionOptions) -> None:
    frames = [Image.new("RGB", (32, 32), (i * 20, 0, 0)) for i in range(12)]
    w = Window("maya waits", None, 32, 32, 17, 2, None, 16, first=frames[-1], lead=frames)
    video, mask = wan.vace_inputs(w)
    assert video[:12] == frames and all(m.getpixel((0, 0)) == 0 for m in mask[:12])
    assert all(m.getpixel((0, 0)) == 255 for m in mask[12:])
    (cond,) = ltx.conditions(model_card("ltx-video-0.9.7"), w)
    assert cond.video == frames[-9:] and cond.frame_index == 0  # the newest 8k+1 frames
    for family, name, n in (
        (wan, "wan2.1-vace-1.3b", 9),
        (ltx, "ltx-video-0.9.7", 17),
    ):  # the pipelines take them
        card = model_card(name)
        call = Call(load_pipeline(card, options), options, torch.Generator().manual_seed(0), 0, lambda *a: {})
        short = replace(w, num_frames=n, lead=frames[:9], first=frames[8])
        assert as_video(family.shoot(card, short, call)).shape == (n, 32, 32, 3)

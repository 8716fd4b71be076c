"""LTX-Video over diffusers: text-to-video (LTXPipeline), image-to-video (LTXImageToVideoPipeline)
and the condition pipeline (LTXConditionPipeline), whose conditions pin the start (the lead
frames carried across a seam as a video condition, or the first frame) and the last frame (a
frame the shot must end on) at exact frame indices.

LTX-Video 0.9.7-dev renders in two passes as its documentation does it: the take at 2/3 size
as latents, the spatial latent upsampler doubles them, a short refine pass (denoise strength
0.4) adds the texture back, and the frames are resized to the window.
"""

from __future__ import annotations

from typing import Any

from engine.diffusion.loading import load_pipeline
from engine.diffusion.registry import ModelCard, model_card
from engine.diffusion.speed import reset_cache_state
from engine.diffusion.window import (
    Call,
    Window,
    base_arguments,
    pins,
    reframe,
    shoot_plain,
    snap_down,
    vae_memory,
)
from film.render import EngineOption

GUIDANCE = 3.0
NEGATIVE_PROMPT = "worst quality, inconsistent motion, blurry, jittery, distorted"
DECODE_TIMESTEP = 0.05
IMAGE_COND_NOISE_SCALE = 0.025
FIRST_PASS_SCALE = 2 / 3
REFINE_STRENGTH = 0.4
REFINE_STEPS = 10
"""Of which REFINE_STRENGTH × REFINE_STEPS (4) run: the documented 0.9.7 refine pass."""
_TWO_PASS = "ltx-video-0.9.7"


def guidance_for(card: ModelCard) -> float:
    """The classifier-free guidance the card recommends (the spec's `guidance` overrides it)."""
    return GUIDANCE


def card_settings(card: ModelCard, width: int, height: int) -> dict[str, EngineOption]:
    """What the model card asks for at this size (written into the spec: part of the cache key)."""
    settings: dict[str, EngineOption] = {"decode_timestep": DECODE_TIMESTEP}
    if card.mode == "condition":
        settings["image_cond_noise_scale"] = IMAGE_COND_NOISE_SCALE
    if card.name == _TWO_PASS and "upsample" in card.companions:
        settings |= {
            "upsampler": card.companions["upsample"],
            "refine_strength": REFINE_STRENGTH,
            "refine_steps": REFINE_STEPS,
        }
    return settings


def conditions(card: ModelCard, w: Window) -> list[Any]:
    """LTXVideoCondition list: the lead frames as one video condition from frame 0 (the newest
    step·k+1 of them: a video condition must fit the VAE's frame grid), else the first frame;
    and the last frame at the last index."""
    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

    found = []
    start = pins(w)
    if len(start) > 1:
        keep = (min(len(start), w.num_frames) - 1) // card.frame_step * card.frame_step + 1
        found.append(LTXVideoCondition(video=start[-keep:], frame_index=0, strength=w.strength))
    elif start:
        found.append(LTXVideoCondition(image=start[0], frame_index=0, strength=w.strength))
    if w.last is not None:
        found.append(LTXVideoCondition(image=w.last, frame_index=w.num_frames - 1, strength=w.strength))
    return found


def arguments(card: ModelCard, w: Window) -> dict[str, Any]:
    """Keyword arguments for the card's LTX pipeline."""
    args = base_arguments(w, GUIDANCE, NEGATIVE_PROMPT) | {"frame_rate": w.fps}
    args["decode_timestep"] = float(w.settings.get("decode_timestep", DECODE_TIMESTEP))
    if card.mode == "i2v" and w.first is not None:
        args["image"] = w.first
    if card.mode == "condition":
        args["image_cond_noise_scale"] = float(
            w.settings.get("image_cond_noise_scale", IMAGE_COND_NOISE_SCALE)
        )
        found = conditions(card, w)
        if found:
            args["conditions"] = found
    return args


def shoot(card: ModelCard, w: Window, call: Call) -> Any:
    """The window's frames from the card's pipeline (two passes where the card says so)."""
    vae_memory(call.pipe)
    args = arguments(card, w)
    upsampler = w.settings.get("upsampler")
    if not isinstance(upsampler, str) or not upsampler:
        return shoot_plain(args, call)
    return _two_pass(card, args, w, call, upsampler)


def _two_pass(card: ModelCard, args: dict[str, Any], w: Window, call: Call, upsampler: str) -> Any:
    """LTX 0.9.7's documented recipe: latents at 2/3 size, the latent upsampler's 2×, a short
    refine at denoise strength 0.4, then the frames resized to the window (as the docs do)."""
    from diffusers import LTXLatentUpsamplePipeline

    m = max(card.size_multiple, call.pipe.vae_spatial_compression_ratio)
    low_w, low_h = snap_down(w.width * FIRST_PASS_SCALE, m), snap_down(w.height * FIRST_PASS_SCALE, m)
    latents = call.pipe(
        **(args | {"width": low_w, "height": low_h}), **(call.common() | {"output_type": "latent"})
    ).frames
    loaded = load_pipeline(model_card(upsampler), call.run)
    up: Any = LTXLatentUpsamplePipeline(vae=call.pipe.vae, latent_upsampler=loaded.latent_upsampler)
    up.set_progress_bar_config(disable=True)
    upscaled = up(latents=latents, output_type="latent").frames
    refine = args | {
        "width": low_w * 2,
        "height": low_h * 2,
        "latents": upscaled,
        "denoise_strength": float(w.settings.get("refine_strength", REFINE_STRENGTH)),
        "num_inference_steps": int(w.settings.get("refine_steps", REFINE_STEPS)),
    }
    reset_cache_state(call.pipe)  # a cache hook's state belongs to one generation
    frames = call.pipe(**refine, generator=call.generator, output_type="np").frames
    # the pipeline stretched the conditioning frames to each pass's size: stretch back, so the
    # first frame of the take is the frame the previous shot ended on
    return reframe(frames, w.width, w.height, w.num_frames, crop=False)

"""SkyReels-V2 diffusion forcing over diffusers: long takes in one call. The pipeline denoises
`base_num_frames` at a time and carries `overlap_history` frames into the next block, so a
20-second shot stays one continuous take instead of stitched windows.

SkyReelsV2DiffusionForcingPipeline takes no first frame or prefix video (its I2V and
video-to-video siblings do); continuity shots go to the VACE companion (see registry).
"""

from __future__ import annotations

from typing import Any

from engine.diffusion.registry import ModelCard
from engine.diffusion.wan import NEGATIVE_PROMPT
from engine.diffusion.window import Call, Window, base_arguments, seeded_global_rng, shoot_plain, use_shift
from film.render import EngineOption

GUIDANCE = 6.0
FLOW_SHIFT = 8.0
"""The SkyReels-V2 card's shift for text-to-video (5.0 is for image-to-video)."""
ADDNOISE_CONDITION = 20.0
"""Noise added to the carried-over frames; the SkyReels authors' value for long videos."""


def guidance_for(card: ModelCard) -> float:
    """The classifier-free guidance the card recommends (6.0 for text-to-video)."""
    return GUIDANCE


def card_settings(card: ModelCard, width: int, height: int) -> dict[str, EngineOption]:
    """What the model card asks for at this size (written into the spec: part of the cache key)."""
    return {"flow_shift": FLOW_SHIFT}


def overlap_for(base: int, step: int) -> int:
    """History frames carried between blocks: about a fifth of a block, on the frame grid."""
    return max(step + 1, (base // 5) // step * step + 1)


def arguments(card: ModelCard, w: Window) -> dict[str, Any]:
    """Keyword arguments for SkyReelsV2DiffusionForcingPipeline (long mode when needed)."""
    total = w.long_frames or w.num_frames
    args = base_arguments(w, GUIDANCE, NEGATIVE_PROMPT) | {
        "num_frames": total,
        "base_num_frames": w.num_frames,
        "fps": w.fps,
    }
    if total > w.num_frames:
        args.update(
            overlap_history=overlap_for(w.num_frames, card.frame_step),
            addnoise_condition=ADDNOISE_CONDITION,
        )
    return args


def shoot(card: ModelCard, w: Window, call: Call) -> Any:
    """The window's frames, with the global RNG seeded from the take's seed: addnoise_condition
    draws its noise with `torch.randn_like`, not the generator, and a long take must still be
    the same take for the same seed."""
    shift = w.settings.get("flow_shift")
    use_shift(call.pipe, None if shift is None else float(shift))
    with seeded_global_rng(call.seed, call.pipe._execution_device):
        return shoot_plain(arguments(card, w), call)

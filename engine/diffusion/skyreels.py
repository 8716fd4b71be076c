"""SkyReels-V2 diffusion forcing over diffusers: long takes in one call. The pipeline denoises
`base_num_frames` at a time and carries `overlap_history` frames into the next block, so a
20-second shot stays one continuous take instead of stitched windows.

A continued shot (a lead strip of the previous shot's last frames) goes through the
video-to-video sibling on the same components: those frames are its prefix video, so the motion
carries across the cut. A lone first frame still goes to the VACE companion (see registry).
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
    if len(w.lead) > 1:  # the prefix is also what later blocks carry, so one overlap for both
        args.update(video=list(w.lead), overlap_history=len(w.lead))
        if total > w.num_frames:
            args["addnoise_condition"] = ADDNOISE_CONDITION
    elif total > w.num_frames:
        args.update(
            overlap_history=overlap_for(w.num_frames, card.frame_step),
            addnoise_condition=ADDNOISE_CONDITION,
        )
    return args


def extend(args: dict[str, Any], call: Call) -> Any:
    """A prefix video continued by SkyReelsV2DiffusionForcingVideoToVideoPipeline, built on the
    loaded pipeline's components (no second copy of the weights). It returns the prefix and
    then its own num_frames, which start by rendering the prefix again; only those are kept."""
    from diffusers import SkyReelsV2DiffusionForcingVideoToVideoPipeline

    pipe: Any = SkyReelsV2DiffusionForcingVideoToVideoPipeline(**call.pipe.components)
    pipe.set_progress_bar_config(disable=True)
    frames = pipe(**args, **call.common()).frames
    given = len(args["video"])
    return frames[:, given:] if getattr(frames, "ndim", 0) == 5 else frames[given:]


def shoot(card: ModelCard, w: Window, call: Call) -> Any:
    """The window's frames, with the global RNG seeded from the take's seed: addnoise_condition
    draws its noise with `torch.randn_like`, not the generator, and a long take must still be
    the same take for the same seed."""
    shift = w.settings.get("flow_shift")
    use_shift(call.pipe, None if shift is None else float(shift))
    args = arguments(card, w)
    with seeded_global_rng(call.seed, call.pipe._execution_device):
        return extend(args, call) if "video" in args else shoot_plain(args, call)

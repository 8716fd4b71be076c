"""SkyReels-V2 diffusion forcing over diffusers: long takes in one call. The pipeline denoises
`base_num_frames` at a time and carries `overlap_history` frames into the next block, so a
20-second shot stays one continuous take instead of stitched windows."""

from __future__ import annotations

from typing import Any

from film.render import EngineOption

from engine.diffusion.registry import ModelCard
from engine.diffusion.window import Call, Window, base_arguments, shoot_plain

GUIDANCE = 6.0
ADDNOISE_CONDITION = 20.0
"""Noise added to the carried-over frames; the SkyReels authors' value for long videos."""


def overlap_for(base: int, step: int) -> int:
    """History frames carried between blocks: about a fifth of a block, on the frame grid."""
    return max(step + 1, (base // 5) // step * step + 1)


def arguments(card: ModelCard, w: Window) -> dict[str, Any]:
    """Keyword arguments for SkyReelsV2DiffusionForcingPipeline (long mode when needed)."""
    total = w.long_frames or w.num_frames
    args = base_arguments(w, GUIDANCE) | {"num_frames": total, "base_num_frames": w.num_frames, "fps": w.fps}
    if total > w.num_frames:
        args.update(
            overlap_history=overlap_for(w.num_frames, card.frame_step),
            addnoise_condition=ADDNOISE_CONDITION,
        )
    return args


def shoot(card: ModelCard, w: Window, call: Call) -> Any:
    """The window's frames from the card's pipeline."""
    return shoot_plain(arguments, card, w, call)


def card_settings(card: ModelCard, width: int, height: int) -> dict[str, EngineOption]:
    """What the model card asks for at this size (written into the spec: part of the cache key)."""
    return {}

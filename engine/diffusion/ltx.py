"""LTX-Video over diffusers: text-to-video (LTXPipeline) and the condition pipeline
(LTXConditionPipeline), whose keyframe conditions pin the first frame (continuity from the
previous shot) and the last frame (a frame the shot must end on) at exact frame indices.
"""

from __future__ import annotations

from typing import Any

from film.render import EngineOption

from engine.diffusion.registry import ModelCard
from engine.diffusion.window import Call, Window, base_arguments, shoot_plain

GUIDANCE = 3.0


def arguments(card: ModelCard, w: Window) -> dict[str, Any]:
    """Keyword arguments for the card's LTX pipeline."""
    args = base_arguments(w, GUIDANCE) | {"frame_rate": w.fps}
    if card.mode == "condition":
        from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

        conditions = []
        if w.first is not None:
            conditions.append(LTXVideoCondition(image=w.first, frame_index=0, strength=w.strength))
        if w.last is not None:
            conditions.append(
                LTXVideoCondition(image=w.last, frame_index=w.num_frames - 1, strength=w.strength)
            )
        if conditions:
            args["conditions"] = conditions
    return args


def shoot(card: ModelCard, w: Window, call: Call) -> Any:
    """The window's frames from the card's pipeline."""
    return shoot_plain(arguments, card, w, call)


def card_settings(card: ModelCard, width: int, height: int) -> dict[str, EngineOption]:
    """What the model card asks for at this size (written into the spec: part of the cache key)."""
    return {}

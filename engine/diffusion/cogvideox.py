"""CogVideoX over diffusers: text-to-video (2B/5B) and image-to-video (5B-I2V), the latter
taking the previous shot's last frame as its first."""

from __future__ import annotations

from typing import Any

from engine.diffusion.registry import ModelCard
from engine.diffusion.window import Window
from film import BadInput

GUIDANCE = 6.0


def arguments(card: ModelCard, w: Window) -> dict[str, Any]:
    """Keyword arguments for the card's CogVideoX pipeline."""
    args: dict[str, Any] = {
        "prompt": w.prompt,
        "negative_prompt": w.negative_prompt,
        "height": w.height,
        "width": w.width,
        "num_frames": w.num_frames,
        "num_inference_steps": w.steps,
        "guidance_scale": GUIDANCE if w.guidance is None else w.guidance,
    }
    if card.mode == "i2v":
        if w.first is None:
            raise BadInput("spec.conditioning.first_frame", None, f"{card.name} needs a first frame")
        args["image"] = w.first
    return args

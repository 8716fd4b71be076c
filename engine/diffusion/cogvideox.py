"""CogVideoX over diffusers: text-to-video (2B/5B) and image-to-video (5B-I2V), the latter
taking the previous shot's last frame as its first."""

from __future__ import annotations

from typing import Any

from film.render import EngineOption

from engine.diffusion.registry import ModelCard
from engine.diffusion.window import Call, Window, base_arguments, shoot_plain
from film import BadInput

GUIDANCE = 6.0


def arguments(card: ModelCard, w: Window) -> dict[str, Any]:
    """Keyword arguments for the card's CogVideoX pipeline."""
    args = base_arguments(w, GUIDANCE)
    if card.mode == "i2v":
        if w.first is None:
            raise BadInput("spec.conditioning.first_frame", None, f"{card.name} needs a first frame")
        args["image"] = w.first
    return args


def shoot(card: ModelCard, w: Window, call: Call) -> Any:
    """The window's frames from the card's pipeline."""
    return shoot_plain(arguments, card, w, call)


def card_settings(card: ModelCard, width: int, height: int) -> dict[str, EngineOption]:
    """What the model card asks for at this size (written into the spec: part of the cache key)."""
    return {}

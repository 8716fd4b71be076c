"""Wan 2.1/2.2 over diffusers: text-to-video (1.3B, 14B, TI2V-5B, A14B), image-to-video and
first/last-frame (WanImageToVideoPipeline), and VACE (control video, masks, reference images).

VACE is how a text-only Wan model gets continuity and control: pinned frames go into `video`
with a black mask (keep), everything else is grey with a white mask (generate), and a previz
depth pass becomes the control video the whole shot follows.
"""

from __future__ import annotations

from typing import Any

from film.render import EngineOption

from PIL import Image

from engine.diffusion.registry import ModelCard
from engine.diffusion.window import Call, Window, base_arguments, shoot_plain
from film import BadInput

GUIDANCE = 5.0
_KEEP, _MAKE = 0, 255


def _common(w: Window) -> dict[str, Any]:
    return base_arguments(w, GUIDANCE)


def vace_inputs(w: Window) -> tuple[list[Image.Image], list[Image.Image]]:
    """The VACE `video` and `mask` lists: control frames (or grey) to generate, pinned first /
    last frames to keep."""
    size = (w.width, w.height)
    grey = Image.new("RGB", size, (127, 127, 127))
    video = list(w.control) if w.control else [grey] * w.num_frames
    mask = [Image.new("L", size, _MAKE)] * w.num_frames
    if w.first is not None:
        video[0], mask[0] = w.first, Image.new("L", size, _KEEP)
    if w.last is not None:
        video[-1], mask[-1] = w.last, Image.new("L", size, _KEEP)
    return video, mask


def arguments(card: ModelCard, w: Window) -> dict[str, Any]:
    """Keyword arguments for the card's Wan pipeline."""
    args = _common(w)
    if card.mode in ("i2v", "flf2v"):
        if w.first is None:
            raise BadInput("spec.conditioning.first_frame", None, f"{card.name} needs a first frame")
        args["image"] = w.first
        if w.last is not None:
            args["last_image"] = w.last
    elif card.mode == "vace":
        video, mask = vace_inputs(w)
        args.update(video=video, mask=mask, conditioning_scale=w.strength)
        if w.references:
            args["reference_images"] = list(w.references)
    return args


def shoot(card: ModelCard, w: Window, call: Call) -> Any:
    """The window's frames from the card's pipeline."""
    return shoot_plain(arguments, card, w, call)


def card_settings(card: ModelCard, width: int, height: int) -> dict[str, EngineOption]:
    """What the model card asks for at this size (written into the spec: part of the cache key)."""
    return {}

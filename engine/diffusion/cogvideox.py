"""CogVideoX over diffusers: text-to-video (2B/5B) and image-to-video (5B-I2V), the latter
taking the previous shot's last frame as its first.

CogVideoX-5b-I2V learned its positional embeddings for one size and length (720×480, 49
frames): anything else renders garbage, so it always renders at that pinned geometry, read from
the loaded transformer's config, and the frames are cropped (never letterboxed) and trimmed to
the window. The first frame goes in so that the crop gives it back unchanged.
"""

from __future__ import annotations

from typing import Any

from engine.diffusion.registry import ModelCard
from engine.diffusion.window import Call, Window, base_arguments, embed, reframe, shoot_plain, vae_memory
from film import BadInput
from film.render import EngineOption

GUIDANCE = 6.0
_STATIC_CFG = ("cogvideox-2b",)
"""Cards whose scheduler is DDIM, for which the CogVideoX authors turn dynamic CFG off."""


def guidance_for(card: ModelCard) -> float:
    """The classifier-free guidance the card recommends (the spec's `guidance` overrides it)."""
    return GUIDANCE


def card_settings(card: ModelCard, width: int, height: int) -> dict[str, EngineOption]:
    """What the model card asks for at this size (written into the spec: part of the cache key)."""
    return {"dynamic_cfg": card.name not in _STATIC_CFG}


def pinned_geometry(pipe: Any) -> tuple[int, int, int] | None:
    """(width, height, frames) a transformer with learned positional embeddings must render at,
    or None when it renders any size (rotary/sin-cos embeddings)."""
    config = pipe.transformer.config
    if not config.get("use_learned_positional_embeddings", False):
        return None
    scale = pipe.vae_scale_factor_spatial
    return config.sample_width * scale, config.sample_height * scale, config.sample_frames


def arguments(card: ModelCard, w: Window) -> dict[str, Any]:
    """Keyword arguments for the card's CogVideoX pipeline."""
    args = base_arguments(w, GUIDANCE) | {"use_dynamic_cfg": bool(w.settings.get("dynamic_cfg", True))}
    if card.mode == "i2v":
        if w.first is None:
            raise BadInput("spec.conditioning.first_frame", None, f"{card.name} needs a first frame")
        args["image"] = w.first
    return args


def shoot(card: ModelCard, w: Window, call: Call) -> Any:
    """The window's frames, rendered at the pinned geometry where the model has one."""
    vae_memory(call.pipe, slicing=True)
    args = arguments(card, w)
    pinned = pinned_geometry(call.pipe)
    if pinned is None:
        return shoot_plain(args, call)
    width, height, frames = pinned
    args.update(width=width, height=height, num_frames=frames)
    if "image" in args:
        args["image"] = embed(args["image"], width, height)
    return reframe(shoot_plain(args, call), w.width, w.height, w.num_frames)

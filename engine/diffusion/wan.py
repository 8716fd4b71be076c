"""Wan 2.1/2.2 over diffusers: text-to-video (1.3B, 14B, TI2V-5B, A14B), image-to-video and
first/last-frame (WanImageToVideoPipeline, also TI2V-5B's own image-to-video), and VACE (control
video, masks, reference images).

VACE is how a text-only Wan model gets continuity and control: pinned frames (the lead frames
carried across a seam, or the first frame, and the last frame) go into `video` with a black mask
(keep), everything else is grey with a white mask (generate), and a previz depth pass becomes the
control video the whole shot follows.

What the model cards ask for: `flow_shift` 3.0 at 480p and 5.0 at 720p, their negative prompt,
and per-card guidance (A14B's two experts each get their own scale).
"""

from __future__ import annotations

from typing import Any

from PIL import Image

from engine.diffusion.registry import ModelCard
from engine.diffusion.window import Call, Window, base_arguments, pins, shoot_plain, use_shift
from film import BadInput
from film.render import EngineOption

GUIDANCE = 5.0
NEGATIVE_PROMPT = (
    "色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，最差质量，低质量，"
    "JPEG压缩残留，丑陋的，残缺的，多余的手指，画得不好的手部，画得不好的脸部，畸形的，毁容的，形态畸形的肢体，"
    "手指融合，静止不动的画面，杂乱的背景，三条腿，背景人很多，倒着走"
)
"""The negative prompt of the Wan model cards (and Wan-based SkyReels), used when a spec has none."""
_CARD_GUIDANCE: dict[str, tuple[float, float | None]] = {
    "wan2.2-t2v-a14b": (4.0, 3.0),
    "wan2.2-i2v-a14b": (3.5, 3.5),
    "wan2.1-flf2v-14b-720p": (5.5, None),
}
"""(guidance, guidance of the low-noise expert) where a card differs from GUIDANCE."""
SHIFT_480P, SHIFT_720P = 3.0, 5.0
_720P_FROM = 600
"""A generation whose short side is at least this renders with the 720p shift."""
_KEEP, _MAKE = 0, 255


def guidance_for(card: ModelCard) -> float:
    """The classifier-free guidance the card recommends (the spec's `guidance` overrides it)."""
    return _CARD_GUIDANCE.get(card.name, (GUIDANCE, None))[0]


def flow_shift_for(width: int, height: int) -> float:
    """The timestep shift for the generation size: 3.0 at 480p, 5.0 at 720p."""
    return SHIFT_720P if min(width, height) >= _720P_FROM else SHIFT_480P


def card_settings(card: ModelCard, width: int, height: int) -> dict[str, EngineOption]:
    """What the model card asks for at this size (written into the spec: part of the cache key)."""
    settings: dict[str, EngineOption] = {"flow_shift": flow_shift_for(width, height)}
    second = _CARD_GUIDANCE.get(card.name, (GUIDANCE, None))[1]
    if second is not None:
        settings["guidance_2"] = second
    return settings


def vace_inputs(w: Window) -> tuple[list[Image.Image], list[Image.Image]]:
    """The VACE `video` and `mask` lists: control frames (or grey) to generate; the lead frames
    (or the first frame) pinned from frame 0 on, and the last frame, kept."""
    size = (w.width, w.height)
    grey = Image.new("RGB", size, (127, 127, 127))
    video = list(w.control) if w.control else [grey] * w.num_frames
    mask = [Image.new("L", size, _MAKE)] * w.num_frames
    keep = Image.new("L", size, _KEEP)
    for i, frame in enumerate(pins(w)[: w.num_frames]):
        video[i], mask[i] = frame, keep
    if w.last is not None:
        video[-1], mask[-1] = w.last, keep
    return video, mask


def arguments(card: ModelCard, w: Window) -> dict[str, Any]:
    """Keyword arguments for the card's Wan pipeline (without the pipeline-dependent ones)."""
    args = base_arguments(w, GUIDANCE, NEGATIVE_PROMPT)
    if card.mode in ("i2v", "flf2v"):
        if w.first is None:
            raise BadInput("spec.conditioning.first_frame", None, f"{card.name} needs a first frame")
        args["image"] = w.first  # TI2V-5B (expand_timesteps) has no CLIP encoder: the image is all
        if card.mode == "flf2v" and w.last is not None:
            args["last_image"] = w.last
    elif card.mode == "vace":
        video, mask = vace_inputs(w)
        args.update(video=video, mask=mask, conditioning_scale=w.strength)
        if w.references:
            args["reference_images"] = list(w.references)
    return args


def shoot(card: ModelCard, w: Window, call: Call) -> Any:
    """The window's frames from the card's pipeline, with the card's shift on its scheduler."""
    shift = w.settings.get("flow_shift")
    use_shift(call.pipe, None if shift is None else float(shift))
    args = arguments(card, w)
    second = w.settings.get("guidance_2")
    if second is not None and getattr(call.pipe.config, "boundary_ratio", None) is not None:
        args["guidance_scale_2"] = float(second)  # only a two-expert (A14B) pipeline takes it
    return shoot_plain(args, call)

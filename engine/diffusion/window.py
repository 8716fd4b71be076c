"""One model call: the prompt, size, frames and conditioning of a single window of a shot.

Family modules (wan, ltx, cogvideox, skyreels) turn a Window into their pipeline's keyword
arguments, so the renderer never needs to know how each pipeline spells "first frame".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PIL import Image


@dataclass
class Window:
    """Everything one pipeline call needs except the pipeline, generator and progress hook."""

    prompt: str
    negative_prompt: str | None
    width: int
    height: int
    num_frames: int
    steps: int
    guidance: float | None
    fps: int
    first: Image.Image | None = None
    last: Image.Image | None = None
    control: list[Image.Image] | None = None
    references: list[Image.Image] = field(default_factory=list)
    strength: float = 1.0
    """How strongly control/conditions bind (VACE conditioning_scale, LTX condition strength)."""
    long_frames: int | None = None
    """SkyReels diffusion forcing: total frames when longer than one base window."""
    lead: list[Image.Image] = field(default_factory=list)
    """Frames carried across a seam (the previous window's or shot's last few), for families that
    can pin more than one frame (VACE mask, LTX video condition, SkyReels video-to-video);
    `first` is always `lead[-1]` when both are given."""
    settings: dict[str, Any] = field(default_factory=dict)
    """The resolved spec's options: the card settings `card_settings` wrote (shift, guidance_2,
    decode timestep, ...) reach the call from here, exactly as the cache key recorded them."""


def base_arguments(w: Window, default_guidance: float) -> dict[str, Any]:
    """The keyword arguments every video pipeline takes; families add their own on top."""
    return {
        "prompt": w.prompt,
        "negative_prompt": w.negative_prompt,
        "height": w.height,
        "width": w.width,
        "num_frames": w.num_frames,
        "num_inference_steps": w.steps,
        "guidance_scale": default_guidance if w.guidance is None else w.guidance,
    }


@dataclass
class Call:
    """One pipeline call's machinery, beside the Window: the loaded pipeline, the run's options
    (to load a helper model such as LTX's latent upsampler), the seeded generator and the
    progress hook every diffusers pipeline takes as `callback_on_step_end`."""

    pipe: Any
    run: Any
    generator: Any
    seed: int
    on_step: Callable[..., dict[str, Any]]

    def common(self) -> dict[str, Any]:
        """The keyword arguments every pipeline call takes besides the window's."""
        return {"generator": self.generator, "output_type": "np", "callback_on_step_end": self.on_step}


def shoot_plain(arguments: Callable[[Any, Window], dict[str, Any]], card: Any, w: Window, call: Call) -> Any:
    """One call of the pipeline with the family's arguments; its frames (diffusers' np output)."""
    return call.pipe(**arguments(card, w), **call.common()).frames


CARD_KEYS = frozenset({"shift", "guidance_2", "decode_timestep", "image_cond_noise_scale", "dynamic_cfg"})
"""Every option a family's `card_settings` may write; `resolve` drops them when the card changes."""

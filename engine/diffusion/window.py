"""One model call: the prompt, size, frames and conditioning of a single window of a shot.

Family modules (wan, ltx, cogvideox, skyreels) turn a Window into their pipeline's keyword
arguments, so the renderer never needs to know how each pipeline spells "first frame".
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
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


def base_arguments(w: Window, default_guidance: float, negative: str = "") -> dict[str, Any]:
    """The keyword arguments every video pipeline takes; families add their own on top.
    `negative` is the model card's recommended negative prompt, used when the spec gives none."""
    return {
        "prompt": w.prompt,
        "negative_prompt": w.negative_prompt or negative or None,
        "height": w.height,
        "width": w.width,
        "num_frames": w.num_frames,
        "num_inference_steps": w.steps,
        "guidance_scale": default_guidance if w.guidance is None else w.guidance,
    }


def pins(w: Window) -> list[Image.Image]:
    """The frames a window starts on: the carried lead frames, else the first frame, else none."""
    if w.lead:
        return list(w.lead)
    return [w.first] if w.first is not None else []


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


def shoot_plain(args: dict[str, Any], call: Call) -> Any:
    """One call of the pipeline with the family's arguments; its frames (diffusers' np output)."""
    return call.pipe(**args, **call.common()).frames


def use_shift(pipe: Any, shift: float | None) -> None:
    """Give the pipeline the timestep shift the model card asks for at this size: the scheduler
    it loaded with, rebuilt with `flow_shift` (UniPC) or `shift` (FlowMatchEuler) when it differs.
    The loaded scheduler is kept, so a call without a shift gets exactly what the weights say.
    Callers hold the pipeline's call lock, so swapping it here is safe."""
    base = getattr(pipe, "_storyreel_scheduler", None)
    if base is None:
        base = pipe.scheduler
        pipe._storyreel_scheduler = base
    key = next((k for k in ("flow_shift", "shift") if k in base.config), None)
    if shift is None or key is None:
        pipe.scheduler = base
    elif float(pipe.scheduler.config.get(key, -1.0)) != shift or type(pipe.scheduler) is not type(base):
        pipe.scheduler = type(base).from_config(base.config, **{key: shift})


def vae_memory(pipe: Any, *, slicing: bool = False) -> None:
    """VAE tiling (and slicing) as the model card recommends: decoding a full-size take at once
    runs out of memory on most GPUs; both are idempotent flags on the shared VAE."""
    vae = getattr(pipe, "vae", None)
    if vae is None:
        return
    if not getattr(vae, "use_tiling", False) and hasattr(vae, "enable_tiling"):
        vae.enable_tiling()
    if slicing and not getattr(vae, "use_slicing", False) and hasattr(vae, "enable_slicing"):
        vae.enable_slicing()


_GLOBAL_RNG = threading.Lock()


@contextmanager
def seeded_global_rng(seed: int, device: Any) -> Iterator[None]:
    """torch's global RNG seeded with `seed` for one call, then restored: for pipelines that draw
    noise with `torch.randn_like` instead of the generator (SkyReels' addnoise_condition), so the
    same seed still gives the same take. One such call at a time in this process."""
    import torch

    dev = torch.device(device)
    devices = [dev.index or 0] if dev.type == "cuda" else []
    with _GLOBAL_RNG, torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def snap_down(value: float, multiple: int) -> int:
    """`value` rounded down to the stride, at least one stride (a model size rule)."""
    return max(multiple, int(value) // multiple * multiple)


def as_video(frames: Any) -> np.ndarray:
    """diffusers' np frames as one (n, h, w, 3) float array."""
    arr = np.asarray(frames, dtype=np.float32)
    return arr[0] if arr.ndim == 5 else arr


def crop_box(width: int, height: int, aspect: float) -> tuple[int, int, int, int]:
    """The largest centred box of `aspect` (w/h) inside width×height: cropping, not letterboxing."""
    cw, ch = min(width, round(height * aspect)), min(height, round(width / aspect))
    x, y = (width - cw) // 2, (height - ch) // 2
    return x, y, x + cw, y + ch


def reframe(frames: Any, width: int, height: int, num_frames: int, *, crop: bool = True) -> np.ndarray:
    """Frames rendered at another size and length, as the window asked for them: centre crop to
    the window's aspect (`crop=False`: stretch, for a pipeline that stretched its conditioning
    frames the same way), resized to width×height, trimmed (or held on the last frame) to
    num_frames."""
    import torch

    video = as_video(frames)
    n, h, w = video.shape[:3]
    if (w, h) != (width, height):
        x0, y0, x1, y1 = crop_box(w, h, width / height) if crop else (0, 0, w, h)
        clip = torch.from_numpy(np.ascontiguousarray(video[:, y0:y1, x0:x1])).permute(0, 3, 1, 2)
        clip = torch.nn.functional.interpolate(
            clip, size=(height, width), mode="bicubic", antialias=True, align_corners=False
        )
        video = clip.clamp(0.0, 1.0).permute(0, 2, 3, 1).numpy()
    idx = [min(i, n - 1) for i in range(num_frames)]
    return video[idx]


def embed(image: Image.Image, width: int, height: int) -> Image.Image:
    """A conditioning image for a model that renders at a pinned width×height: the image fills the
    centred box `reframe` later crops back out (so the first frame survives the round trip), and
    a stretched copy fills the margins the crop throws away."""
    canvas = image.resize((width, height), Image.Resampling.BICUBIC)
    x0, y0, x1, y1 = crop_box(width, height, image.width / image.height)
    canvas.paste(image.resize((x1 - x0, y1 - y0), Image.Resampling.LANCZOS), (x0, y0))
    return canvas


CARD_KEYS = frozenset(
    {"flow_shift", "guidance_2", "decode_timestep", "image_cond_noise_scale", "dynamic_cfg",
     "upsampler", "refine_strength", "refine_steps"}
)  # fmt: skip
"""Every option a family's `card_settings` may write; `resolve` drops them when the card changes."""

"""The diffusion engine: local diffusers video models (Wan, LTX-Video, CogVideoX, SkyReels-V2).

Importing this package is light (no torch); torch and diffusers load on the first render.
"""

import importlib
from typing import TYPE_CHECKING, Any

from engine.diffusion.options import DiffusionOptions
from engine.diffusion.registry import MODELS, PRESETS, ModelCard, Preset, model_card

if TYPE_CHECKING:
    from engine.diffusion.renderer import DiffusionRenderer
    from engine.painted import last_frame_path

_LAZY = {"DiffusionRenderer": "engine.diffusion.renderer", "last_frame_path": "engine.painted"}


def __getattr__(name: str) -> Any:
    """The renderer (numpy, Pillow, ffmpeg helpers) loads on first use; options and cards stay light."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engine.diffusion' has no attribute {name!r}")


__all__ = [
    "MODELS",
    "PRESETS",
    "DiffusionOptions",
    "DiffusionRenderer",
    "ModelCard",
    "Preset",
    "last_frame_path",
    "model_card",
]

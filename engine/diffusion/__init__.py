"""The diffusion engine: local diffusers video models (Wan, LTX-Video, CogVideoX, SkyReels-V2).

Importing this package is light (no torch); torch and diffusers load on the first render.
"""

from typing import TYPE_CHECKING

from engine.diffusion.options import DiffusionOptions
from engine.diffusion.registry import MODELS, PRESETS, ModelCard, Preset, model_card
from engine.lazy import lazy_exports

if TYPE_CHECKING:
    from engine.diffusion.renderer import DiffusionRenderer
    from engine.painted import last_frame_path

_LAZY = {"DiffusionRenderer": "engine.diffusion.renderer", "last_frame_path": "engine.painted"}


__getattr__ = lazy_exports(__name__, _LAZY)


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

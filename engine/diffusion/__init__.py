"""The diffusion engine: local diffusers video models (Wan, LTX-Video, CogVideoX, SkyReels-V2).

Importing this package is light (no torch); torch and diffusers load on the first render.
"""

from engine.diffusion.options import DiffusionOptions
from engine.diffusion.registry import MODELS, PRESETS, ModelCard, Preset, model_card
from engine.diffusion.renderer import DiffusionRenderer
from engine.painted import last_frame_path

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

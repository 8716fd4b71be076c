"""Engines render RenderSpecs into takes; the assembler cuts a Timeline into a film.

Importing this package is light: the renderers, the assembler and ffmpeg helpers load on first
use (PEP 562), so a command that only reads runs never pays for numpy, Pillow or pymunk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engine.lazy import lazy_exports
from film import BadInput, Renderer

if TYPE_CHECKING:
    from engine.cutting.assemble import FfmpegAssembler
    from engine.media import MediaInfo, probe
    from engine.previz import PrevizRenderer

_LAZY = {
    "FfmpegAssembler": "engine.cutting.assemble",
    "MediaInfo": "engine.media",
    "probe": "engine.media",
    "PrevizRenderer": "engine.previz",
}


__getattr__ = lazy_exports(__name__, _LAZY)


def _diffusion(options: Any = None) -> Renderer:
    """Imported on use: torch and diffusers load only when a diffusion take is rendered."""
    from engine.diffusion import DiffusionRenderer

    return DiffusionRenderer(options)


def _comfyui(options: Any = None) -> Renderer:
    from engine.comfyui import ComfyUIRenderer

    return ComfyUIRenderer(options)


def _previz(options: Any = None) -> Renderer:
    from engine.previz import PrevizRenderer

    return PrevizRenderer() if options is None else PrevizRenderer(**options)


ENGINES: dict[str, Callable[..., Renderer]] = {
    "previz": _previz,
    "diffusion": _diffusion,
    "comfyui": _comfyui,
}
"""Engine name → renderer factory taking that engine's options (None = defaults)."""


def renderer_for(name: str, options: Any = None) -> Renderer:
    """The renderer for an engine name (with its options: DiffusionOptions for diffusion,
    ComfyUIOptions for comfyui), or BadInput naming the engines there are."""
    try:
        factory = ENGINES[name]
    except KeyError:
        raise BadInput("engine", name, f"unknown engine; choose one of: {', '.join(ENGINES)}") from None
    return factory(options)


__all__ = ["ENGINES", "FfmpegAssembler", "MediaInfo", "PrevizRenderer", "probe", "renderer_for"]

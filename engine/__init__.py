"""Engines render RenderSpecs into takes; the assembler cuts a Timeline into a film."""

from engine.assemble import FfmpegAssembler
from engine.media import MediaInfo, probe
from engine.previz import PrevizRenderer
from film import BadInput, Renderer

ENGINES: dict[str, type[PrevizRenderer]] = {PrevizRenderer.engine: PrevizRenderer}
"""Engine name → renderer class; diffusion and comfyui join here, imported lazily."""


def renderer_for(name: str) -> Renderer:
    """The renderer for an engine name, or BadInput naming the engines there are."""
    try:
        return ENGINES[name]()
    except KeyError:
        raise BadInput("engine", name, f"unknown engine; choose one of: {', '.join(ENGINES)}") from None


__all__ = ["ENGINES", "FfmpegAssembler", "MediaInfo", "PrevizRenderer", "probe", "renderer_for"]

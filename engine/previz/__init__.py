"""previz: the CPU animatic engine — a layered set, figures, camera moves and a shot card."""

from engine.previz.renderer import PrevizRenderer

__all__ = ["PrevizRenderer"]

"""previz: the CPU animatic engine — a layered set dressed with the plan's set pieces and props
(silhouettes.toml), figures, light sources and sweeping beams, simulated physics, every camera
move, a shot card, a depth/boxes control pass, and a contact sheet of the plan."""

from engine.previz.renderer import PrevizRenderer
from engine.previz.sheet import contact_sheet

__all__ = ["PrevizRenderer", "contact_sheet"]

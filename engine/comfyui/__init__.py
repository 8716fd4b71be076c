"""comfyui: renders through a user's own ComfyUI server (API-format workflows for Wan / LTX)."""

from engine.comfyui.renderer import ComfyUIOptions, ComfyUIRenderer, WorkflowMapping, load_workflow

__all__ = ["ComfyUIOptions", "ComfyUIRenderer", "WorkflowMapping", "load_workflow"]

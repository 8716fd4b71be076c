"""comfyui: renders through a user's own ComfyUI server (API-format workflows for Wan / LTX).

client.py speaks HTTP (httpx), workflow.py finds, loads, fingerprints and fills workflows,
renderer.py queues a spec and turns the server's video into a take.
"""

from typing import TYPE_CHECKING

from engine.comfyui.options import ComfyUIOptions
from engine.lazy import lazy_exports

if TYPE_CHECKING:
    from engine.comfyui.renderer import ComfyUIRenderer
    from engine.comfyui.workflow import Workflow, WorkflowMapping, load_workflow, model_names

_LAZY = {
    "ComfyUIRenderer": "engine.comfyui.renderer",
    "Workflow": "engine.comfyui.workflow",
    "WorkflowMapping": "engine.comfyui.workflow",
    "load_workflow": "engine.comfyui.workflow",
    "model_names": "engine.comfyui.workflow",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = ["ComfyUIOptions", "ComfyUIRenderer", "Workflow", "WorkflowMapping", "load_workflow", "model_names"]

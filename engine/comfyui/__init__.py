"""comfyui: renders through a user's own ComfyUI server (API-format workflows for Wan / LTX).

client.py speaks HTTP (httpx), workflow.py finds, loads, fingerprints and fills workflows,
renderer.py queues a spec and turns the server's video into a take.
"""

import importlib
from typing import TYPE_CHECKING, Any

from engine.comfyui.options import ComfyUIOptions

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


def __getattr__(name: str) -> Any:
    """The renderer and workflow code (httpx, numpy) load on first use; the options stay light."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'engine.comfyui' has no attribute {name!r}")


__all__ = ["ComfyUIOptions", "ComfyUIRenderer", "Workflow", "WorkflowMapping", "load_workflow", "model_names"]

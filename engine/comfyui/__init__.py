"""comfyui: renders through a user's own ComfyUI server (API-format workflows for Wan / LTX).

client.py speaks HTTP (httpx), workflow.py finds, loads, fingerprints and fills workflows,
renderer.py queues a spec and turns the server's video into a take.
"""

from engine.comfyui.options import ComfyUIOptions
from engine.comfyui.renderer import ComfyUIRenderer
from engine.comfyui.workflow import Workflow, WorkflowMapping, load_workflow, model_names

__all__ = ["ComfyUIOptions", "ComfyUIRenderer", "Workflow", "WorkflowMapping", "load_workflow", "model_names"]

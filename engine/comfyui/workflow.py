"""ComfyUI workflows: find the file (a shipped template, its i2v twin, or the user's own), load
it with its mapping, know what it makes pixels with, and fill in a spec.

A workflow in ComfyUI's API format plus a small mapping (which node input takes the prompt,
seed, size, frames, first frame...) is all the renderer needs. What changes pixels beyond the
spec is the workflow itself, its mapping and the model files it loads: `Workflow.settings()`
names them (content hashes and model names), and they go into the spec's cache key. A registry
model card (the template's, or the one the options name) says how the workflow's model wants
its size, frames and fps planned, by the same rules as the diffusers engine.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

from engine.comfyui.options import ComfyUIOptions
from engine.diffusion.frames import FramePlan
from engine.diffusion.registry import ModelCard, model_card
from film import BadInput, RenderSpec
from film.render import EngineOption
from templates import template_path

TEMPLATES_DIR = template_path("comfyui")
"""Shipped workflows: `<name>.json` (API format) next to `<name>.map.json` (the mapping)."""

MODEL_INPUTS = frozenset(
    {"ckpt_name", "unet_name", "vae_name", "clip_name", "clip_name1", "clip_name2", "clip_name3",
     "clip_name4", "lora_name", "model_name", "control_net_name", "clip_vision_name",
     "style_model_name", "upscale_model_name", "gligen_name", "hypernetwork_name", "audio_encoder_name"}
)  # fmt: skip
"""Node inputs of ComfyUI's loaders that name a model file."""
WEIGHT_SUFFIXES = (".safetensors", ".sft", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".onnx")
"""Any other input whose value ends like this names a model file too (custom loader nodes)."""

TEMPLATE_MODELS = {
    "wan_t2v": "wan2.1-t2v-1.3b",
    "wan_i2v": "wan2.1-i2v-14b-480p",
    "ltx_t2v": "ltx-video",
    "ltx_i2v": "ltx-video-i2v",
}
"""The registry card of the model each shipped template loads."""

NodeInput = tuple[str, str]


def _one_or_many(value: object) -> object:
    """A mapping names one node input (`["6", "width"]`), several (`[["20", "fps"], ["6",
    "frame_rate"]]`: one value, two nodes) or none (`null`); all become a tuple of targets."""
    if value is None:
        return ()
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return (tuple(value),)
    return value


Targets = Annotated[tuple[NodeInput, ...], BeforeValidator(_one_or_many)]


class WorkflowMapping(BaseModel):
    """Which node inputs (node id, input name) take each part of the spec; unmapped parts are
    left as the workflow has them. `output` names the node whose video is the take."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    prompt: Targets
    negative_prompt: Targets = ()
    seed: Targets = ()
    width: Targets = ()
    height: Targets = ()
    frames: Targets = ()
    fps: Targets = ()
    """The model's fps: the video node's (CreateVideo) and any conditioning that is told it (LTX)."""
    steps: Targets = ()
    first_frame: Targets = ()
    output: str | None = None

    def targets(self) -> dict[str, tuple[NodeInput, ...]]:
        """Every mapped value's node inputs, by value name."""
        return {name: getattr(self, name) for name in type(self).model_fields if name != "output"}


@dataclass(frozen=True)
class Workflow:
    """A loaded workflow with its mapping, and the hashes of the very bytes they were read from."""

    name: str
    nodes: dict[str, Any]
    mapping: WorkflowMapping
    sha256: str
    mapping_sha256: str
    card: ModelCard
    """The registry card that plans the size, frames and fps this workflow is given."""

    def settings(self) -> dict[str, EngineOption]:
        """What this workflow adds to a spec's cache key (the server's URL changes no pixel)."""
        return {
            "workflow": self.name,
            "workflow_sha256": self.sha256,
            "mapping_sha256": self.mapping_sha256,
            "models": ", ".join(model_names(self.nodes)),
        }


def template_name(options: ComfyUIOptions, i2v: bool) -> str:
    """The shipped template the options name, or its i2v twin for a shot with a first frame."""
    name = options.template
    if i2v and not name.endswith("_i2v"):
        name = name.removesuffix("_t2v") + "_i2v"
    return name


def workflow_card(options: ComfyUIOptions, i2v: bool) -> ModelCard:
    """The card the options name, else the template's (a user's own workflow without one is
    planned like the template it was presumably made from)."""
    name = options.model or TEMPLATE_MODELS.get(template_name(options, i2v))
    if not name:
        raise BadInput("comfyui.model", options.template, "name the model card your workflow's model follows")
    return model_card(name)


def workflow_files(options: ComfyUIOptions, i2v: bool) -> tuple[Path, Path]:
    """The user's workflow and mapping, or the shipped template's (its i2v twin for a first frame)."""
    if options.workflow is not None:
        if options.mapping is None:
            raise BadInput("comfyui.mapping", None, "a custom workflow needs a mapping file")
        return Path(options.workflow), Path(options.mapping)
    name = template_name(options, i2v)
    return TEMPLATES_DIR / f"{name}.json", TEMPLATES_DIR / f"{name}.map.json"


def load_workflow(options: ComfyUIOptions, i2v: bool) -> Workflow:
    """The workflow to run, checked against its mapping (every mapped node must exist)."""
    wf_path, map_path = workflow_files(options, i2v)
    try:
        wf_bytes, map_bytes = wf_path.read_bytes(), map_path.read_bytes()
        nodes = json.loads(wf_bytes)
        mapping = WorkflowMapping.model_validate_json(map_bytes)
    except FileNotFoundError as exc:
        raise BadInput("comfyui.workflow", str(exc.filename), "workflow or mapping file not found") from None
    except ValueError as exc:
        raise BadInput("comfyui.workflow", str(wf_path), f"not a valid workflow/mapping: {exc}") from None
    if not isinstance(nodes, dict):
        raise BadInput(
            "comfyui.workflow", str(wf_path), "not an API-format workflow (a JSON object of nodes)"
        )
    for field_name, targets in mapping.targets().items():
        for target in targets:
            if target[0] not in nodes:
                raise BadInput(
                    f"comfyui.mapping.{field_name}", target, f"node {target[0]} is not in {wf_path.name}"
                )
    return Workflow(
        name=wf_path.stem,
        nodes=nodes,
        mapping=mapping,
        sha256=hashlib.sha256(wf_bytes).hexdigest(),
        mapping_sha256=hashlib.sha256(map_bytes).hexdigest(),
        card=workflow_card(options, i2v),
    )


def model_names(nodes: dict[str, Any]) -> list[str]:
    """The model files the workflow loads (checkpoints, UNets, VAEs, text encoders, LoRAs...),
    sorted and unique."""
    found = set()
    for node in nodes.values():
        inputs = node.get("inputs") if isinstance(node, dict) else None
        for key, value in (inputs if isinstance(inputs, dict) else {}).items():
            if isinstance(value, str) and (key in MODEL_INPUTS or value.lower().endswith(WEIGHT_SUFFIXES)):
                found.add(value)
    return sorted(found)


def fill(workflow: Workflow, spec: RenderSpec, plan: FramePlan, image: str | None) -> dict[str, Any]:
    """A copy of the workflow's nodes with the spec's values in the mapped node inputs: the
    planned size and frame count (the model's stride and frame rule, at the model's fps) rather
    than the spec's, which the model would round or reject."""
    nodes = copy.deepcopy(workflow.nodes)
    values: dict[str, object] = {
        "prompt": spec.prompt or spec.shot.description,
        "negative_prompt": spec.negative_prompt,
        "seed": spec.seed,
        "width": plan.width,
        "height": plan.height,
        "frames": plan.total,
        "fps": workflow.card.fps,
        "steps": spec.options.get("steps"),
        "first_frame": image,
    }
    for name, targets in workflow.mapping.targets().items():
        if values[name] is not None:
            for node, key in targets:
                nodes[node]["inputs"][key] = values[name]
    return nodes

"""The take cache never returns a ComfyUI take made with another workflow: the workflow file's
content hash (the i2v twin's for a first frame), its mapping's, and the model files it loads
are resolved into the spec; the server's address is not (it changes no pixel)."""

from __future__ import annotations

import json
from pathlib import Path

from engine.comfyui import ComfyUIOptions, ComfyUIRenderer, model_names
from film import Conditioning, RenderSpec
from tests.agents.doubles import FolderLibrary
from tests.engine.comfyui.conftest import Comfy, cspec, own_workflow
from tests.engine.diffusion.conftest import still
from tests.engine.diffusion.shooting import shoot


def edit_node(path: Path, node: str, name: str, value: object) -> None:
    nodes = json.loads(path.read_text())
    nodes[node]["inputs"][name] = value
    path.write_text(json.dumps(nodes))


def key(options: ComfyUIOptions, spec: RenderSpec | None = None) -> str:
    return ComfyUIRenderer(options).resolve(spec or cspec()).spec_hash()


def test_template_workflow_and_its_models_are_in_the_key(tmp_path: Path) -> None:
    resolved = ComfyUIRenderer().resolve(cspec())
    assert resolved.options["workflow"] == "wan_t2v"
    assert resolved.options["models"] == (
        "umt5_xxl_fp8_e4m3fn_scaled.safetensors, wan2.1_t2v_1.3B_fp16.safetensors, wan_2.1_vae.safetensors"
    )
    assert ComfyUIRenderer().resolve(resolved) == resolved  # idempotent
    assert key(ComfyUIOptions(template="ltx_t2v")) != resolved.spec_hash()
    assert key(ComfyUIOptions(url="http://gpu-box:8188", ws_url="ws://proxy/")) == resolved.spec_hash()
    twin = ComfyUIRenderer().resolve(
        cspec(conditioning=Conditioning(first_frame=still(tmp_path / "f.png", (9, 9, 9))))
    )
    assert (
        twin.options["workflow"] == "wan_i2v"
        and twin.options["workflow_sha256"] != (resolved.options["workflow_sha256"])
    )
    assert (resolved.model, twin.model) == ("wan2.1-t2v-1.3b", "wan2.1-i2v-14b-480p")


def test_model_card_that_plans_the_frames_is_in_the_key(tmp_path: Path) -> None:
    """The card decides the size, frame count and fps the workflow is given: another card,
    another key, even for the very same workflow file."""
    base = ComfyUIRenderer().resolve(cspec())
    named = ComfyUIRenderer(ComfyUIOptions(model="wan2.1-t2v-14b")).resolve(cspec())
    assert named.model == "wan2.1-t2v-14b" and named.spec_hash() != base.spec_hash()
    assert ComfyUIRenderer(ComfyUIOptions(model="wan2.1-t2v-1.3b")).resolve(cspec()) == base
    own = own_workflow(tmp_path / "a", "ltx_t2v")
    assert key(own) != key(own.model_copy(update={"model": "ltx-video"}))


def test_own_workflow_content_mapping_and_model_names_change_the_key(tmp_path: Path) -> None:
    options = own_workflow(tmp_path)
    base = key(options)
    edit_node(tmp_path / "wf.json", "8", "cfg", 5.0)  # a sampler setting: same models, other pixels
    assert key(options) != base
    sampled = key(options)
    edit_node(tmp_path / "wf.json", "1", "unet_name", "wan2.1_t2v_14B_fp8.safetensors")
    bigger = ComfyUIRenderer(options).resolve(cspec())
    assert "wan2.1_t2v_14B_fp8.safetensors" in str(bigger.options["models"])
    assert bigger.spec_hash() != sampled
    mapping = json.loads((tmp_path / "map.json").read_text())
    (tmp_path / "map.json").write_text(json.dumps({**mapping, "steps": None}))  # steps no longer mapped
    assert key(options) != bigger.spec_hash()


def test_model_names_of_custom_loaders() -> None:
    nodes = {
        "1": {"class_type": "WanVideoModelLoader", "inputs": {"model": "Wan2_1-T2V-14B_fp8.safetensors"}},
        "2": {"class_type": "LoraLoaderModelOnly", "inputs": {"lora_name": "style", "strength_model": 1}},
        "3": {"class_type": "KSampler", "inputs": {"sampler_name": "uni_pc", "scheduler": "simple"}},
    }
    assert model_names(nodes) == ["Wan2_1-T2V-14B_fp8.safetensors", "style"]


def test_graph_take_cache_renders_anew_only_when_the_workflow_changed(
    comfy: tuple[Comfy, str], tmp_path: Path
) -> None:
    state, url = comfy
    library = FolderLibrary(tmp_path / "store")
    options = own_workflow(tmp_path / "wf").model_copy(update={"url": url, "poll_s": 0.01})
    rendered, (first,) = shoot(ComfyUIRenderer(options), library, tmp_path / "1")
    assert len(rendered) == 1 and len(state.prompts) == 1
    assert first.settings["workflow_sha256"] == rendered[0].options["workflow_sha256"]
    again, (same,) = shoot(ComfyUIRenderer(options), library, tmp_path / "2")
    assert again == [] and same.cached and len(state.prompts) == 1
    edit_node(tmp_path / "wf" / "wf.json", "7", "shift", 5.0)  # the scheduler shift, in the workflow
    anew, (other,) = shoot(ComfyUIRenderer(options), library, tmp_path / "3")
    assert len(anew) == 1 and other.spec_hash != first.spec_hash and len(state.prompts) == 2
    assert state.prompts[1]["prompt"]["7"]["inputs"]["shift"] == 5.0

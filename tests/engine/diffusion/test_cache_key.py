"""The take cache never returns a take made with other settings: everything that changes a
diffusion take's pixels is resolved into the spec before hashing, and the render uses it.

Resolve-level checks for every setting (tiny real pipelines saved into a models folder, no
rendering), then takes counted through the real graph and its take cache."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.diffusion import DiffusionOptions, DiffusionRenderer
from engine.diffusion.weights import SMALL_FILE, folder_fingerprint
from engine.media import FrameWriter
from film import Conditioning, RenderFailure, RenderSpec
from tests.agents.doubles import FolderLibrary
from tests.engine.diffusion.conftest import dspec, media_ref
from tests.engine.diffusion.shooting import shoot

WAN = "wan2.1-t2v-1.3b"


def unpinned(spec: RenderSpec | None = None) -> RenderSpec:
    """A spec that leaves model, steps and guidance to the engine."""
    return (spec or dspec()).model_copy(update={"model": "", "options": {}})


def key(options: DiffusionOptions, spec: RenderSpec, **change: Any) -> str:
    """The take-cache key of `spec` under `options` with `change` applied."""
    return DiffusionRenderer(options.model_copy(update=change)).resolve(spec).spec_hash()


ENGINE_SETTINGS = {
    "preset": {"preset": "standard"},
    "steps": {"steps": 7},
    "default_model": {"default_model": "ltx-video"},
    "dtype": {"dtype": "bfloat16"},
    "cache first_block": {"cache": "first_block"},
    "cache taylorseer": {"cache": "taylorseer"},
    "attention_backend": {"attention_backend": "_native_math"},
    "vae_tiling": {"vae_tiling": True},
    "max_window_frames": {"max_window_frames": 5},
}


@pytest.mark.parametrize("change", ENGINE_SETTINGS.values(), ids=list(ENGINE_SETTINGS))
def test_every_engine_setting_that_changes_pixels_changes_the_key(
    options: DiffusionOptions, change: dict[str, Any]
) -> None:
    spec = unpinned()
    assert key(options, spec, **change) != key(options, spec)


def test_settings_that_change_no_pixel_keep_the_key(options: DiffusionOptions) -> None:
    spec = unpinned()
    same = key(options, spec)
    for change in ({"offload": "model"}, {"compile": True}, {"max_pipelines": 1}, {"cache_threshold": 0.2}):
        assert key(options, spec, **change) == same, change  # a threshold of a hook that is off


def test_cache_hook_thresholds_are_part_of_the_key(options: DiffusionOptions) -> None:
    spec = unpinned()
    first_block = key(options, spec, cache="first_block")
    assert key(options, spec, cache="first_block", cache_threshold=0.2) != first_block
    taylorseer = key(options, spec, cache="taylorseer")
    assert key(options, spec, cache="taylorseer", cache_interval=2) != taylorseer
    cog = dspec(model="cogvideox-5b")
    assert key(options, cog, cache="faster") != key(options, cog)


def test_spec_settings_change_the_key(options: DiffusionOptions, tmp_path: Path) -> None:
    r = DiffusionRenderer(options)
    base = r.resolve(dspec())
    assert base.options["guidance"] == 5.0  # Wan's default, written down
    assert r.resolve(dspec(options={"guidance": 5.0})).spec_hash() == base.spec_hash()
    for other in (dspec(options={"guidance": 4.0}), dspec(options={"steps": 3}), dspec(model="ltx-video")):
        assert r.resolve(other).spec_hash() != base.spec_hash()
    depth = tmp_path / "depth.mp4"
    with FrameWriter(depth, 32, 32, 16) as w:
        for i in range(9):
            w.write(np.full((32, 32, 3), 20 * i, dtype=np.uint8))
    driven = r.resolve(dspec(conditioning=Conditioning(control_video=media_ref(depth))))
    assert driven.model == "wan2.1-vace-1.3b" and driven.options["strength"] == 1.0  # VACE is used
    assert driven.spec_hash() != base.spec_hash()
    weaker = dspec(conditioning=driven.conditioning, options={"strength": 0.5})
    assert r.resolve(weaker).spec_hash() != driven.spec_hash()


def test_model_is_chosen_once_per_run_from_total_vram(
    models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 24 GB card (23.99 GiB) gets the standard preset; the GPU is sized once per renderer, so
    a pipeline loaded by shot 1 never pushes shot 2 onto a smaller model."""
    from engine.diffusion import memory

    for name in (WAN, "wan2.2-ti2v-5b"):  # the tiny Wan stands in for the 5B model's weights
        shutil.copytree(models_dir / WAN, tmp_path / name)
    totals = iter([23.99, 8.0])
    monkeypatch.setattr(memory, "cuda_total_gib", lambda index=0: next(totals))
    r = DiffusionRenderer(DiffusionOptions(models_dir=tmp_path, device="cuda"))  # preset auto
    spec = unpinned()
    big = r.resolve(spec)
    assert (big.model, big.options["preset"], big.options["steps"]) == ("wan2.2-ti2v-5b", "standard", 30)
    assert r.resolve(spec) == big  # the second shot: same model, no second reading
    small = DiffusionRenderer(DiffusionOptions(models_dir=tmp_path, device="cuda")).resolve(spec)
    assert (small.model, small.options["preset"], small.options["steps"]) == (WAN, "draft", 12)
    assert big.spec_hash() != small.spec_hash()
    assert r.resolve(big) == big  # once pinned, the spec keeps its model


def test_local_weights_and_scheduler_shift_are_fingerprinted(models_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(models_dir / WAN, tmp_path / WAN)
    r = DiffusionRenderer(DiffusionOptions(models_dir=tmp_path, preset="draft", device="cpu"))
    first = r.resolve(dspec())
    assert first.options["weights"] == f"dir:{folder_fingerprint(tmp_path / WAN)}"
    assert (first.options["scheduler"], first.options["shift"]) == ("FlowMatchEulerDiscreteScheduler", 7.0)
    config = tmp_path / WAN / "scheduler" / "scheduler_config.json"
    os.utime(config)  # touched, not changed: same weights
    (tmp_path / WAN / ".cache").mkdir()
    (tmp_path / WAN / ".cache" / "download.metadata").write_text("fetched again")
    assert r.resolve(dspec()) == first
    config.write_text(json.dumps(json.loads(config.read_text()) | {"shift": 5.0}))
    shifted = r.resolve(dspec())
    assert shifted.options["shift"] == 5.0 and shifted.spec_hash() != first.spec_hash()
    weights = next((tmp_path / WAN / "transformer").glob("*.safetensors"))
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF  # one tensor value of the same shapes: a fine-tune
    weights.write_bytes(bytes(data))
    assert r.resolve(dspec()).options["weights"] != shifted.options["weights"]


def test_large_weight_files_are_sampled_not_read(tmp_path: Path) -> None:
    """A fine-tune of the same shapes changes the sampled bytes; reading stays a few KiB."""
    folder = tmp_path / "model"
    folder.mkdir()
    header = json.dumps({"w": {"dtype": "F32", "shape": [2**17], "data_offsets": [0, 2**19]}}).encode()
    blob = folder / "w.safetensors"
    rng = np.random.default_rng(0)
    blob.write_bytes(len(header).to_bytes(8, "little") + header + rng.bytes(2**19))
    assert blob.stat().st_size > SMALL_FILE
    before = folder_fingerprint(folder)
    blob.write_bytes(len(header).to_bytes(8, "little") + header + rng.bytes(2**19))
    assert folder_fingerprint(folder) != before


def test_hf_cache_revision_is_the_fingerprint(
    models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    repo = tmp_path / "models--Wan-AI--Wan2.1-T2V-1.3B-Diffusers"
    r = DiffusionRenderer(DiffusionOptions(preset="draft", device="cpu"))  # no models folder
    with pytest.raises(RenderFailure, match=rf"model {WAN} .*storyreel models pull {WAN}"):
        r.resolve(dspec())
    (repo / "refs").mkdir(parents=True)
    for revision in ("a" * 40, "b" * 40):
        shutil.copytree(models_dir / WAN, repo / "snapshots" / revision)
    (repo / "refs" / "main").write_text("a" * 40)
    old = r.resolve(dspec())
    assert old.options["weights"] == "hf:" + "a" * 40
    (repo / "refs" / "main").write_text("b" * 40)
    assert r.resolve(dspec()).spec_hash() != old.spec_hash()


def test_resolve_is_idempotent_and_the_render_uses_what_it_says(
    options: DiffusionOptions, models_dir: Path, tmp_path: Path
) -> None:
    r = DiffusionRenderer(options)
    for spec in (unpinned(), dspec(frames=17), dspec(model="ltx-video-0.9.7"), dspec(model="cogvideox-5b")):
        once = r.resolve(spec)
        assert r.resolve(once) == once
    resolved = r.resolve(dspec(options={"steps": 3, "cache": "first_block"}))
    other = DiffusionRenderer(DiffusionOptions(models_dir=models_dir, device="cpu", steps=5))
    seen: list[tuple[int, int]] = []
    take = other.render(resolved, tmp_path / "t.mp4", lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3, 3) and take.spec_hash == resolved.spec_hash()  # not the engine's 5 steps


def test_missing_weights_while_resolving_are_one_line(tmp_path: Path) -> None:
    r = DiffusionRenderer(DiffusionOptions(models_dir=tmp_path, preset="draft", device="cpu"))
    with pytest.raises(RenderFailure, match=r"cogvideox-2b .*storyreel models pull cogvideox-2b"):
        r.resolve(dspec(model="cogvideox-2b"))


def test_graph_take_cache_renders_anew_only_when_a_setting_changed(
    options: DiffusionOptions, tmp_path: Path
) -> None:
    library = FolderLibrary(tmp_path / "store")
    rendered, (first,) = shoot(DiffusionRenderer(options), library, tmp_path / "1")
    assert len(rendered) == 1 and first.settings["model"] == WAN and first.settings["steps"] == 2
    again, (same,) = shoot(DiffusionRenderer(options), library, tmp_path / "2")
    assert again == [] and same.cached and same.spec_hash == first.spec_hash
    hooked = options.model_copy(update={"cache": "first_block", "cache_threshold": 0.2})
    anew, (other,) = shoot(DiffusionRenderer(hooked), library, tmp_path / "3")
    assert len(anew) == 1 and other.spec_hash != first.spec_hash
    assert other.settings["cache"] == "first_block" and other.settings["cache_threshold"] == 0.2

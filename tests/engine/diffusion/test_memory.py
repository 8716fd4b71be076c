"""GPU memory: the cards' two VRAM figures, one decision per run from the GPU's total (GiB with
GiB), LRU eviction that really frees, shared components, float32 VAEs, one-line OOMs. All on the
CPU with tiny pipelines; CUDA totals are monkeypatched."""

from __future__ import annotations

import shutil
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.diffusion import memory
from engine.diffusion.loading import clear_pipelines, load_pipeline, loaded
from engine.diffusion.memory import RunMemory, must_evict, oom_failure, total_vram_gib
from engine.diffusion.options import DiffusionOptions
from engine.diffusion.registry import GB_PER_GIB, MODELS, model_card
from film import BadInput, RenderFailure

WAN, VACE = "wan2.1-t2v-1.3b", "wan2.1-vace-1.3b"


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    clear_pipelines()
    yield
    clear_pipelines()


def gpu(monkeypatch: pytest.MonkeyPatch, total_gib: float | None) -> list[int]:
    """Pretend the first CUDA device has `total_gib`; the returned list counts the reads."""
    reads: list[int] = []

    def fake(index: int = 0) -> float | None:
        reads.append(index)
        return total_gib

    monkeypatch.setattr(memory, "cuda_total_gib", fake)
    return reads


def test_cards_carry_two_figures_from_component_sizes() -> None:
    wan = model_card(WAN)
    assert wan.vram_gib == pytest.approx((11.4 + 2.84 + 0.5) / GB_PER_GIB + wan.working_gib)
    assert wan.vram_gib > 8  # the old 8 GB only held with the text encoder on the CPU
    assert wan.offload_vram_gib == pytest.approx(11.4 / GB_PER_GIB)  # UMT5 alone is the largest move
    a14b = model_card("wan2.2-t2v-a14b")
    assert a14b.offload_vram_gib == pytest.approx(28.6 / GB_PER_GIB + a14b.working_gib)  # one expert
    for card in MODELS.values():
        assert card.sequential_vram_gib <= card.offload_vram_gib < card.vram_gib, card.name
        assert card.sizes_from and ("transformer" in card.weights_gb or card.mode == "upsample")


@pytest.mark.parametrize(
    ("total", "preset", "model", "offload"),
    [
        (None, "draft", WAN, "none"),  # no GPU
        (11.6, "draft", WAN, "model"),  # a 12 GB card
        (23.99, "standard", "wan2.2-ti2v-5b", "model"),  # a 24 GB card reads 23.99 GiB
        (39.4, "final", "wan2.2-t2v-a14b", "model"),
        (79.2, "final", "wan2.2-t2v-a14b", "none"),  # an 80 GB card
    ],
)
def test_run_memory_decides_from_the_total(
    monkeypatch: pytest.MonkeyPatch, total: float | None, preset: str, model: str, offload: str
) -> None:
    gpu(monkeypatch, total)
    run = RunMemory(DiffusionOptions())
    chosen = run.preset("auto")
    card = run.choose(chosen)
    assert (chosen.name, card.name, run.offload_for(card)) == (preset, model, offload)


def test_total_is_read_once_and_can_be_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    reads = gpu(monkeypatch, 79.2)
    run = RunMemory(DiffusionOptions())
    assert reads == []  # lazily: building a renderer reads nothing
    threads = [threading.Thread(target=lambda: run.preset("auto")) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert run.total_gib == 79.2 and reads == [0]
    shared = RunMemory(DiffusionOptions(vram_gib=20))
    assert shared.total_gib == 20 and shared.preset("auto").name == "standard"
    assert shared.offload_for(model_card("wan2.2-ti2v-5b")) == "model"
    assert shared.offload_for(model_card(WAN)) == "none"
    assert total_vram_gib(DiffusionOptions(device="cpu")) is None
    assert total_vram_gib(DiffusionOptions(device="cuda:1")) == 79.2 and reads[-1] == 1


def test_explicit_offload_is_kept_and_decides_what_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    gpu(monkeypatch, 23.99)
    none = RunMemory(DiffusionOptions(offload="none"))
    assert none.preset("auto").name == "draft"  # TI2V-5B needs 31.5 GiB resident
    assert none.offload_for(model_card("wan2.2-ti2v-5b")) == "none"
    assert RunMemory(DiffusionOptions(offload="group")).offload_for(model_card(WAN)) == "group"
    assert RunMemory(DiffusionOptions()).offload_for(model_card("wan2.1-vace-14b")) == "sequential"
    assert RunMemory(DiffusionOptions(device="cpu", vram_gib=4)).offload_for(model_card(WAN)) == "none"
    with pytest.raises(BadInput, match="choose one of: auto, draft"):
        none.preset("best")


def test_vram_setting_comes_from_the_environment() -> None:
    from studio.models import diffusion_options

    opts = diffusion_options({"STORYREEL_DIFFUSION_VRAM_GIB": "22.5", "STORYREEL_DIFFUSION_OFFLOAD": "auto"})
    assert (opts.vram_gib, opts.offload) == (22.5, "auto")
    assert opts.pipeline_key() == DiffusionOptions(offload="auto").pipeline_key()  # no reload for a cap


def test_must_evict_drops_least_recently_used_first() -> None:
    resident = [("old", 10.0), ("offloaded", 0.0), ("mid", 8.0), ("new", 4.0)]
    assert must_evict(resident, 5.0, 40.0) == []
    assert must_evict(resident, 5.0, 20.0) == ["old"]
    assert must_evict(resident, 15.0, 20.0) == ["old", "mid"]
    assert must_evict(resident, 50.0, 20.0) == ["old", "mid", "new"]
    assert must_evict(resident, 50.0, None) == []


def test_oom_failure_names_the_setting_that_fits(monkeypatch: pytest.MonkeyPatch) -> None:
    gpu(monkeypatch, 23.99)
    run = RunMemory(DiffusionOptions())
    card = model_card("wan2.2-ti2v-5b")
    text = str(oom_failure(card, run, "at 1280x704x121", "none"))
    assert "\n" not in text and "wan2.2-ti2v-5b" in text and "31.5 GiB" in text and "24.0 GiB" in text
    assert "STORYREEL_DIFFUSION_OFFLOAD=model (needs ~18.3 GiB)" in text
    big = str(oom_failure(model_card("wan2.1-vace-14b"), run, "at 1280x720x81", "sequential"))
    assert "STORYREEL_DIFFUSION_PRESET=draft" in big
    tiny = str(oom_failure(model_card(WAN), RunMemory(DiffusionOptions(vram_gib=4)), "here", "sequential"))
    assert "VAE_TILING" in tiny


def test_evicted_pipelines_are_collected(models_dir: Path) -> None:
    """FasterCache's config closes over the pipe; a first-block hook sits on the transformer."""
    for cache, first, second in (("faster", "cogvideox-5b", "cogvideox-5b-i2v"), ("first_block", WAN, VACE)):
        opts = DiffusionOptions(models_dir=models_dir, device="cpu", cache=cache, max_pipelines=1)
        pipe = load_pipeline(model_card(first), opts)
        assert pipe.transformer.is_cache_enabled
        ref = weakref.ref(pipe)
        del pipe
        load_pipeline(model_card(second), opts)
        assert ref() is None, cache
        assert loaded() == [second]


def test_pipelines_without_offload_stay_within_the_budget(models_dir: Path) -> None:
    capped = DiffusionOptions(models_dir=models_dir, device="cpu", vram_gib=20, max_pipelines=4)
    load_pipeline(model_card(WAN), capped)
    load_pipeline(model_card(VACE), capped)
    assert loaded() == [VACE]  # 13.7 GiB of Wan weights + VACE's needs do not fit 20 GiB
    clear_pipelines()
    roomy = capped.model_copy(update={"vram_gib": 30})
    load_pipeline(model_card(WAN), roomy)
    load_pipeline(model_card(VACE), roomy)
    assert loaded() == [WAN, VACE]  # the shared UMT5 and VAE count once


def test_identical_components_are_shared(models_dir: Path) -> None:
    opts = DiffusionOptions(models_dir=models_dir, device="cpu", max_pipelines=4)
    a = load_pipeline(model_card(WAN), opts)
    b = load_pipeline(model_card(VACE), opts)
    assert a.text_encoder is b.text_encoder and a.vae is b.vae and a.tokenizer is b.tokenizer
    assert a.transformer is not b.transformer
    c = load_pipeline(model_card("wan2.1-t2v-1.3b"), opts, offload="sequential")
    assert c is not a and c.text_encoder is not a.text_encoder  # offload hooks sit on the module
    t2v = load_pipeline(model_card("wan2.2-ti2v-5b"), opts)
    i2v = load_pipeline(model_card("wan2.2-ti2v-5b-i2v"), opts)
    assert type(i2v).__name__ == "WanImageToVideoPipeline" and i2v.transformer is t2v.transformer
    assert i2v.scheduler is not t2v.scheduler and i2v.config.expand_timesteps


def test_local_components_share_by_content_not_by_name(models_dir: Path, tmp_path: Path) -> None:
    for name in (WAN, VACE):
        shutil.copytree(models_dir / name, tmp_path / name)
    other = tmp_path / VACE / "text_encoder"
    (other / "config.json").write_text((other / "config.json").read_text().replace("}", ', "x": 1}', 1))
    opts = DiffusionOptions(models_dir=tmp_path, device="cpu", max_pipelines=4)
    a, b = (load_pipeline(model_card(n), opts) for n in (WAN, VACE))
    assert a.vae is b.vae and a.text_encoder is not b.text_encoder


def test_hf_cache_components_are_known_by_their_blobs(tmp_path: Path) -> None:
    """An HF snapshot's files link to blobs named by content hash: same blobs, same weights."""
    from engine.diffusion.weights import component_identity

    blobs = tmp_path / "blobs"
    blobs.mkdir()
    for blob in ("a1", "b2"):
        (blobs / blob).write_bytes(b"same bytes, other hash")
    for snapshot, blob in (("one", "a1"), ("two", "a1"), ("three", "b2")):
        folder = tmp_path / snapshot / "vae"
        folder.mkdir(parents=True)
        (folder / "diffusion_pytorch_model.safetensors").symlink_to(blobs / blob)
    one, two, three = (component_identity(tmp_path / s, "vae") for s in ("one", "two", "three"))
    assert one == two != three and str(one).startswith("blobs:")
    assert component_identity(tmp_path / "one", "text_encoder") is None


def test_wan_vae_loads_in_float32_through_the_dtype_mapping(
    models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import diffusers
    import torch

    seen: list[Any] = []
    original = diffusers.WanPipeline.from_pretrained.__func__  # type: ignore[attr-defined]

    def spy(cls: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["dtype"])
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(diffusers.WanPipeline, "from_pretrained", classmethod(spy))
    pipe = load_pipeline(
        model_card(WAN), DiffusionOptions(models_dir=models_dir, device="cpu", dtype="bfloat16")
    )
    assert seen == [{"vae": torch.float32, "image_encoder": torch.float32, "default": torch.bfloat16}]
    assert (pipe.vae.dtype, pipe.transformer.dtype) == (torch.float32, torch.bfloat16)


def test_out_of_memory_while_placing_is_one_line(models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import diffusers
    import torch

    def full(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(diffusers.WanPipeline, "to", full)
    opts = DiffusionOptions(models_dir=models_dir, device="cpu", vram_gib=24)
    with pytest.raises(RenderFailure) as failure:
        load_pipeline(model_card(WAN), opts)
    text = str(failure.value)
    assert "\n" not in text and f"{WAN} ran out of GPU memory while placing it on cpu" in text
    assert "19.2 GiB with offload=none" in text and "STORYREEL_DIFFUSION_OFFLOAD=model" in text
    assert loaded() == []

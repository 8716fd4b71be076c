"""`storyreel models` and the env → options wiring, offline."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest
import typer
from typer.testing import CliRunner

from film import BadInput
from studio import models

cli = typer.Typer()
cli.add_typer(models.app, name="models")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["models", *args], env=env)
    return result.exit_code, result.output


def test_list_shows_models_and_where_weights_are(models_dir: Path) -> None:
    code, text = run("list", env={"STORYREEL_MODELS_DIR": str(models_dir), "COLUMNS": "250"})
    assert code == 0
    assert "VRAM offload" in text
    line = next(ln for ln in text.splitlines() if "wan2.1-vace-1.3b" in ln)
    assert "folder" in line and "Wan-AI/Wan2.1-VACE-1.3B-diffusers" in line
    wan = next(ln for ln in text.splitlines() if "wan2.1-t2v-1.3b " in ln)
    assert "19.2 GiB" in wan and "10.6 GiB" in wan  # without and with model offload
    assert "missing" in next(ln for ln in text.splitlines() if "cogvideox-2b " in ln)


class FakeHub:
    """huggingface_hub as `pull` sees it: LTX-Video's diffusers folders beside its single-file
    checkpoints at the root, with sizes; records what was asked for."""

    FILES: ClassVar[dict[str, int]] = {
        "model_index.json": 600,
        "ltx-video-2b-v0.9.5.safetensors": 6_340_000_000,
        "ltxv-13b-0.9.7-dev.safetensors": 28_600_000_000,
        "transformer/diffusion_pytorch_model.safetensors": 3_850_000_000,
        "text_encoder/model-00001-of-00004.safetensors": 4_990_000_000,
        "text_encoder/config.json": 800,
        "tokenizer/spiece.model": 792_000,
        "vae/diffusion_pytorch_model.safetensors": 1_870_000_000,
        "scheduler/scheduler_config.json": 500,
    }
    INDEX: ClassVar[dict[str, object]] = {
        "_class_name": "LTXPipeline",
        "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
        "text_encoder": ["transformers", "T5EncoderModel"],
        "tokenizer": ["transformers", "T5TokenizerFast"],
        "transformer": ["diffusers", "LTXVideoTransformer3DModel"],
        "vae": ["diffusers", "AutoencoderKLLTXVideo"],
    }

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.patterns: list[str] = []
        self.repos: list[str] = []

    def hf_hub_download(self, repo_id: str, filename: str, local_dir: Path | None = None) -> str:
        self.repos.append(repo_id)
        path = self.tmp / filename
        path.write_text(json.dumps(self.INDEX))
        return str(path)

    def snapshot_download(self, repo_id: str, local_dir: Path | None, allow_patterns: list[str]) -> str:
        self.repos.append(repo_id)
        self.patterns = allow_patterns
        return str(local_dir or self.tmp)

    def model_info(self, repo_id: str, files_metadata: bool) -> SimpleNamespace:
        assert files_metadata
        return SimpleNamespace(siblings=[SimpleNamespace(rfilename=n, size=s) for n, s in self.FILES.items()])


def test_pull_fetches_only_the_diffusers_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import huggingface_hub

    hub = FakeHub(tmp_path)
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", hub.hf_hub_download)
    monkeypatch.setattr(huggingface_hub, "snapshot_download", hub.snapshot_download)
    monkeypatch.setattr(huggingface_hub, "HfApi", lambda: hub)
    code, text = run("pull", "ltx-video-i2v", env={"STORYREEL_MODELS_DIR": str(tmp_path)})
    assert code == 0, text
    assert set(hub.repos) == {"Lightricks/LTX-Video"}  # the i2v card pulls its owner's weights
    assert sorted(hub.patterns) == [
        "model_index.json", "scheduler/*", "text_encoder/*", "tokenizer/*", "transformer/*", "vae/*"
    ]  # fmt: skip
    assert "ltx-video-i2v: 10.7 GB to download" in text
    assert str(tmp_path / "ltx-video") in text


def test_pull_without_network_is_one_line(tmp_path: Path) -> None:
    code, text = run(
        "pull", "wan2.1-t2v-1.3b", env={"HF_HUB_OFFLINE": "1", "STORYREEL_MODELS_DIR": str(tmp_path)}
    )
    assert code == 1 and "could not download wan2.1-t2v-1.3b" in text and "Traceback" not in text


def test_verify(models_dir: Path, tmp_path: Path) -> None:
    code, text = run("verify", "wan2.1-t2v-1.3b", "--load", env={"STORYREEL_MODELS_DIR": str(models_dir)})
    assert code == 0 and "ok" in text
    code, text = run("verify", "cogvideox-2b", env={"STORYREEL_MODELS_DIR": str(tmp_path)})
    assert code == 1 and "storyreel models pull cogvideox-2b" in text
    code, text = run("verify", "sora-9")
    assert code == 2 and "unknown model" in text


def test_options_from_env(tmp_path: Path) -> None:
    opts = models.diffusion_options(
        {
            "STORYREEL_MODELS_DIR": str(tmp_path),
            "STORYREEL_DIFFUSION_CACHE": "first_block",
            "STORYREEL_DIFFUSION_VAE_TILING": "true",
            "STORYREEL_DIFFUSION_STEPS": "8",
        }
    )
    assert (opts.models_dir, opts.cache, opts.vae_tiling, opts.steps) == (tmp_path, "first_block", True, 8)
    with pytest.raises(BadInput, match="STORYREEL_DIFFUSION_OFFLOAD"):
        models.diffusion_options({"STORYREEL_DIFFUSION_OFFLOAD": "everything"})
    assert models.comfyui_options({"STORYREEL_COMFYUI_URL": "http://gpu:8188"}).url == "http://gpu:8188"

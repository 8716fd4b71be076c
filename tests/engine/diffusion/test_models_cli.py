"""`storyreel models` and the env → options wiring, offline."""

from __future__ import annotations

from pathlib import Path

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
    line = next(ln for ln in text.splitlines() if "wan2.1-vace-1.3b" in ln)
    assert "folder" in line and "Wan-AI/Wan2.1-VACE-1.3B-diffusers" in line
    assert "missing" in next(ln for ln in text.splitlines() if "cogvideox-2b " in ln)


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

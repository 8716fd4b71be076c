"""DiffusionOptions: how the engine runs (where weights lie, memory and speed settings), as
opposed to what it renders (the RenderSpec). The studio fills it from `STORYREEL_DIFFUSION_*`
environment variables. The settings here that change pixels (the model chosen, preset, steps,
dtype, cache hook and its threshold or interval, VAE tiling, attention backend, window size) are
written into every spec by `DiffusionRenderer.resolve`, so they are part of the take-cache key;
offload, the VRAM to plan for, compile and the pipeline count change no pixel and stay out of it
(the model chosen for the VRAM is written into the spec instead).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DiffusionOptions(BaseModel):
    """Engine settings. Defaults work on a CPU box with weights in the HF cache."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    models_dir: Path | None = Field(
        default=None, description="folder with one sub-folder per model name (save_pretrained layout)"
    )
    default_model: str = Field(default="", description="model when the spec names none; '' = by preset")
    preset: Literal["auto", "draft", "standard", "final"] = Field(
        default="auto", description="auto picks by the GPU's total VRAM"
    )
    device: str = Field(default="auto", description="auto = cuda when available, else cpu")
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = Field(
        default="auto", description="auto = bfloat16 on cuda, float32 on cpu; the VAE stays float32"
    )
    offload: Literal["auto", "none", "model", "sequential", "group"] = Field(
        default="auto",
        description="auto = none when the model fits the GPU, else model, else sequential offload",
    )
    vram_gib: float | None = Field(
        default=None,
        gt=0,
        description="GPU memory to plan for, GiB (unset: the GPU's total; cap it on a shared GPU)",
    )
    vae_tiling: bool = Field(default=False, description="decode in tiles: less VRAM at large sizes")
    cache: Literal["none", "first_block", "taylorseer", "faster"] = Field(
        default="none", description="diffusers cache hook on the transformer (skips steps' work)"
    )
    cache_threshold: float = Field(default=0.05, gt=0, le=1, description="FirstBlockCache threshold")
    cache_interval: int = Field(default=5, ge=1, le=50, description="TaylorSeer cache interval")
    compile: bool = Field(default=False, description="torch.compile the repeated transformer blocks")
    attention_backend: str = Field(default="", description="e.g. flash, sage, _native_cudnn; '' = default")
    max_window_frames: int | None = Field(
        default=None, ge=5, description="cap on frames per model call; longer shots are continued"
    )
    steps: int | None = Field(default=None, ge=1, le=200, description="overrides the preset's steps")
    max_pipelines: int = Field(
        default=2, ge=1, le=16, description="pipelines kept loaded; the least recently used goes first"
    )

    def pipeline_key(self) -> tuple[object, ...]:
        """What changes a loaded pipeline; two renders with the same key share one pipeline."""
        return (
            str(self.models_dir or ""),
            self.device,
            self.dtype,
            self.offload,
            self.vae_tiling,
            self.cache,
            self.cache_threshold,
            self.cache_interval,
            self.compile,
            self.attention_backend,
        )

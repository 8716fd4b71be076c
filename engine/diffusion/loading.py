"""Loading pipelines: from a local models folder or the HF cache, never the network; once per
process per (model, options), because loading a 14B model takes longer than rendering a shot.

Memory settings (offload, VAE tiling, dtype) and speed settings (cache hooks, compiled blocks,
attention backend) are applied here, once, so every render of the pipeline gets them.
"""

from __future__ import annotations

import threading
from typing import Any

from engine.diffusion.options import DiffusionOptions
from engine.diffusion.registry import ModelCard
from engine.diffusion.weights import missing_weights, weights_source
from engine.diffusion.speed import check_cache_hook, speed_up
from film import RenderFailure

_PIPELINES: dict[tuple[object, ...], Any] = {}
_CALL_LOCKS: dict[int, threading.Lock] = {}
_LOCK = threading.Lock()


def resolve_device(options: DiffusionOptions) -> str:
    import torch

    if options.device != "auto":
        return options.device
    return "cuda" if torch.cuda.is_available() else "cpu"


def resolve_dtype(options: DiffusionOptions, device: str) -> Any:
    import torch

    if options.dtype == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    return getattr(torch, options.dtype)


def dtype_name(options: DiffusionOptions) -> str:
    """The dtype a pipeline loaded with `options` computes in, e.g. 'bfloat16' ('auto' resolved)."""
    return str(resolve_dtype(options, resolve_device(options))).removeprefix("torch.")


def free_vram_gb() -> float | None:
    """Free memory of the first GPU in GiB, or None without one (presets use it)."""
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    free, _total = torch.cuda.mem_get_info()
    return free / 2**30


def load_pipeline(card: ModelCard, options: DiffusionOptions) -> Any:
    """The pipeline for `card`, loaded once per process and options; RenderFailure naming the
    model and the pull command when the weights are not on this machine."""
    source = weights_source(card, options)
    key = (card.name, source, *options.pipeline_key())
    with _LOCK:
        pipe = _PIPELINES.pop(key, None)
        if pipe is None:
            _evict(options.max_pipelines - 1)
            pipe = _load(card, source, options)
            _CALL_LOCKS[id(pipe)] = threading.Lock()
        _PIPELINES[key] = pipe  # (re)inserted last: dict order is least recently used first
        return pipe


def _evict(keep: int) -> None:
    """Drop the least recently used pipelines down to `keep`, so a shot that switches to a
    companion model (t2v → VACE) does not hold both 14B models in VRAM forever. A render still
    using an evicted pipeline keeps its own reference until it finishes."""
    while len(_PIPELINES) > max(0, keep):
        old = _PIPELINES.pop(next(iter(_PIPELINES)))
        _CALL_LOCKS.pop(id(old), None)
        del old
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def call_lock(pipe: Any) -> threading.Lock:
    """The lock to hold while calling `pipe`: a pipeline keeps scheduler and cache-hook state
    per call, so two shots rendered at once (render_workers > 1) must take turns on it."""
    with _LOCK:
        return _CALL_LOCKS.setdefault(id(pipe), threading.Lock())


def clear_pipelines() -> None:
    """Forget every loaded pipeline (tests, and the studio when it switches models on a small GPU)."""
    with _LOCK:
        _PIPELINES.clear()
        _CALL_LOCKS.clear()


def _load(card: ModelCard, source: str, options: DiffusionOptions) -> Any:
    import diffusers

    device = resolve_device(options)
    dtype = resolve_dtype(options, device)
    cls = getattr(diffusers, card.pipeline)
    check_cache_hook(card, options)
    try:
        pipe = cls.from_pretrained(source, dtype=dtype, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise missing_weights(card, options, type(exc).__name__) from None
    except Exception as exc:  # a half-downloaded folder, a torn safetensors file...
        raise RenderFailure(
            f"model {card.name} could not be loaded from {source} ({type(exc).__name__}: "
            f"{str(exc)[:160]}); run `storyreel models verify {card.name}`, then pull it again"
        ) from None
    vae = getattr(pipe, "vae", None)
    if vae is not None and card.family in ("wan", "skyreels") and dtype != _torch().float32:
        vae.to(dtype=_torch().float32)  # the Wan VAE is unstable in half precision
    if options.vae_tiling and vae is not None and hasattr(vae, "enable_tiling"):
        vae.enable_tiling()
    _place(pipe, options, device)
    speed_up(pipe, options)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _torch() -> Any:
    import torch

    return torch


def _place(pipe: Any, options: DiffusionOptions, device: str) -> None:
    """Put the pipeline on its device the way the memory setting asks."""
    if options.offload == "model":
        pipe.enable_model_cpu_offload(device=device)
    elif options.offload == "sequential":
        pipe.enable_sequential_cpu_offload(device=device)
    elif options.offload == "group":
        torch = _torch()
        pipe.enable_group_offload(
            onload_device=torch.device(device),
            offload_type="leaf_level",
            use_stream=device.startswith("cuda"),
        )
    else:
        pipe.to(device)

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
from film import BadInput, RenderFailure

_FASTER_CACHE_FAMILIES = ("cogvideox",)
"""FasterCache splits a batched CFG output of 5-D video states: CogVideoX works; Wan/SkyReels
run CFG unbatched and LTX packs its tokens to 3-D, so both crash inside the hook."""

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


def check_cache_hook(card: ModelCard, options: DiffusionOptions) -> None:
    """Refuse a cache hook that would crash inside this model's pipeline, before any loading."""
    if options.cache == "faster" and card.family not in _FASTER_CACHE_FAMILIES:
        raise BadInput(
            "options.cache",
            "faster",
            f"FasterCache only works with CogVideoX here, not {card.name}; use first_block or taylorseer",
        )


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
    _speed_up(pipe, options)
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


def cache_config(options: DiffusionOptions, pipe: Any) -> Any:
    """The diffusers hook config for `options.cache` (see diffusers/hooks/)."""
    import diffusers

    if options.cache == "first_block":
        return diffusers.FirstBlockCacheConfig(threshold=options.cache_threshold)
    if options.cache == "taylorseer":
        return diffusers.TaylorSeerCacheConfig(cache_interval=options.cache_interval)
    if options.cache == "faster":
        return diffusers.FasterCacheConfig(
            spatial_attention_block_skip_range=2,
            spatial_attention_timestep_skip_range=(-1, 681),
            current_timestep_callback=lambda: pipe.current_timestep,
            attention_weight_callback=lambda _: 0.3,
            is_guidance_distilled=False,
        )
    return None


def _speed_up(pipe: Any, options: DiffusionOptions) -> None:
    """Cache hooks, attention backend and regional compile on every transformer of the pipe."""
    for name in ("transformer", "transformer_2"):
        model = getattr(pipe, name, None)
        if model is None:
            continue
        config = cache_config(options, pipe)
        if config is not None:
            model.enable_cache(config)
        if options.attention_backend:
            try:
                model.set_attention_backend(options.attention_backend)
            except (ValueError, RuntimeError, ImportError) as exc:
                why = f"not usable here: {str(exc)[:200]}"
                raise BadInput("options.attention_backend", options.attention_backend, why) from None
        if options.compile:
            model.compile_repeated_blocks(fullgraph=True)


def reset_cache_state(pipe: Any) -> None:
    """Cache hooks keep state between steps; a new generation must start from a clean one."""
    for name in ("transformer", "transformer_2"):
        model = getattr(pipe, name, None)
        if model is not None and getattr(model, "is_cache_enabled", False):
            model._reset_stateful_cache()

"""Speed settings on a loaded pipeline: cache hooks, the attention backend and compile.

Each is checked against the model family and this machine before any loading (`check_speed`),
so a setting that cannot work is refused with one BadInput line naming the option instead of
crashing inside a pipeline call after minutes of loading.
"""

from __future__ import annotations

from typing import Any

from engine.diffusion.options import DiffusionOptions
from engine.diffusion.registry import ModelCard
from film import BadInput

CACHE_FAMILIES: dict[str, tuple[str, ...]] = {
    "first_block": ("wan", "ltx", "cogvideox"),
    "faster": ("cogvideox",),
}
"""Families each cache hook works with (taylorseer: all). FirstBlockCache needs the block class in
diffusers' TransformerBlockRegistry (SkyReels' is not: ValueError at load). FasterCache splits a
batched CFG output of 5-D video states: Wan/SkyReels run CFG unbatched and LTX packs its tokens
to 3-D, so both crash inside the hook."""
_CACHE_NAMES = {"first_block": "FirstBlockCache", "faster": "FasterCache"}
_FAMILY_NAMES = {"wan": "Wan", "ltx": "LTX", "cogvideox": "CogVideoX", "skyreels": "SkyReels"}

COMPILE_BACKEND = "inductor"
"""The torch.compile backend. Tests set "eager": dynamo still traces every block (so a graph
break that fullgraph=True refuses still fails the test) without inductor's C++/Triton builds."""

MASK_BACKENDS = frozenset({"native", "_native_cudnn", "_native_efficient", "_native_math", "_native_npu",
                           "flex", "xformers"})  # fmt: skip
"""Backends that take an attention mask; the others (flash*, sage*, _native_flash, _native_xla,
aiter) raise on `attn_mask`, and the varlen ones want a boolean mask (LTX passes an additive one)."""

CPU_BACKENDS = frozenset({"native", "_native_math", "_native_flash", "flex"})
"""The backends torch has CPU kernels for: cuDNN/efficient SDPA and the flash, sage, xformers and
aiter kernels are CUDA-only ("No viable backend for scaled_dot_product_attention" on a CPU)."""

CPU_COMPILE_BROKEN = frozenset({"flex"})
"""Backends inductor cannot compile on a CPU (torch 2.13: flex's C++ template fails its lowering
with "not enough values to unpack"); without compile, or with compile on a GPU, they run."""

_HALF_ONLY = frozenset({"_check_qkv_dtype_bf16_or_fp16", "_check_qkv_dtype_bf16"})
"""diffusers' constraint checks that mark a backend as half precision only (CUDA flash kernels)."""

BACKENDS_FOR: dict[str, frozenset[str] | None] = {
    "wan": None,
    "skyreels": None,
    "ltx": MASK_BACKENDS,
    "cogvideox": frozenset(),
}
"""Backends each family honours (None: all registered). Wan/SkyReels attend through
`dispatch_attention_fn` without a mask; LTX's cross-attention passes one; CogVideoX's
processors call `F.scaled_dot_product_attention` directly, so a backend would be ignored."""


def check_speed(card: ModelCard, options: DiffusionOptions) -> None:
    """Refuse a speed setting this model or machine cannot honour, before any loading."""
    check_cache(card, options)
    check_attention_backend(card, options)
    check_compile(options)


check_cache_hook = check_speed
"""The name renderer.check_inputs and loading call it by (it once checked the cache hook only)."""


def check_cache(card: ModelCard, options: DiffusionOptions) -> None:
    """Refuse a cache hook that would crash inside this model's pipeline."""
    families = CACHE_FAMILIES.get(options.cache)
    if families is None or card.family in families:
        return
    others = [c for c, f in CACHE_FAMILIES.items() if card.family in f] + ["taylorseer"]
    raise BadInput(
        "options.cache",
        options.cache,
        f"{_CACHE_NAMES[options.cache]} only works with {', '.join(_FAMILY_NAMES[f] for f in families)} "
        f"here, not {card.name}; use {' or '.join(others)}",
    )


def check_attention_backend(card: ModelCard, options: DiffusionOptions) -> None:
    """Refuse an unknown backend, one the family ignores or breaks on, one this device has no
    kernel for, and one whose package is missing (diffusers' own requirement check)."""
    name = options.attention_backend
    if not name:
        return
    from diffusers.models import attention_dispatch as dispatch

    def refuse(why: str) -> BadInput:
        return BadInput("options.attention_backend", name, why)

    known = sorted(b.value for b in dispatch.AttentionBackendName)
    if name not in known:
        raise refuse(f"unknown attention backend; choose one of: {', '.join(known)}")
    allowed = BACKENDS_FOR.get(card.family)
    if allowed is not None and name not in allowed:
        if not allowed:
            raise refuse(f"{card.name} calls SDPA itself and ignores attention backends; leave it empty")
        choices = ", ".join(sorted(allowed))
        raise refuse(f"{card.name} passes an attention mask, which {name} rejects; use one of: {choices}")
    device, half = _device_and_half(options)
    if device == "cpu" and name not in CPU_BACKENDS:
        raise refuse(f"{name} has no CPU kernel; on a CPU use one of: {', '.join(sorted(CPU_BACKENDS))}")
    if device == "cpu" and options.compile and COMPILE_BACKEND == "inductor" and name in CPU_COMPILE_BROKEN:
        raise refuse(f"torch.compile fails on {name} on a CPU; use native, or turn options.compile off")
    backend = dispatch.AttentionBackendName(name)
    constraints = dispatch._AttentionBackendRegistry._constraints.get(backend, [])
    half_only = bool({getattr(check, "__name__", "") for check in constraints} & _HALF_ONLY)
    if device.startswith("cuda") and half_only and not half:
        raise refuse(f"{name} runs in bfloat16/float16 only; set dtype to bfloat16 or use native")
    requirements = getattr(dispatch, "_check_attention_backend_requirements", None)
    if requirements is not None:
        try:
            requirements(backend)
        except (RuntimeError, ImportError) as exc:
            raise refuse(f"not usable here: {str(exc)[:200]}") from None


def check_compile(options: DiffusionOptions) -> None:
    """Refuse compile on a CPU without the C++ compiler inductor builds its kernels with."""
    if not options.compile or COMPILE_BACKEND != "inductor" or _device_and_half(options)[0] != "cpu":
        return
    if not cpp_compiler_found():
        raise BadInput("options.compile", True, "torch.compile on a CPU needs a C++ compiler (g++); "
                       "install one or turn compile off")  # fmt: skip


def cpp_compiler_found() -> bool:
    """Whether inductor finds its C++ compiler (`CXX`, else g++), as it will at the first call."""
    try:
        from torch._inductor.cpp_builder import get_cpp_compiler

        get_cpp_compiler()
    except ImportError:
        return True  # another torch: let the first call say it
    except Exception:
        return False
    return True


def _device_and_half(options: DiffusionOptions) -> tuple[str, bool]:
    """The device a pipeline with `options` runs on and whether it computes in half precision."""
    import torch

    from engine.diffusion.loading import resolve_device, resolve_dtype  # loading imports this module

    device = resolve_device(options)
    return device, resolve_dtype(options, device) in (torch.float16, torch.bfloat16)


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


def speed_up(pipe: Any, options: DiffusionOptions) -> None:
    """Cache hooks, attention backend and compile on every transformer of the pipe."""
    for name in ("transformer", "transformer_2"):
        model = getattr(pipe, name, None)
        if model is None:
            continue
        config = cache_config(options, pipe)
        if config is not None:
            enable_cache(model, config, options.cache)
        if options.attention_backend:
            set_attention_backend(model, options.attention_backend)
        if options.compile:
            compile_transformer(model, options)


def enable_cache(model: Any, config: Any, cache: str) -> None:
    """The hook on `model`, or BadInput where diffusers cannot place it on this checkpoint (a
    block class it has no metadata for, FirstBlockCache on a model with fewer than two blocks)."""
    try:
        model.enable_cache(config)
    except (ValueError, IndexError) as exc:
        why = str(exc)[:200] or type(exc).__name__
        raise BadInput(
            "options.cache", cache, f"cannot hook {type(model).__name__}: {why}; use taylorseer"
        ) from None


def set_attention_backend(model: Any, backend: str) -> None:
    """Set the backend on the model's attention processors only. diffusers also makes it the
    process-wide default, which would leak into every pipeline loaded later (an LTX one would then
    run flash on its masked cross-attention): the previous default is put back."""
    from diffusers.models.attention_dispatch import _AttentionBackendRegistry as registry

    before = registry._active_backend
    try:
        model.set_attention_backend(backend)
    except (ValueError, RuntimeError, ImportError, OSError) as exc:  # OSError: a hub kernel, offline
        raise BadInput("options.attention_backend", backend, f"not usable here: {str(exc)[:200]}") from None
    finally:
        registry.set_active_backend(before)


def compile_transformer(model: Any, options: DiffusionOptions) -> None:
    """Regional compile where the class names its repeated blocks (Wan, LTX, SkyReels), else the
    whole transformer (CogVideoX names none: compile_repeated_blocks raises there). Cache hooks
    run `torch.compiler.disable` code inside the blocks, so with one the graph may break."""
    kwargs = {"fullgraph": options.cache == "none", "backend": COMPILE_BACKEND}
    if getattr(model, "_repeated_blocks", None):
        model.compile_repeated_blocks(**kwargs)
    else:
        model.compile(**kwargs)


def reset_cache_state(pipe: Any) -> None:
    """Cache hooks keep state between steps; a new generation must start from a clean one."""
    for name in ("transformer", "transformer_2"):
        model = getattr(pipe, name, None)
        if model is not None and getattr(model, "is_cache_enabled", False):
            model._reset_stateful_cache()

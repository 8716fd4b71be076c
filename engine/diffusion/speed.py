"""Speed settings on a loaded pipeline: cache hooks, the attention backend and regional compile.

Each is checked against the model family before any loading, so a setting a family cannot honour
is refused with one line instead of crashing inside a pipeline call.
"""

from __future__ import annotations

from typing import Any

from engine.diffusion.options import DiffusionOptions
from engine.diffusion.registry import ModelCard
from film import BadInput

_FASTER_CACHE_FAMILIES = ("cogvideox",)
"""FasterCache splits a batched CFG output of 5-D video states: CogVideoX works; Wan/SkyReels
run CFG unbatched and LTX packs its tokens to 3-D, so both crash inside the hook."""


def check_cache_hook(card: ModelCard, options: DiffusionOptions) -> None:
    """Refuse a cache hook that would crash inside this model's pipeline, before any loading."""
    if options.cache == "faster" and card.family not in _FASTER_CACHE_FAMILIES:
        raise BadInput(
            "options.cache",
            "faster",
            f"FasterCache only works with CogVideoX here, not {card.name}; use first_block or taylorseer",
        )


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

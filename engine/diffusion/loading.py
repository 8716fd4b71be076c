"""Loading pipelines: from a local models folder or the HF cache, never the network; once per
process per (model, options, offload mode), because loading a 14B model takes longer than
rendering a shot.

Memory settings (offload, VAE tiling, dtype) and speed settings (cache hooks, compiled blocks,
attention backend) are applied here, once, so every render of the pipeline gets them. GPU memory
is managed here too: pipelines placed without offload never outgrow the VRAM budget (the least
recently used go first), an evicted pipeline is really freed, and components with identical
weights (every Wan model's UMT5 encoder and VAE) are loaded once and shared.
"""

from __future__ import annotations

import gc
import inspect
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.diffusion.memory import RunMemory, must_evict, oom_failure, total_vram_gib
from engine.diffusion.options import DiffusionOptions
from engine.diffusion.registry import GB_PER_GIB, ModelCard
from engine.diffusion.speed import check_speed, speed_up
from engine.diffusion.weights import component_identity, missing_weights, weights_source
from film import RenderFailure

SHARED = ("text_encoder", "tokenizer", "vae", "image_encoder", "image_processor")
"""Components shared between pipelines when their weights are identical (never a transformer:
its cache hooks and compiled blocks belong to one pipeline's options)."""
FP32_PARTS = ("vae", "image_encoder")
"""Loaded in float32 for the Wan/SkyReels families: the Wan VAE is unstable in half precision."""
_Key = tuple[object, ...]


@dataclass
class _Resident:
    """A loaded pipeline and what the memory manager needs to know about it."""

    pipe: Any
    offload: str
    device: str
    gib: float
    """Weights this pipeline alone keeps on the device, GiB (0 when offloaded or all borrowed)."""
    parts: dict[_Key, Any] = field(default_factory=dict)
    """Share key → component, for the next pipeline whose component has the same weights."""


_PIPELINES: dict[_Key, _Resident] = {}
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


def load_pipeline(card: ModelCard, options: DiffusionOptions, offload: str | None = None) -> Any:
    """The pipeline for `card`, loaded once per process, options and offload mode; RenderFailure
    naming the model and the pull command when the weights are not on this machine.

    `offload` is the concrete placement ('none', 'model', 'sequential', 'group'), e.g. the run's
    `RunMemory.offload_for(card)`; None takes `options.offload`, deciding 'auto' the same way."""
    mode = offload or concrete_offload(card, options)
    source = weights_source(card, options)
    key = (card.name, source, *options.pipeline_key(), mode)
    with _LOCK:
        entry = _PIPELINES.pop(key, None)
        if entry is None:
            _release(list(_PIPELINES)[: max(0, len(_PIPELINES) - (options.max_pipelines - 1))])
            entry = _load(card, source, options, mode)
            _CALL_LOCKS[id(entry.pipe)] = threading.Lock()
        _PIPELINES[key] = entry  # (re)inserted last: dict order is least recently used first
        return entry.pipe


def concrete_offload(card: ModelCard, options: DiffusionOptions) -> str:
    """`options.offload`, with 'auto' decided for `card` as `RunMemory.offload_for` does."""
    return options.offload if options.offload != "auto" else RunMemory(options).offload_for(card)


def call_lock(pipe: Any) -> threading.Lock:
    """The lock to hold while calling `pipe`: a pipeline keeps scheduler and cache-hook state
    per call, so two shots rendered at once (render_workers > 1) must take turns on it."""
    with _LOCK:
        return _CALL_LOCKS.setdefault(id(pipe), threading.Lock())


def loaded() -> list[str]:
    """The model names of the loaded pipelines, least recently used first."""
    with _LOCK:
        return [str(key[0]) for key in _PIPELINES]


def clear_pipelines() -> None:
    """Forget and free every loaded pipeline (tests, and the studio when it switches models)."""
    with _LOCK:
        _release(list(_PIPELINES))


def _release(keys: list[_Key]) -> None:
    """Evict `keys` and really free them: hooks removed, cache hooks disabled (FasterCache's config
    closes over the pipe), weights moved off the GPU, then collected. Components a pipeline still
    loaded shares are left alone; a pipeline a render is using is freed when that render drops it."""
    if not keys:
        return
    gone = [_PIPELINES.pop(key) for key in keys]
    keep = {id(obj) for entry in _PIPELINES.values() for obj in _objects(entry.pipe)}
    while gone:
        _free(gone.pop(), keep)
    _collect()


def _free(entry: _Resident, keep: set[int]) -> None:
    import torch

    pipe = entry.pipe
    lock = _CALL_LOCKS.pop(id(pipe), None)
    if lock is not None and not lock.acquire(blocking=False):
        return  # rendering right now (maybe loading its own helper model): its reference frees it
    try:
        own = {name: obj for name, obj in pipe.components.items() if obj is not None and id(obj) not in keep}
        if entry.offload != "none":
            pipe.remove_all_hooks()  # offloaded pipelines never share components
        for name in ("transformer", "transformer_2"):
            model = own.get(name)
            if model is not None and getattr(model, "is_cache_enabled", False):
                model.disable_cache()
        if entry.offload == "none" and entry.device != "cpu":
            for obj in own.values():
                if isinstance(obj, torch.nn.Module):
                    obj.to("cpu")
    finally:
        if lock is not None:
            lock.release()


def _collect() -> None:
    gc.collect()
    torch = _torch()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _objects(pipe: Any) -> list[Any]:
    return [obj for obj in pipe.components.values() if obj is not None]


def _load(card: ModelCard, source: str, options: DiffusionOptions, mode: str) -> _Resident:
    import diffusers

    device = resolve_device(options)
    dtype = resolve_dtype(options, device)
    cls = getattr(diffusers, card.pipeline)
    check_speed(card, options)
    wanted = _share_keys(card, source, options, dtype, device) if mode == "none" else {}
    owner = _make_room(card, source, options, mode, wanted)
    donors = _donors(wanted)
    if owner is not None:
        pipe = _from_owner(cls, owner.pipe)
    else:
        pipe = _from_pretrained(card, cls, source, options, _dtypes(card, dtype), donors)
        vae = getattr(pipe, "vae", None)
        if options.vae_tiling and vae is not None and hasattr(vae, "enable_tiling"):
            vae.enable_tiling()
    failure: RenderFailure | None = None
    try:
        _place(pipe, mode, device)
    except _torch().cuda.OutOfMemoryError:
        failure = oom_failure(card, options, f"while placing it on {device}", mode)
    if failure is not None:
        del pipe  # outside the except block, whose traceback would keep the pipe alive
        _collect()
        raise failure
    if owner is None:
        speed_up(pipe, options)  # a pipe built from its owner shares the owner's (same options)
    pipe.set_progress_bar_config(disable=True)
    parts = {key: getattr(pipe, name, None) for name, key in wanted.items()}
    parts = {key: obj for key, obj in parts.items() if obj is not None}
    return _Resident(pipe, mode, device, _held_gib(card, mode, donors, owner), parts)


def _from_pretrained(
    card: ModelCard, cls: Any, source: str, options: DiffusionOptions, dtype: Any, donors: dict[str, Any]
) -> Any:
    """`cls.from_pretrained` from this machine only, borrowing `donors` instead of loading them."""
    try:
        return cls.from_pretrained(source, dtype=dtype, local_files_only=True, **donors)
    except (OSError, ValueError) as exc:
        raise missing_weights(card, options, type(exc).__name__) from None
    except Exception as exc:  # a half-downloaded folder, a torn safetensors file...
        raise RenderFailure(
            f"model {card.name} could not be loaded from {source} ({type(exc).__name__}: "
            f"{str(exc)[:160]}); run `storyreel models verify {card.name}`, then pull it again"
        ) from None


def _from_owner(cls: Any, owner: Any) -> Any:
    """`cls` over the owner pipeline's components (TI2V-5B's image-to-video over its text-to-video).
    Not `cls.from_pipe(owner)`: that casts every shared module to one dtype (float32 by default),
    which would upcast the owner's transformer and round its float32 VAE. The scheduler is new:
    it keeps per-call state, and the two pipelines take turns on different call locks."""
    params = inspect.signature(cls.__init__).parameters
    parts = {name: obj for name, obj in owner.components.items() if name in params}
    if parts.get("scheduler") is not None:
        parts["scheduler"] = type(parts["scheduler"]).from_config(parts["scheduler"].config)
    config = {
        name: value
        for name, value in owner.config.items()
        if name in params and name not in parts and not name.startswith("_")
    }
    return cls(**parts, **config)


def _dtypes(card: ModelCard, dtype: Any) -> Any:
    """One dtype, or diffusers' per-component mapping: Wan/SkyReels VAE and image encoder in float32."""
    torch = _torch()
    if card.family in ("wan", "skyreels") and dtype != torch.float32:
        return {**dict.fromkeys(FP32_PARTS, torch.float32), "default": dtype}
    return dtype


def _share_keys(
    card: ModelCard, source: str, options: DiffusionOptions, dtype: Any, device: str
) -> dict[str, _Key]:
    """Component name → what makes two loaded copies interchangeable: class, weights, dtype, device
    (and tiling, which is VAE state). Only pipelines placed without offload share: offload hooks
    are attached to the module, so two pipelines' hooks on one module would undo each other."""
    folder = _folder(card, source)
    if folder is None:
        return {}
    try:
        index = json.loads((folder / "model_index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    dtypes = _dtypes(card, dtype)
    keys: dict[str, _Key] = {}
    for name in SHARED:
        spec = index.get(name)
        identity = component_identity(folder, name) if isinstance(spec, list) and spec[0] else None
        if identity is not None:
            part_dtype = dtypes.get(name, dtypes["default"]) if isinstance(dtypes, dict) else dtypes
            tiling = options.vae_tiling if name == "vae" else None
            keys[name] = (name, *spec, identity, str(part_dtype), device, tiling)
    return keys


def _folder(card: ModelCard, source: str) -> Path | None:
    """The folder `from_pretrained` will read: the local one, or the HF cache snapshot."""
    if Path(source).is_dir():
        return Path(source)
    from huggingface_hub import try_to_load_from_cache

    index = try_to_load_from_cache(card.hub_id, "model_index.json")
    return Path(index).parent if isinstance(index, str) else None


def _donors(wanted: dict[str, _Key]) -> dict[str, Any]:
    """Loaded components with the same share key, by component name."""
    found: dict[_Key, Any] = {}
    for entry in _PIPELINES.values():
        if entry.offload == "none":
            found.update(entry.parts)
    return {name: found[key] for name, key in wanted.items() if key in found}


def _owner(card: ModelCard, source: str, options: DiffusionOptions, mode: str) -> _Resident | None:
    """The loaded pipeline of the card whose weights `card` uses, when both sit unoffloaded."""
    if not card.weights_of or mode != "none":
        return None
    return _PIPELINES.get((card.weights_of, source, *options.pipeline_key(), "none"))


def _held_gib(card: ModelCard, mode: str, donors: dict[str, Any], owner: _Resident | None) -> float:
    """The weights this pipeline adds to the device, GiB: none offloaded, none borrowed."""
    if mode != "none" or owner is not None:
        return 0.0
    return sum(gb for name, gb in card.weights_gb.items() if name not in donors) / GB_PER_GIB


def _make_room(
    card: ModelCard, source: str, options: DiffusionOptions, mode: str, wanted: dict[str, _Key]
) -> _Resident | None:
    """Evict the least recently used pipelines until the residents plus `card` fit the VRAM budget
    (`options.vram_gib`, else the GPU's total; none on a CPU without one). Pipelines sharing
    components go together (one alone would free nothing). Returns the owner still loaded, if any."""
    budget = total_vram_gib(options)
    while True:
        owner = _owner(card, source, options, mode)
        donors = _donors(wanted)
        if mode == "none":
            need = _held_gib(card, mode, donors, owner) + card.working_gib
        else:
            need = card.needs_gib(mode)
        drop = must_evict(_groups(), need, budget)
        if not drop:
            return owner
        _release([key for group in drop for key in group])


def _groups() -> list[tuple[tuple[_Key, ...], float]]:
    """Loaded pipelines joined by shared components, least recently used group first, with the GiB
    each group keeps on the device."""
    keys = list(_PIPELINES)
    root = list(range(len(keys)))

    def find(i: int) -> int:
        while root[i] != i:
            i = root[i]
        return i

    first: dict[int, int] = {}
    for i, key in enumerate(keys):
        for obj in _objects(_PIPELINES[key].pipe):
            root[find(i)] = find(first.setdefault(id(obj), i))
    members: dict[int, list[int]] = {}
    for i in range(len(keys)):
        members.setdefault(find(i), []).append(i)
    ordered = sorted(members.values(), key=max)  # a group is as recent as its latest member
    return [(tuple(keys[i] for i in m), sum(_PIPELINES[keys[i]].gib for i in m)) for m in ordered]


def _torch() -> Any:
    import torch

    return torch


def _place(pipe: Any, offload: str, device: str) -> None:
    """Put the pipeline on its device the way the memory setting asks."""
    if offload == "model":
        pipe.enable_model_cpu_offload(device=device)
    elif offload == "sequential":
        pipe.enable_sequential_cpu_offload(device=device)
    elif offload == "group":
        torch = _torch()
        pipe.enable_group_offload(
            onload_device=torch.device(device),
            offload_type="leaf_level",
            use_stream=device.startswith("cuda"),
        )
    else:
        pipe.to(device)

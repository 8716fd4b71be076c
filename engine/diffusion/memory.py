"""GPU memory planning: which preset, model and offload mode a run uses, decided once per run from
the GPU's TOTAL memory (free memory changes with every pipeline loaded, so reading it per shot
made two shots of one film pick different models), and the one line a CUDA out-of-memory becomes.

Figures are GiB everywhere (the GPU reports GiB; the registry converts the hub's GB), so a
"24 GB" card reading 23.99 GiB is compared like with like. No torch import until a figure is needed.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence
from typing import TypeVar

from engine.diffusion.options import DiffusionOptions
from engine.diffusion.registry import PRESETS, ModelCard, Preset, choose_model, preset_for_vram
from film import BadInput, RenderFailure

K = TypeVar("K", bound=Hashable)
LIGHTER = ("none", "model", "sequential")
"""Offload modes from the fastest (everything resident) to the one that needs the least VRAM."""


def cuda_total_gib(index: int = 0) -> float | None:
    """Total memory of CUDA device `index` in GiB, or None without torch or a GPU."""
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available() or index >= torch.cuda.device_count():
        return None
    return float(torch.cuda.get_device_properties(index).total_memory) / 2**30


def _cuda_index(device: str) -> int | None:
    """The CUDA index a device setting names ('auto' and 'cuda' mean 0), None for a CPU device."""
    if device in ("auto", "cuda"):
        return 0
    if device.startswith("cuda:") and device[5:].isdigit():
        return int(device[5:])
    return None


def total_vram_gib(options: DiffusionOptions) -> float | None:
    """The VRAM a run plans for: `options.vram_gib` (a cap, e.g. on a shared GPU), else the total of
    the run's CUDA device, else None (no GPU, no torch, or a CPU device)."""
    if options.vram_gib is not None:
        return options.vram_gib
    index = _cuda_index(options.device)
    return None if index is None else cuda_total_gib(index)


def must_evict(resident: Sequence[tuple[K, float]], need_gib: float, budget_gib: float | None) -> list[K]:
    """The keys to drop, least recently used first (`resident` is in that order), so the residents'
    GiB plus `need_gib` fit `budget_gib`; nothing without a budget. Entries of 0 GiB (offloaded
    pipelines) are never dropped for memory: it would free nothing."""
    if budget_gib is None:
        return []
    used = sum(gib for _key, gib in resident)
    dropped: list[K] = []
    for key, gib in resident:
        if used + need_gib <= budget_gib:
            break
        if gib > 0:
            dropped.append(key)
            used -= gib
    return dropped


class RunMemory:
    """One run's memory decisions: built once per renderer, it reads the GPU total once (lazily,
    so constructing a renderer imports no torch) and answers every shot the same way."""

    def __init__(self, options: DiffusionOptions) -> None:
        self.options = options
        self._lock = threading.Lock()
        self._read = False
        self._total: float | None = None
        self._gpu = False

    def _load(self) -> None:
        with self._lock:
            if self._read:
                return
            index = _cuda_index(self.options.device)
            cuda = None if index is None else cuda_total_gib(index)
            self._total = self.options.vram_gib if self.options.vram_gib is not None else cuda
            self._gpu = cuda is not None or self.options.device not in ("auto", "cpu")
            self._read = True

    @property
    def total_gib(self) -> float | None:
        """The VRAM planned for, GiB (`options.vram_gib`, else the GPU's total), None without a GPU."""
        self._load()
        return self._total

    @property
    def on_gpu(self) -> bool:
        """Whether pipelines run on an accelerator (offload means nothing on a CPU device)."""
        self._load()
        return self._gpu

    @property
    def fit_mode(self) -> str:
        """The offload whose figure decides what fits: the explicit one, or model offload for auto
        (auto's last resort, sequential offload, is many times slower: it never picks a model)."""
        return "model" if self.options.offload == "auto" else self.options.offload

    def preset(self, name: str) -> Preset:
        """The named preset; 'auto' = the best one whose first-choice model fits this GPU."""
        if name == "auto":
            return preset_for_vram(self.total_gib, self.fit_mode)
        if name not in PRESETS:
            raise BadInput("spec.options.preset", name, f"choose one of: auto, {', '.join(PRESETS)}")
        return PRESETS[name]

    def choose(self, preset: Preset) -> ModelCard:
        """The preset's first model that fits this GPU, else its lightest one."""
        return choose_model(preset, self.total_gib, self.fit_mode)

    def offload_for(self, card: ModelCard) -> str:
        """The concrete offload mode for `card`: the options' explicit one; for auto, none when the
        card's no-offload figure fits, else model when its offload figure fits, else sequential
        (always none on a CPU device, or when the total is unknown)."""
        if self.options.offload != "auto":
            return self.options.offload
        total = self.total_gib
        if total is None or not self.on_gpu:
            return "none"
        for mode in LIGHTER[:-1]:
            if card.needs_gib(mode) <= total:
                return mode
        return LIGHTER[-1]


def oom_failure(
    card: ModelCard, memory: RunMemory | DiffusionOptions, where: str, offload: str = ""
) -> RenderFailure:
    """One line for a CUDA out-of-memory: the model, what it needed with the offload used, the GPU's
    total, and the setting that would fit (a lighter offload, else the draft preset, else tiling)."""
    run = memory if isinstance(memory, RunMemory) else RunMemory(memory)
    mode = offload or run.offload_for(card)
    total = run.total_gib
    shown = f"{total:.1f} GiB" if total is not None else "an unknown amount"
    start = LIGHTER.index(mode) + 1 if mode in LIGHTER else len(LIGHTER)
    advice = ""
    for lighter in LIGHTER[start:]:
        if total is None or card.needs_gib(lighter) <= total:
            advice = f"STORYREEL_DIFFUSION_OFFLOAD={lighter} (needs ~{card.needs_gib(lighter):.1f} GiB)"
            break
    if not advice:
        draft = run.choose(PRESETS["draft"])
        if draft.name != card.name:
            advice = f"STORYREEL_DIFFUSION_PRESET=draft ({draft.name}, ~{draft.needs_gib(mode):.1f} GiB)"
        else:
            advice = "STORYREEL_DIFFUSION_VAE_TILING=true, or smaller/shorter shots"
    return RenderFailure(
        f"{card.name} ran out of GPU memory {where}: it needs ~{card.needs_gib(mode):.1f} GiB with "
        f"offload={mode}, the GPU has {shown}; set {advice}"
    )

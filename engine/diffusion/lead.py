"""Carrying motion across a cut: the previous shot's last few frames, pinned at the start of the
next one by the families that can pin more than one frame.

A single first frame fixes where things are but not where they are going, so every continuous
cut restarts the motion. VACE keeps any frames its mask marks black; an LTX condition takes a
short video (8k+1 frames); SkyReels diffusion forcing continues a prefix video (4k+1 frames).
Other models start from the first frame alone, and their specs drop the lead strip in
`resolve`, so it never changes a cache key it cannot change a pixel of.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from PIL import Image

from engine.diffusion.registry import ModelCard
from film import RenderSpec

F = TypeVar("F")

CAPACITY = {"vace": 5, "condition": 9, "df": 5}
"""Frames each mode can pin, on its latent grid (VACE and SkyReels 1+4k, LTX 1+8k)."""


def lead_count(card: ModelCard) -> int:
    """How many lead frames `card` pins (1: just the first frame)."""
    return CAPACITY.get(card.mode, 1)


def without_lead(spec: RenderSpec, card: ModelCard) -> RenderSpec:
    """`spec` without a lead strip when `card` cannot pin it."""
    if spec.conditioning.lead_video is None or lead_count(card) > 1:
        return spec
    cond = spec.conditioning.model_copy(update={"lead_video": None})
    return spec.model_copy(update={"conditioning": cond})


def lead_frames(frames: Sequence[F], card: ModelCard, spec_fps: int, model_fps: int) -> list[F]:
    """The strip's frames resampled to the model's fps, ending on its last frame, as many as the
    card pins (fewer only when the strip is shorter, kept on the latent grid)."""
    if not frames:
        return []
    want = lead_count(card)
    picked = []
    for j in range(want):
        index = len(frames) - 1 - round(j * spec_fps / model_fps)
        if index < 0:
            break
        picked.append(frames[index])
    step = card.frame_step
    keep = max(1, (len(picked) - 1) // step * step + 1)
    return picked[:keep][::-1]


def planned_lead(spec: RenderSpec, card: ModelCard) -> int:
    """How many lead frames the shot will pin (0 or ≥ 2), read from the strip's header only, so
    the frame plan is known before anything loads."""
    ref = spec.conditioning.lead_video
    if ref is None or lead_count(card) < 2 or not Path(ref.path).is_file():
        return 0
    with Image.open(ref.path) as img:
        count = max(1, int(str(img.info.get("frames", "1"))))
    picked = len(lead_frames(range(count), card, spec.fps, card.fps))
    return picked if picked > 1 else 0

"""The critic: looks at every take's decoded frames and asks for a retake when one is broken.

Diffusion models fail in recognisable ways — a black or frozen clip, flicker, a clip shorter than
asked, a colour jump across a cut that should be continuous — and a new seed usually fixes them.
The critic only judges; decoding is injected (`frames_of`, a studio-side callable returning a
(frames, height, width, channels) uint8 array), because agents must not import the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from film import FilmPlan, RenderSpec, Take

FramesOf = Callable[[Take], np.ndarray]


@dataclass(frozen=True)
class CriticConfig:
    """Thresholds on 0–1 luma/colour scales; defaults tolerate previz and real footage alike."""

    black_luma: float = 0.04
    """A frame darker than this on average counts as black."""
    black_fraction: float = 0.5
    """Share of black frames that fails a take."""
    frozen_delta: float = 0.0005
    """Mean absolute change between frames below which two frames count as identical."""
    frozen_fraction: float = 0.9
    """Share of identical neighbours that fails a take (a still shot still has grain or motion)."""
    flicker_jump: float = 0.12
    """Frame-to-frame mean-luma change that counts as a flicker."""
    flicker_count: int = 3
    """Sign-alternating luma jumps that fail a take."""
    colour_jump: float = 0.2
    """Mean-colour distance across a continuous cut that fails the later take."""
    max_retakes: int = 2
    """Rounds of re-rendering with a new seed before the critic accepts what it has."""


def take_problems(frames: np.ndarray, expected_frames: int, config: CriticConfig) -> list[str]:
    """What is wrong with one take, in words a log can show; [] when it passes."""
    problems: list[str] = []
    if frames.ndim != 4 or frames.shape[0] == 0:
        return [f"no decodable frames (shape {frames.shape})"]
    if frames.shape[0] < expected_frames:
        problems.append(f"{frames.shape[0]} frames, the shot needs {expected_frames}")
    pixels = frames.astype(np.float32) / 255.0
    luma = pixels.mean(axis=(1, 2, 3))
    black = float((luma < config.black_luma).mean())
    if black >= config.black_fraction:
        problems.append(f"{black:.0%} black frames")
    if len(pixels) > 1:
        deltas = np.abs(np.diff(pixels, axis=0)).mean(axis=(1, 2, 3))
        frozen = float((deltas < config.frozen_delta).mean())
        if frozen >= config.frozen_fraction and black < config.black_fraction:
            problems.append(f"{frozen:.0%} frozen frames")
        steps = np.diff(luma)
        big = steps[np.abs(steps) > config.flicker_jump]
        flips = int((np.sign(big[1:]) != np.sign(big[:-1])).sum()) if len(big) > 1 else 0
        if flips >= config.flicker_count:
            problems.append(f"flicker: {flips} alternating brightness jumps")
    return problems


def colour_jump(before: np.ndarray, after: np.ndarray) -> float:
    """Distance (0–1 per channel, Euclidean) between the mean colours of two frames."""
    a = before.astype(np.float32).reshape(-1, before.shape[-1]).mean(axis=0) / 255.0
    b = after.astype(np.float32).reshape(-1, after.shape[-1]).mean(axis=0) / 255.0
    return float(np.linalg.norm(a - b))


class Critic:
    """Reviews a whole film's takes in plan order."""

    def __init__(self, frames_of: FramesOf, config: CriticConfig | None = None) -> None:
        self.frames_of = frames_of
        self.config = config or CriticConfig()

    def review(self, plan: FilmPlan, takes: list[Take]) -> dict[str, list[str]]:
        """Problems per shot id (only shots with problems). Takes must be in plan order."""
        found: dict[str, list[str]] = {}
        by_shot = {t.shot_id: t for t in takes}
        last_frame: np.ndarray | None = None
        for shot in plan.shots:
            take = by_shot.get(shot.id)
            if take is None:
                found[shot.id] = ["no take"]
                last_frame = None
                continue
            frames = np.asarray(self.frames_of(take))
            problems = take_problems(frames, shot.frames, self.config)
            if shot.continuous_with_previous and last_frame is not None and frames.ndim == 4 and len(frames):
                jump = colour_jump(last_frame, frames[0])
                if jump > self.config.colour_jump:
                    problems.append(f"colour jumps {jump:.2f} across a continuous cut")
            if problems:
                found[shot.id] = problems
            last_frame = frames[-1] if frames.ndim == 4 and len(frames) else None
        return found


def retake_seed(spec: RenderSpec, round_no: int) -> int:
    """A new, deterministic seed for retake `round_no` (1-based) of a spec."""
    return (spec.seed + 0x9E3779B1 * round_no) % 2**32

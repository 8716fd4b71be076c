"""The mix: dialogue, ambience, foley, music and an engine's own sound on stems, the dialogue
ducking the rest, brought to the loudness target (EBU R128 integrated, true-peak ceiling).

Every gain here is the same for all stems at a given sample (the master gain and the true-peak
limiter's envelope) or belongs to one stem (its level, its ducking), so the exported stems add
up to the mix exactly: an editor can rebalance them and get our mix back at unity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyloudnorm
from scipy.ndimage import maximum_filter1d, minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, upfirdn

from engine.cutting.audio import DUCK_GAIN, DUCK_RAMP_S, SAMPLE_RATE, Loudness

STEMS = ("dialogue", "ambience", "foley", "music", "native")
"""Stem names, in the order they are exported and laid on OTIO audio tracks."""
DUCKED = ("ambience", "foley", "music", "native")
SPEECH_FLOOR_DB = -50.0
"""A dialogue stem window louder than this (dBFS RMS over 50 ms) is someone speaking."""
TRUE_PEAK_MARGIN_DB = 0.7
"""Head room under the ceiling for the AAC encode, whose decoded peaks land a little higher."""
LOOKAHEAD_S = 0.005
BLOCK, PAD = 4096, 64
"""Samples per true-peak block, and the context each side that the oversampling filter needs."""
OVERSAMPLE = 4
HEADROOM = 10 ** (-4.5 / 20)
"""How far under a level a sample may lie and still have a true peak over it (3 dB, and margin)."""


@dataclass(frozen=True)
class Mix:
    """The finished stems (each (n, 2) float32, levels, ducking and master gain applied) and
    their sum, with the loudness it measures."""

    stems: dict[str, np.ndarray]
    mix: np.ndarray
    integrated_lufs: float
    true_peak_db: float


def stereo(samples: np.ndarray) -> np.ndarray:
    """(n,) or (n, 2) as (n, 2) float32: a mono source sits in the centre."""
    x = np.asarray(samples, dtype=np.float32)
    return np.repeat(x[:, None], 2, axis=1) if x.ndim == 1 else x


def integrated_lufs(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    """BS.1770 gated integrated loudness; -inf for silence or anything shorter than a block."""
    x = stereo(samples).astype(np.float64)
    if len(x) < int(0.4 * rate) or not np.any(x):
        return -math.inf
    return float(pyloudnorm.Meter(rate).integrated_loudness(x))


@cache
def _oversampler() -> np.ndarray:
    """The 4x interpolation filter (the one scipy's resample_poly designs), designed once."""
    return (firwin(2 * 10 * OVERSAMPLE + 1, 1.0 / OVERSAMPLE, window=("kaiser", 5.0)) * OVERSAMPLE).astype(
        np.float32
    )


def true_peak(samples: np.ndarray, floor: float = 0.0) -> np.ndarray:
    """Per-sample peak of a stereo signal (both channels), 4x oversampled (true peak) wherever
    the plain sample peak reaches `floor`: an inter-sample peak is rarely 3 dB over its
    samples, so a floor some dB under the level that matters skips the quiet stretches. Hot
    blocks next to each other are oversampled as one run."""
    x = stereo(samples)
    peak = np.maximum(np.abs(x[:, 0]), np.abs(x[:, 1]))
    hot = np.unique(np.flatnonzero(peak >= floor) // BLOCK)
    if not len(hot):
        return peak
    h = _oversampler()
    delay = (len(h) - 1) // 2
    breaks = np.flatnonzero(np.diff(hot) > 1)
    for first, last in zip(np.r_[hot[0], hot[breaks + 1]], np.r_[hot[breaks], hot[-1]], strict=True):
        lo, hi = first * BLOCK, min(len(x), (last + 1) * BLOCK)
        a, b = max(0, lo - PAD), min(len(x), hi + PAD)
        up = np.abs(upfirdn(h, x[a:b], up=OVERSAMPLE, axis=0)).max(axis=1)[
            delay : delay + OVERSAMPLE * (b - a)
        ]
        up = np.pad(up, (0, OVERSAMPLE * (b - a) - len(up)))
        peak[lo:hi] = np.maximum(peak[lo:hi], up.reshape(b - a, OVERSAMPLE).max(axis=1)[lo - a : hi - a])
    return peak


def true_peak_db(samples: np.ndarray) -> float:
    """The true peak of the whole signal in dBTP."""
    loudest = float(np.abs(samples).max()) if len(samples) else 0.0
    peak = float(true_peak(samples, loudest * HEADROOM).max()) if loudest else 0.0
    return _db(peak)


def _db(amplitude: float) -> float:
    return 20 * math.log10(amplitude) if amplitude > 0 else -math.inf


def speaking(dialogue: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Per sample, 1 where the dialogue stem holds speech (50 ms RMS over the floor), else 0."""
    mono = stereo(dialogue).mean(axis=1)
    power = uniform_filter1d(mono.astype(np.float64) ** 2, size=max(1, int(0.05 * rate)))
    return (power > 10 ** (SPEECH_FLOOR_DB / 10)).astype(np.float32)


def duck_gain(dialogue: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """The gain of the ducked stems: DUCK_GAIN while someone speaks, ramping over DUCK_RAMP_S
    on each side (the ramp starts before the first word, so the line never fights the bed)."""
    ramp = max(1, int(DUCK_RAMP_S * rate))
    near = maximum_filter1d(speaking(dialogue, rate), size=2 * ramp + 1)
    smooth = uniform_filter1d(near, size=ramp)
    return (1.0 - (1.0 - DUCK_GAIN) * smooth).astype(np.float32)


def limiter_envelope(peak: np.ndarray, ceiling_db: float, rate: int = SAMPLE_RATE) -> np.ndarray:
    """A look-ahead true-peak limiter's gain (<= 1 per sample) for a signal whose per-sample
    true peak is `peak`: every sample's gain is at most what its neighbourhood's peak allows,
    so no true peak passes the ceiling."""
    need = np.minimum(1.0, 10 ** (ceiling_db / 20) / np.maximum(peak, 1e-12)).astype(np.float32)
    if need.min() >= 1.0:
        return need
    reach = max(1, int(LOOKAHEAD_S * rate))
    held = minimum_filter1d(need, size=2 * reach + 1)
    return np.minimum(uniform_filter1d(held, size=reach), held)


def mix_stems(stems: Mapping[str, np.ndarray], target: Loudness, *, normalise: bool = True) -> Mix:
    """Duck, sum and level the stems. With `normalise`, a master gain brings the sum to the
    target loudness (without, ambience and foley keep the level they have beside dialogue); the
    limiter keeps the true peak under the ceiling either way. The same gains go on every stem,
    so the stems still sum to the mix.

    The sum's true peak is measured once: a master gain scales it exactly, and the limiter's
    gain moves slowly (over milliseconds), so the mix's true peak is that peak times the gain.
    A normalised mix reports the target it was levelled to (measured before the last small
    make-up gain, within a tenth of a LU of it); the muxed film is measured by `measure`."""
    n = max((len(s) for s in stems.values()), default=0)
    laid = {name: _padded(stereo(s), n) for name, s in stems.items() if name in STEMS}
    if "dialogue" in laid:
        duck = duck_gain(laid["dialogue"])[:, None]
        for name in DUCKED:
            if name in laid:
                laid[name] = laid[name] * duck
    total = sum(laid.values(), np.zeros((n, 2), np.float32))
    ceiling = target.true_peak_db - TRUE_PEAK_MARGIN_DB
    loud = integrated_lufs(total) if normalise else -math.inf
    master = 10 ** ((target.integrated_lufs - loud) / 20) if math.isfinite(loud) else 1.0
    peak = true_peak(total, 10 ** (ceiling / 20) / master * HEADROOM / 2)  # room for the make-up gain
    gain = limiter_envelope(master * peak, ceiling)
    if math.isfinite(loud) and gain.min() < 1.0:  # the limiter took a little loudness: make it up
        short = target.integrated_lufs - integrated_lufs(total * (master * gain)[:, None])
        master *= 10 ** (short / 20)
        gain = limiter_envelope(master * peak, ceiling)
    gain = (gain * np.float32(master))[:, None]
    stems_out = {name: (laid[name] * gain).astype(np.float32) for name in STEMS if name in laid}
    mixed = sum(stems_out.values(), np.zeros((n, 2), np.float32)).astype(np.float32)
    top = float((peak * gain[:, 0]).max()) if n else 0.0
    landed = target.integrated_lufs if math.isfinite(loud) else integrated_lufs(mixed)
    return Mix(stems_out, mixed, landed, _db(top))


def _padded(x: np.ndarray, n: int) -> np.ndarray:
    return x[:n] if len(x) >= n else np.pad(x, ((0, n - len(x)), (0, 0)))

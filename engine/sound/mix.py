"""The mix: dialogue, ambience, foley, music and an engine's own sound on stems, the dialogue
ducking the rest, brought to the loudness target (EBU R128 integrated, true-peak ceiling).

Every gain here is the same for all stems at a given sample (the master gain and the true-peak
limiter's envelope) or belongs to one stem (its level, its ducking), so the exported stems add
up to the mix exactly: an editor can rebalance them and get our mix back at unity.

The mix goes by in reels of about 30 s, so its memory is the same for a minute and for an hour.
The first pass asks each stem for a reel, ducks it, keeps it on disk as raw floats and measures
the sum; the last pass levels and limits each reel and writes the WAVs as it goes (a middle pass
measures again when the limiter took loudness to make up). Each filter reads a margin past the
reel's edges wide enough that a reel's gains are those of the whole signal.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
from scipy.ndimage import maximum_filter1d, minimum_filter1d, uniform_filter1d
from scipy.signal import firwin, upfirdn

from engine.cutting.audio import DUCK_GAIN, DUCK_RAMP_S, SAMPLE_RATE, Loudness
from engine.sound.loudness import Meter
from engine.sound.tracks import read_wav, stereo, wav_writer

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
OVERSAMPLE = 4  # the true-peak loop below takes the maximum of four phases by hand
HEADROOM = 10 ** (-4.5 / 20)
"""How far under a level a sample may lie and still have a true peak over it (3 dB, and margin)."""
REEL = 352 * BLOCK
"""Samples per reel (30.04 s at 48 kHz), whole true-peak blocks."""
SPEECH_WINDOW_S = 0.05
MAKE_UPS = 2
"""Passes that make up the loudness a limiter took (each gain it adds, the limiter trims a little)."""
MIX_NAME, STEMS_DIR = "mix.wav", "stems"


class Stem(Protocol):
    """A stem's sound, asked for reel by reel in order: samples a to b as (b - a,) or (b - a, 2)."""

    def window(self, a: int, b: int) -> np.ndarray: ...


@dataclass(frozen=True)
class Held:
    """A stem already in memory (a test's signal, a short sound)."""

    samples: np.ndarray

    def window(self, a: int, b: int) -> np.ndarray:
        x = stereo(self.samples)[a:b]
        return np.pad(x, ((0, b - a - len(x)), (0, 0))) if len(x) < b - a else x


@dataclass(frozen=True)
class Mix:
    """A finished mix in `folder`: mix.wav, and stems/<name>.wav for each of `stems` (levels,
    ducking and master gain applied), with the loudness it was brought to and its true peak."""

    folder: Path
    stems: tuple[str, ...]
    integrated_lufs: float
    true_peak_db: float

    @property
    def path(self) -> Path:
        return self.folder / MIX_NAME

    def samples(self) -> np.ndarray:
        return read_wav(self.path)

    def stem(self, name: str) -> np.ndarray:
        return read_wav(self.folder / STEMS_DIR / f"{name}.wav")


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
    peak = _louder(x)
    hot = np.unique(np.flatnonzero(peak >= floor) // BLOCK)
    if not len(hot):
        return peak
    h = _oversampler()
    delay = (len(h) - 1) // 2
    breaks = np.flatnonzero(np.diff(hot) > 1)
    for first, last in zip(np.r_[hot[0], hot[breaks + 1]], np.r_[hot[breaks], hot[-1]], strict=True):
        lo, hi = first * BLOCK, min(len(x), (last + 1) * BLOCK)
        a, b = max(0, lo - PAD), min(len(x), hi + PAD)
        up = _louder(upfirdn(h, x[a:b], up=OVERSAMPLE, axis=0))[delay : delay + OVERSAMPLE * (b - a)]
        up = np.pad(up, (0, OVERSAMPLE * (b - a) - len(up))).reshape(b - a, OVERSAMPLE)
        most = np.maximum(np.maximum(up[:, 0], up[:, 1]), np.maximum(up[:, 2], up[:, 3]))
        peak[lo:hi] = np.maximum(peak[lo:hi], most[lo - a : hi - a])
    return peak


def _louder(x: np.ndarray) -> np.ndarray:
    """Per sample, the larger magnitude of a stereo signal's two channels (a column-wise
    maximum: numpy's max over an axis of two is many times slower)."""
    return np.maximum(np.abs(x[:, 0]), np.abs(x[:, 1]))


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
    power = uniform_filter1d(mono.astype(np.float64) ** 2, size=max(1, int(SPEECH_WINDOW_S * rate)))
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


DUCK_REACH = int(SPEECH_WINDOW_S * SAMPLE_RATE) // 2 + 2 * int(DUCK_RAMP_S * SAMPLE_RATE) + 16
"""How far the ducking gain at a sample looks at the dialogue on either side."""
PEAK_REACH = PAD + 2 * int(LOOKAHEAD_S * SAMPLE_RATE) + 16
"""How far the limiter's gain at a sample looks at the true peak on either side."""


def mix_stems(stems: Mapping[str, Stem | np.ndarray], target: Loudness, folder: Path, *, n: int | None = None,
              normalise: bool = True, keep_stems: bool = True) -> Mix:  # fmt: skip
    """Duck, sum and level the stems into folder/mix.wav (and folder/stems/*.wav with
    `keep_stems`). With `normalise`, a master gain brings the sum to the target loudness
    (without, ambience and foley keep the level they have beside dialogue); the limiter keeps
    the true peak under the ceiling either way. The same gains go on every stem, so the stems
    still sum to the mix.

    A normalised mix reports the target it was levelled to (measured before the last small
    make-up gain, within a tenth of a LU of it); the muxed film is measured by `measure`."""
    laid = {name: _as_stem(stems[name]) for name in STEMS if name in stems}
    if n is None:
        n = max((len(s) for s in stems.values() if isinstance(s, np.ndarray)), default=0)
    raw = folder / ".raw"
    raw.mkdir(parents=True, exist_ok=True)
    try:
        loud, block_peaks = _lay(laid, n, raw)
        ceiling = target.true_peak_db - TRUE_PEAK_MARGIN_DB
        levelling = normalise and math.isfinite(loud)
        master = 10 ** ((target.integrated_lufs - loud) / 20) if levelling else 1.0
        limits = len(block_peaks) and block_peaks.max() * master > 10 ** (ceiling / 20) * HEADROOM
        for again in (False, True)[: MAKE_UPS * bool(levelling and limits)]:  # the limiter took loudness
            meter = Meter()
            for gained, peak in _levelled(list(laid), n, raw, master, ceiling, again=again):
                meter.add(sum(gained.values(), np.zeros((len(peak), 2), np.float32)))
            short = target.integrated_lufs - meter.integrated()
            master *= 10 ** (short / 20) if math.isfinite(short) else 1.0
        levels = _levelled(list(laid), n, raw, master, ceiling, again=bool(levelling and limits))
        top, heard = _write(list(laid), levels, folder, keep_stems, measure=not levelling)
    finally:
        shutil.rmtree(raw, ignore_errors=True)
    landed = target.integrated_lufs if levelling else heard
    return Mix(folder, tuple(laid) if keep_stems else (), landed, _db(top))


def _as_stem(stem: Stem | np.ndarray) -> Stem:
    return Held(stem) if isinstance(stem, np.ndarray) else stem


def _reels(n: int) -> Iterator[tuple[int, int]]:
    for a in range(0, n, REEL):
        yield a, min(n, a + REEL)


def _lay(stems: Mapping[str, Stem], n: int, raw: Path) -> tuple[float, np.ndarray]:
    """The first pass: each stem's reels, ducked under the dialogue, kept in raw/<name>.f32;
    returns the sum's loudness and each true-peak block's sample peak."""
    meter = Meter()
    peaks = np.zeros(-(-n // BLOCK), np.float32)
    with ExitStack() as files:
        out = {name: files.enter_context(open(raw / f"{name}.f32", "wb")) for name in stems}
        for a, b in _reels(n):
            reel = {}
            duck = None
            if "dialogue" in stems:
                lo, hi = max(0, a - DUCK_REACH), min(n, b + DUCK_REACH)
                wide = stereo(stems["dialogue"].window(lo, hi))
                duck = duck_gain(wide)[a - lo : b - lo, None]
                reel["dialogue"] = wide[a - lo : b - lo]
            for name, stem in stems.items():
                if name != "dialogue":
                    x = stereo(stem.window(a, b))
                    reel[name] = x * duck if duck is not None and name in DUCKED else x
            total = sum(reel.values(), np.zeros((b - a, 2), np.float32))
            meter.add(total)
            peaks[a // BLOCK : -(-b // BLOCK)] = _block_max(_louder(total))
            for name, x in reel.items():
                np.ascontiguousarray(x, dtype=np.float32).tofile(out[name])
    return meter.integrated(), peaks


def _block_max(x: np.ndarray) -> np.ndarray:
    whole = len(x) // BLOCK * BLOCK
    heads = x[:whole].reshape(-1, BLOCK).max(axis=1) if whole else np.zeros(0, np.float32)
    return np.r_[heads, x[whole:].max()] if whole < len(x) else heads


def _levelled(names: list[str], n: int, raw: Path, master: float, ceiling: float,
              again: bool) -> Iterator[tuple[dict[str, np.ndarray], np.ndarray]]:  # fmt: skip
    """Each reel's stems with the master gain and the limiter on, and the sum's true peak
    there. The true peaks found are kept in raw/peaks.f32; `again` reads them back instead
    (a make-up gain of a dB or two leaves the samples worth oversampling the same)."""
    with ExitStack() as files:
        src = {name: files.enter_context(open(raw / f"{name}.f32", "rb")) for name in names}
        peaks = files.enter_context(open(raw / "peaks.f32", "rb" if again else "wb"))
        for a, b in _reels(n):
            lo, hi = max(0, a - PEAK_REACH), min(n, b + PEAK_REACH)
            if again:
                peaks.seek(lo * 4)
                peak = np.fromfile(peaks, dtype=np.float32, count=hi - lo)
                wide = {name: _read(f, a, b) for name, f in src.items()}
                lo_at = 0
            else:
                wide = {name: _read(f, lo, hi) for name, f in src.items()}
                total = sum(wide.values(), np.zeros((hi - lo, 2), np.float32))
                peak = true_peak(total, 10 ** (ceiling / 20) / master * HEADROOM / 2)
                peak[a - lo : b - lo].tofile(peaks)
                lo_at = a - lo
            gain = limiter_envelope(master * peak, ceiling)[a - lo : b - lo] * np.float32(master)
            gained = {name: (x[lo_at : lo_at + b - a] * gain[:, None]).astype(np.float32)
                      for name, x in wide.items()}  # fmt: skip
            yield gained, peak[a - lo : b - lo] * gain


def _read(f: BinaryIO, lo: int, hi: int) -> np.ndarray:
    f.seek(lo * 8)
    return np.fromfile(f, dtype=np.float32, count=(hi - lo) * 2).reshape(-1, 2)


def _write(names: list[str], levels: Iterator[tuple[dict[str, np.ndarray], np.ndarray]], folder: Path,
           keep_stems: bool, measure: bool) -> tuple[float, float]:  # fmt: skip
    """The last pass: the levelled reels into mix.wav and the stems' WAVs; returns the mix's
    true peak and (with `measure`) its loudness."""
    meter, top = Meter(), 0.0
    with ExitStack() as files:
        mix = files.enter_context(wav_writer(folder / MIX_NAME))
        kept = [(name, files.enter_context(wav_writer(folder / STEMS_DIR / f"{name}.wav")))
                for name in names if keep_stems]  # fmt: skip
        for gained, peak in levels:
            mixed = sum(gained.values(), np.zeros((len(peak), 2), np.float32))
            if measure:
                meter.add(mixed)
            mix(mixed)
            for name, append in kept:
                append(gained[name])
            top = max(top, float(peak.max()) if len(peak) else 0.0)
    return top, meter.integrated()

"""Where sounds start in a track: the benchmark and the tests compare each simulated impact's time
with the onset found in the foley stem, so the finder must place every impact at its first sample.

An impact is a sharp rise of energy over what was already sounding, seen in one of three views of
the track: what a linear prediction from the last 20 ms could not foretell (a ringing decay is
foretold almost perfectly, a new contact not at all), its low end (a thump under a bright pane) and
its top above 9 kHz (a click under a low ring). Each view is cut into 1-ms hops; a hop is an onset
where its energy jumps well above the loudest of the 8 hops before it, so a slow swell (a splash's
wash, a shard's tinkle) or a ring's own wobble is none. The onset is then placed at the first
sample of that rise."""

from __future__ import annotations

import numpy as np
from scipy import signal

from film import BadInput

SAMPLE_RATE = 48000
"""The sound room's rate, the same as engine.cutting.audio's (kept here so the cutting room can import
the sound room without a cycle)."""

HOP_S = 0.001
LOOKBACK_HOPS = 8  # what was already sounding: the loudest hop of the last 8 ms
RISE_DB = (6.5, 11.0, 6.0)  # an onset: a hop this many dB above that, in each view (see _bands)
FLOOR_DB = -60.0  # below a view's loudest hop, energy counts as silence
HIGH_BAND_HZ = 9000.0
LOW_BAND_HZ = 500.0
ORDER = 24  # prediction order: up to 12 ringing modes foretold
WHITENING = 1e-4  # caps the prediction gain near 40 dB, so silence and pure tones stay sane


def detect_onsets(samples: np.ndarray, rate: int = SAMPLE_RATE, min_gap_s: float = 0.05) -> list[float]:
    """Onset times in seconds, ascending, of a mono (n,) or stereo (n, 2) track (mixed down).
    Onsets closer than `min_gap_s` to the previous one belong to it and are not reported."""
    x = _mono(samples)
    if rate < 8000:
        raise BadInput("rate", rate, "must be at least 8000 Hz")
    if not np.isfinite(min_gap_s) or min_gap_s < 0:
        raise BadInput("min_gap_s", min_gap_s, "must be a non-negative number of seconds")
    hop = max(1, round(HOP_S * rate))
    hops = len(x) // hop
    if hops < 2:
        return []
    bands = _bands(x, rate)
    rises = np.stack([_rise_db(band, hop, hops) - RISE_DB[i] for i, band in enumerate(bands)])
    gap = max(1, round(min_gap_s * rate))
    found: list[float] = []
    last = -gap
    for h in map(int, np.flatnonzero(rises.max(axis=0) > 0)):
        # Placed by the prediction residual where it saw the rise too (its first sample is the
        # contact's), else by the view that saw it.
        view = 0 if rises[0, h] > 0 or rises[0, min(h + 1, hops - 1)] > 0 else int(np.argmax(rises[:, h]))
        start = _first_sample(bands[view], h, hop)
        if start - last >= gap:
            found.append(start / rate)
            last = start
    return found


def _bands(x: np.ndarray, rate: int) -> list[np.ndarray]:
    """The views an onset may show in: what the recent past could not foretell (any new contact),
    the low end (a thump under a ringing pane) and the top (a click under a low ring)."""
    views = [_surprise(x, rate)]
    views.append(signal.sosfilt(signal.butter(2, LOW_BAND_HZ, "lowpass", fs=rate, output="sos"), x))
    if rate > 2.2 * HIGH_BAND_HZ:
        views.append(signal.sosfilt(signal.butter(4, HIGH_BAND_HZ, "highpass", fs=rate, output="sos"), x))
    return views


def _mono(samples: np.ndarray) -> np.ndarray:
    x = np.asarray(samples)
    if x.ndim == 2 and x.shape[1] in (1, 2):
        x = x.mean(axis=1)
    if x.ndim != 1:
        raise BadInput("samples", x.shape, "must be mono (n,) or stereo (n, 2)")
    x = x.astype(np.float64)
    if not np.all(np.isfinite(x)):
        raise BadInput("samples", "non-finite", "must hold finite sample values")
    return x


def _surprise(x: np.ndarray, rate: int) -> np.ndarray:
    """What the last 20 ms could not foretell: the residual of a linear prediction fitted on the
    20 ms before each 10-ms block. A ringing decay (a sum of damped sines) is foretold almost
    perfectly, a new impact not at all, so its first sample stands out even under a loud ring."""
    hop = max(1, round(HOP_S * rate))
    step, span = 10 * hop, 20 * hop
    blocks = -(-len(x) // step)
    padded = np.concatenate([np.zeros(span), x, np.zeros(blocks * step - len(x))])
    starts = np.arange(blocks) * step  # block b is padded[span + start : ...], fitted on the span before
    frames = np.lib.stride_tricks.sliding_window_view(padded, span)[starts] * np.hanning(span)
    spectrum = np.abs(np.fft.rfft(frames, 2 * span, axis=1)) ** 2
    r = np.fft.irfft(spectrum, axis=1)[:, : ORDER + 1]
    r[:, 0] = r[:, 0] * (1 + WHITENING) + 1e-18
    a = _levinson(r)
    fresh = _residual(padded, a, span, step)
    older = _residual(padded, np.concatenate([a[:1], a[:-1]]), span, step)
    # Each hop keeps the better of this block's and the last block's prediction, so a change of
    # predictor at a block's edge never looks like a new sound; a true onset fools both.
    a_hops, b_hops = fresh.reshape(-1, hop), older.reshape(-1, hop)
    pick = np.square(b_hops).sum(axis=1) < np.square(a_hops).sum(axis=1)
    a_hops[pick] = b_hops[pick]
    return a_hops.reshape(-1)[: len(x)]


def _residual(padded: np.ndarray, a: np.ndarray, span: int, step: int) -> np.ndarray:
    """The prediction error of each block with its own coefficients (a row of `a` per block)."""
    blocks = len(a)
    out = padded[span:].reshape(blocks, step).copy()
    for k in range(1, ORDER + 1):
        out -= a[:, k - 1 : k] * padded[span - k : span - k + blocks * step].reshape(blocks, step)
    return out.reshape(-1)


def _levinson(r: np.ndarray) -> np.ndarray:
    """Prediction coefficients (x[n] ≈ Σ a_k x[n-k]) for each row of autocorrelations, all at once."""
    rows, order = r.shape[0], r.shape[1] - 1
    a = np.zeros((rows, order))
    error = r[:, 0].copy()
    for i in range(order):
        k = (r[:, i + 1] - np.einsum("bj,bj->b", a[:, :i], r[:, i:0:-1])) / error
        a[:, :i] = a[:, :i] - k[:, None] * a[:, i - 1 :: -1][:, :i] if i else a[:, :i]
        a[:, i] = k
        error = error * (1 - k * k)
    return a


def _rise_db(band: np.ndarray, hop: int, hops: int) -> np.ndarray:
    """How many dB each hop's energy stands above the loudest of the hops before it."""
    energy = np.square(band[: hops * hop]).reshape(hops, hop).mean(axis=1)
    floor = max(float(energy.max()) * 10 ** (FLOOR_DB / 10), 1e-20)
    level = 10 * np.log10(np.maximum(energy, floor))
    before = np.full(hops, 10 * np.log10(floor))
    for k in range(1, LOOKBACK_HOPS + 1):
        before[k:] = np.maximum(before[k:], level[:-k])
    return level - before


def _first_sample(band: np.ndarray, h: int, hop: int) -> int:
    """The first sample of the rise found in hop `h` of `band`: it may begin late in the hop before."""
    lo, hi = max(0, (h - 1) * hop), (h + 1) * hop
    window = np.abs(band[lo:hi])
    background = np.abs(band[max(0, lo - LOOKBACK_HOPS * hop) : lo])
    calm = float(background.max()) if background.size else 0.0
    threshold = max(2.0 * calm, 0.1 * float(window.max()))
    above = np.flatnonzero(window > threshold)
    return lo + int(above[0]) if above.size else h * hop

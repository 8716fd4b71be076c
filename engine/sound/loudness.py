"""BS.1770 gated loudness measured as the sound goes by, a reel at a time, so a two-hour mix is
measured without ever holding it whole: the K-weighting filters carry their state from one reel
to the next, and the 400-ms gating blocks (75 % overlap) are sums of 100-ms steps kept as two
numbers each. A signal measured in one piece or in any number of reels gives the same value.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import sosfilt

from engine.cutting.audio import SAMPLE_RATE
from engine.sound.tracks import stereo

K_WEIGHTING = np.array(
    [
        [1.53512485958697, -2.69169618940638, 1.19839281085285, 1.0, -1.69065929318241, 0.73248077421585],
        [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621],
    ]
)
"""BS.1770-4's K-weighting at 48 kHz as second-order sections: the head's high shelf, then the
RLB high-pass."""
STEP = SAMPLE_RATE // 10
"""100 ms: the hop of the gating blocks; a block is four steps."""
ABSOLUTE_GATE, RELATIVE_GATE = -70.0, -10.0


class Meter:
    """Integrated loudness of a stereo signal fed in order, in pieces of any length."""

    def __init__(self) -> None:
        self._state = np.zeros((len(K_WEIGHTING), 2, 2))  # at rest before the first sample
        self._steps: list[np.ndarray] = []  # (2,) summed K-weighted power of each full step
        self._part = np.zeros(2)  # the running step's sum so far
        self._filled = 0  # samples in the running step
        self.samples = 0

    def add(self, samples: np.ndarray) -> None:
        x = stereo(samples).astype(np.float64)
        if not len(x):
            return
        x, self._state = sosfilt(K_WEIGHTING, x, axis=0, zi=self._state)
        power = x * x
        self.samples += len(power)
        head = min(len(power), STEP - self._filled)
        self._part += power[:head].sum(axis=0)
        self._filled += head
        rest = power[head:]
        if self._filled == STEP:
            self._close()
            whole = len(rest) // STEP * STEP
            if whole:
                self._steps.extend(rest[:whole].reshape(-1, STEP, 2).sum(axis=1))
            self._part, self._filled = rest[whole:].sum(axis=0), len(rest) - whole

    def _close(self) -> None:
        self._steps.append(self._part)
        self._part, self._filled = np.zeros(2), 0

    def integrated(self) -> float:
        """LUFS, gated at -70 LUFS and 10 LU under the ungated mean; -inf for silence or anything
        shorter than one 400-ms block."""
        steps = np.array(self._steps + [self._part] * bool(self._filled), dtype=np.float64).reshape(-1, 2)
        blocks = round((self.samples - 4 * STEP) / STEP) + 1 if self.samples >= 4 * STEP else 0
        if not blocks:
            return -math.inf
        padded = np.vstack([steps, np.zeros((max(0, blocks + 3 - len(steps)), 2))])
        window = np.cumsum(np.vstack([np.zeros((1, 2)), padded]), axis=0)
        z = (window[4 : blocks + 4] - window[:blocks]) / (4 * STEP)  # (blocks, 2) mean square
        level = _lufs(z.sum(axis=1))
        kept = level >= ABSOLUTE_GATE
        if not kept.any():
            return -math.inf
        gate = _lufs(np.array([z[kept].sum(axis=1).mean()]))[0] + RELATIVE_GATE
        kept &= level > gate
        return float(_lufs(np.array([z[kept].sum(axis=1).mean()]))[0]) if kept.any() else -math.inf


def _lufs(power: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(power)


def integrated_lufs(samples: np.ndarray) -> float:
    """The integrated loudness of a whole signal held in memory (a line, a music bed's reel)."""
    meter = Meter()
    meter.add(samples)
    return meter.integrated()

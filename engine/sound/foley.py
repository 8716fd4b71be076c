"""Foley: the sound of every impact and footstep the picture shows, at the instant it is seen.

Each cue is synthesised from simple physical models: struck modes (damped sinusoids) for glass,
wood and metal, filtered noise for the crash of glass, the splash of water and the thump of cloth,
rising-pitch bubbles in a splash. Every sound begins with the contact's click on its very first
sample, so the onset is heard (and found, engine/sound/onsets.py) exactly where the physics put it.
Loudness follows the contact's impulse (or its speed), timbre the material; each cue gets its own
seeded variation, so two knocks are never identical, yet the same cues and seed give the same track.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence

import numpy as np
from scipy import signal

from engine.sound.onsets import SAMPLE_RATE
from film import BadInput, FoleyCue, Material

MAX_SECONDS = 2 * 3600.0  # a whole film's foley stem, in one piece

LOUD_MS = 6.0  # a 6 m/s smash ...
LOUD_DB = -6.0  # ... peaks at -6 dBFS; loudness grows 20·log10 with the strength
LOUDEST_DB, QUIETEST_DB = -3.0, -48.0
REF_MASS_KG = 1.0  # an impulse of I N·s sounds like a 1-kg body hitting at I m/s
QUIET_MS = 0.1  # a cue that gives neither impulse nor speed is a faint touch
STEP_DB = {"walk": -24.0, "run": -16.0}  # a heel strike's peak
STEP_DECAY_S = {"walk": 0.045, "run": 0.028}
RUN_MS = 2.5  # a footstep without a pace is a run above this speed


class FoleyStem:
    """The foley stem, mono float32 at 48 kHz, asked for in windows that move forward: each cue's
    sound starts at sample round(t_s·48000) and is synthesised once, when a window first
    reaches it, and let go once the windows have passed its end."""

    def __init__(self, cues: Sequence[FoleyCue], seconds: float, seed: int) -> None:
        self.n = _length(seconds)
        seen: dict[str, int] = {}
        self._todo: list[tuple[int, FoleyCue, list[int]]] = []  # start, cue, its seed words
        for cue in cues:
            key = cue.model_dump_json()
            repeat = seen.get(key, 0)
            seen[key] = repeat + 1
            start = round(cue.t_s * SAMPLE_RATE)
            if start < self.n:
                self._todo.append((start, cue, [_seed(seed), *_words(key), repeat]))
        self._todo.sort(key=lambda item: item[0])
        self._ringing: list[tuple[int, np.ndarray]] = []

    def window(self, a: int, b: int) -> np.ndarray:
        b = min(b, self.n)
        while self._todo and self._todo[0][0] < b:
            start, cue, words = self._todo.pop(0)
            self._ringing.append((start, impact_sound(cue, np.random.default_rng(words))))
        out = np.zeros(max(0, b - a), np.float64)
        for start, sound in self._ringing:
            lo, hi = max(a, start), min(b, start + len(sound))
            if lo < hi:
                out[lo - a : hi - a] += sound[lo - start : hi - start]
        self._ringing = [(start, sound) for start, sound in self._ringing if start + len(sound) > b]
        return out.astype(np.float32)


def foley_track(cues: Sequence[FoleyCue], seconds: float, seed: int) -> np.ndarray:
    """The whole foley stem at once (n = round(seconds·48000)): cues at or past the end are
    dropped, sounds running past the end are cut there."""
    stem = FoleyStem(cues, seconds, seed)
    return stem.window(0, stem.n)


def impact_sound(cue: FoleyCue, rng: np.random.Generator) -> np.ndarray:
    """One cue's sound, mono float32, its click on sample 0 and its peak at the cue's loudness."""
    if cue.kind == "footstep":
        pace = cue.pace or ("run" if cue.speed_ms > RUN_MS else "walk")
        shape = _footstep(rng, pace, cue.material)
        gain_db = STEP_DB[pace] + rng.uniform(-1.5, 1.5)
    else:
        strength = _strength(cue)
        shape = MATERIALS[cue.material](rng, strength)
        gain_db = loudness_db(strength) + rng.uniform(-0.5, 0.5)
    peak = float(np.max(np.abs(shape)))
    return (shape * (10 ** (gain_db / 20) / peak)).astype(np.float32)


def loudness_db(strength: float) -> float:
    """Peak dBFS of an impact of `strength` (m/s, or N·s per kg): monotonic, clipped."""
    db = LOUD_DB + 20 * math.log10(max(strength, 1e-6) / LOUD_MS)
    return min(LOUDEST_DB, max(QUIETEST_DB, db))


def _strength(cue: FoleyCue) -> float:
    if cue.impulse > 0:
        return cue.impulse / REF_MASS_KG
    return cue.speed_ms if cue.speed_ms > 0 else QUIET_MS


def _length(seconds: float) -> int:
    if not math.isfinite(seconds) or seconds < 0 or seconds > MAX_SECONDS:
        raise BadInput("seconds", seconds, f"must be between 0 and {MAX_SECONDS:.0f}")
    return round(seconds * SAMPLE_RATE)


def _seed(seed: int) -> int:
    return int(seed) & 0xFFFF_FFFF_FFFF_FFFF


def _words(text: str) -> list[int]:
    """A cue's own seed words: its content, so one cue's sound never depends on the others."""
    digest = hashlib.sha256(text.encode()).digest()
    return [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4)]


# --- building blocks -------------------------------------------------------------------------


def _time(seconds: float) -> np.ndarray:
    return np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE


def _noise(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.standard_normal(n)


def filtered(x: np.ndarray, lo: float | None, hi: float | None, order: int = 2) -> np.ndarray:
    """`x` (along its first axis) through a Butterworth band-pass, or a high-pass (no `hi`) or a
    low-pass (no `lo`): the one filter both foley and ambience shape their noise with."""
    if lo and hi:
        sos = signal.butter(order, [lo, hi], "bandpass", fs=SAMPLE_RATE, output="sos")
    elif lo:
        sos = signal.butter(order, lo, "highpass", fs=SAMPLE_RATE, output="sos")
    else:
        sos = signal.butter(order, hi, "lowpass", fs=SAMPLE_RATE, output="sos")
    return signal.sosfilt(sos, x, axis=0)


def _click(rng: np.random.Generator, n: int, decay_s: float = 0.0006) -> np.ndarray:
    """The contact itself: a broadband tick whose first sample is its loudest."""
    t = np.arange(n) / SAMPLE_RATE
    tick = _noise(rng, n) * np.exp(-t / decay_s) * 0.5
    tick[0] = 1.0 if rng.random() < 0.5 else -1.0
    return tick


def _modes(t: np.ndarray, freqs: np.ndarray, decays: np.ndarray, amps: np.ndarray) -> np.ndarray:
    """Struck modes: damped sinusoids set going at once, from rest (a strike gives velocity, not
    displacement), so the contact's click alone makes the first sample."""
    out = np.zeros_like(t)
    for f, d, a in zip(freqs, decays, amps, strict=True):
        out += a * np.exp(-t / d) * np.sin(2 * np.pi * f * t)
    return out


def _soft(t: np.ndarray, rise_s: float) -> np.ndarray:
    """A raised-cosine rise: secondary sounds (tinkles, bubbles) swell in, never click."""
    return np.where(t < rise_s, 0.5 - 0.5 * np.cos(np.pi * np.minimum(t, rise_s) / rise_s), 1.0)


def _scatter(
    out: np.ndarray, rng: np.random.Generator, count: int, within: tuple[float, float], make: Callable
) -> None:
    """Add `count` small sounds from `make(rng, at_s)` at random moments in `within` seconds."""
    for _ in range(count):
        at_s = float(rng.uniform(*within))
        at = round(at_s * SAMPLE_RATE)
        piece = make(rng, at_s)
        end = min(len(out), at + len(piece))
        out[at:end] += piece[: end - at]


def _tail(x: np.ndarray, fade_s: float = 0.03) -> np.ndarray:
    """Fade the last moments out, so a sound that is cut short never ends on a step."""
    k = min(len(x), round(fade_s * SAMPLE_RATE))
    x[len(x) - k :] *= np.linspace(1.0, 0.0, k)
    return x


# --- materials -------------------------------------------------------------------------------


def _glass(rng: np.random.Generator, strength: float) -> np.ndarray:
    """Bright inharmonic partials (2-8 kHz); a shattering hit adds a noisy crash and tinkles."""
    t = _time(0.9)
    k = int(rng.integers(10, 15))
    out = _modes(t, np.exp(rng.uniform(np.log(2000), np.log(8000), k)), rng.uniform(0.04, 0.3, k),
                 rng.uniform(0.3, 1.0, k))  # fmt: skip
    out += 0.8 * _click(rng, len(t), 0.0004)
    if strength >= 1.5:
        crash = filtered(_noise(rng, len(t)), 1500, None)
        out += crash * (1.2 * np.exp(-t / 0.05) + 0.15 * np.exp(-t / 0.25))
        count = int(4 + 10 * min(1.0, strength / LOUD_MS))
        _scatter(out, rng, count, (0.04, 0.5), _tinkle)
    return _tail(out)


def _tinkle(rng: np.random.Generator, at_s: float) -> np.ndarray:
    """A falling shard's ping, swelling in under the ringing pane (fading with it, by `at_s`)."""
    t = _time(0.08)
    f, d = rng.uniform(3000, 9000), rng.uniform(0.015, 0.05)
    level = rng.uniform(0.1, 0.25) * math.exp(-at_s / 0.3)
    return level * _soft(t, 0.008) * np.exp(-t / d) * np.sin(2 * np.pi * f * t)


def _wood(rng: np.random.Generator, strength: float) -> np.ndarray:
    """A knock: a few short, damped modes between 200 and 900 Hz over a woody tick."""
    t = _time(0.3)
    k = int(rng.integers(3, 6))
    out = _modes(t, np.exp(rng.uniform(np.log(200), np.log(900), k)), rng.uniform(0.015, 0.06, k),
                 rng.uniform(0.5, 1.0, k))  # fmt: skip
    out += filtered(_noise(rng, len(t)), 300, 2500) * np.exp(-t / 0.004) * 1.5
    out += 0.6 * _click(rng, len(t))
    return _tail(out)


def _water(rng: np.random.Generator, strength: float) -> np.ndarray:
    """A splash: a noise burst in 500-4000 Hz that swells after the slap, then bubbles."""
    t = _time(0.7)
    swell = (t / 0.03) * np.exp(1 - t / 0.03)
    wash = 0.6 * np.exp(-t / 0.004) + 0.5 * swell + 0.15 * np.exp(-t / 0.15)
    out = filtered(_noise(rng, len(t)), 500, 4000) * wash + 0.4 * _click(rng, len(t))
    _scatter(out, rng, int(8 + 14 * min(1.0, strength / LOUD_MS)), (0.03, 0.4), _bubble)
    return _tail(out, 0.1)


def _bubble(rng: np.random.Generator, at_s: float) -> np.ndarray:
    """A bubble's ring rises in pitch; it fades with the splash's wash (its time `at_s`), under it."""
    t = _time(0.06)
    f0, rise, d = rng.uniform(600, 3000), rng.uniform(2.0, 8.0), rng.uniform(0.01, 0.035)
    phase = 2 * np.pi * f0 * (t + rise * t * t / 2)
    level = rng.uniform(0.03, 0.08) * math.exp(-at_s / 0.15)
    return level * _soft(t, 0.008) * np.exp(-t / d) * np.sin(phase)


BAR_RATIOS = np.array([1.0, 2.756, 5.404, 8.933, 13.345])  # a free bar's modes: bells, pipes, pans


def _metal(rng: np.random.Generator, strength: float) -> np.ndarray:
    """A ring: inharmonic modes that decay slowly, the high ones sooner."""
    f0 = float(np.exp(rng.uniform(np.log(250), np.log(900))))
    freqs = f0 * BAR_RATIOS * rng.uniform(0.98, 1.02, len(BAR_RATIOS))
    freqs = np.concatenate([freqs, f0 * rng.uniform(1.3, 12.0, 3)])
    freqs = freqs[freqs < 16000]
    decays = rng.uniform(0.6, 1.2) * np.sqrt(f0 / freqs)
    amps = rng.uniform(0.4, 1.0, len(freqs)) / np.sqrt(freqs / f0)
    t = _time(min(4.0, 5 * float(decays.max())))
    out = _modes(t, freqs, decays, amps) + 0.7 * _click(rng, len(t), 0.0003)
    return _tail(out, 0.2)


def _cloth(rng: np.random.Generator, strength: float) -> np.ndarray:
    """A thump: low-passed noise, short, over a soft low body."""
    t = _time(0.12)
    out = filtered(_noise(rng, len(t)), None, 400) * np.exp(-t / 0.02) * 3.0
    out += np.exp(-t / 0.025) * np.sin(2 * np.pi * rng.uniform(60, 120) * t) * 0.8
    out += 0.25 * _click(rng, len(t), 0.0003)
    return _tail(out)


MATERIALS: dict[Material, Callable[[np.random.Generator, float], np.ndarray]] = {
    "glass": _glass,
    "wood": _wood,
    "water": _water,
    "metal": _metal,
    "cloth": _cloth,
}


def _footstep(rng: np.random.Generator, pace: str, material: Material) -> np.ndarray:
    """A heel strike: a low thump and a scuff, with a little of the floor's own sound."""
    t = _time(0.2)
    decay = STEP_DECAY_S[pace] * rng.uniform(0.85, 1.15)
    out = np.exp(-t / decay) * np.sin(2 * np.pi * rng.uniform(70, 120) * t)
    out += filtered(_noise(rng, len(t)), None, 800) * np.exp(-t / (decay / 3)) * 2.0
    out += filtered(_noise(rng, len(t)), 1000, 4000) * np.exp(-t / 0.02) * rng.uniform(0.1, 0.2)
    out += 0.4 * _click(rng, len(t), 0.0004)
    if material != "cloth":
        floor = MATERIALS[material](rng, 0.5)[: len(t)]
        out[: len(floor)] += 0.3 * floor / float(np.max(np.abs(floor)))
    return _tail(out)

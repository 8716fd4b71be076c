"""The stems of a score as the mix asks for them, a reel at a time (see engine/sound/mix.py): the
spoken lines laid where they fall, the scenes' beds with their cross-fades, an engine's own
sound decoded clip by clip, and the music bed read from a decoded file. None holds more than a
reel and the bed or line it is playing, so a long film's sound costs a short film's memory.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.cutting.audio import SAMPLE_RATE
from engine.sound.ambience import ambience_bed
from engine.sound.loudness import Meter
from engine.sound.mix import Stem
from engine.sound.tracks import decode_audio, decode_to, stereo
from film import Physics, Scene, stable_hash

MUSIC_LUFS = -22.0


@dataclass
class Lines:
    """The dialogue stem: each line's samples (mono, levelled) from its first sample."""

    placed: list[tuple[int, np.ndarray]] = field(default_factory=list)

    def window(self, a: int, b: int) -> np.ndarray:
        out = np.zeros(b - a, np.float32)
        for at, speech in self.placed:
            lo, hi = max(a, at), min(b, at + len(speech))
            if lo < hi:
                out[lo - a : hi - a] += speech[lo - at : hi - at]
        return out


@dataclass(frozen=True)
class Run:
    """One bed: samples a to b of the film, fading in and out over that many samples."""

    a: int
    b: int
    fade_in: int
    fade_out: int
    scene: Scene
    physics: Physics
    seed: int


class Beds:
    """The ambience stem: each run's bed, synthesised a piece at a time as the reels reach it
    (see `piece`), each piece let go once the reels have passed it."""

    def __init__(self, runs: Sequence[Run]) -> None:
        self.runs = sorted(runs, key=lambda r: r.a)
        self._pieces: dict[tuple[int, int], np.ndarray] = {}

    def window(self, a: int, b: int) -> np.ndarray:
        out = np.zeros((b - a, 2), np.float32)
        for k, run in enumerate(self.runs):
            lo, hi = max(a, run.a), min(b, run.b)
            if lo < hi:
                envelope = fades(run.b - run.a, run.fade_in, run.fade_out, lo - run.a, hi - run.a)
                out[lo - a : hi - a] += self._bed(k, lo - run.a, hi - run.a) * envelope[:, None]
        self._pieces = {
            key: x for key, x in self._pieces.items() if self.runs[key[0]].a + _span(key[1])[1] > b
        }
        return out

    def _bed(self, k: int, lo: int, hi: int) -> np.ndarray:
        """Samples lo to hi of run k's bed: each piece, cross-faded into the next over its tail."""
        run, out = self.runs[k], np.zeros((hi - lo, 2), np.float32)
        n = run.b - run.a
        for j in range(max(0, (lo - FADE) // PIECE), (hi - 1) // PIECE + 1):
            start, end = _span(j)
            a, b = max(lo, start), min(hi, end, n)
            if a >= b:
                continue
            if (k, j) not in self._pieces:
                self._pieces[(k, j)] = piece(run.scene, run.physics, min(end, n) - start, run.seed, j)
            x = self._pieces[(k, j)][a - start : b - start]
            at = np.arange(a, b)
            if j:  # rising over the first FADE samples, where piece j - 1 falls
                rise = np.minimum(1.0, (at - start + 0.5) / FADE)
                x = x * np.sin(0.5 * np.pi * rise).astype(np.float32)[:, None]
            if end - FADE < n:  # piece j + 1 follows: fall under it
                tail = np.clip((at - (end - FADE) + 0.5) / FADE, 0.0, 1.0)
                x = x * np.cos(0.5 * np.pi * tail).astype(np.float32)[:, None]
            out[a - lo : b - lo] += x
        return out


PIECE_S, FADE_S = 20.0, 1.0
PIECE, FADE = round(PIECE_S * SAMPLE_RATE), round(FADE_S * SAMPLE_RATE)
"""A bed is synthesised in pieces of PIECE samples, each running FADE more to cross into the next."""


def _span(j: int) -> tuple[int, int]:
    """The samples of a run's bed that piece j covers (its cross-fade tail included)."""
    return j * PIECE, (j + 1) * PIECE + FADE


def piece(scene: Scene, physics: Physics, n: int, seed: int, j: int) -> np.ndarray:
    """Piece j of a scene's bed, n samples: each piece is drawn from its own seed, so a long
    bed never repeats, and its memory is one piece's, however long the scene."""
    drawn = seed if not j else int(stable_hash({"bed": seed, "piece": j})[:8], 16)
    return ambience_bed(scene, physics, n / SAMPLE_RATE, drawn)[:n]


def fades(n: int, fade_in: int, fade_out: int, lo: int = 0, hi: int | None = None) -> np.ndarray:
    """Samples lo to hi of an n-sample equal-power envelope: a sine rise over `fade_in` samples,
    a cosine fall over the last `fade_out`."""
    at = np.arange(lo, n if hi is None else hi, dtype=np.float64)
    env = np.ones(len(at), np.float64)
    up, down = min(fade_in, n), min(fade_out, n)
    if up:
        rising = at < up
        env[rising] *= np.sin(0.5 * np.pi * (at[rising] + 0.5) / up)
    if down:
        falling = at >= n - down
        env[falling] *= np.cos(0.5 * np.pi * (at[falling] - (n - down) + 0.5) / down)
    return env.astype(np.float32)


@dataclass(frozen=True)
class Heard:
    """A clip whose take carries sound: its samples a to b play `source` from `start_s`."""

    a: int
    b: int
    source: Path
    start_s: float


@dataclass
class EngineSound:
    """The sound engines made with their takes, on their clips' spans; with `replaces`, our
    ambience and foley fall silent there (see `Under`)."""

    clips: list[Heard]
    replaces: bool

    def window(self, a: int, b: int) -> np.ndarray:
        out = np.zeros((b - a, 2), np.float32)
        for clip in self.clips:
            lo, hi = max(a, clip.a), min(b, clip.b)
            if lo < hi:
                start = clip.start_s + (lo - clip.a) / SAMPLE_RATE
                piece = decode_audio(clip.source, (hi - lo) / SAMPLE_RATE, start_s=start)
                out[lo - a : hi - a] += piece[: hi - lo]
        return out

    def silenced(self, a: int, b: int) -> np.ndarray:
        """1 where the engine's sound replaces ours, else 0, for samples a to b."""
        mask = np.zeros(b - a, np.float32)
        for clip in self.clips if self.replaces else ():
            mask[max(a, clip.a) - a : max(a, min(b, clip.b)) - a] = 1.0
        return mask


@dataclass
class Under:
    """A stem that an engine's own sound replaces on its clips."""

    stem: Stem
    engine: EngineSound

    def window(self, a: int, b: int) -> np.ndarray:
        return stereo(self.stem.window(a, b)) * (1.0 - self.engine.silenced(a, b))[:, None]


class MusicBed:
    """The user's bed looped to the film, faded in and out, at the music level: decoded once to
    raw samples in `work`, measured there, and read back a reel at a time."""

    def __init__(self, music: Path, seconds: float, work: Path) -> None:
        self.n = round(seconds * SAMPLE_RATE)
        self.fade = round(min(1.0, seconds / 4) * SAMPLE_RATE)
        self.raw = decode_to(music, seconds, work / "music.f32", loop=True)
        meter = Meter()
        for a in range(0, self.n, 30 * SAMPLE_RATE):
            meter.add(self._faded(a, min(self.n, a + 30 * SAMPLE_RATE)))
        loud = meter.integrated()
        self.gain = np.float32(10 ** ((MUSIC_LUFS - loud) / 20) if math.isfinite(loud) else 1.0)

    def _faded(self, a: int, b: int) -> np.ndarray:
        with open(self.raw, "rb") as f:
            f.seek(a * 8)
            x = np.fromfile(f, dtype=np.float32, count=(b - a) * 2).reshape(-1, 2)
        x = np.pad(x, ((0, b - a - len(x)), (0, 0))) if len(x) < b - a else x
        return x * fades(self.n, self.fade, self.fade, a, b)[:, None]

    def window(self, a: int, b: int) -> np.ndarray:
        return self._faded(a, b) * self.gain

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
from film import Physics, Scene

BED_LOOP_S, LOOP_FADE_S = 60.0, 1.0
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
    """The ambience stem: one bed per run, synthesised when the reels reach it, let go after."""

    def __init__(self, runs: Sequence[Run]) -> None:
        self.runs = sorted(runs, key=lambda r: r.a)
        self._bodies: dict[int, np.ndarray] = {}

    def window(self, a: int, b: int) -> np.ndarray:
        out = np.zeros((b - a, 2), np.float32)
        for k, run in enumerate(self.runs):
            lo, hi = max(a, run.a), min(b, run.b)
            if lo >= hi:
                continue
            if k not in self._bodies:
                self._bodies[k] = bed(run.scene, run.physics, run.b - run.a, run.seed)
            body = self._bodies[k]
            at = np.arange(lo - run.a, hi - run.a)
            envelope = fades(run.b - run.a, run.fade_in, run.fade_out, lo - run.a, hi - run.a)
            out[lo - a : hi - a] += body[at % len(body)] * envelope[:, None]
        self._bodies = {k: body for k, body in self._bodies.items() if self.runs[k].b > b}
        return out


def bed(scene: Scene, physics: Physics, n: int, seed: int) -> np.ndarray:
    """A scene's bed for a run of n samples: synthesised whole up to BED_LOOP_S; a longer run
    plays a loop of that length, its end cross-faded (equal power) into its start, so memory
    stays bounded for a half-hour scene and no one hears a minute of rain repeat."""
    loop = round(BED_LOOP_S * SAMPLE_RATE)
    if n <= loop:
        return ambience_bed(scene, physics, n / SAMPLE_RATE, seed)[:n]
    fade = round(LOOP_FADE_S * SAMPLE_RATE)
    piece = ambience_bed(scene, physics, (loop + fade) / SAMPLE_RATE, seed)[: loop + fade]
    rise = np.sin(0.5 * np.pi * (np.arange(fade) + 0.5) / fade).astype(np.float32)[:, None]
    body = piece[:loop].copy()
    body[:fade] = body[:fade] * rise + piece[loop : loop + fade] * np.sqrt(1.0 - rise**2)  # seamless wrap
    return body


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

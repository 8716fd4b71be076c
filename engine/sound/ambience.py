"""Ambience: the bed of sound under a shot, from where and when its scene is and what its sky does.

Every layer is synthesised, seeded and deterministic: filtered noise shaped by slow random
envelopes (wind gusts, breaking waves, passing traffic) and a few simple event models (rain drops,
thunder, insect chirps). Which layers a bed has comes from word tables, and how loud each one sits
from templates/sound/ambience.toml; every layer is set to its stated loudness (K-weighted, as
BS.1770 measures it), so a bed sits where the table says under the dialogue whatever its noise did.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import signal

from engine.sound.foley import filtered
from engine.sound.loudness import K_WEIGHTING
from engine.sound.onsets import SAMPLE_RATE
from film import BadInput, Physics, RenderFailure, Scene, Weather
from templates import template_path

KINDS = ("rain", "wind", "surf", "city", "room", "insects", "air")
THUNDER_STREAMS = 1000  # seed words of thunder claps: past every layer's index
OUTDOOR_KINDS = ("rain", "wind", "surf", "city")  # heard through the walls from inside
MAX_SECONDS = 900.0  # one bed is a shot or a scene; a 15-min bed already holds ~6 GB of working noise
DRIFT_GRID = 48  # samples between the points of a slow curve, joined by straight lines
TABLE = template_path("sound", "ambience.toml")


@dataclass(frozen=True)
class Bed:
    """What the table says: layer levels, wind law, and the word patterns of places."""

    levels: dict[str, float]
    wind: dict[str, float]
    rain_weathers: frozenset[str]
    storm_weathers: frozenset[str]
    insect_times: frozenset[str]
    interior_headings: frozenset[str]
    exterior_headings: frozenset[str]
    places: dict[str, re.Pattern[str]]


def ambience_kinds(scene: Scene, physics: Physics) -> list[str]:
    """The layers of a shot's bed, in KINDS order."""
    bed = _bed()
    inside = _interior(scene, bed)
    weather = _weather(scene, physics, inside)
    kinds: list[str] = []
    if weather in bed.rain_weathers:
        kinds.append("rain")
    if _wind_speed(physics, weather, bed) > bed.wind["audible_ms"]:
        kinds.append("wind")
    text = f"{scene.location} {scene.heading}"
    if bed.places["surf"].search(text):
        kinds.append("surf")
    city = bool(bed.places["city"].search(text))
    if city:
        kinds.append("city")
    if inside:
        kinds.append("room")
    outdoors_at_night = scene.time_of_day.value in bed.insect_times and not inside
    if outdoors_at_night and not city and "rain" not in kinds:  # crickets fall silent in the rain
        kinds.append("insects")
    if not kinds:
        kinds.append("air")
    return kinds


def ambience_bed(scene: Scene, physics: Physics, seconds: float, seed: int) -> np.ndarray:
    """The shot's bed: stereo (n, 2) float32 at 48 kHz, n = round(seconds·48000), each layer of
    `ambience_kinds` at its loudness from the table (a typical outdoor bed near -30 LUFS, a room
    near -45), the channels' noise independent. Same inputs and seed, same samples."""
    if not math.isfinite(seconds) or seconds < 0 or seconds > MAX_SECONDS:
        raise BadInput("seconds", seconds, f"must be between 0 and {MAX_SECONDS:.0f}")
    n = round(seconds * SAMPLE_RATE)
    out = np.zeros((n, 2))
    if n == 0:
        return out.astype(np.float32)
    bed = _bed()
    inside = _interior(scene, bed)
    weather = _weather(scene, physics, inside)
    storm = weather in bed.storm_weathers
    for kind in ambience_kinds(scene, physics):
        noise = _Noise(int(seed) & 0xFFFF_FFFF_FFFF_FFFF, KINDS.index(kind), n)
        level = _level(kind, bed, scene, physics, weather)
        if inside and kind in OUTDOOR_KINDS:
            level += bed.levels["interior_outdoor_gain_db"]
        out += _at_loudness(LAYERS[kind](noise, storm), level)
        if kind == "rain" and storm:
            out += _thunder(noise, level + bed.levels["thunder"] - bed.levels["storm_rain"])
    return out.astype(np.float32)


def _level(kind: str, bed: Bed, scene: Scene, physics: Physics, weather: str) -> float:
    """A layer's loudness in LUFS: the table's, for a storm's rain, the wind's speed, dusk's insects."""
    if kind == "rain" and weather in bed.storm_weathers:
        return bed.levels["storm_rain"]
    if kind == "wind":
        speed = min(_wind_speed(physics, weather, bed), bed.wind["cap_ms"])
        return bed.levels["wind"] + 20 * math.log10(speed / bed.wind["reference_ms"])
    if kind == "insects" and scene.time_of_day.value == "dusk":
        return bed.levels["insects_dusk"]
    return bed.levels[kind]


# --- reading the table -----------------------------------------------------------------------


@cache
def _bed() -> Bed:
    try:
        with TABLE.open("rb") as f:
            data = tomllib.load(f)
        words = data["words"]
        return Bed(
            levels={k: float(v) for k, v in data["levels"].items()},
            wind={k: float(v) for k, v in data["wind"].items()},
            rain_weathers=frozenset(data["weather"]["rain"]),
            storm_weathers=frozenset(data["weather"]["storm"]),
            insect_times=frozenset(data["times"]["insects"]),
            interior_headings=frozenset(w.casefold() for w in data["headings"]["interior"]),
            exterior_headings=frozenset(w.casefold() for w in data["headings"]["exterior"]),
            places={k: _pattern(v) for k, v in words.items()},
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, AttributeError) as e:
        raise RenderFailure(f"{TABLE} cannot be read as an ambience table ({e!r})") from e


def _pattern(words: list[str]) -> re.Pattern[str]:
    """Whole words (a plural too), stems ending in '*', and words of unspaced scripts anywhere."""
    parts = []
    for word in words:
        if any(ord(c) > 0x052F for c in word):  # beyond Latin, Greek and Cyrillic
            parts.append(re.escape(word))
        elif word.endswith("*"):
            parts.append(rf"(?<!\w){re.escape(word[:-1])}\w*")
        else:
            parts.append(rf"(?<!\w){re.escape(word)}(?:s|es)?(?!\w)")
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


def _interior(scene: Scene, bed: Bed) -> bool:
    """Inside: the heading says INT., or the place is a room and nothing in it says outside."""
    first = re.match(r"\s*([^\W\d_]+)", scene.heading)
    if first and first.group(1).casefold() in bed.interior_headings:
        return True
    if first and first.group(1).casefold() in bed.exterior_headings:
        return False
    text = f"{scene.location} {scene.heading}"
    return bool(bed.places["room"].search(text)) and not bed.places["outdoors"].search(text)


def _weather(scene: Scene, physics: Physics, inside: bool) -> str:
    """The shot's sky: its physics says; a clear shot inside keeps the scene's weather (heard at the
    windows), a clear shot outside in a rainy scene is the weather that has ended."""
    if physics.weather is not Weather.clear or not inside:
        return physics.weather.value
    return scene.weather.value


def _wind_speed(physics: Physics, weather: str, bed: Bed) -> float:
    speed = math.hypot(*physics.wind_ms)
    return max(speed, bed.wind["storm_ms"]) if weather in bed.storm_weathers else speed


# --- building blocks -------------------------------------------------------------------------


class _Noise:
    """Seeded sources for one layer: a generator per use, so layers never share noise and a
    channel's noise never depends on how much another one drew."""

    def __init__(self, seed: int, layer: int, n: int) -> None:
        self.seed, self.layer, self.n = seed, layer, n
        self.rng = self.draw(0)

    def draw(self, stream: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, self.layer, stream])

    def white(self, stream: int) -> np.ndarray:
        """Stereo white noise of unit variance, independent per channel: a bed is wide, not panned."""
        u = self.draw(stream).random((self.n, 2), dtype=np.float32)
        return (u - np.float32(0.5)) * np.float32(math.sqrt(12))

    def drift(self, stream: int, rate_hz: float) -> np.ndarray:
        """A smooth random curve (n,), zero mean, unit spread, changing about `rate_hz` times a second."""
        step = SAMPLE_RATE / rate_hz
        points = self.draw(stream).standard_normal(int(self.n / step) + 3)
        coarse = np.arange(0, self.n + DRIFT_GRID, DRIFT_GRID) / step  # cosine-eased at a fine grid
        i = coarse.astype(np.int64)
        f = 0.5 - 0.5 * np.cos(np.pi * (coarse - i))
        curve = points[i] * (1 - f) + points[i + 1] * f
        return np.interp(np.arange(self.n), np.arange(len(coarse)) * DRIFT_GRID, curve)


def _unit(x: np.ndarray) -> np.ndarray:
    """Scaled to unit RMS (silence stays silence)."""
    rms = float(np.sqrt(np.mean(np.square(x))))
    return x / rms if rms > 0 else x


def loudness(x: np.ndarray) -> float:
    """Ungated BS.1770 loudness (LUFS) of a stereo (n, 2) signal: a steady bed's integrated loudness."""
    y = signal.sosfilt(K_WEIGHTING, x, axis=0)
    power = float(np.mean(np.square(y), axis=0).sum())
    return -0.691 + 10 * math.log10(power) if power > 0 else -math.inf


def _at_loudness(x: np.ndarray, lufs: float) -> np.ndarray:
    now = loudness(x)
    return x * 10 ** ((lufs - now) / 20) if math.isfinite(now) else x


def _swells(rng: np.random.Generator, n: int, every: tuple[float, float], rise: tuple[float, float],
            fall: tuple[float, float]) -> np.ndarray:  # fmt: skip
    """An envelope (n,) of events that swell in and die away (waves, passing cars), ~1 at a peak."""
    rate = 100.0
    m = int(n / SAMPLE_RATE * rate) + 2
    t = np.arange(m) / rate
    env = np.zeros(m)
    at = rng.uniform(-every[1] / 2, every[0] / 2)
    while at < t[-1]:
        up, down, height = rng.uniform(*rise), rng.uniform(*fall), rng.uniform(0.7, 1.2)
        into = t - at
        shape = np.where(into < up, 0.5 - 0.5 * np.cos(np.pi * np.clip(into, 0, up) / up),
                         np.exp(-np.maximum(into - up, 0) / down))  # fmt: skip
        env += height * np.where(into >= 0, shape, 0.0)
        at += rng.uniform(*every)
    return np.interp(np.arange(n) / SAMPLE_RATE, t, env)


# --- layers: each returns stereo (n, 2), any level; the caller sets it ------------------------


def _rain(noise: _Noise, storm: bool) -> np.ndarray:
    """A hiss of distant rain and many near drops: strong 2-10 kHz energy, a spiky envelope."""
    wash = _unit(filtered(noise.white(1), 600, 12000))
    rng, n = noise.rng, noise.n
    drops = np.zeros((n, 2))
    count = rng.poisson((1600 if storm else 700) * n / SAMPLE_RATE)
    kernels = [_drop(noise.draw(10 + k)) for k in range(4)]
    which = rng.integers(0, len(kernels), count)
    where = rng.integers(0, n, count)
    size = rng.lognormal(0.0, 0.9, count)
    pan = np.pi / 4 + rng.uniform(-0.35, 0.35, count)
    for k, kernel in enumerate(kernels):
        mine = which == k
        for c, gain in enumerate((np.cos(pan[mine]), np.sin(pan[mine]))):
            train = np.bincount(where[mine], weights=size[mine] * gain, minlength=n)
            drops[:, c] += signal.oaconvolve(train, kernel)[:n]
    return 0.5 * wash + 0.9 * _unit(filtered(drops, 1500, None))


def _drop(rng: np.random.Generator) -> np.ndarray:
    """One drop's tick: a damped ring high in the spectrum and a little noise."""
    t = np.arange(240) / SAMPLE_RATE
    ring = np.sin(2 * np.pi * rng.uniform(2000, 8000) * t) * np.exp(-t / rng.uniform(0.0005, 0.003))
    return ring + 0.5 * rng.standard_normal(len(t)) * np.exp(-t / 0.0004)


def _thunder(noise: _Noise, lufs: float) -> np.ndarray:
    """Rare rumbles for a storm (one every ~25 s), each set to `lufs` over its own length."""
    rng, n = noise.draw(20), noise.n
    out = np.zeros((n, 2))
    for i in range(rng.poisson(n / SAMPLE_RATE / 25)):
        start, length = int(rng.integers(0, n)), round(rng.uniform(4, 7) * SAMPLE_RATE)
        length = min(length, n - start)
        if length < SAMPLE_RATE // 2:
            continue
        t = np.arange(length) / SAMPLE_RATE
        part = _Noise(noise.seed, THUNDER_STREAMS + i, length)  # its own noise, no layer's
        rumble = (
            filtered(part.white(1), None, 160)
            + 0.4 * filtered(part.white(2), 200, 2000) * np.exp(-t / 0.25)[:, None]
        )
        attack = rng.uniform(0.05, 0.3)
        env = (
            np.minimum(t / attack, 1.0) * np.exp(-t / rng.uniform(1.2, 2.0)) * np.exp(0.5 * part.drift(3, 3))
        )
        out[start : start + length] += _at_loudness(rumble * env[:, None], lufs)
    return out


def _wind(noise: _Noise, storm: bool) -> np.ndarray:
    """Low rushing noise under slow gusts, brighter as a gust peaks; one channel hears it late."""
    gust = np.exp(0.45 * noise.drift(2, 0.15) + 0.25 * noise.drift(3, 0.6))
    lag = min(noise.n, round(0.3 * SAMPLE_RATE))
    env = np.stack([gust, np.concatenate([gust[:lag], gust[: noise.n - lag]])], axis=1)
    body = _unit(filtered(noise.white(1), None, 500))
    whistle = _unit(filtered(noise.white(4), 300, 1200))
    return body * env + 0.35 * whistle * env**2


def _surf(noise: _Noise, storm: bool) -> np.ndarray:
    """Waves every 6-10 s: a low roar that swells and breaks, with foam hiss on the break."""
    swell = 0.2 + _swells(noise.rng, noise.n, (6.0, 10.0), (1.5, 3.0), (1.5, 2.5))
    roar = _unit(filtered(noise.white(1), None, 700))
    foam = _unit(filtered(noise.white(2), 1500, 6000))
    return roar * swell[:, None] + 0.3 * foam * (swell**2)[:, None]


def _city(noise: _Noise, storm: bool) -> np.ndarray:
    """A low traffic rumble, cars passing now and then, and a distant murmur of people."""
    rumble = _unit(filtered(noise.white(1), None, 150)) * (1 + 0.3 * noise.drift(2, 0.1))[:, None]
    cars = _swells(noise.rng, noise.n, (4.0, 12.0), (1.5, 3.0), (1.0, 2.0))
    passing = _unit(filtered(noise.white(3), 80, 800)) * cars[:, None]
    murmur = _unit(filtered(noise.white(4), 300, 3000)) * (1 + 0.5 * noise.drift(5, 4))[:, None]
    return rumble + 0.6 * passing + 0.25 * murmur


def _room(noise: _Noise, storm: bool) -> np.ndarray:
    """Room tone: a very quiet low, pinkish noise (air handling, the building)."""
    hum = _unit(filtered(noise.white(1), None, 250, 1))
    return hum + 0.15 * _unit(filtered(noise.white(2), None, 2000, 1))


def _insects(noise: _Noise, storm: bool) -> np.ndarray:
    """Crickets: a few voices chirping at 4-6 kHz in pulse trains, over a faint chorus."""
    n, rng = noise.n, noise.rng
    t = np.arange(n) / SAMPLE_RATE
    out = (
        0.15
        * _unit(filtered(noise.white(1), 4000, 6000))
        * np.maximum(0.6 + 0.2 * noise.drift(2, 8), 0)[:, None]
    )
    for voice in range(4):
        f0, chirps, pulses = rng.uniform(4000, 6000), rng.uniform(1.5, 3.0), int(rng.integers(3, 6))
        pulse_hz = rng.uniform(25, 40)
        in_chirp = (t * chirps + rng.random()) % 1.0 / chirps  # seconds into its chirp
        gate = np.where(
            in_chirp < pulses / pulse_hz, 0.5 - 0.5 * np.cos(2 * np.pi * in_chirp * pulse_hz), 0.0
        )
        calling = 1 / (1 + np.exp(-3 * noise.drift(10 + voice, 0.1)))  # now and then a voice rests
        tone = gate * calling * np.sin(2 * np.pi * f0 * t + rng.uniform(0, 2 * np.pi))
        pan = np.pi / 4 + rng.uniform(-0.4, 0.4)
        out += np.stack([tone * math.cos(pan), tone * math.sin(pan)], axis=1)
    return out


def _air(noise: _Noise, storm: bool) -> np.ndarray:
    """Open air with nothing in it: a faint, slowly breathing low noise."""
    return _unit(filtered(noise.white(1), None, 400)) * (1 + 0.2 * noise.drift(2, 0.2))[:, None]


LAYERS: dict[str, Callable[[_Noise, bool], np.ndarray]] = {
    "rain": _rain,
    "wind": _wind,
    "surf": _surf,
    "city": _city,
    "room": _room,
    "insects": _insects,
    "air": _air,
}

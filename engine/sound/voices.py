"""Voices: who speaks a line and how, and the spoken audio, cached by content like takes.

A character's voice is fixed by the bible or, when the bible gives none, picked from a stable hash
of their id, so the same character sounds the same in every shot and episode. A performance's
emotion moves its rate and pitch (templates/sound/emotions.toml). Each line is spoken once: its
audio is kept as `voice-<key>.wav`, the key hashing everything that changes the sound, so a
revision that changes one line re-synthesises that line alone.

Use: `speak(Line(text, language, performed(voice_for(character, language), emotion), id), options, cache)`.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from scipy.io import wavfile
from scipy.signal import resample_poly

from engine.cutting.audio import SAMPLE_RATE
from engine.sound.options import TtsOptions
from engine.sound.speech import decode_wav, espeak_version, server_host, synthesise
from film import Character, RenderFailure, Voice
from film.files import atomic_path
from film.hashing import stable_hash
from templates import template_path

__all__ = [
    "Line",
    "Speech",
    "TtsOptions",
    "line_key",
    "performed",
    "speak",
    "voice_for",
    "voice_language",
    "voice_note",
]

KEY_VERSION = 1
"""Bump when the shaping below (trim, fades, resampling) changes, so old cached lines are redone."""
SILENCE_DB = -40.0
"""A 1 ms block quieter than this, relative to the line's peak, is silence to trim."""
FADE_S = 0.005
RATE_BOUNDS = (0.5, 2.0)
PITCH_BOUNDS = (-12.0, 12.0)


@dataclass(frozen=True)
class Line:
    """One line to speak: its text, the film's language (BCP 47) and the resolved voice."""

    text: str
    language: str
    voice: Voice
    character_id: str = ""
    """Who says it ("" for the narrator); only the render log names it, the audio ignores it."""


@dataclass(frozen=True, eq=False)
class Speech:
    """A spoken line: mono float32 at SAMPLE_RATE, starting at the speech onset and ending at its
    last sound, so the line's start time is the moment the voice is heard."""

    samples: np.ndarray
    key: str
    cached: bool

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE


@functools.cache
def _data(name: str) -> dict[str, Any]:
    """One of templates/sound/*.toml, parsed once per process."""
    with template_path("sound", name).open("rb") as handle:
        return tomllib.load(handle)


def _tag_candidates(language: str) -> list[str]:
    """ "pt_BR" -> ["pt-br", "pt"]: the full tag first, then shorter ones."""
    parts = language.strip().lower().replace("_", "-").split("-")
    return ["-".join(parts[:n]) for n in range(len(parts), 0, -1) if parts[0]]


def _lookup(table: dict[str, str], language: str) -> str | None:
    return next((table[tag] for tag in _tag_candidates(language) if tag in table), None)


def voice_language(language: str) -> str:
    """The espeak-ng voice that speaks `language`: its own, or English when espeak-ng has none
    here (voice_note says so in words)."""
    data = _data("voices.toml")
    return _lookup(data["espeak"], language) or str(data["fallback"])


def voice_note(language: str) -> str | None:
    """A line for the run's notes when `language` has no voice of its own, else None."""
    if _lookup(_data("voices.toml")["espeak"], language) is not None:
        return None
    return f"no espeak-ng voice for language {language!r}: its lines are spoken by {voice_language(language)}"


def _pick(character_id: str, salt: str, count: int) -> int:
    """A stable index in range(count) from the character's id (never Python's salted hash())."""
    return int(stable_hash(["voice", salt, character_id])[:12], 16) % count


def _picked_id(engine: str, character: Character | None, language: str) -> str:
    data = _data("voices.toml")
    if engine == "openai":
        served = data["openai"]
        if character is None:
            return str(served["narrator"])
        return str(served["voices"][_pick(character.id, "openai", len(served["voices"]))])
    if engine == "piper":
        return _lookup(data["piper"], language) or ""
    if character is None:
        return f"{voice_language(language)}+{data['narrator']['variant']}"
    variants = data["variants"]["child" if character.build == "child" else "all"]
    return f"{voice_language(language)}+{variants[_pick(character.id, 'variant', len(variants))]}"


def voice_for(character: Character | None, language: str) -> Voice:
    """The voice `character` speaks `language` with: their own (an empty voice_id filled in), or
    one picked from their id; None is the narrator. The variant and pitch come from the id alone,
    so a character keeps their timbre when a series changes language."""
    own = character.voice if character is not None else None
    if own is not None:
        if own.voice_id:
            return own
        return own.model_copy(update={"voice_id": _picked_id(own.engine, character, language)})
    data = _data("voices.toml")
    if character is None:
        narrator = data["narrator"]
        return Voice(
            voice_id=_picked_id("espeak", None, language),
            rate=float(narrator["rate"]),
            pitch=float(narrator["pitch"]),
            description=str(narrator["description"]),
        )
    offsets = data["pitch"]["offsets"]
    pitch = float(offsets[_pick(character.id, "pitch", len(offsets))])
    if character.build == "child":
        pitch += float(data["pitch"]["child"])
    return Voice(
        voice_id=_picked_id("espeak", character, language),
        pitch=float(np.clip(pitch, *PITCH_BOUNDS)),
        description=f"picked for {character.id}",
    )


@functools.cache
def _emotions() -> tuple[tuple[re.Pattern[str], float, float], ...]:
    """(pattern, rate factor, pitch offset) per emotion, in the file's order; a stem matches
    where a word starts ("angr" finds "angrily")."""
    entries = []
    for entry in _data("emotions.toml")["emotion"]:
        stems = sorted({str(s).lower() for s in entry["stems"]}, key=lambda s: (-len(s), s))
        pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(s) for s in stems) + ")", re.IGNORECASE)
        entries.append((pattern, float(entry["rate"]), float(entry["pitch"])))
    return tuple(entries)


def performed(voice: Voice, emotion: str) -> Voice:
    """`voice` as the emotion plays it: angry faster and higher, sad slower and lower, calm as is."""
    match = next(((r, p) for pattern, r, p in _emotions() if pattern.search(emotion)), None)
    if match is None or match == (1.0, 0.0):
        return voice
    rate = round(float(np.clip(voice.rate * match[0], *RATE_BOUNDS)), 4)
    pitch = round(float(np.clip(voice.pitch + match[1], *PITCH_BOUNDS)), 4)
    return voice.model_copy(update={"rate": rate, "pitch": pitch})


def line_key(line: Line, options: TtsOptions | None = None) -> str:
    """The content hash of everything that changes a line's audio: text, language, the voice
    (not its description), and the engine's identity (espeak-ng's version; for openai the model
    and the server's host; for piper the voices folder)."""
    options = options or TtsOptions()
    voice = line.voice
    payload: dict[str, Any] = {
        "kind": "voice",
        "v": KEY_VERSION,
        "rate": SAMPLE_RATE,
        "text": line.text,
        "language": line.language,
        "voice": voice.model_dump(mode="json", exclude={"description"}),
    }
    if voice.engine == "espeak":
        payload["espeak"] = [espeak_version(), voice_language(line.language)]
    elif voice.engine == "openai":
        payload["openai"] = [options.model, server_host(options.base_url)]
    else:
        payload["piper"] = str(options.voices_dir or "")
    return stable_hash(payload)[:32]


def speak(line: Line, options: TtsOptions, cache: Path, log: Path | None = None) -> Speech:
    """The line's audio: from `cache` when it was spoken before (nothing synthesised, nothing
    logged), else synthesised with its voice's engine, shaped, written atomically and logged."""
    key = line_key(line, options)
    dest = Path(cache) / f"voice-{key}.wav"
    if dest.is_file():
        try:
            samples, stored_rate = decode_wav(dest.read_bytes(), str(dest))
            if stored_rate == SAMPLE_RATE:
                return Speech(samples=samples, key=key, cached=True)
        except (OSError, RenderFailure):
            pass  # unreadable (a damaged disk, a foreign file): speak it again
    raw, rate = synthesise(line.text, voice_language(line.language), line.voice, options)
    samples = _shaped(raw, rate)
    with atomic_path(dest) as tmp:
        wavfile.write(tmp, SAMPLE_RATE, samples)
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{key} voice {line.character_id or '-'} {os.getpid()}\n")
    return Speech(samples=samples, key=key, cached=False)


def _resampled(samples: np.ndarray, rate: float) -> np.ndarray:
    """`samples` played at `rate` Hz, resampled to SAMPLE_RATE (a rational ratio, polyphase)."""
    ratio = Fraction(SAMPLE_RATE) / Fraction(rate).limit_denominator(10_000)
    ratio = ratio.limit_denominator(2_000)
    if ratio == 1 or len(samples) == 0:
        return samples.astype(np.float32)
    return resample_poly(samples, ratio.numerator, ratio.denominator).astype(np.float32)


def _shaped(raw: np.ndarray, rate: float) -> np.ndarray:
    """Resample, trim the silence at both ends (to within a millisecond of the sound) and fade
    the first and last 5 ms so the cut points do not click."""
    samples = np.clip(_resampled(np.asarray(raw, dtype=np.float32), rate), -1.0, 1.0)
    block = SAMPLE_RATE // 1000
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    if peak <= 0.0:
        return np.zeros(0, np.float32)
    blocks = len(samples) // block
    loud = np.abs(samples[: blocks * block]).reshape(blocks, block).max(axis=1)
    heard = np.flatnonzero(loud > peak * 10 ** (SILENCE_DB / 20))
    if len(heard) == 0:  # the only sound is in the last partial block
        return np.zeros(0, np.float32)
    out = samples[heard[0] * block : (heard[-1] + 1) * block].copy()
    fade = min(int(FADE_S * SAMPLE_RATE), len(out) // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, endpoint=False, dtype=np.float32)
        out[:fade] *= ramp
        out[-fade:] *= ramp[::-1]
    return out

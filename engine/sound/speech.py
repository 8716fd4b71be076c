"""The three speech engines behind one call: espeak-ng (offline), an OpenAI-compatible server, piper.

Each returns raw mono samples and the rate to play them at. Pitch is the engine's own where it has
one (espeak's -p); elsewhere it is a tape-speed shift: the engine speaks slower by the pitch factor
and the samples are declared faster by it, so after resampling the voice is higher (or lower) and
its pace is what `rate` asked for. It moves the formants too, which a few semitones can afford.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from engine.sound.options import TtsOptions
from film import BadInput, RenderFailure, Voice

ESPEAK_WPM = 165
"""espeak-ng's words per minute at rate 1 (its own default is 175, a little hurried for film)."""
ESPEAK_WPM_BOUNDS = (80, 450)
OPENAI_SPEED_BOUNDS = (0.25, 4.0)
PIPER_HINT = "piper voices need `pip install piper-tts`"
ESPEAK_HINT = "espeak-ng is not installed: run `make voices` (Debian: apt-get install espeak-ng)"


def pitch_factor(voice: Voice) -> float:
    """The frequency ratio of the voice's pitch offset in semitones."""
    return float(2.0 ** (voice.pitch / 12.0))


def espeak_exe() -> str:
    found = shutil.which("espeak-ng")
    if found is None:
        raise RenderFailure(ESPEAK_HINT)
    return found


@functools.cache
def espeak_version() -> str:
    """The installed espeak-ng's version ("1.51"), part of every espeak line's cache key;
    "missing" when there is none (speak() then fails with the install hint)."""
    found = shutil.which("espeak-ng")
    if found is None:
        return "missing"
    proc = subprocess.run([found, "--version"], capture_output=True, text=True, errors="replace", check=False)
    match = re.search(r"text-to-speech:\s*(\S+)", proc.stdout)
    return match.group(1) if match else proc.stdout.strip()[:80]


def server_host(base_url: str) -> str:
    """The host:port of a server URL; the cache key takes it, not the path or a token in the URL."""
    return urlsplit(base_url).netloc or base_url


def synthesise(text: str, language_voice: str, voice: Voice, options: TtsOptions) -> tuple[np.ndarray, float]:
    """Speak `text` with `voice`; returns (mono float32 samples, the rate to play them at).
    `language_voice` is the espeak voice of the line's language, used when voice_id is empty."""
    if voice.engine == "openai":
        return _openai(text, voice, options)
    if voice.engine == "piper":
        return _piper(text, voice, options)
    return _espeak(text, voice.voice_id or language_voice, voice, options)


def _espeak(text: str, voice_id: str, voice: Voice, options: TtsOptions) -> tuple[np.ndarray, float]:
    exe = espeak_exe()
    wpm = int(np.clip(round(ESPEAK_WPM * voice.rate), *ESPEAK_WPM_BOUNDS))
    pitch = int(np.clip(round(50 + voice.pitch * 4), 0, 99))
    with tempfile.TemporaryDirectory(prefix="storyreel-espeak-") as folder:
        out = Path(folder) / "line.wav"
        cmd = [exe, "-v", voice_id, "-s", str(wpm), "-p", str(pitch), "-b", "1", "-w", str(out), "--stdin"]
        try:
            proc = subprocess.run(
                cmd, input=text.encode("utf-8"), capture_output=True, timeout=options.timeout_s, check=False
            )
        except subprocess.TimeoutExpired as e:
            raise RenderFailure(f"espeak-ng took over {options.timeout_s:g} s to speak a line") from e
        err = proc.stderr.decode("utf-8", "replace").strip()
        if "voice does not exist" in err:
            raise BadInput(
                "voice.voice_id", voice_id, "espeak-ng has no such voice (see `espeak-ng --voices`)"
            )
        if proc.returncode != 0 or not out.exists():
            raise RenderFailure(f"espeak-ng failed (exit {proc.returncode}): {err[-400:]}")
        samples, rate = decode_wav(out.read_bytes(), "espeak-ng")
    return samples, float(rate)


def _openai(text: str, voice: Voice, options: TtsOptions) -> tuple[np.ndarray, float]:
    if not options.base_url:
        raise BadInput(
            "STORYREEL_TTS_BASE_URL", "", "set it to an OpenAI-compatible server for voice engine openai"
        )
    import openai

    factor = pitch_factor(voice)
    speed = float(np.clip(voice.rate / factor, *OPENAI_SPEED_BOUNDS))
    client = openai.OpenAI(
        base_url=options.base_url,
        api_key=options.api_key.get_secret_value() or "none",
        timeout=options.timeout_s,
        max_retries=3,
    )
    host = server_host(options.base_url)
    try:
        answer = client.audio.speech.create(
            model=options.model,
            voice=voice.voice_id or "alloy",
            input=text,
            response_format="wav",
            speed=speed,
        )
        data = answer.content
    except openai.APIStatusError as e:
        raise RenderFailure(f"TTS server {host} answered HTTP {e.status_code}: {_short(e.message)}") from e
    except openai.APIConnectionError as e:  # timeouts included
        raise RenderFailure(f"TTS server {host} could not be reached: {_short(str(e))}") from e
    samples, rate = decode_wav(data, f"TTS server {host}")
    return samples, rate * factor


def _piper(text: str, voice: Voice, options: TtsOptions) -> tuple[np.ndarray, float]:
    folder = options.voices_dir
    name = voice.voice_id
    path = folder / f"{name}.onnx" if folder is not None and name else None
    if path is None or not path.is_file():
        where = str(folder) if folder is not None else "STORYREEL_TTS_VOICES_DIR (not set)"
        raise BadInput("voice.voice_id", name, f"no piper voice {name or '<voice_id>'}.onnx in {where}")
    if importlib.util.find_spec("piper") is None:
        raise RenderFailure(PIPER_HINT)
    from piper import SynthesisConfig

    factor = pitch_factor(voice)
    try:
        chunks = list(
            _piper_voice(path).synthesize(text, syn_config=SynthesisConfig(length_scale=factor / voice.rate))
        )
    except Exception as e:  # onnxruntime and piper raise their own kinds; one line names the voice
        raise RenderFailure(f"piper failed to speak with {path.name}: {_short(str(e))}") from e
    if not chunks:
        return np.zeros(0, np.float32), 22050.0 * factor
    pcm = np.concatenate([np.frombuffer(c.audio_int16_bytes, dtype="<i2") for c in chunks])
    return (pcm.astype(np.float32) / 32768.0), float(chunks[0].sample_rate) * factor


@functools.lru_cache(maxsize=8)
def _piper_voice(path: Path) -> Any:
    """A loaded piper voice (an ONNX session: seconds to load, so kept for the process)."""
    from piper import PiperVoice

    return PiperVoice.load(str(path))


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 300 else line[:300] + "..."


def decode_wav(data: bytes, source: str) -> tuple[np.ndarray, int]:
    """PCM (8/16/24/32-bit) or float WAV bytes -> (mono float32, sample rate). Lenient about the
    sizes in the header, which streaming servers and espeak leave as 0 or 0xFFFFFFFF."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise RenderFailure(f"{source} sent no WAV audio ({len(data)} bytes, starting {data[:16]!r})")
    pos, fmt, body = 12, None, None
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        start = pos + 8
        if chunk == b"fmt ":
            fmt = data[start : start + size]
        elif chunk == b"data":
            end = len(data) if size in (0, 0xFFFFFFFF) else min(len(data), start + size)
            body = data[start:end]
            break
        pos = start + size + (size & 1)
    if fmt is None or body is None:
        raise RenderFailure(f"{source} sent a WAV without fmt or data")
    if len(fmt) < 16:
        raise RenderFailure(f"{source} sent a WAV with a short fmt chunk")
    tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", fmt[:16])
    if tag == 0xFFFE and len(fmt) >= 26:  # WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts at 24
        tag = struct.unpack("<H", fmt[24:26])[0]
    if channels < 1 or rate < 1:
        raise RenderFailure(f"{source} sent a WAV of {channels} channels at {rate} Hz")
    width = bits // 8
    usable = len(body) - len(body) % max(1, width * channels)
    raw = body[:usable]
    if tag == 3 and bits in (32, 64):
        samples = np.frombuffer(raw, dtype="<f4" if bits == 32 else "<f8").astype(np.float32)
    elif width == 1:
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 3:
        triples = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        ints = triples[:, 0] | (triples[:, 1] << 8) | (triples[:, 2] << 16)
        samples = (np.where(ints >= 1 << 23, ints - (1 << 24), ints) / float(1 << 23)).astype(np.float32)
    elif width == 4:
        samples = (np.frombuffer(raw, dtype="<i4") / float(1 << 31)).astype(np.float32)
    else:
        raise RenderFailure(f"{source} sent a WAV of {bits}-bit samples, which storyreel cannot read")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return np.ascontiguousarray(samples, dtype=np.float32), int(rate)

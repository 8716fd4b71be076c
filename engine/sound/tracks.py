"""Sound files in and out: decoding a music bed or a take's own audio with ffmpeg, and writing
stems as WAV files that every editor opens."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np

from engine.cutting.audio import SAMPLE_RATE
from engine.media import ffmpeg_exe
from film import BadInput, RenderFailure
from film.files import atomic_path


def decode_audio(path: Path, seconds: float, *, start_s: float = 0.0, loop: bool = False,
                 field: str = "music") -> np.ndarray:  # fmt: skip
    """`seconds` of `path`'s first audio stream from `start_s`, as (n, 2) float32 at 48 kHz;
    looped to length with `loop`, else padded with silence where the file is shorter. A
    missing file is bad input in `field`."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(field, str(path), "no such audio file")
    n = max(0, round(seconds * SAMPLE_RATE))
    where = ["-stream_loop", "-1"] if loop else []
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", *where,
           "-ss", f"{start_s:.6f}", "-i", str(path), "-map", "0:a:0", "-t", f"{seconds:.6f}",
           "-f", "f32le", "-ac", "2", "-ar", str(SAMPLE_RATE), "-"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, check=False)
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderFailure(f"could not decode the sound of {path.name}: {said[-1] if said else '?'}")
    samples = np.frombuffer(done.stdout, dtype="<f4").reshape(-1, 2)[:n]
    return np.pad(samples, ((0, n - len(samples)), (0, 0))) if len(samples) < n else samples.copy()


def write_wav(samples: np.ndarray, dest: Path) -> Path:
    """A 16-bit PCM stereo WAV at 48 kHz, written whole under a temp name and renamed."""
    x = np.asarray(samples, dtype=np.float32)
    x = np.repeat(x[:, None], 2, axis=1) if x.ndim == 1 else x
    pcm = np.round(np.clip(x, -1.0, 32767 / 32768) * 32768).astype("<i2")
    with atomic_path(Path(dest)) as tmp, wave.open(str(tmp), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return Path(dest)


def read_wav(path: Path) -> np.ndarray:
    """A 16-bit PCM WAV (as `write_wav` writes) as (n, channels) float32."""
    with wave.open(str(path), "rb") as src:
        data = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
        return (data.reshape(-1, src.getnchannels()) / 32768.0).astype(np.float32)

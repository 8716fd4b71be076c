"""Sound files in and out: decoding a music bed or a take's own audio with ffmpeg, and writing
stems as WAV files that every editor opens."""

from __future__ import annotations

import subprocess
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    n = max(0, round(seconds * SAMPLE_RATE))
    done = _decode(path, seconds, start_s, loop, field, "-")
    samples = np.frombuffer(done, dtype="<f4").reshape(-1, 2)[:n]
    return np.pad(samples, ((0, n - len(samples)), (0, 0))) if len(samples) < n else samples.copy()


def decode_to(path: Path, seconds: float, dest: Path, *, loop: bool = False, field: str = "music") -> Path:
    """Like `decode_audio`, into `dest` as raw float32 stereo samples (a long bed stays on disk)."""
    _decode(path, seconds, 0.0, loop, field, str(dest))
    return dest


def _decode(path: Path, seconds: float, start_s: float, loop: bool, field: str, to: str) -> bytes:
    path = Path(path)
    if not path.is_file():
        raise BadInput(field, str(path), "no such audio file")
    where = ["-stream_loop", "-1"] if loop else []
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *where,
           "-ss", f"{start_s:.6f}", "-i", str(path), "-map", "0:a:0", "-t", f"{seconds:.6f}",
           "-f", "f32le", "-ac", "2", "-ar", str(SAMPLE_RATE), to]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, check=False)
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderFailure(f"could not decode the sound of {path.name}: {said[-1] if said else '?'}")
    return done.stdout


def stereo(samples: np.ndarray) -> np.ndarray:
    """(n,) or (n, 2) as (n, 2) float32: a mono source sits in the centre."""
    x = np.asarray(samples, dtype=np.float32)
    return np.repeat(x[:, None], 2, axis=1) if x.ndim == 1 else x


@contextmanager
def wav_writer(dest: Path) -> Iterator[Callable[[np.ndarray], None]]:
    """A 16-bit PCM stereo WAV at 48 kHz written a reel at a time: yields the function that
    appends samples; the file appears at `dest` whole when the block ends, never in part."""
    with atomic_path(Path(dest)) as tmp, wave.open(str(tmp), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)

        def append(samples: np.ndarray) -> None:
            pcm = np.round(np.clip(stereo(samples), -1.0, 32767 / 32768) * 32768).astype("<i2")
            out.writeframes(pcm.tobytes())

        yield append


def write_wav(samples: np.ndarray, dest: Path) -> Path:
    """A whole signal as a 16-bit PCM stereo WAV at 48 kHz (see `wav_writer`)."""
    with wav_writer(dest) as append:
        append(samples)
    return Path(dest)


def read_wav(path: Path) -> np.ndarray:
    """A 16-bit PCM WAV (as `write_wav` writes) as (n, channels) float32."""
    with wave.open(str(path), "rb") as src:
        data = np.frombuffer(src.readframes(src.getnframes()), dtype="<i2")
        return (data.reshape(-1, src.getnchannels()) / 32768.0).astype(np.float32)

"""Takes painted by a model (diffusion, ComfyUI): frames become an H.264 take plus the last frame
that the next continuous shot starts from.

The last frame (and a strip of the last few, for models that carry motion across a cut) is
renamed into place before the take, so a take at its final path always has
its hand-off, even when the process is killed in between (a resumed run relies on that).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image

from engine.marking import marker_for
from engine.media import FrameWriter
from film import RenderSpec, Take
from film.files import atomic_path


def last_frame_path(dest: Path) -> Path:
    """Where the last frame of the take at `dest` is kept for the next continuous shot."""
    return Path(dest).with_suffix(".last.png")


TAIL_FRAMES = 9
"""Frames kept from a take's end for the next continuous shot: LTX's smallest video condition
(8k+1) and more than VACE's one latent group of 1+4, so motion carries across the cut."""


def tail_path(dest: Path) -> Path:
    """Where the last TAIL_FRAMES frames of the take at `dest` are kept, as one PNG strip."""
    return Path(dest).with_suffix(".tail.png")


def read_tail(path: Path) -> list[np.ndarray]:
    """The frames of a tail strip (stacked top to bottom; its `frames` text chunk counts them)."""
    with Image.open(path) as img:
        count = max(1, int(img.info.get("frames", "1")))
        strip = np.asarray(img.convert("RGB"))
    return list(np.split(strip, count, axis=0)) if strip.shape[0] % count == 0 else [strip]


def _save_tail(frames: np.ndarray, path: Path) -> None:
    from PIL.PngImagePlugin import PngInfo

    tail = frames[-TAIL_FRAMES:]
    info = PngInfo()
    info.add_text("frames", str(len(tail)))
    Image.fromarray(np.concatenate(list(tail), axis=0)).save(path, format="PNG", pnginfo=info)


def sound_path(dest: Path) -> Path:
    """Where the sound an engine made with the take at `dest` goes (a WAV the mix plays)."""
    return Path(dest).with_suffix(".sound.wav")


def write_painted_take(engine: str, spec: RenderSpec, frames: np.ndarray, dest: Path, started: float,
                       sound: np.ndarray | None = None) -> Take:  # fmt: skip
    """Write conformed frames as the take at `dest` (atomically) and describe it; `spec` is the
    resolved one, so the take records the settings that made it. `sound`, when the engine made
    audio with its picture ((n, 2) float32 at 48 kHz, the take's length), is kept beside it."""
    dest = Path(dest)
    last, tail = last_frame_path(dest), tail_path(dest)
    sides = {"last": last, "tail": tail, **({"sound": sound_path(dest)} if sound is not None else {})}
    with atomic_path(tail) as part:
        _save_tail(frames, part)
    with atomic_path(last) as part:
        Image.fromarray(frames[-1]).save(part, format="PNG")
    try:
        if sound is not None:
            from engine.sound.tracks import write_wav

            write_wav(sound, sides["sound"])
        with FrameWriter(dest, spec.width, spec.height, spec.fps, mark=marker_for(spec)) as writer:
            for frame in frames:
                writer.write(frame)
    except BaseException:
        for side in sides.values():
            side.unlink(missing_ok=True)
        raise
    return Take(
        shot_id=spec.shot.id,
        spec_hash=spec.spec_hash(),
        engine=engine,
        path=str(dest),
        frames=len(frames),
        fps=spec.fps,
        width=writer.out_width,
        height=writer.out_height,
        render_s=time.perf_counter() - started,
        extras={kind: str(path) for kind, path in sides.items()},
        settings=spec.engine_settings(),
    )

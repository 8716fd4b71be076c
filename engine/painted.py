"""Takes painted by a model (diffusion, ComfyUI): frames become an H.264 take plus the last frame
that the next continuous shot starts from.

The last frame is renamed into place before the take, so a take at its final path always has
its hand-off, even when the process is killed in between (a resumed run relies on that).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image

from engine.media import FrameWriter
from film import RenderSpec, Take
from film.files import atomic_path


def last_frame_path(dest: Path) -> Path:
    """Where the last frame of the take at `dest` is kept for the next continuous shot."""
    return Path(dest).with_suffix(".last.png")


def write_painted_take(engine: str, spec: RenderSpec, frames: np.ndarray, dest: Path, started: float) -> Take:
    """Write conformed frames as the take at `dest` (atomically) and describe it; `spec` is the
    resolved one, so the take records the settings that made it."""
    dest = Path(dest)
    last = last_frame_path(dest)
    with atomic_path(last) as part:
        Image.fromarray(frames[-1]).save(part, format="PNG")
    try:
        with FrameWriter(dest, spec.width, spec.height, spec.fps) as writer:
            for frame in frames:
                writer.write(frame)
    except BaseException:
        last.unlink(missing_ok=True)
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
        extras={"last": str(last)},
        settings=spec.engine_settings(),
    )

"""One render actor: an engine loaded once and kept warm between shots, rendering into a folder
of its own and handing the take's files back whole, so the driver's machine (where the take
library and the database live) needs no shared disk with the actor's. Progress is kept per job
for the driver to read while the shot draws, and a cancelled job stops at its next frame."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from film import Conditioning, MediaRef, RenderSpec, RunCancelled

Drawn = tuple[dict[str, Any], dict[str, bytes], dict[str, str]]
"""A finished take as it travels: its JSON data, its files' bytes by name, each extra's file."""


class RenderActor:
    """Wrapped by `ray.remote` in the pool, with threads enough to answer `progress` and
    `cancel` while `render` runs."""

    def __init__(self, engine: str, options: Any, pool: str, cores: int = 0, slot: int = 0) -> None:
        from engine import renderer_for

        self.cores = pin(cores, slot) if cores else None
        self.renderer = renderer_for(engine, options)
        self.pool = pool
        self.folder = Path(tempfile.mkdtemp(prefix="storyreel-actor-"))
        self._progress: dict[str, tuple[int, int]] = {}
        self._cancelled: set[str] = set()
        self._lock = threading.Lock()
        self.rendered: list[str] = []

    def render(self, spec_json: str, job: str, carried: dict[str, bytes]) -> Drawn:
        """Render one spec, its conditioning files `carried` by content hash; returns the take
        (as JSON data), its files' bytes by name, and which file each of the take's extras is."""
        if self.cores:
            os.sched_setaffinity(0, self.cores)  # this thread too, and the encoders it starts
        work = Path(tempfile.mkdtemp(dir=self.folder))
        spec = rehomed(RenderSpec.model_validate_json(spec_json), carried, work)

        def progress(done: int, total: int) -> None:
            with self._lock:
                self._progress[job] = (done, total)
                if job in self._cancelled:
                    raise RunCancelled("run cancelled")

        try:
            take = self.renderer.render(spec, work / "take.mp4", progress)
            files = {"take.mp4": Path(take.path).read_bytes()}
            extras: dict[str, str] = {}
            for kind, path in take.extras.items():
                if path and Path(path).is_file():
                    files[Path(path).name] = Path(path).read_bytes()
                    extras[kind] = Path(path).name
            self.rendered.append(spec.shot.id)
            return take.model_dump(mode="json"), files, extras
        finally:
            shutil.rmtree(work, ignore_errors=True)
            with self._lock:
                self._progress.pop(job, None)
                self._cancelled.discard(job)

    def progress(self, job: str) -> tuple[int, int] | None:
        with self._lock:
            return self._progress.get(job)

    def cancel(self, job: str) -> None:
        with self._lock:
            self._cancelled.add(job)

    def whoami(self) -> dict[str, Any]:
        """Which process this actor is and what it has rendered, in order (for routing checks)."""
        cores = sorted(os.sched_getaffinity(0))
        return {"pid": os.getpid(), "pool": self.pool, "rendered": list(self.rendered), "cores": cores}


def pin(count: int, slot: int) -> set[int]:
    """Pin this process (every thread it has, and so what they start) to `count` of the cores it
    may use, the `slot`-th such group: Ray's CPUs are only counted, so without this an actor
    holding one CPU would draw and encode on all of them and two actors would fight."""
    allowed = sorted(os.sched_getaffinity(0))
    start = slot * count % len(allowed)
    cores = {allowed[(start + k) % len(allowed)] for k in range(min(count, len(allowed)))}
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            os.sched_setaffinity(int(task.name), cores)
    return cores


def conditioning_files(spec: RenderSpec) -> dict[str, bytes]:
    """The bytes of every file a spec is conditioned on, by content hash (sent with the spec, so
    an actor on another machine has them)."""
    found: dict[str, bytes] = {}

    def read(ref: MediaRef) -> MediaRef:
        found[ref.sha256] = Path(ref.path).read_bytes()
        return ref

    _each_ref(spec.conditioning, read)
    return found


def rehomed(spec: RenderSpec, carried: dict[str, bytes], folder: Path) -> RenderSpec:
    """`spec` with its conditioning files written into `folder` and pointing there; their hashes,
    and so the spec's hash, stay the same."""

    def here(ref: MediaRef) -> MediaRef:
        local = folder / f"{ref.sha256[:16]}{Path(ref.path).suffix}"
        if not local.exists():
            local.write_bytes(carried[ref.sha256])
        return ref.model_copy(update={"path": str(local)})

    return spec.model_copy(update={"conditioning": _each_ref(spec.conditioning, here)})


def _each_ref(conditioning: Conditioning, change: Callable[[MediaRef], MediaRef]) -> Conditioning:
    """`conditioning` with `change` applied to every file it refers to (single or in a tuple)."""
    update: dict[str, Any] = {}
    for name, value in conditioning:
        if isinstance(value, MediaRef):
            update[name] = change(value)
        elif isinstance(value, tuple) and any(isinstance(v, MediaRef) for v in value):
            update[name] = tuple(change(v) if isinstance(v, MediaRef) else v for v in value)
    return conditioning.model_copy(update=update)

"""The protocols that the studio injects into the agents' graph, so agents never import an
engine or storage: a Renderer makes takes, a TakeLibrary remembers them, an Assembler cuts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from film.plan import FilmPlan
from film.render import RenderSpec, Take
from film.timeline import Timeline

ProgressFn = Callable[[int, int], None]
"""Called with (done, total) units of work, e.g. frames drawn."""


class Renderer(Protocol):
    engine: str

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        """`spec` with every setting that changes this engine's pixels written into its `model`
        and `options` (the model actually chosen, steps, dtype, cache hooks, workflow hashes...),
        so `spec_hash()` of the result is a take-cache key that never returns a take made with
        other settings. Resolving a resolved spec changes nothing."""
        ...

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        """Render `spec` into the file `dest` (written atomically) and describe the take."""
        ...


class TakeLibrary(Protocol):
    def find(self, spec_hash: str) -> Take | None:
        """A take already rendered for this spec, or None."""
        ...

    def keep(self, take: Take) -> Take:
        """Move the take's media into the store and remember it; returns the stored take."""
        ...


class Assembler(Protocol):
    def assemble(self, timeline: Timeline, plan: FilmPlan, out_dir: Path) -> Path:
        """Cut the timeline into `out_dir/film.mp4` (plus sidecars) and return the film path."""
        ...

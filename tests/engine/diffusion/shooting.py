"""Shoot a one-shot film through the real compiled graph with a real engine, and count renders:
how the take-cache tests see that a changed setting renders anew and an unchanged one reuses
the take. The recaptioner is the real one with the frame shrunk to 32×32 px, 9 model frames and
2 steps, so a tiny model paints it in a blink; the assembler only keeps the timeline it was given."""

from __future__ import annotations

import threading
from pathlib import Path

from agents import StudioContext, build_graph
from agents.recaptioner import recaption
from film import FilmPlan, ProgressFn, Renderer, RenderSpec, Scene, Shot, Take, Timeline
from tests.agents.doubles import FolderLibrary

PLAN = FilmPlan(
    title="Corner", duration_s=2, fps=8, scenes=(Scene(id="s", location="a city street at night"),),
    shots=(Shot(id="a", scene_id="s", frames=16, description="Maya waits at the corner in the rain"),),
)  # fmt: skip


class SmallRecaptioner:
    """The heuristic recaptioner's spec at 32×32 px, 9 model frames and 2 steps."""

    def recaption(self, plan: FilmPlan, shot: Shot, *, engine: str, seed: int | None = None) -> RenderSpec:
        spec = recaption(plan, shot, engine=engine, seed=seed)
        return spec.model_copy(update={"width": 32, "height": 32, "options": {"steps": 2, "num_frames": 9}})


class CountingRenderer:
    """Passes everything to the real engine and counts what it really rendered."""

    def __init__(self, inner: Renderer) -> None:
        self.inner = inner
        self.engine = inner.engine
        self.rendered: list[RenderSpec] = []
        self._lock = threading.Lock()

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        return self.inner.resolve(spec)

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        take = self.inner.render(spec, dest, progress)
        with self._lock:
            self.rendered.append(spec)
        return take


class TimelineKeeper:
    """An assembler that keeps the timeline and writes it as the 'film'."""

    def assemble(self, timeline: Timeline, plan: FilmPlan, out_dir: Path) -> Path:
        film = out_dir / "film.json"
        film.write_text(timeline.model_dump_json(), encoding="utf-8")
        return film


def shoot(renderer: Renderer, library: FolderLibrary, work: Path) -> tuple[list[RenderSpec], list[Take]]:
    """One run of PLAN through the graph: the specs rendered now, and the run's takes."""
    counting = CountingRenderer(renderer)
    ctx = StudioContext(
        renderer=counting, takes=library, assembler=TimelineKeeper(), out_dir=work / "out",
        work_dir=work / "work", recaptioner=SmallRecaptioner(),
    )  # fmt: skip
    final = build_graph().invoke({"plan": PLAN.model_dump(mode="json")}, context=ctx)
    return counting.rendered, [Take.model_validate(t) for t in final["takes"]]

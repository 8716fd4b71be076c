"""Per-run context, passed at invoke time (`graph.invoke(state, config, context=StudioContext(...))`).

It carries what the agents must not import — the renderer, the take library, the assembler — and
the progress hook. It is not checkpointed: a resumed run gets a fresh one from the studio.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from agents.critic import Critic
from agents.editor import Editor, HeuristicEditor
from agents.llm import RunLedger
from agents.planner import HeuristicPlanner, Planner
from agents.recaptioner import HeuristicRecaptioner, Recaptioner
from film import Assembler, FilmPlan, Renderer, TakeLibrary
from film.disclosure import DEFAULT_BUG, BugCorner
from film.gate import Verdict

Stage = Literal["plan", "recaption", "render", "edit", "assemble"]


@dataclass(frozen=True)
class Event:
    """One progress report.

    `shot_id` None: a stage-level event; `done`/`total` count the stage's steps (shots for
    recaption, 0/N when render starts, 0/1 then 1/1 for plan, edit and assemble).
    `shot_id` set: a per-shot event; for render `done`/`total` are frames of that shot, and the last
    event of a shot has message "done" (rendered now) or `cached=True` (found in the take library).
    Events may arrive from several render threads at once.
    """

    stage: Stage
    shot_id: str | None = None
    done: int = 0
    total: int = 0
    cached: bool = False
    message: str = ""


def _ignore(event: Event) -> None:
    """Default report hook: progress is optional."""


class RenderSlot:
    """A render worker's turn: taken on entering, given back on leaving or as soon as `release`
    says the last frame is drawn, so the next shot starts drawing while this one's encoder
    drains its last frames (the cores stay busy across the hand-over)."""

    def __init__(self, slots: threading.Semaphore | None) -> None:
        self._slots = slots
        self._held = False
        self._lock = threading.Lock()

    def __enter__(self) -> RenderSlot:
        if self._slots is not None:
            self._slots.acquire()
            self._held = True
        return self

    def release(self) -> None:
        with self._lock:
            if self._held and self._slots is not None:
                self._held = False
                self._slots.release()

    def __exit__(self, *exc: object) -> None:
        self.release()


@dataclass
class StudioContext:
    """Everything a run needs from outside the agents room."""

    renderer: Renderer
    takes: TakeLibrary
    assembler: Assembler
    out_dir: Path
    work_dir: Path
    """Fresh takes are rendered here, as `{spec_hash}.mp4`, before the library moves them in."""
    planner: Planner = field(default_factory=HeuristicPlanner)
    recaptioner: Recaptioner = field(default_factory=HeuristicRecaptioner)
    editor: Editor = field(default_factory=HeuristicEditor)
    control: Renderer | None = None
    """A previz renderer whose depth pass drives engines that take a control video (VACE); None = off."""
    critic: Critic | None = None
    """Reviews decoded takes after rendering and asks for bounded retakes; None skips review."""
    report: Callable[[Event], None] = _ignore
    clearance: Callable[[FilmPlan], Verdict] | None = None
    """Checks the plan before any take renders (the misuse gate, wired and audited by the studio);
    raises film.gate.GateRefused to stop the run. None: no check (agent tests)."""
    ledger: RunLedger = field(default_factory=RunLedger)
    """Token usage and warnings of this run; share it with the LLM agents' client (see llm_agents)."""
    bug: BugCorner = DEFAULT_BUG
    """Corner of every take's 'AI-generated' bug (the studio's `ai_bug` setting)."""
    render_workers: int = 0
    """Takes rendered at once (0: no limit beyond the graph's own). Apart from the graph's
    concurrency, so LLM recaptions can run wide while renders stay within the cores."""
    _counts: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _slots: threading.Semaphore | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.render_workers > 0:
            self._slots = threading.BoundedSemaphore(self.render_workers)

    def render_slot(self) -> RenderSlot:
        """One of the `render_workers` slots, held while a take draws (see RenderSlot)."""
        return RenderSlot(self._slots)

    def tick(self, stage: Stage) -> int:
        """Count one finished step of `stage` (thread-safe), for monotonic stage progress."""
        with self._lock:
            self._counts[stage] = self._counts.get(stage, 0) + 1
            return self._counts[stage]

"""Shooting one plan version of a run: the graph gets its renderer, take library and assembler
injected here, streams its progress to Rich, and checkpoints every step on the runs' database,
so a killed process can be resumed where it stopped.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from langgraph.types import Command
from rich.console import Console
from sqlalchemy import Engine

from agents import LLMClient, RunLedger, StudioContext, build_graph, llm_agents
from agents.critic import Critic, CriticConfig
from agents.llm_reviser import LLMReviser
from agents.reviser import revise
from engine import probe, renderer_for
from engine.media import read_frames
from film import FilmPlan, ProgressFn, Renderer, RenderSpec, RunCancelled, StoryreelError, Take, TakeLibrary
from storage import (
    AssetStore,
    RunStatus,
    StoredTakeLibrary,
    add_run_usage,
    checkpointer_scope,
    save_plan_version,
    session_scope,
    set_plan_film,
    set_plan_takes,
    set_run_status,
)
from studio.clearance import Clearance
from studio.flight import single_flight
from studio.progress import RunProgress, show_warnings
from studio.settings import Settings
from studio.versions import film_dir_for, thread_for

CRITIC_SIZE = (160, 90)
"""The critic judges black, frozen and flickering takes from frame statistics, which a thumbnail
keeps; decoding at this size holds a take in a few MB whatever the film's frame size."""

Reviser = Callable[[FilmPlan, str], FilmPlan]
"""Applies a person's revision note to a plan: the edit grammar, or free text with an LLM."""
Review = Callable[[FilmPlan, Reviser], FilmPlan | None]
"""Shown the plan at the review gate (and how to apply a note to it); returns the plan to shoot
(maybe revised), or None to stop."""


class Crew(Protocol):
    """What a worker adds to a shoot: its name in the job table, a listener for every event,
    and a check that stops the shoot when the job was cancelled."""

    worker: str

    def listening(self, progress: Callable[[Any], None]) -> Callable[[Any], None]: ...

    def check(self) -> None: ...


@dataclass
class FilmResult:
    run_id: str
    version: int
    film_path: Path | None
    plan: FilmPlan
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    stage_s: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        if self.film_path is None:
            return (
                f"[yellow]waiting for review[/] run {self.run_id}: approve with "
                f'`storyreel resume {self.run_id}` or change it with `storyreel revise {self.run_id} "..."`'
            )
        shots = len(self.plan.shots)
        if not self.rendered:
            takes = f"rendered nothing: all {shots} shots reused from the take cache (same spec_hash)"
        elif self.reused:
            takes = f"rendered {len(self.rendered)} of {shots} shots, reused {len(self.reused)} from cache"
        else:
            takes = f"rendered {len(self.rendered)} of {shots} shots"
        return (
            f"[green]done[/] run {self.run_id} v{self.version}: {self.plan.total_s:.1f}s film, {takes}, "
            f"in {self.wall_s:.1f}s"
        )


class ResumableRenderer:
    """Wraps an engine so a take that a killed process finished (its file is only ever renamed
    into place whole) is picked up instead of rendered again. With `render_log`, every finished
    render appends one line there, which is how the crash tests count renders."""

    def __init__(self, inner: Renderer, render_log: Path | None = None) -> None:
        self.inner = inner
        self.engine = inner.engine
        self.render_log = render_log

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        return self.inner.resolve(spec)

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        if dest.exists():
            info = probe(dest)
            if info.frames == spec.frames:
                return Take(
                    shot_id=spec.shot.id,
                    spec_hash=spec.spec_hash(),
                    engine=self.engine,
                    path=str(dest),
                    frames=info.frames,
                    fps=spec.fps,
                    width=info.width,
                    height=info.height,
                    extras=_side_files(dest),
                )
        take = self.inner.render(spec, dest, progress)
        if self.render_log is not None:
            with open(self.render_log, "a", encoding="utf-8") as log:
                log.write(f"{take.spec_hash} {take.shot_id} {os.getpid()}\n")
        return take


@runtime_checkable
class Closing(Protocol):
    def close(self) -> None: ...


def _engine(settings: Settings, engine_name: str) -> Renderer:
    """The engine in this process (`STORYREEL_EXECUTOR=local`), or the Ray fleet running it."""
    options = settings.engine_options(engine_name)
    if settings.executor == "ray":
        from engine.fleet.pool import Fleet

        return Fleet(engine_name, options, settings.ray)
    return renderer_for(engine_name, options)


def _go_on() -> None:
    """A shoot nobody can cancel (the CLI's: Ctrl-C stops it)."""


def _side_files(dest: Path) -> dict[str, str]:
    """Side files a renderer wrote next to a take (`<stem>.<kind>.<ext>`), finished ones only."""
    found = {}
    for path in dest.parent.glob(f"{dest.stem}.*"):
        parts = path.name.split(".")
        if path != dest and len(parts) == 3 and not parts[1].startswith("part"):
            found[parts[1]] = str(path)
    return found


def shoot(
    *,
    settings: Settings,
    db: Engine,
    run_id: str,
    version: int,
    state: dict[str, Any] | Command[Any] | None,
    thread_id: str | None = None,
    out_dir: Path,
    engine_name: str,
    console: Console | None = None,
    quiet: bool = False,
    review: Review | None = None,
    crew: Crew | None = None,
    consent: str | None = None,
) -> FilmResult:
    """Run (or resume, with `state=None`) the graph for one plan version until it is cut.
    Every render goes through single flight (one render of a spec at a time, across processes);
    a worker passes its `crew`, who hears every progress event and can stop the shoot."""
    thread_id = thread_id or thread_for(run_id, version)
    film_dir = film_dir_for(out_dir, thread_id)
    console = console or Console(stderr=True)
    progress = RunProgress(console, enabled=not quiet)
    engine = _engine(settings, engine_name)
    if settings.executor == "ray" and not quiet:
        where = settings.ray.address or "a Ray started for this run"
        console.print(f"rendering on Ray ({where}), {settings.ray.actors} actor(s) a model", highlight=False)
    renderer: Renderer = ResumableRenderer(engine, settings.render_log)
    library: TakeLibrary = StoredTakeLibrary(db, AssetStore(settings.asset_root))
    report: Callable[[Any], None] = progress
    flight = crew.worker if crew is not None else f"{socket.gethostname()}:{os.getpid()}:{run_id}"
    renderer, library = single_flight(  # two makes or jobs wanting one spec render it once
        renderer, library, db=db, worker=flight, lease_s=settings.worker_lease_s,
        check=crew.check if crew is not None else _go_on,
    )  # fmt: skip
    if crew is not None:
        report = crew.listening(progress)
    entry = "worker:shoot" if crew is not None else "cli:shoot"
    gate = Clearance(db, settings, entry=entry, override=consent)
    context = StudioContext(
        **_agents(settings),
        renderer=renderer,
        control=renderer_for("previz", {"depth": True})
        if settings.previz_control and engine_name != "previz"
        else None,
        takes=library,
        assembler=settings.assembler(),
        out_dir=film_dir,
        work_dir=settings.work_root / run_id,
        report=report,
        clearance=partial(gate.plan, run_id=run_id),
        render_workers=settings.workers(),
        bug=settings.ai_bug,
    )
    config: dict[str, Any] = {
        "configurable": {"thread_id": thread_id},
        "max_concurrency": max(settings.workers(), settings.llm_concurrency),
    }
    _set_status(db, run_id, "rendering" if version > 1 else "planning", pid=os.getpid(), error=None)
    started = time.perf_counter()
    stage_s: dict[str, float] = {}
    try:
        with checkpointer_scope(settings.database) as saver, progress:
            graph = build_graph(checkpointer=saver)
            if state is None:  # resuming: say where the graph really stands, not "planning"
                waiting = graph.get_state(config).next
                if waiting:
                    _set_status(db, run_id, "assembling" if "assemble" in waiting else "rendering")
            pending = state
            while True:
                asked = _stream(graph, pending, config, context, db, run_id, stage_s)
                if asked is None:
                    break
                plan = FilmPlan.model_validate(asked)
                approved = review(plan, note_reviser(settings, context.ledger)) if review else None
                if approved is None:
                    _set_status(db, run_id, "reviewing", pid=None)
                    return FilmResult(run_id, version, None, plan, wall_s=time.perf_counter() - started)
                if approved != plan:
                    remember_plan(db, run_id, approved, note="revised at review")
                pending = Command(resume=approved.model_dump(mode="json"))
            final = graph.get_state(config).values
    except KeyboardInterrupt:
        _set_status(db, run_id, "interrupted", error="interrupted by the user", pid=None)
        raise
    except RunCancelled:
        _set_status(db, run_id, "cancelled", error="cancelled", pid=None)
        raise
    except StoryreelError as exc:
        _set_status(db, run_id, "failed", error=str(exc), pid=None)
        raise
    except Exception as exc:
        _set_status(db, run_id, "failed", error=f"{type(exc).__name__}: {exc}", pid=None)
        raise
    finally:
        _keep_usage(db, run_id, context.ledger, console)
        if isinstance(engine, Closing):
            engine.close()  # the fleet's actors (and a Ray started for this run)
    film_path = Path(final["film_path"])
    plan = FilmPlan.model_validate(final["plan"])
    takes = {take["shot_id"]: take["spec_hash"] for take in final.get("takes", [])}
    with session_scope(db) as session:
        set_plan_film(session=session, run_id=run_id, plan_hash=plan.spec_hash(), film_path=str(film_path))
        set_plan_takes(session=session, run_id=run_id, plan_hash=plan.spec_hash(), takes=takes)
        set_run_status(session=session, run_id=run_id, status="done", film_path=str(film_path), pid=None)
    return FilmResult(
        run_id, version, film_path, plan, progress.rendered, progress.reused,
        time.perf_counter() - started, stage_s,
    )  # fmt: skip


def _stream(
    graph: Any,
    pending: Any,
    config: dict[str, Any],
    context: StudioContext,
    db: Engine,
    run_id: str,
    stage_s: dict[str, float],
) -> dict[str, Any] | None:
    """Stream until the graph ends (None) or stops at the review gate (the plan it shows)."""
    last = time.perf_counter()
    asked: dict[str, Any] | None = None
    for update in graph.stream(pending, config, context=context, stream_mode="updates", durability="sync"):
        for node, delta in update.items():
            now = time.perf_counter()
            stage_s[node] = stage_s.get(node, 0.0) + (now - last)
            last = now
            if node == "__interrupt__":
                asked = delta[0].value["plan"]
            elif node == "plan" and delta and "plan" in delta:
                remember_plan(db, run_id, FilmPlan.model_validate(delta["plan"]))
            elif node == "edit":
                _set_status(db, run_id, "assembling")
    return asked


def note_reviser(settings: Settings, ledger: RunLedger) -> Reviser:
    """The offline edit grammar, or with an LLM configured, free text (translated into the
    grammar, which still applies it); the LLM's usage goes into `ledger`."""
    config = settings.llm_config()
    if config is None:
        return revise
    return LLMReviser(LLMClient(config, ledger)).revise


def _agents(settings: Settings) -> dict[str, Any]:
    """LLM planner/recaptioner/editor when an endpoint is configured (heuristics otherwise), and
    the critic when asked for; all record into one ledger per shoot."""
    ledger = RunLedger()
    config = settings.llm_config()
    chosen: dict[str, Any] = llm_agents(config, ledger) if config else {"ledger": ledger}
    if settings.critic:
        limits = CriticConfig(max_retakes=settings.critic_max_retakes)
        chosen["critic"] = Critic(lambda take: read_frames(Path(take.path), size=CRITIC_SIZE), limits)
    return chosen


def _keep_usage(db: Engine, run_id: str, ledger: RunLedger, console: Console) -> None:
    """Store the shoot's token usage and warnings on the run, and show the warnings."""
    used = ledger.snapshot()
    show_warnings(console, used["warnings"])
    if used["requests"] or used["warnings"]:
        with session_scope(db) as session:
            add_run_usage(
                session=session, run_id=run_id, prompt_tokens=used["prompt_tokens"],
                completion_tokens=used["completion_tokens"], warnings=used["warnings"],
            )  # fmt: skip


def remember_plan(db: Engine, run_id: str, plan: FilmPlan, note: str = "") -> None:
    with session_scope(db) as session:
        save_plan_version(session=session, run_id=run_id, plan=plan, note=note)
        set_run_status(session=session, run_id=run_id, status="rendering", title=plan.title)


def _set_status(db: Engine, run_id: str, status: RunStatus, **extra: Any) -> None:
    with session_scope(db) as session:
        set_run_status(session=session, run_id=run_id, status=status, **extra)

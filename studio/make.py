"""Use cases the CLI offers: make a film, write a plan, render a plan, look at runs.

This is the one place where agents, engine and storage meet: the graph gets the renderer,
the take library and the assembler injected here.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from agents import StudioContext, build_graph, plan_brief
from engine import FfmpegAssembler, renderer_for
from film import BadInput, FilmPlan, StoryreelError
from storage import (
    AssetStore,
    Run,
    RunCreate,
    RunStatus,
    StoredTakeLibrary,
    checkpointer_scope,
    create_run,
    get_run,
    latest_plan,
    list_runs,
    new_run_id,
    open_database,
    save_plan_version,
    session_scope,
    set_run_status,
)
from studio import inputs
from studio.progress import RunProgress
from studio.settings import Settings


@dataclass(frozen=True)
class FilmRequest:
    """A checked request: everything here has passed the studio's door."""

    brief: str
    duration_s: float
    aspect: str
    style: str
    seed: int
    title_card: bool = True

    @classmethod
    def from_cli(
        cls,
        *,
        brief: str | None,
        brief_file: Path | None,
        duration_s: float | None,
        aspect: str,
        style: str | None,
        seed: int,
        title_card: bool,
        settings: Settings,
    ) -> FilmRequest:
        if seed < 0 or seed > 2**32 - 1:
            raise BadInput("seed", seed, "must be between 0 and 4294967295")
        return cls(
            brief=inputs.brief_from(brief, brief_file),
            duration_s=inputs.check_duration(settings.duration_s if duration_s is None else duration_s),
            aspect=inputs.check_aspect(aspect),
            style=style or settings.style,
            seed=seed,
            title_card=title_card,
        )

    def plan(self) -> FilmPlan:
        return plan_brief(
            self.brief,
            duration_s=self.duration_s,
            aspect=self.aspect,
            style=self.style,
            seed=self.seed,
            title_card=self.title_card,
        )


@dataclass
class FilmResult:
    run_id: str
    film_path: Path
    plan: FilmPlan
    rendered: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    stage_s: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        shots = len(self.plan.shots)
        if not self.rendered:
            takes = f"rendered nothing: all {shots} shots reused from the take cache (same spec_hash)"
        elif self.reused:
            takes = f"rendered {len(self.rendered)} of {shots} shots, reused {len(self.reused)} from cache"
        else:
            takes = f"rendered {len(self.rendered)} of {shots} shots"
        return (
            f"[green]done[/] run {self.run_id}: {self.plan.total_s:.1f}s film, {takes}, in {self.wall_s:.1f}s"
        )


def write_plan(request: FilmRequest, out_file: Path) -> Path:
    """Plan only; the JSON is written atomically so an interrupted write leaves nothing."""
    plan = request.plan()
    inputs.check_out_dir(out_file.parent if str(out_file.parent) else Path("."))
    tmp = out_file.with_name(f".{out_file.name}.part")
    try:
        tmp.write_text(plan.model_dump_json(indent=2), encoding="utf-8")
        os.replace(tmp, out_file)
    finally:
        tmp.unlink(missing_ok=True)
    return out_file


def make_film(
    request: FilmRequest,
    *,
    settings: Settings,
    out_dir: Path | None = None,
    engine: str | None = None,
    console: Console | None = None,
    quiet: bool = False,
) -> FilmResult:
    """Brief → plan → takes → film, as one durable run."""
    state: dict[str, Any] = {
        "brief": request.brief,
        "duration_s": request.duration_s,
        "aspect": request.aspect,
        "style": request.style,
        "seed": request.seed,
        "title_card": request.title_card,
    }
    return _run(
        state,
        brief=request.brief,
        request=request,
        settings=settings,
        out_dir=out_dir,
        engine=engine,
        console=console,
        quiet=quiet,
    )


def render_plan(
    plan_file: Path,
    *,
    settings: Settings,
    out_dir: Path | None = None,
    engine: str | None = None,
    console: Console | None = None,
    quiet: bool = False,
) -> FilmResult:
    """A plan someone wrote or edited → film, skipping the planner."""
    plan = inputs.load_plan(plan_file)
    state: dict[str, Any] = {"plan": plan.model_dump(mode="json")}
    request = FilmRequest(
        brief=plan.logline or plan.title,
        duration_s=plan.duration_s,
        aspect=plan.aspect,
        style=plan.style,
        seed=plan.seed,
    )
    return _run(
        state,
        brief=f"(plan file {plan_file})",
        request=request,
        settings=settings,
        out_dir=out_dir,
        engine=engine,
        console=console,
        quiet=quiet,
    )


def _run(
    state: dict[str, Any],
    *,
    brief: str,
    request: FilmRequest,
    settings: Settings,
    out_dir: Path | None,
    engine: str | None,
    console: Console | None,
    quiet: bool,
) -> FilmResult:
    engine_name = engine or settings.engine
    renderer = renderer_for(engine_name)
    settings.home.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    film_dir = inputs.check_out_dir(out_dir if out_dir is not None else settings.out_root / run_id)
    db = open_database(settings.database)
    with session_scope(db) as session:
        create_run(
            session=session,
            run_create=RunCreate(
                brief=brief,
                engine=engine_name,
                aspect=request.aspect,
                duration_s=request.duration_s,
                seed=request.seed,
                style=request.style,
                out_dir=str(film_dir.resolve()),
            ),
            run_id=run_id,
        )
        set_run_status(session=session, run_id=run_id, status="planning", pid=os.getpid())
        if "plan" in state:
            _remember_plan(session, run_id, FilmPlan.model_validate(state["plan"]))
    progress = RunProgress(console or Console(stderr=True), enabled=not quiet)
    context = StudioContext(
        renderer=renderer,
        takes=StoredTakeLibrary(db, AssetStore(settings.asset_root)),
        assembler=FfmpegAssembler(),
        out_dir=film_dir,
        work_dir=settings.work_root / run_id,
        report=progress,
    )
    config: dict[str, Any] = {
        "configurable": {"thread_id": run_id},
        "max_concurrency": settings.render_workers,
    }
    started = time.perf_counter()
    stage_s: dict[str, float] = {}
    final: dict[str, Any] = {}
    try:
        with checkpointer_scope(settings.database) as saver, progress:
            graph = build_graph(checkpointer=saver)
            last = started
            for update in graph.stream(state, config, context=context, stream_mode="updates"):
                for node, delta in update.items():
                    now = time.perf_counter()
                    stage_s[node] = stage_s.get(node, 0.0) + (now - last)
                    last = now
                    _on_update(db, run_id, node, delta or {})
            final = graph.get_state(config).values
    except KeyboardInterrupt:
        _set_status(db, run_id, "interrupted", error="interrupted by the user", pid=None)
        raise
    except StoryreelError as exc:
        _set_status(db, run_id, "failed", error=str(exc), pid=None)
        raise
    except Exception as exc:
        _set_status(db, run_id, "failed", error=f"{type(exc).__name__}: {exc}", pid=None)
        raise
    film_path = Path(final["film_path"])
    _set_status(db, run_id, "done", film_path=str(film_path), pid=None)
    return FilmResult(
        run_id=run_id,
        film_path=film_path,
        plan=FilmPlan.model_validate(final["plan"]),
        rendered=progress.rendered,
        reused=progress.reused,
        wall_s=time.perf_counter() - started,
        stage_s=stage_s,
    )


def _on_update(db: Any, run_id: str, node: str, delta: dict[str, Any]) -> None:
    """Remember what the graph produced as it goes: plan versions, then the stage."""
    if node == "plan" and "plan" in delta:
        with session_scope(db) as session:
            _remember_plan(session, run_id, FilmPlan.model_validate(delta["plan"]))
    elif node == "edit":
        _set_status(db, run_id, "assembling")


def _remember_plan(session: Any, run_id: str, plan: FilmPlan) -> None:
    save_plan_version(session=session, run_id=run_id, plan=plan)
    set_run_status(session=session, run_id=run_id, status="rendering", title=plan.title)


def _set_status(db: Any, run_id: str, status: RunStatus, **extra: Any) -> None:
    with session_scope(db) as session:
        set_run_status(session=session, run_id=run_id, status=status, **extra)


def recent_runs(settings: Settings, *, limit: int = 20) -> list[Run]:
    db = open_database(settings.database)
    with session_scope(db) as session:
        return list_runs(session=session, limit=limit)


def run_details(settings: Settings, run_id: str) -> tuple[Run, FilmPlan | None]:
    db = open_database(settings.database)
    with session_scope(db) as session:
        run = get_run(session=session, run_id=run_id)
        return run, latest_plan(session=session, run_id=run_id)

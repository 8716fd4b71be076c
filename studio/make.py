"""Use cases that start a run: make a film from a brief, write a plan, render a plan file,
draw a contact sheet; and the read-only views of runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from agents import plan_brief, recaption
from engine.previz.sheet import contact_sheet
from film import BadInput, FilmPlan
from film.files import write_atomic
from storage import (
    Run,
    RunCreate,
    create_run,
    get_run,
    latest_plan,
    list_runs,
    new_run_id,
    open_database,
    session_scope,
)
from studio import inputs
from studio.runner import FilmResult, Review, remember_plan, shoot
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


def write_plan(request: FilmRequest, out_file: Path) -> Path:
    """Plan only; the JSON is written atomically so an interrupted write leaves nothing."""
    plan = request.plan()
    inputs.check_out_dir(out_file.parent if str(out_file.parent) else Path("."))
    return write_atomic(out_file, plan.model_dump_json(indent=2))


def previz_sheet(plan_file: Path, out_file: Path, *, columns: int = 4) -> Path:
    """One mid-shot previz frame per shot in a grid, for reviewing blocking before rendering."""
    plan = inputs.load_plan(plan_file)
    inputs.check_out_dir(out_file.parent if str(out_file.parent) else Path("."))
    specs = [recaption(plan, shot, engine="previz") for shot in plan.shots]
    return contact_sheet(plan, specs, out_file, columns=columns)


def make_film(
    request: FilmRequest,
    *,
    settings: Settings,
    out_dir: Path | None = None,
    engine: str | None = None,
    console: Console | None = None,
    quiet: bool = False,
    review: Review | None = None,
    gate: bool = False,
) -> FilmResult:
    """Brief → plan → takes → film, as one durable run. With `gate`, stop for review after planning."""
    state: dict[str, Any] = {
        "brief": request.brief,
        "duration_s": request.duration_s,
        "aspect": request.aspect,
        "style": request.style,
        "seed": request.seed,
        "title_card": request.title_card,
        "review": gate,
    }
    return _start(state, request.brief, request, settings, out_dir, engine, console, quiet, review)


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
    request = FilmRequest(
        brief=plan.logline or plan.title, duration_s=plan.duration_s, aspect=plan.aspect,
        style=plan.style, seed=plan.seed, title_card=plan.title_card_frames > 0,
    )  # fmt: skip
    state: dict[str, Any] = {"plan": plan.model_dump(mode="json")}
    return _start(state, f"(plan file {plan_file})", request, settings, out_dir, engine, console, quiet)


def _start(
    state: dict[str, Any],
    brief: str,
    request: FilmRequest,
    settings: Settings,
    out_dir: Path | None,
    engine: str | None,
    console: Console | None,
    quiet: bool,
    review: Review | None = None,
) -> FilmResult:
    """Create the run row, then shoot version 1."""
    engine_name = engine or settings.engine
    settings.home.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    film_dir = inputs.check_out_dir(out_dir if out_dir is not None else settings.out_root / run_id)
    db = open_database(settings.database)
    with session_scope(db) as session:
        create_run(
            session=session,
            run_create=RunCreate(
                brief=brief, engine=engine_name, aspect=request.aspect, duration_s=request.duration_s,
                seed=request.seed, style=request.style, title_card=request.title_card,
                out_dir=str(film_dir.resolve()),
            ),
            run_id=run_id,
        )  # fmt: skip
    if "plan" in state:
        remember_plan(db, run_id, FilmPlan.model_validate(state["plan"]))
    return shoot(
        settings=settings, db=db, run_id=run_id, version=1, state=state, out_dir=film_dir,
        engine_name=engine_name, console=console, quiet=quiet, review=review,
    )  # fmt: skip


def recent_runs(settings: Settings, *, limit: int = 20) -> list[Run]:
    db = open_database(settings.database)
    with session_scope(db) as session:
        return list_runs(session=session, limit=limit)


def run_details(settings: Settings, run_id: str) -> tuple[Run, FilmPlan | None]:
    db = open_database(settings.database)
    with session_scope(db) as session:
        run = get_run(session=session, run_id=run_id)
        return run, latest_plan(session=session, run_id=run_id)

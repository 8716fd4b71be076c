"""Use cases that start a run: make a film from a brief, write a plan, render a plan file,
draw a contact sheet.

The graph, the LLM client and the engines are imported only once a run row exists and its
first progress line is out, so `storyreel make` answers at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio import inputs
from studio.settings import Settings

if TYPE_CHECKING:
    from rich.console import Console

    from film import FilmPlan
    from studio.runner import FilmResult, Review

PLAN_FILE = "plan.json"
SHEET_FILE = "sheet.png"


@dataclass(frozen=True)
class FilmRequest:
    """A checked request: everything here has passed the studio's door."""

    brief: str
    duration_s: float
    aspect: str
    style: str
    seed: int
    title_card: bool = True
    consent: str | None = None
    """A consent id the operator vouches for (`--i-have-consent`): overrides a refusal it covers."""

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
        consent: str | None = None,
    ) -> FilmRequest:
        return cls(
            brief=inputs.brief_from(brief, brief_file),
            duration_s=inputs.check_duration(settings.duration_s if duration_s is None else duration_s),
            aspect=inputs.check_aspect(aspect),
            style=inputs.check_style(style or settings.style),
            seed=inputs.check_seed(seed),
            title_card=title_card,
            consent=consent,
        )

    def plan(self, settings: Settings | None = None, console: Console | None = None) -> FilmPlan:
        """The plan for this request: the LLM planner when `settings` name an endpoint (falling
        back to the heuristic with a warning line, as `make` does), else the heuristic planner."""
        from agents.planner import HeuristicPlanner, PlanRequest

        request = PlanRequest(
            duration_s=self.duration_s, aspect=self.aspect, style=self.style, seed=self.seed,
            title_card=self.title_card,
        )  # fmt: skip
        from studio.progress import show_warnings

        config = settings.llm_config() if settings is not None else None
        if config is None:
            plan = HeuristicPlanner().plan(self.brief, request)
            warnings = list(plan.notes)
        else:
            from agents import LLMClient, LLMPlanner, RunLedger

            ledger = RunLedger()
            plan = LLMPlanner(LLMClient(config, ledger)).plan(self.brief, request)
            warnings = [*ledger.snapshot()["warnings"], *plan.notes]
        if console is not None:
            show_warnings(console, warnings)
        return plan


def write_plan(request: FilmRequest, out: str, *, settings: Settings, console: Console | None = None) -> Path:
    """Plan only; the JSON is written atomically so an interrupted write leaves nothing. A
    folder as `out` means `out/plan.json`."""
    from film.files import write_atomic
    from storage import open_database
    from studio.clearance import Clearance, brief_texts

    target = inputs.out_file(out, PLAN_FILE)
    gate = Clearance(open_database(settings.database), settings, entry="cli:plan", override=request.consent)
    gate.texts(brief_texts(request.brief))
    plan = request.plan(settings, console)
    gate.plan(plan)  # an LLM planner may have cast someone real
    return write_atomic(target, plan.model_dump_json(indent=2))


def previz_sheet(plan_file: Path, out: str, *, columns: int = 4) -> Path:
    """One mid-shot previz frame per shot in a grid, for reviewing blocking before rendering.
    A folder as `out` means `out/sheet.png`."""
    from agents import recaption
    from engine.previz.sheet import contact_sheet

    plan = inputs.load_plan(plan_file)
    target = inputs.out_file(out, SHEET_FILE)
    specs = [recaption(plan, shot, engine="previz") for shot in plan.shots]
    return contact_sheet(plan, specs, target, columns=columns)


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
    from agents.heuristics.language import warm

    warm()  # the planner's language model loads while the run's database and graph are set up
    state: dict[str, Any] = {
        "brief": request.brief,
        "duration_s": request.duration_s,
        "aspect": request.aspect,
        "style": request.style,
        "seed": request.seed,
        "title_card": request.title_card,
        "review": gate,
    }
    return _start(state, request.brief, request, settings, out_dir, engine, console, quiet, review, "make")


def render_plan(
    plan_file: Path,
    *,
    settings: Settings,
    out_dir: Path | None = None,
    engine: str | None = None,
    console: Console | None = None,
    quiet: bool = False,
    consent: str | None = None,
) -> FilmResult:
    """A plan someone wrote or edited → film, skipping the planner."""
    plan = inputs.load_plan(plan_file)
    request = FilmRequest(
        brief=plan.logline or plan.title, duration_s=plan.duration_s, aspect=plan.aspect,
        style=plan.style, seed=plan.seed, title_card=plan.title_card_frames > 0, consent=consent,
    )  # fmt: skip
    state: dict[str, Any] = {"plan": plan.model_dump(mode="json")}
    return _start(
        state, f"(plan file {plan_file})", request, settings, out_dir, engine, console, quiet, entry="render"
    )


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
    entry: str = "make",
) -> FilmResult:
    """Clear the brief, create the run row, say so, then load the graph and shoot version 1
    (which clears the plan before anything renders)."""
    from storage import RunCreate, create_run, new_run_id, open_database, session_scope
    from studio.clearance import Clearance, brief_texts
    from studio.progress import announce

    engine_name = inputs.check_engine(engine or settings.engine, settings.ai_bug)
    settings.home.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    film_dir = inputs.check_out_dir(out_dir if out_dir is not None else settings.out_root / run_id)
    db = open_database(settings.database)
    if "plan" not in state:  # a plan file is cleared whole, before its first take
        Clearance(db, settings, entry=f"cli:{entry}", override=request.consent).texts(
            brief_texts(brief), run_id=run_id
        )
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
    if console is not None and not quiet:
        announce(console, run_id, "planning" if "plan" not in state else "checking the plan")
    from film import FilmPlan
    from studio.runner import remember_plan, shoot

    if "plan" in state:
        remember_plan(db, run_id, FilmPlan.model_validate(state["plan"]))
    return shoot(
        settings=settings, db=db, run_id=run_id, version=1, state=state, out_dir=film_dir,
        engine_name=engine_name, console=console, quiet=quiet, review=review, consent=request.consent,
    )  # fmt: skip

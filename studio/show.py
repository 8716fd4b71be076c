"""The read-only views of runs: the list `storyreel runs` prints, and what `storyreel show RUN`
tells (status and film, LLM token usage and fallback warnings, the newest plan as a table, and
per shot the engine settings that made its take).

Light: rows from the runs' database with only `StudioHome` settings; no graph, no engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from studio.status import shown_status

if TYPE_CHECKING:
    from film import FilmPlan
    from storage import Run, ShotRecord, TakeRecord
    from studio.home import StudioHome


def plan_table(plan: FilmPlan) -> Table:
    table = Table("#", "shot", "scene", "length", "camera", "who", "description", title=plan.title)
    for n, shot in enumerate(plan.shots, 1):
        who = ", ".join(plan.character(p.character_id).name for p in shot.performances)
        table.add_row(
            str(n), shot.id, shot.scene_id, f"{shot.frames / plan.fps:.2f}s", shot.camera.label(), who,
            shot.description[:60],
        )  # fmt: skip
    return table


@dataclass(frozen=True)
class RunSheet:
    """One run as stored: its row, its newest plan version and the take playing each shot."""

    run: Run
    plan: FilmPlan | None = None
    version: int = 0
    takes: list[tuple[ShotRecord, TakeRecord | None]] = field(default_factory=list)


def recent_runs(settings: StudioHome, *, limit: int = 20) -> list[Run]:
    from storage import list_runs, open_database, session_scope

    db = open_database(settings.database)
    with session_scope(db) as session:
        return list_runs(session=session, limit=limit)


def run_sheet(settings: StudioHome, run_id: str) -> RunSheet:
    from storage import get_run, latest_plan_version, open_database, plan_takes, session_scope

    db = open_database(settings.database)
    with session_scope(db) as session:
        run = get_run(session=session, run_id=run_id)
        latest = latest_plan_version(session=session, run_id=run_id)
        if latest is None:
            return RunSheet(run)
        takes = plan_takes(session=session, run_id=run_id, version=latest.version)
        return RunSheet(run, latest.film_plan(), latest.version, takes)


def made_with(take: TakeRecord | None) -> str:
    """A take's engine settings as `engine=diffusion model=wan2.1-t2v-1.3b steps=30 ...`."""
    if take is None:
        return "no take yet"
    settings = take.settings()
    if not settings:
        return f"engine={take.engine} (settings not recorded)"
    return " ".join(f"{key}={value}" for key, value in settings.items())


def print_run_sheet(out: Console, sheet: RunSheet) -> None:
    run = sheet.run
    say = out.print
    say(f"[bold]{run.id}[/]  {shown_status(run)}  {escape(run.title or '')}", highlight=False)
    say(f"brief: {escape(run.brief[:200])}", highlight=False, soft_wrap=True)
    if run.film_path:
        say(f"film: {escape(run.film_path)}", highlight=False, soft_wrap=True)
    if run.error:
        say(f"[red]error:[/] {escape(run.error)}", highlight=False, soft_wrap=True)
    total = run.prompt_tokens + run.completion_tokens
    say(
        f"tokens: prompt {run.prompt_tokens}, completion {run.completion_tokens}, total {total}"
        + ("" if total else " (offline heuristics)"),
        highlight=False,
    )
    warnings = [line for line in run.warnings.splitlines() if line.strip()]
    say(f"warnings: {len(warnings) or 'none'}", highlight=False)
    for warning in warnings:
        say(f"  [yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    if sheet.plan is None:
        return
    say(plan_table(sheet.plan))
    say(f"takes of plan v{sheet.version}, made with:", highlight=False)
    for record, take in sheet.takes:
        say(
            f"  shot {record.position + 1} ({record.shot_id}): {escape(made_with(take))}",
            highlight=False,
            soft_wrap=True,
        )

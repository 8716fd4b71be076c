"""Runs: start one, follow it, cancel it, approve or revise it at review, edit its plan, shoot
the newest version, and read its version history.

Every route only writes rows and queues a job; a worker does the work (studio.api.production).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlmodel import Session

from storage import AssetStore, Run, list_plan_versions, list_runs, project_runs
from studio.api import door, production
from studio.api.deps import ApiRoute, DatabaseDep, SessionDep, SettingsDep
from studio.api.door import edit_texts
from studio.api.public import (
    CharacterPatch,
    DiffPublic,
    PlanPublic,
    ReviseRequest,
    RunCreateRequest,
    RunPublic,
    ShotPatch,
    VersionPublic,
)

router = APIRouter(tags=["runs"], route_class=ApiRoute)
LimitQuery = Annotated[int, Query(ge=1, le=500, description="at most this many, newest first")]
VersionQuery = Annotated[int | None, Query(ge=1, le=1_000_000, description="plan version (default: newest)")]


def run_public(session: Session, run: Run) -> RunPublic:
    return RunPublic(
        id=run.id, status=production.public_status(run.status), title=run.title, brief=run.brief,
        engine=run.engine, aspect=run.aspect, duration=run.duration_s, seed=run.seed, style=run.style,
        project_id=run.project_id, version=production.latest_version_number(session, run.id),
        error=run.error, film_url=production.film_url(run), created_at=run.created_at,
        updated_at=run.updated_at,
    )  # fmt: skip


def _plan(version: Any) -> PlanPublic:
    return PlanPublic(version=version.version, plan=version.film_plan())


@router.post("/runs", status_code=202)
def create_run(
    body: RunCreateRequest, session: SessionDep, settings: SettingsDep, database: DatabaseDep
) -> RunPublic:
    """Queue a film from a brief (checked as `storyreel make` checks it, misuse gate included);
    a worker makes it."""
    door.clear(database, settings, "POST /runs", edit_texts(body.brief, "brief"))
    order = production.MakeOrder(
        brief=body.brief, duration_s=body.duration, aspect=body.aspect, style=body.style, seed=body.seed,
        engine=body.engine, review=body.review, project_id=body.project_id, title_card=body.title_card,
    )  # fmt: skip
    return run_public(session, production.start_run(session, settings, order))


@router.get("/runs")
def runs(session: SessionDep, project_id: str | None = None, limit: LimitQuery = 20) -> list[RunPublic]:
    """The newest runs, or one project's."""
    if project_id is None:
        found = list_runs(session=session, limit=limit)
    else:
        production.find_project(session, project_id, field="project_id")
        found = project_runs(session=session, project_id=project_id, limit=limit)
    return [run_public(session, run) for run in found]


@router.get("/runs/{run_id}")
def get_run(run_id: str, session: SessionDep) -> RunPublic:
    return run_public(session, production.find_run(session, run_id))


@router.post("/runs/{run_id}/cancel", status_code=202)
def cancel(run_id: str, session: SessionDep) -> RunPublic:
    """Stop the run: a queued job at once, a running one at its next heartbeat."""
    run = production.cancel_run(session, production.find_run(session, run_id))
    return run_public(session, run)


@router.post("/runs/{run_id}/approve", status_code=202)
def approve(run_id: str, session: SessionDep) -> RunPublic:
    """Shoot the newest plan of a run waiting at review (edits made meanwhile included)."""
    run = production.find_run(session, run_id)
    production.approve_run(session, run)
    return run_public(session, run)


@router.post("/runs/{run_id}/revise", status_code=202)
def revise(
    run_id: str, body: ReviseRequest, session: SessionDep, settings: SettingsDep, database: DatabaseDep
) -> RunPublic:
    """Apply a revision note: at review the plan changes; on a done run a new version is shot."""
    run = production.find_run(session, run_id)
    door.clear(database, settings, "POST /runs/{id}/revise", edit_texts(body.text, "text"), run.id)
    production.revise_run(session, run, body.text)
    return run_public(session, run)


@router.post("/runs/{run_id}/render", status_code=202)
def render(run_id: str, session: SessionDep) -> RunPublic:
    """Shoot the newest plan version: stale shots render, the others come from the take cache."""
    run = production.find_run(session, run_id)
    production.shoot_latest(session, run)
    return run_public(session, run)


@router.get("/runs/{run_id}/plan")
def plan(run_id: str, session: SessionDep, version: VersionQuery = None) -> PlanPublic:
    run = production.find_run(session, run_id)
    return _plan(production.plan_version(session, run, version))


@router.patch("/runs/{run_id}/plan/shots/{shot_id}")
def patch_shot(
    run_id: str,
    shot_id: str,
    body: ShotPatch,
    session: SessionDep,
    settings: SettingsDep,
    database: DatabaseDep,
) -> PlanPublic:
    """Change some of a shot's fields; the result is saved as a new plan version."""
    run = production.find_run(session, run_id)
    changes = body.model_dump(exclude_unset=True)
    door.clear(database, settings, "PATCH shot", edit_texts(changes, f"shots[{shot_id}]"), run.id)
    return _plan(production.patch_shot(session, run, shot_id, changes))


@router.patch("/runs/{run_id}/plan/characters/{character_id}")
def patch_character(
    run_id: str,
    character_id: str,
    body: CharacterPatch,
    session: SessionDep,
    settings: SettingsDep,
    database: DatabaseDep,
) -> PlanPublic:
    """Change a character (a reference picture by its upload's sha256); the shots they are in go stale."""
    run = production.find_run(session, run_id)
    changes = body.model_dump(exclude_unset=True)
    store = AssetStore(settings.asset_root)
    words = {key: value for key, value in changes.items() if key != "reference_image"}
    door.clear(
        database, settings, "PATCH character", edit_texts(words, f"characters[{character_id}]"), run.id
    )
    if changes.get("reference_image") is not None:  # a real face in the picture needs consent
        picture = production.reference_image(session, store, changes["reference_image"])
        assert picture is not None
        name = changes.get("name") or production.find_character(session, run, character_id).name
        door.clear_picture(database, settings, picture, character_id, name, run.id)
    return _plan(production.patch_character(session, run, character_id, changes, store))


@router.get("/runs/{run_id}/versions")
def versions(run_id: str, session: SessionDep) -> list[VersionPublic]:
    """The run's plan versions, oldest first, each with its film once shot."""
    production.find_run(session, run_id)
    return [
        VersionPublic(
            version=v.version, note=v.note, created_at=v.created_at, film_url=production.version_film_url(v)
        )
        for v in list_plan_versions(session=session, run_id=run_id)
    ]


@router.get("/runs/{run_id}/diff")
def diff(
    run_id: str, session: SessionDep, settings: SettingsDep, a: VersionQuery = None, b: VersionQuery = None
) -> DiffPublic:
    """What changed between two plan versions (default: the newest and the one before)."""
    run = production.find_run(session, run_id)
    second = production.plan_version(session, run, b)
    first = production.plan_version(session, run, max(1, second.version - 1) if a is None else a)
    from studio.revise import diff_versions  # loads the graph: only when someone asks

    return DiffPublic(lines=diff_versions(settings, run.id, first.version, second.version))

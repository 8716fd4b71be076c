"""A run's shots: where each stands, a new take of one, locking a take in, and choosing which of
a shot's takes plays in the film.

Each change is a new plan version (the history keeps every choice); rerender and choosing a take
queue a shoot, lock and unlock need none.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path
from sqlmodel import Session

from storage import Run, find_take
from studio.api import production, shot_states
from studio.api.deps import ApiRoute, SessionDep, SettingsDep
from studio.api.public import RerenderRequest, RunPublic, ShotPublic, TakePublic
from studio.api.routes.runs import run_public
from studio.api.shot_states import ShotView
from studio.settings import Settings

router = APIRouter(tags=["shots"], route_class=ApiRoute)
SpecHash = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="a take's spec_hash")]


def shot_public(settings: Settings, session: Session, run: Run, view: ShotView) -> ShotPublic:
    shot, plan = view.shot, view.plan
    take = find_take(session=session, spec_hash=view.take) if view.take else None
    still = shot_states.published_url(settings, run, shot_states.still_sha(take), f"{view.take}.still")
    return ShotPublic(
        id=shot.id,
        position=view.position,
        description=shot.description,
        camera=shot.camera.label(),
        characters=[c.name for c in plan.cast_of(shot)],
        dialogue=[f"{line.speaker}: {line.text}" if line.speaker else line.text for line in shot.dialogue],
        duration_s=shot.frames / plan.fps,
        state=view.state,
        percent=view.percent,
        take=view.take,
        still_url=still,
    )


def _view(session: Session, run: Run, shot_id: str) -> ShotView:
    views = shot_states.shot_views(session, run)
    if shot_id not in views:
        raise production.NotFound("shot", shot_id, f"not in run {run.id}'s plan")
    return views[shot_id]


@router.get("/runs/{run_id}/shots")
def shots(run_id: str, session: SessionDep, settings: SettingsDep) -> list[ShotPublic]:
    """Every shot of the newest plan in film order, with its state and main take."""
    run = production.find_run(session, run_id)
    return [
        shot_public(settings, session, run, view) for view in shot_states.shot_views(session, run).values()
    ]


@router.post("/runs/{run_id}/shots/{shot_id}/rerender", status_code=202)
def rerender(
    run_id: str,
    shot_id: str,
    session: SessionDep,
    body: Annotated[RerenderRequest | None, Body()] = None,
) -> RunPublic:
    """A new take of one shot (the next retake, or `seed`), as a new version queued to shoot."""
    run = production.find_run(session, run_id)
    production.rerender_shot(session, run, shot_id, body.seed if body is not None else None)
    return run_public(session, run)


@router.post("/runs/{run_id}/shots/{shot_id}/lock")
def lock(run_id: str, shot_id: str, session: SessionDep, settings: SettingsDep) -> ShotPublic:
    """Keep the shot's main take: it is never rendered again, whatever else changes."""
    run = production.find_run(session, run_id)
    shot_states.set_locked(session, run, shot_id, True)
    return shot_public(settings, session, run, _view(session, run, shot_id))


@router.post("/runs/{run_id}/shots/{shot_id}/unlock")
def unlock(run_id: str, shot_id: str, session: SessionDep, settings: SettingsDep) -> ShotPublic:
    run = production.find_run(session, run_id)
    shot_states.set_locked(session, run, shot_id, False)
    return shot_public(settings, session, run, _view(session, run, shot_id))


@router.get("/runs/{run_id}/shots/{shot_id}/takes")
def takes(run_id: str, shot_id: str, session: SessionDep, settings: SettingsDep) -> list[TakePublic]:
    """Every take the shot has had in this run, oldest first; `main` marks the one that plays."""
    run = production.find_run(session, run_id)
    main = _view(session, run, shot_id).take
    return [
        TakePublic(
            spec_hash=take.spec_hash,
            versions=versions,
            created_at=take.created_at,
            main=take.spec_hash == main,
            url=shot_states.published_url(settings, run, take.asset_sha256, take.spec_hash),
        )
        for take, versions in shot_states.shot_takes(session, run, shot_id)
    ]


@router.post("/runs/{run_id}/shots/{shot_id}/takes/{spec_hash}/main", status_code=202)
def choose_main(run_id: str, shot_id: str, spec_hash: SpecHash, session: SessionDep) -> RunPublic:
    """Play this take in the film: a new version, re-cut by a worker (nothing renders)."""
    run = production.find_run(session, run_id)
    shot_states.choose_take(session, run, shot_id, spec_hash)
    return run_public(session, run)

"""Where each shot of a run stands (planned, stale, rendering, done, locked), its takes, and the
use cases that pick takes: lock, unlock, choose the main take. FastAPI-free, like production.

Stale is judged from plan versions alone: a shot is stale when the newest version changed what
its render depends on since the newest version that has a film.
"""

from __future__ import annotations

import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlmodel import Session, col, select

from film import FilmPlan, Shot
from storage import (
    AssetStore,
    PlanVersion,
    Run,
    RunEvent,
    ShotRecord,
    TakeRecord,
    latest_plan_version,
    list_plan_versions,
    open_job,
)
from studio.api.production import (
    Busy,
    NotFound,
    edit_shot,
    find_shot,
    json_object,
    plan_version,
    run_url,
    shoot_latest,
    shootable,
)
from studio.settings import Settings

ShotState = Literal["planned", "stale", "rendering", "done", "locked"]
PUBLISHED = "takes"
"""Folder of a run's out_dir where takes and their stills are linked, so /files/ can serve them."""


@dataclass(frozen=True)
class ShotView:
    """One shot of the newest plan as the studio shows it."""

    id: str
    position: int
    shot: Shot
    plan: FilmPlan
    state: ShotState
    percent: float
    take: str | None


def _look(plan: FilmPlan, index: int) -> list[Any]:
    """What a shot's render depends on: the shot (less the take choice), its scene, its cast and
    the film's look, and the shot before it when it continues from it."""
    shot = plan.shots[index]
    look: list[Any] = [
        shot.model_dump(mode="json", exclude={"take", "locked"}),
        plan.scene(shot.scene_id).model_dump(mode="json"),
        [c.model_dump(mode="json") for c in plan.cast_of(shot)],
        [plan.style, plan.aspect, plan.fps, plan.seed],
    ]
    if shot.continuous_with_previous and index > 0:
        look.append(plan.shots[index - 1].model_dump(mode="json", exclude={"take", "locked"}))
    return look


def _changed(plan: FilmPlan, index: int, shot_plan: FilmPlan | None) -> bool:
    """Whether shot `index` of `plan` would render differently from its namesake in the plan
    that was shot (or is missing there)."""
    if shot_plan is None:
        return True
    before = next((i for i, s in enumerate(shot_plan.shots) if s.id == plan.shots[index].id), None)
    return before is None or _look(plan, index) != _look(shot_plan, before)


def _live(session: Session, run: Run) -> dict[str, dict[str, Any]]:
    """The newest "shot" event of each shot since the running job began ({} when none runs)."""
    job = open_job(session=session, run_id=run.id)
    if job is None or job.status != "running":
        return {}
    query = select(RunEvent).where(
        RunEvent.run_id == run.id, RunEvent.kind == "shot", col(RunEvent.created_at) >= job.created_at
    )
    newest: dict[str, dict[str, Any]] = {}
    for event in session.exec(query.order_by(col(RunEvent.id))):
        data = json_object(event.data_json)
        if isinstance(data.get("shot_id"), str):
            newest[data["shot_id"]] = data
    return newest


def _played(session: Session, version: PlanVersion | None) -> dict[str, str | None]:
    """Shot id → the take that plays it in `version`'s film."""
    if version is None:
        return {}
    query = select(ShotRecord).where(
        ShotRecord.run_id == version.run_id, ShotRecord.version == version.version
    )
    return {record.shot_id: record.take_spec_hash for record in session.exec(query)}


def _percent(value: Any) -> float:
    if isinstance(value, int | float) and math.isfinite(value):
        return float(min(100.0, max(0.0, value)))
    return 0.0


def shot_views(session: Session, run: Run) -> dict[str, ShotView]:
    """Every shot of the newest plan, in film order, with its state: locked; rendering (with
    percent) or done while a job shoots it; stale (changed since the newest version that has a
    film, or not in it); done (a take plays it); planned (nothing shot yet)."""
    versions = list_plan_versions(session=session, run_id=run.id)
    if not versions:
        return {}
    plan = versions[-1].film_plan()
    filmed = next((v for v in reversed(versions) if v.film_path), None)
    shot_plan = filmed.film_plan() if filmed is not None else None
    played = _played(session, filmed)
    live = _live(session, run)
    views: dict[str, ShotView] = {}
    for index, shot in enumerate(plan.shots):
        was = played.get(shot.id)
        event = live.get(shot.id, {})
        state: ShotState = "planned"
        percent = 0.0
        if shot.locked:
            state, percent = "locked", 100.0
        elif event.get("state") == "rendering":
            state, percent = "rendering", _percent(event.get("percent"))
        elif event.get("state") in ("done", "reused"):
            state, percent = "done", 100.0
        elif shot_plan is None:
            state = "planned"
        elif _changed(plan, index, shot_plan) or (shot.take is not None and shot.take != was):
            state = "stale"
        elif was is not None and session.get(TakeRecord, was) is not None:
            state, percent = "done", 100.0
        views[shot.id] = ShotView(shot.id, index + 1, shot, plan, state, percent, shot.take or was)
    return views


def shot_takes(session: Session, run: Run, shot_id: str) -> list[tuple[TakeRecord, list[int]]]:
    """Every take this run has had for the shot, oldest first, with the versions it played in."""
    query = select(ShotRecord).where(
        ShotRecord.run_id == run.id,
        ShotRecord.shot_id == shot_id,
        col(ShotRecord.take_spec_hash).is_not(None),
    )
    versions: dict[str, list[int]] = {}
    for record in session.exec(query.order_by(col(ShotRecord.version))):
        if record.take_spec_hash is not None:
            versions.setdefault(record.take_spec_hash, []).append(record.version)
    takes = [(take, versions[h]) for h in versions if (take := session.get(TakeRecord, h)) is not None]
    return sorted(takes, key=lambda pair: (pair[0].created_at, pair[1]))


def set_locked(session: Session, run: Run, shot_id: str, locked: bool) -> PlanVersion:
    """Lock pins the shot's main take (it never renders again); unlock lets it change again.
    Either way nothing renders: the film already shows that take."""
    if find_shot(plan_version(session, run).film_plan(), shot_id).locked == locked:
        return plan_version(session, run)
    changes: dict[str, Any] = {"locked": locked}
    if not locked and _edited_while_locked(session, run, shot_id):
        changes["take"] = None  # the pinned take shows the shot as it was: render the edit
    if locked:
        take = shot_views(session, run)[shot_id].take
        if take is None:
            raise Busy(f"shot {shot_id} has no take yet; render it before locking it")
        changes["take"] = take
    return edit_shot(session, run, shot_id, changes, f"{'locked' if locked else 'unlocked'} {shot_id}")


def _edited_while_locked(session: Session, run: Run, shot_id: str) -> bool:
    versions = list_plan_versions(session=session, run_id=run.id)
    plan = versions[-1].film_plan()
    filmed = next((v.film_plan() for v in reversed(versions) if v.film_path), None)
    return _changed(plan, next(i for i, s in enumerate(plan.shots) if s.id == shot_id), filmed)


def choose_take(session: Session, run: Run, shot_id: str, spec_hash: str) -> PlanVersion:
    """Make one of the shot's takes its main take and queue a re-cut (nothing renders)."""
    shootable(session, run)
    find_shot(plan_version(session, run).film_plan(), shot_id)
    if spec_hash not in {take.spec_hash for take, _ in shot_takes(session, run, shot_id)}:
        raise NotFound("take", spec_hash, f"not a take of shot {shot_id}")
    latest = latest_plan_version(session=session, run_id=run.id)
    version = edit_shot(session, run, shot_id, {"take": spec_hash}, f"main take of {shot_id}")
    if latest is None or version.version != latest.version or not version.film_path:
        shoot_latest(session, run, always=True)
    return version


def published_url(settings: Settings, run: Run, sha256: str | None, name: str) -> str | None:
    """A stored file (a take, a still) linked into the run's folder as `takes/<name><ext>`, and
    the /files/ URL that serves it; None when the store does not hold it."""
    if not sha256:
        return None
    source = AssetStore(settings.asset_root).path_for(sha256)
    if source is None:
        return None
    relative = f"{PUBLISHED}/{name}{source.suffix}"
    target = Path(run.out_dir) / relative
    if not target.is_file():
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, partial)
            except OSError:  # another file system: copy instead
                shutil.copyfile(source, partial)
            os.replace(partial, target)
        except OSError:
            partial.unlink(missing_ok=True)
            return None
    return run_url(run.id, f"/files/{relative}")


def still_sha(take: TakeRecord | None) -> str | None:
    """The still frame a renderer kept beside a take, if any."""
    found = json_object(take.extras_json).get("still") if take is not None else None
    return found if isinstance(found, str) else None

"""Keyword-only repository functions: the only code that reads and writes storage rows.

Each function works inside the caller's session and never commits, so a use case can make
several changes in one transaction (`with session_scope(engine) as session: ...`).
Writes that may race (two render threads keeping the same take) use INSERT ... ON CONFLICT
DO NOTHING, which SQLite and PostgreSQL both speak, so they are idempotent without locks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import Enum
from typing import Any, Literal

from sqlmodel import Session, SQLModel, col, select

from film import BadInput, FilmPlan, Take
from storage.assets import StoredAsset
from storage.tables import (
    RUN_STATUSES,
    Asset,
    PlanVersion,
    Run,
    RunCreate,
    RunStatus,
    ShotRecord,
    TakeRecord,
    new_run_id,
    utc_now,
)


class _Keep(Enum):
    """Sentinel for 'leave this column as it is' (None means 'clear it')."""

    KEEP = "keep"


KEEP = _Keep.KEEP


def _insert_if_missing(session: Session, model: type[SQLModel], values: dict[str, Any], key: str) -> None:
    """Insert one row unless a row with the same primary key exists; safe under races."""
    from sqlalchemy.dialects import postgresql, sqlite  # only writers need the dialects' insert

    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.exec(sqlite.insert(model).values(**values).on_conflict_do_nothing(index_elements=[key]))
    elif dialect == "postgresql":
        session.exec(postgresql.insert(model).values(**values).on_conflict_do_nothing(index_elements=[key]))
    elif session.get(model, values[key]) is None:
        session.add(model(**values))
        session.flush()


# --- runs -------------------------------------------------------------------------------------


def create_run(*, session: Session, run_create: RunCreate, run_id: str | None = None) -> Run:
    """Start a run in status 'planning'. Pass `run_id` when the caller named folders after it."""
    run = Run.model_validate(run_create, update={"id": run_id or new_run_id()})
    session.add(run)
    session.flush()
    return run


def get_run(*, session: Session, run_id: str) -> Run:
    """The run, or `BadInput` naming the id (a user typo, not a crash)."""
    run = session.get(Run, run_id)
    if run is None:
        raise BadInput("run", run_id, "no such run")
    return run


def list_runs(*, session: Session, limit: int = 20, status: RunStatus | None = None) -> list[Run]:
    """Newest first, for `storyreel runs` and resume pickers."""
    query = select(Run)
    if status is not None:
        query = query.where(Run.status == status)
    query = query.order_by(col(Run.created_at).desc(), col(Run.id).desc()).limit(limit)
    return list(session.exec(query).all())


def set_run_status(
    *,
    session: Session,
    run_id: str,
    status: RunStatus,
    error: str | Literal[_Keep.KEEP] | None = KEEP,
    film_path: str | Literal[_Keep.KEEP] | None = KEEP,
    pid: int | Literal[_Keep.KEEP] | None = KEEP,
    title: str | Literal[_Keep.KEEP] = KEEP,
) -> Run:
    """Move a run to `status`; other columns change only when given (None clears them)."""
    if status not in RUN_STATUSES:
        raise BadInput("status", status, f"must be one of {', '.join(RUN_STATUSES)}")
    run = get_run(session=session, run_id=run_id)
    run.status = status
    if error is not KEEP:
        run.error = error
    if film_path is not KEEP:
        run.film_path = film_path
    if pid is not KEEP:
        run.pid = pid
    if title is not KEEP:
        run.title = title
    run.updated_at = utc_now()
    session.add(run)
    session.flush()
    return run


def add_run_usage(
    *, session: Session, run_id: str, prompt_tokens: int, completion_tokens: int, warnings: list[str]
) -> Run:
    """Add one shoot's LLM usage to the run's totals (revisions and resumes accumulate)."""
    run = get_run(session=session, run_id=run_id)
    run.prompt_tokens += prompt_tokens
    run.completion_tokens += completion_tokens
    if warnings:
        run.warnings = "\n".join([*filter(None, run.warnings.splitlines()), *warnings])
    session.add(run)
    session.flush()
    return run


# --- plans ------------------------------------------------------------------------------------


def _latest_version(*, session: Session, run_id: str) -> PlanVersion | None:
    query = (
        select(PlanVersion)
        .where(PlanVersion.run_id == run_id)
        .order_by(col(PlanVersion.version).desc())
        .limit(1)
    )
    return session.exec(query).first()


def save_plan_version(
    *, session: Session, run_id: str, plan: FilmPlan, note: str = "", thread_id: str | None = None
) -> PlanVersion:
    """Save `plan` as the run's next version (1, 2, ...) with one ShotRecord per shot.

    `thread_id` is the LangGraph thread that shoots this version (default: the previous
    version's, or the run id), so `storyreel resume` knows which graph state to continue.

    Saving a plan equal to the latest version returns that version instead of adding a copy:
    a graph node re-run after an interruption must not create phantom revisions.
    """
    get_run(session=session, run_id=run_id)
    plan_hash = plan.spec_hash()
    latest = _latest_version(session=session, run_id=run_id)
    if latest is not None and latest.plan_hash == plan_hash:
        return latest
    version = PlanVersion(
        run_id=run_id,
        version=(latest.version + 1) if latest is not None else 1,
        plan_json=plan.model_dump_json(),
        plan_hash=plan_hash,
        note=note,
        thread_id=thread_id or (latest.thread_id if latest is not None else run_id),
    )
    session.add(version)
    for position, shot in enumerate(plan.shots):
        session.add(ShotRecord(run_id=run_id, version=version.version, position=position, shot_id=shot.id))
    session.flush()
    return version


def latest_plan_version(*, session: Session, run_id: str) -> PlanVersion | None:
    """The newest saved version row of the run, or None before the planner has saved one."""
    return _latest_version(session=session, run_id=run_id)


def _version_holding(*, session: Session, run_id: str, plan_hash: str) -> PlanVersion | None:
    query = (
        select(PlanVersion)
        .where(PlanVersion.run_id == run_id, PlanVersion.plan_hash == plan_hash)
        .order_by(col(PlanVersion.version).desc())
    )
    return session.exec(query).first()


def set_plan_film(*, session: Session, run_id: str, plan_hash: str, film_path: str) -> None:
    """Record the film cut from a plan on the newest version holding that plan."""
    found = _version_holding(session=session, run_id=run_id, plan_hash=plan_hash)
    if found is not None:
        found.film_path = film_path
        session.add(found)
        session.flush()


def set_plan_takes(*, session: Session, run_id: str, plan_hash: str, takes: Mapping[str, str]) -> None:
    """Note which take plays each shot (shot id → take spec hash) of the newest version holding
    that plan, so `storyreel show` can tell what made every shot of the film."""
    found = _version_holding(session=session, run_id=run_id, plan_hash=plan_hash)
    if found is None:
        return
    for record in list_shot_records(session=session, run_id=run_id, version=found.version):
        if record.shot_id in takes:
            record.spec_hash = record.take_spec_hash = takes[record.shot_id]
            session.add(record)
    session.flush()


def plan_takes(*, session: Session, run_id: str, version: int) -> list[tuple[ShotRecord, TakeRecord | None]]:
    """The shots of one plan version in film order, each with the take that plays it (None
    while it has none)."""
    return [
        (record, session.get(TakeRecord, record.take_spec_hash) if record.take_spec_hash else None)
        for record in list_shot_records(session=session, run_id=run_id, version=version)
    ]


def latest_plan(*, session: Session, run_id: str) -> FilmPlan | None:
    """The newest plan of the run, or None before the planner has saved one."""
    latest = _latest_version(session=session, run_id=run_id)
    return latest.film_plan() if latest is not None else None


def get_plan_version(*, session: Session, run_id: str, version: int) -> PlanVersion:
    """One saved version; `BadInput` when the run has no such version."""
    query = select(PlanVersion).where(PlanVersion.run_id == run_id, PlanVersion.version == version)
    found = session.exec(query).first()
    if found is None:
        raise BadInput("version", version, f"run {run_id} has no such plan version")
    return found


def list_plan_versions(*, session: Session, run_id: str) -> list[PlanVersion]:
    """All versions of a run, oldest first (the revision history)."""
    query = select(PlanVersion).where(PlanVersion.run_id == run_id).order_by(col(PlanVersion.version))
    return list(session.exec(query).all())


def list_shot_records(*, session: Session, run_id: str, version: int) -> list[ShotRecord]:
    """The shots of one plan version in film order."""
    query = (
        select(ShotRecord)
        .where(ShotRecord.run_id == run_id, ShotRecord.version == version)
        .order_by(col(ShotRecord.position))
    )
    return list(session.exec(query).all())


def set_shot_render(
    *,
    session: Session,
    run_id: str,
    version: int,
    shot_id: str,
    spec_hash: str,
    take_spec_hash: str | None = None,
) -> ShotRecord:
    """Note which RenderSpec a shot became and (once rendered) which take plays it."""
    query = select(ShotRecord).where(
        ShotRecord.run_id == run_id, ShotRecord.version == version, ShotRecord.shot_id == shot_id
    )
    record = session.exec(query).first()
    if record is None:
        raise BadInput("shot_id", shot_id, f"not in plan version {version} of run {run_id}")
    record.spec_hash = spec_hash
    if take_spec_hash is not None:
        record.take_spec_hash = take_spec_hash
    session.add(record)
    session.flush()
    return record


# --- takes and assets -------------------------------------------------------------------------


def record_asset(*, session: Session, asset: StoredAsset, media_type: str | None = None) -> Asset:
    """Remember a stored file; recording the same content twice keeps the first row."""
    values = {
        "sha256": asset.sha256,
        "path": asset.relative,
        "size": asset.size,
        "media_type": media_type or asset.media_type,
        "created_at": utc_now(),
    }
    _insert_if_missing(session, Asset, values, "sha256")
    row = session.get(Asset, asset.sha256, populate_existing=True)
    assert row is not None
    return row


def get_asset(*, session: Session, sha256: str) -> Asset | None:
    return session.get(Asset, sha256)


def find_take(*, session: Session, spec_hash: str) -> TakeRecord | None:
    """The take already rendered for this spec hash, if any (file presence is not checked)."""
    return session.get(TakeRecord, spec_hash)


def record_take(
    *, session: Session, take: Take, asset: StoredAsset, extras: dict[str, StoredAsset] | None = None
) -> TakeRecord:
    """Remember a take, its file and its side files. Idempotent: the same spec hash twice keeps
    one row."""
    record_asset(session=session, asset=asset)
    for extra in (extras or {}).values():
        record_asset(session=session, asset=extra)
    values = {
        "spec_hash": take.spec_hash,
        "shot_id": take.shot_id,
        "engine": take.engine,
        "asset_sha256": asset.sha256,
        "frames": take.frames,
        "fps": take.fps,
        "width": take.width,
        "height": take.height,
        "render_s": take.render_s,
        "extras_json": json.dumps({kind: a.sha256 for kind, a in sorted((extras or {}).items())}),
        "settings_json": json.dumps(take.settings),
        "created_at": utc_now(),
    }
    _insert_if_missing(session, TakeRecord, values, "spec_hash")
    row = session.get(TakeRecord, take.spec_hash, populate_existing=True)
    assert row is not None
    return row

"""The job queue on the runs' database: enqueue, claim, lease, heartbeat, finish, cancel; run
events for live progress; render claims so two jobs never render the same spec at once.

A claim is atomic on both databases: PostgreSQL locks the row it picks with `FOR UPDATE SKIP
LOCKED` (other workers skip it instead of waiting), SQLite takes the write lock first with
`BEGIN IMMEDIATE` (other workers wait their turn). A job is leased, not owned: a worker renews
its lease with a heartbeat, and a job whose lease ran out (its worker died) is claimed again and
resumes from the run's checkpoints. Every change after a claim names the worker, so a worker
that lost its lease can never finish a job someone else now holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from storage.db import session_scope
from storage.tables import Job, JobKind, JobStatus, Project, RenderClaim, Run, RunEvent, utc_now

OPEN = ("queued", "running")
"""Job statuses that still have work to do."""
Beat = Literal["ok", "cancel", "lost"]
"""What a heartbeat learns: keep going, stop (someone cancelled), or stop (the lease is gone)."""


@contextmanager
def _claiming(engine: Engine) -> Iterator[Session]:
    """A session whose transaction holds the right to pick a job: SQLite's write lock taken up
    front (BEGIN IMMEDIATE), or on PostgreSQL a plain transaction (rows are locked as picked)."""
    with session_scope(engine) as session:
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session


def enqueue_job(
    *, session: Session, run_id: str, kind: JobKind, payload: dict[str, Any] | None = None
) -> Job:
    """Queue work on a run; a worker picks it up. Never runs anything itself."""
    job = Job(run_id=run_id, kind=kind, payload_json=json.dumps(payload or {}, sort_keys=True))
    session.add(job)
    session.flush()
    return job


def claim_job(*, engine: Engine, worker: str, lease_s: float, now: datetime | None = None) -> Job | None:
    """The oldest job that is queued, or running under a lease that ran out, now leased to
    `worker`; None when there is nothing to do. Cancelled-while-orphaned jobs are closed here."""
    now = now or utc_now()
    with _claiming(engine) as session:
        query = (
            select(Job)
            .where(
                or_(
                    col(Job.status) == "queued",
                    (col(Job.status) == "running") & (col(Job.lease_until) < now),
                )
            )
            .order_by(col(Job.id))
            .limit(1)
        )
        if engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        job = session.exec(query).first()
        if job is None:
            return None
        if job.cancel_requested:
            job.status, job.worker, job.lease_until, job.updated_at = "cancelled", None, None, now
            session.add(job)
            return None
        job.status, job.worker = "running", worker
        job.lease_until = now + timedelta(seconds=lease_s)
        job.attempts += 1
        job.updated_at = now
        session.add(job)
        session.flush()
        return job


def heartbeat(*, engine: Engine, job_id: int, worker: str, lease_s: float) -> Beat:
    """Renew the lease of a job `worker` holds; says whether to go on."""
    now = utc_now()
    with Session(engine) as session:
        result = session.exec(
            update(Job)
            .where(col(Job.id) == job_id, col(Job.worker) == worker, col(Job.status) == "running")
            .values(lease_until=now + timedelta(seconds=lease_s), updated_at=now)
        )
        session.commit()
        if result.rowcount == 0:
            return "lost"
        job = session.get(Job, job_id)
        return "cancel" if job is not None and job.cancel_requested else "ok"


def finish_job(
    *, engine: Engine, job_id: int, worker: str, status: JobStatus, error: str | None = None
) -> bool:
    """Close a job `worker` still holds (done, failed, cancelled); False when it lost the lease
    meanwhile, so the job is never finished twice."""
    with Session(engine) as session:
        result = session.exec(
            update(Job)
            .where(col(Job.id) == job_id, col(Job.worker) == worker, col(Job.status) == "running")
            .values(status=status, error=error, lease_until=None, updated_at=utc_now())
        )
        session.commit()
        return bool(result.rowcount)


def request_cancel(*, session: Session, run_id: str) -> list[Job]:
    """Cancel a run's open jobs: queued ones at once, running ones at their next heartbeat."""
    jobs = list(
        session.exec(select(Job).where(Job.run_id == run_id, col(Job.status).in_(("queued", "running"))))
    )
    for job in jobs:
        job.cancel_requested = True
        if job.status == "queued":
            job.status = "cancelled"
        job.updated_at = utc_now()
        session.add(job)
    session.flush()
    return jobs


def open_job(*, session: Session, run_id: str) -> Job | None:
    """The run's queued or running job, if any (one at a time per run)."""
    query = select(Job).where(Job.run_id == run_id, col(Job.status).in_(OPEN))
    return session.exec(query.order_by(col(Job.id))).first()


def list_jobs(*, session: Session, run_id: str | None = None) -> list[Job]:
    """Jobs oldest first (all of them, or one run's)."""
    query = select(Job) if run_id is None else select(Job).where(Job.run_id == run_id)
    return list(session.exec(query.order_by(col(Job.id))))


# --- run events -------------------------------------------------------------------------------


def add_event(*, session: Session, run_id: str, kind: str, data: dict[str, Any]) -> RunEvent:
    """Record one progress event; its id orders it within the run (and across runs)."""
    event = RunEvent(run_id=run_id, kind=kind, data_json=json.dumps(data, sort_keys=True))
    session.add(event)
    session.flush()
    return event


def events_after(*, session: Session, run_id: str, after_id: int = 0, limit: int = 500) -> list[RunEvent]:
    """The run's events with ids above `after_id`, oldest first (SSE's Last-Event-ID resume)."""
    query = select(RunEvent).where(RunEvent.run_id == run_id, col(RunEvent.id) > after_id)
    return list(session.exec(query.order_by(col(RunEvent.id)).limit(limit)))


# --- render claims (single flight by spec_hash) -----------------------------------------------


CLAIM_TRIES = 3
"""Inserts a claim may try when each finds a row that is gone by the time it is read."""


def claim_render(*, engine: Engine, spec_hash: str, worker: str, lease_s: float) -> bool:
    """Whether `worker` may render `spec_hash` now: no one else holds it under a live lease.
    A new claim is INSERT ... ON CONFLICT DO NOTHING, so two workers racing on PostgreSQL (which
    cannot lock a row that is not there yet) get one winner, not a unique-key error."""
    now = utc_now()
    until = now + timedelta(seconds=lease_s)
    query = select(RenderClaim).where(RenderClaim.spec_hash == spec_hash)
    if engine.dialect.name == "postgresql":
        query = query.with_for_update()
    with _claiming(engine) as session:
        for _ in range(CLAIM_TRIES):
            if _insert_new(session, {"spec_hash": spec_hash, "worker": worker, "lease_until": until}):
                return True
            held = session.exec(query).first()
            if held is None:  # its holder let go between our insert and this read: try again
                continue
            if held.worker != worker and held.lease_until >= now:
                return False
            held.worker, held.lease_until = worker, until
            session.add(held)
            return True
    return False  # claims coming and going that fast: wait like any other waiter


def _insert_new(session: Session, values: dict[str, Any]) -> bool:
    """Insert a render claim unless its spec has one; whether this call inserted it."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(RenderClaim).values(**values).on_conflict_do_nothing(index_elements=["spec_hash"])
    )
    # RETURNING, not rowcount: psycopg counts a row for an insert that did nothing
    return session.exec(statement.returning(col(RenderClaim.spec_hash))).first() is not None


def release_render(*, engine: Engine, spec_hash: str, worker: str) -> None:
    """Drop `worker`'s claim on a spec (its take is stored, or its render failed)."""
    with Session(engine) as session:
        held = session.get(RenderClaim, spec_hash)
        if held is not None and held.worker == worker:
            session.delete(held)
            session.commit()


# --- projects ---------------------------------------------------------------------------------


def create_project(*, session: Session, name: str) -> Project:
    project = Project(name=name)
    session.add(project)
    session.flush()
    return project


def list_projects(*, session: Session, limit: int = 100) -> list[Project]:
    """Newest first."""
    query = select(Project).order_by(col(Project.created_at).desc(), col(Project.id).desc()).limit(limit)
    return list(session.exec(query))


def project_runs(*, session: Session, project_id: str, limit: int = 100) -> list[Run]:
    """A project's runs, newest first."""
    query = select(Run).where(Run.project_id == project_id)
    return list(session.exec(query.order_by(col(Run.created_at).desc()).limit(limit)))

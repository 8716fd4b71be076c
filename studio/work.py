"""What a worker does for each kind of job the API enqueues: make a film from a brief, approve
the plan waiting at the review gate, revise a run, shoot a stored plan version.

A job may be handed to a second worker when the first one died: every kind first asks the
run's checkpoint thread where it stands, and continues from there instead of starting over.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from langgraph.types import Command
from rich.console import Console
from sqlalchemy import Engine

from film import BadInput, FilmPlan
from storage import Job, Run, get_plan_version, get_run, latest_plan_version, save_plan_version, session_scope
from studio.crew import Crew
from studio.runner import FilmResult, shoot, thread_for
from studio.settings import Settings

MAKE_KEYS = ("brief", "duration_s", "aspect", "style", "seed", "title_card")
"""A make job's payload: what `storyreel make` asks for (plus `review`)."""
QUIET = Console(stderr=True, quiet=True)
"""Workers report through the database; nothing is drawn on a terminal."""


def perform(settings: Settings, db: Engine, job: Job, crew: Crew) -> FilmResult | None:
    """Run `job` to its end (a film, or the review gate); None when there was nothing to shoot."""
    payload: dict[str, Any] = json.loads(job.payload_json or "{}")
    with session_scope(db) as session:
        run = get_run(session=session, run_id=job.run_id)
        latest = latest_plan_version(session=session, run_id=job.run_id)
    version = latest.version if latest is not None else 1
    thread = (latest.thread_id if latest is not None else "") or job.run_id
    fresh: dict[str, Any] | Command[Any]
    if job.kind == "make":
        version, thread = 1, job.run_id
        fresh = {
            key: payload[key] for key in ("brief", "duration_s", "aspect", "style", "seed", "title_card")
        }
        fresh["review"] = bool(payload.get("review", False))
    elif job.kind == "approve":
        if latest is None:
            raise BadInput("run", job.run_id, "has no plan to approve yet")
        fresh = Command(resume=latest.film_plan().model_dump(mode="json"))
    elif job.kind == "revise":
        return _revise(settings, db, job, payload, crew)
    elif job.kind == "shoot":
        return shoot_version(settings, db, run, int(payload["version"]), crew)
    else:
        raise BadInput("job.kind", job.kind, "is not a kind of job this worker knows")
    state = _where(settings, thread, fresh, job.kind)
    if state is False:
        return None
    return shoot(
        settings=settings, db=db, run_id=job.run_id, version=version, state=state, thread_id=thread,
        out_dir=Path(run.out_dir), engine_name=run.engine, console=QUIET, quiet=True, crew=crew,
    )  # fmt: skip


def shoot_version(settings: Settings, db: Engine, run: Run, version: int, crew: Crew) -> FilmResult | None:
    """Shoot the stored plan `version` of `run` on its own thread, or continue it where a dead
    worker left it; None when that thread already reached its end."""
    with session_scope(db) as session:
        stored = get_plan_version(session=session, run_id=run.id, version=version)
    thread = stored.thread_id or thread_for(run.id, version)
    state = _where(settings, thread, {"plan": stored.film_plan().model_dump(mode="json")}, "shoot")
    if state is False:
        return None
    return shoot(
        settings=settings, db=db, run_id=run.id, version=version, state=state, thread_id=thread,
        out_dir=Path(run.out_dir), engine_name=run.engine, console=QUIET, quiet=True, crew=crew,
    )  # fmt: skip


def _where(
    settings: Settings, thread: str, fresh: dict[str, Any] | Command[Any], kind: str
) -> dict[str, Any] | Command[Any] | Literal[False] | None:
    """What to feed the graph on `thread`: `fresh` if it never started (or, for an approval, if
    it still waits at the gate), None to continue where a dead worker left it, False when it is
    already at the end (or at the gate, for anything but an approval)."""
    from agents import build_graph
    from storage import checkpointer_scope

    config: dict[str, Any] = {"configurable": {"thread_id": thread}}
    with checkpointer_scope(settings.database) as saver:
        snapshot = build_graph(checkpointer=saver).get_state(config)
    if snapshot.interrupts:
        return fresh if kind == "approve" else False
    if snapshot.values and snapshot.next:
        return None
    if snapshot.values:
        return False
    return fresh


def _revise(
    settings: Settings, db: Engine, job: Job, payload: dict[str, Any], crew: Crew
) -> FilmResult | None:
    """At the review gate: revise the plan and wait there again. Otherwise: shoot the revised
    plan as the run's next version (only changed shots render)."""
    from studio.revise import reviser_for

    instruction = str(payload.get("instruction", ""))
    with session_scope(db) as session:
        run = get_run(session=session, run_id=job.run_id)
        latest = latest_plan_version(session=session, run_id=job.run_id)
    if latest is None:
        raise BadInput("run", job.run_id, "has no plan yet to revise")
    at_gate = run.status == "reviewing"
    if job.attempts > 1 and latest.note == instruction and not at_gate:  # a dead worker revised it
        thread = latest.thread_id or thread_for(job.run_id, latest.version)
        state = _where(settings, thread, {"plan": latest.film_plan().model_dump(mode="json")}, "shoot")
        if state is False:
            return None
        version = latest.version
    else:
        plan: FilmPlan = latest.film_plan()
        with reviser_for(settings, db, job.run_id) as reviser:
            revised = reviser(plan, instruction)
        if revised == plan:
            raise BadInput("revision", instruction, "changes nothing in the plan")
        thread = (latest.thread_id or job.run_id) if at_gate else thread_for(job.run_id, latest.version + 1)
        with session_scope(db) as session:
            saved = save_plan_version(
                session=session, run_id=job.run_id, plan=revised, note=instruction, thread_id=thread
            )
        if at_gate:
            crew.status("review")
            return None
        version, state = saved.version, {"plan": revised.model_dump(mode="json")}
    return shoot(
        settings=settings, db=db, run_id=job.run_id, version=version, state=state, thread_id=thread,
        out_dir=Path(run.out_dir), engine_name=run.engine, console=QUIET, quiet=True, crew=crew,
    )  # fmt: skip

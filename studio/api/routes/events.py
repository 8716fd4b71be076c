"""A run's progress as Server-Sent Events, straight from the run_event table.

Workers write RunEvent rows; this stream polls the table and sends each row as
`id: <row id>` / `event: <kind>` / `data: <json>`, so a client that lost its connection resumes
with `Last-Event-ID` (browsers send it by themselves) or `?after=<id>` and misses nothing.
The stream ends after a terminal status or the review gate; it also watches the Run row, so a
stream opened on a run that has already finished replays what happened and ends at once.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Header, Query
from sqlalchemy import Engine
from sqlmodel import Session
from sse_starlette import EventSourceResponse, ServerSentEvent

from film import BadInput
from storage import RunEvent, events_after, open_job
from studio.api.deps import DatabaseDep
from studio.api.production import find_run

router = APIRouter(tags=["events"])

POLL_S = 0.2
"""How often the table is read while nothing new has come."""
PING_S = 15.0
"""Keep-alive comments, so proxies do not close a quiet stream."""
BATCH = 500
ENDING_STATUSES = frozenset({"done", "failed", "cancelled", "interrupted", "review", "reviewing"})
"""A `status` event with one of these ends the stream (public names and the table's)."""
SETTLED_RUN_STATUSES = frozenset({"done", "failed", "cancelled", "interrupted", "reviewing"})
"""Run rows in these states, with no job open on the run, will write no more events."""


def _resume_point(after: int | None, last_event_id: str | None) -> int:
    """The newest id the client has seen: the header a reconnecting browser sends wins when newer."""
    seen = after or 0
    if last_event_id is not None and last_event_id.strip():
        try:
            header = int(last_event_id.strip())
        except ValueError:
            raise BadInput("Last-Event-ID", last_event_id, "must be an event id (a whole number)") from None
        if header < 0:
            raise BadInput("Last-Event-ID", last_event_id, "must be an event id (a whole number)")
        seen = max(seen, header)
    return seen


def ends_stream(event: RunEvent) -> bool:
    """Whether nothing more will follow this event: a terminal status or the review gate."""
    if event.kind != "status":
        return False
    try:
        status = json.loads(event.data_json or "{}").get("status")
    except (ValueError, AttributeError):
        return False
    return status in ENDING_STATUSES


def _poll(engine: Engine, run_id: str, after_id: int) -> tuple[list[RunEvent], bool]:
    """New events, and whether the run had settled before they were read (read first, so an event
    written just before the run settled is never lost)."""
    with Session(engine, expire_on_commit=False) as session:
        run = find_run(session, run_id)
        settled = run.status in SETTLED_RUN_STATUSES and open_job(session=session, run_id=run_id) is None
        return events_after(session=session, run_id=run_id, after_id=after_id, limit=BATCH), settled


def _sse(event: RunEvent) -> ServerSentEvent:
    return ServerSentEvent(data=event.data_json, event=event.kind, id=str(event.id), sep="\n")


async def stream_events(engine: Engine, run_id: str, after_id: int) -> AsyncIterator[ServerSentEvent]:
    """Every event after `after_id`, as it is written, until the run settles."""
    while True:
        events, settled = await anyio.to_thread.run_sync(_poll, engine, run_id, after_id)
        for event in events:
            yield _sse(event)
            assert event.id is not None
            after_id = event.id
            if ends_stream(event):
                return
        if len(events) == BATCH:
            continue  # a long backlog: read on before waiting
        if settled:
            return
        await anyio.sleep(POLL_S)


@router.get(
    "/runs/{run_id}/events",
    response_class=EventSourceResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "one SSE event per RunEvent row"}},
)
async def run_events(
    run_id: str,
    database: DatabaseDep,
    after: Annotated[int | None, Query(ge=0, description="resume after this event id")] = None,
    last_event_id: Annotated[str | None, Header(description="resume after this event id (SSE)")] = None,
) -> EventSourceResponse:
    """Live progress of a run: status, stage, shot, progress, error and film events."""
    after_id = _resume_point(after, last_event_id)
    await anyio.to_thread.run_sync(_check_run, database, run_id)  # a wrong id is a 400 now, not a dead stream
    return EventSourceResponse(stream_events(database, run_id, after_id), ping=PING_S, sep="\n")


def _check_run(engine: Engine, run_id: str) -> None:
    with Session(engine) as session:
        find_run(session, run_id)

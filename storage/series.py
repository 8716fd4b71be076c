"""Scheduled series in the database: series and their bibles, episodes claimed per slot, the
order episodes start in, their states and publishing receipts, and the continuity ledger.

Two moves must hold with any number of schedulers and workers running at once:
- `claim_slot` is an insert-or-nothing on the unique (series, slot): exactly one claim wins.
- `start_next` starts a series' episodes one at a time, in slot order, numbered 1, 2, 3...: it
  runs under the series' lock (SQLite's write lock; PostgreSQL's row lock on the series), so two
  callers never start the same episode or give two episodes one number.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, get_args

from sqlalchemy import Engine, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from film import BadInput
from film.series import SETTLED, EpisodeState, LedgerEntry, SeriesBible
from storage.jobs import _claiming
from storage.series_tables import Episode, LedgerRow, Series
from storage.tables import Job, utc_now

EPISODE_STATES: tuple[str, ...] = get_args(EpisodeState)
STALLED_JOBS = ("failed", "cancelled")
"""Job statuses after which a "making" episode will not move again by itself."""
Launch = Callable[[Session, Episode], str]
"""Creates an episode's run and job in the given session and returns the run id."""


def _insert(session: Session, table: type[Series | Episode | LedgerRow]) -> Any:
    """The dialect's own INSERT (both have ON CONFLICT), for the database behind `session`."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


# --- series -----------------------------------------------------------------------------------


def create_series(*, session: Session, bible: SeriesBible) -> Series:
    """Store a new series with its whole bible; a name already taken is the user's mistake."""
    taken = BadInput("name", bible.name, "a series with this name exists")
    if session.exec(select(Series).where(Series.name == bible.name)).first() is not None:
        raise taken
    series = Series(name=bible.name, title=bible.title, bible_json=bible.model_dump_json())
    session.add(series)
    try:
        session.flush()
    except IntegrityError:  # created by someone else since the check: same answer
        raise taken from None
    return series


def get_series(*, session: Session, name: str) -> Series:
    """The series called `name`, or `BadInput` naming it (a typo, not a crash)."""
    series = session.exec(select(Series).where(Series.name == name)).first()
    if series is None:
        raise BadInput("name", name, "no such series")
    return series


def list_series(*, session: Session) -> list[Series]:
    """Every series, by name (for `series list` and the scheduler's round)."""
    return list(session.exec(select(Series).order_by(col(Series.name))))


def set_paused(*, session: Session, name: str, paused: bool) -> Series:
    """Pause or resume a series: the scheduler claims no slot of a paused one, and `start_next`
    starts none of its episodes, until it is resumed (missed slots then follow its misfire policy)."""
    series = get_series(session=session, name=name)
    series.paused, series.updated_at = paused, utc_now()
    session.add(series)
    session.flush()
    return series


# --- claiming and starting episodes ------------------------------------------------------------


def claim_slot(*, engine: Engine, series_id: str, slot: datetime) -> Episode | None:
    """Claim one slot of a series: the new "scheduled" episode, or None when it was claimed
    already. INSERT ... ON CONFLICT DO NOTHING on (series, slot), so racing schedulers get one
    winner and no unique-key error; the series' `last_slot` moves up to the slot in the same
    transaction, so a claim and the schedule's position never disagree."""
    now = utc_now()
    with _claiming(engine) as session:
        values = {
            "series_id": series_id,
            "slot": slot,
            "state": "scheduled",
            "created_at": now,
            "updated_at": now,
        }
        statement = _insert(session, Episode).values(**values)
        statement = statement.on_conflict_do_nothing(index_elements=["series_id", "slot"])
        # RETURNING, not rowcount: psycopg counts a row for an insert that did nothing
        new_id = session.exec(statement.returning(col(Episode.id))).scalar()
        if new_id is None:
            return None
        later = or_(col(Series.last_slot).is_(None), col(Series.last_slot) < slot)
        session.exec(
            update(Series).where(col(Series.id) == series_id, later).values(last_slot=slot, updated_at=now)
        )
        return session.get(Episode, new_id)


def start_next(*, engine: Engine, series_id: str, launch: Launch) -> Episode | None:
    """Start the series' next episode: its earliest unsettled one, if that is still "scheduled"
    and the series is not paused. The episode gets the next number and state "making", then
    `launch` creates its run and job in the same transaction; if `launch` raises, none of it
    stays. None when there is nothing to start (or another caller started it first)."""
    with _claiming(engine) as session:
        query = select(Series).where(Series.id == series_id)
        if engine.dialect.name == "postgresql":
            query = query.with_for_update()  # numbers are handed out one caller at a time
        series = session.exec(query).first()
        if series is None:
            raise BadInput("series_id", series_id, "no such series")
        if series.paused:
            return None
        unsettled = select(Episode).where(Episode.series_id == series_id, col(Episode.state).not_in(SETTLED))
        episode = session.exec(unsettled.order_by(col(Episode.slot)).limit(1)).first()
        if episode is None or episode.state != "scheduled" or episode.run_id is not None:
            return None  # all settled, or the earliest is still being made
        numbered = select(func.count()).where(
            Episode.series_id == series_id, col(Episode.number).is_not(None)
        )
        number = 1 + session.exec(numbered).one()
        taken = session.exec(
            update(Episode)
            .where(
                col(Episode.id) == episode.id,
                col(Episode.run_id).is_(None),
                col(Episode.state) == "scheduled",
            )
            .values(state="making", number=number, updated_at=utc_now())
            .returning(col(Episode.id))
        ).scalar()
        if taken is None:  # taken meanwhile: we wrote nothing and launch nothing
            return None
        session.refresh(episode)
        episode.run_id = launch(session, episode)
        session.add(episode)
        session.flush()
        return episode


# --- episodes ---------------------------------------------------------------------------------


def get_episode(*, session: Session, episode_id: int) -> Episode:
    """The episode, or `BadInput` naming the id."""
    episode = session.get(Episode, episode_id)
    if episode is None:
        raise BadInput("episode_id", episode_id, "no such episode")
    return episode


def _locked_episode(session: Session, episode_id: int) -> Episode:
    """The episode, its row locked on PostgreSQL (SQLite ignores FOR UPDATE), for changes that
    read before they write: two receipts or two notes at once must not lose one."""
    query = select(Episode).where(Episode.id == episode_id).with_for_update()
    episode = session.exec(query.execution_options(populate_existing=True)).first()
    if episode is None:
        raise BadInput("episode_id", episode_id, "no such episode")
    return episode


def set_episode(
    *,
    session: Session,
    episode_id: int,
    state: EpisodeState,
    reason: str | None = None,
    flags: list[str] | None = None,
    fingerprint: list[str] | None = None,
    brief: str | None = None,
    topic: str | None = None,
) -> Episode:
    """Move an episode to `state`; each other field given replaces the stored one, None keeps it."""
    if state not in EPISODE_STATES:
        raise BadInput("state", state, f"must be one of {', '.join(EPISODE_STATES)}")
    episode = get_episode(session=session, episode_id=episode_id)
    episode.state = state
    if reason is not None:
        episode.reason = reason
    if flags is not None:
        episode.flags_json = json.dumps(list(flags))
    if fingerprint is not None:
        episode.fingerprint_json = json.dumps(list(fingerprint))
    if brief is not None:
        episode.brief = brief
    if topic is not None:
        episode.topic = topic
    episode.updated_at = utc_now()
    session.add(episode)
    session.flush()
    return episode


def receipts(episode: Episode) -> dict[str, Any]:
    """The publishers' receipts by idempotency key: a key already there is published already."""
    found: dict[str, Any] = json.loads(episode.receipts_json or "{}")
    return found


def add_receipt(*, session: Session, episode_id: int, key: str, receipt: dict[str, Any]) -> Episode:
    """Keep one publisher's receipt under its idempotency key (a retry replaces it)."""
    episode = _locked_episode(session, episode_id)
    episode.receipts_json = json.dumps({**receipts(episode), key: receipt}, sort_keys=True)
    episode.updated_at = utc_now()
    session.add(episode)
    session.flush()
    return episode


def episodes(
    *, session: Session, series_id: str, limit: int = 100, newest_first: bool = True
) -> list[Episode]:
    """A series' episodes by slot (for `episodes NAME` and the calendar)."""
    order = col(Episode.slot).desc() if newest_first else col(Episode.slot)
    query = select(Episode).where(Episode.series_id == series_id).order_by(order).limit(limit)
    return list(session.exec(query))


def episode_by_run(*, session: Session, run_id: str) -> Episode | None:
    """The episode a run makes, if it makes one (a worker finishing a run looks it up)."""
    return session.exec(select(Episode).where(Episode.run_id == run_id)).first()


def review_queue(*, session: Session, series_id: str | None = None) -> list[Episode]:
    """Episodes waiting for a person, oldest slot first (of one series, or of all)."""
    query = select(Episode).where(Episode.state == "review")
    if series_id is not None:
        query = query.where(Episode.series_id == series_id)
    return list(session.exec(query.order_by(col(Episode.slot), col(Episode.id))))


def recent_fingerprints(
    *, session: Session, series_id: str, before: datetime, n: int
) -> list[tuple[int, list[str]]]:
    """(number, fingerprint) of the last `n` numbered episodes before slot `before`, newest
    first, for the variety check. An episode that never got a plan (refused) has []."""
    query = (
        select(Episode)
        .where(Episode.series_id == series_id, col(Episode.number).is_not(None), col(Episode.slot) < before)
        .order_by(col(Episode.slot).desc())
        .limit(n)
    )
    return [(episode.number, episode.fingerprint()) for episode in session.exec(query) if episode.number]


def stalled_episodes(*, session: Session, series_id: str) -> list[Episode]:
    """Episodes "making" whose run has no job, or whose newest job failed or was cancelled:
    nothing will move them on, so the scheduler surfaces them (oldest slot first)."""
    query = select(Episode).where(Episode.series_id == series_id, Episode.state == "making")
    making = list(session.exec(query.order_by(col(Episode.slot))))
    run_ids = [episode.run_id for episode in making if episode.run_id is not None]
    newest: dict[str, Job] = {}
    for job in session.exec(select(Job).where(col(Job.run_id).in_(run_ids)).order_by(col(Job.id))):
        newest[job.run_id] = job
    return [
        episode
        for episode in making
        if episode.run_id not in newest or newest[episode.run_id].status in STALLED_JOBS
    ]


# --- the continuity ledger --------------------------------------------------------------------


def put_ledger(*, session: Session, series_id: str, episode_id: int, entry: LedgerEntry) -> None:
    """Write an episode's ledger entry; a second call replaces it (an upsert on the episode), so a
    worker resumed after a crash writes the same entry again without a unique-key error."""
    values = {"series_id": series_id, "episode_id": episode_id, "slot": entry.slot,
              "entry_json": entry.model_dump_json()}  # fmt: skip
    statement = _insert(session, LedgerRow).values(**values)
    excluded = statement.excluded
    session.exec(
        statement.on_conflict_do_update(
            index_elements=["episode_id"], set_={"slot": excluded.slot, "entry_json": excluded.entry_json}
        )
    )


def add_note(*, session: Session, episode_id: int, note: str) -> None:
    """Append a review note ('approved: ...', 'rejected: ...') to the episode's ledger entry, so
    the next episodes see it as canon; an episode with no entry yet gets a bare one."""
    episode = _locked_episode(session, episode_id)
    found = _ledger_rows(session, LedgerRow.episode_id == episode_id)
    if found:
        entry = found[0].entry()
    elif episode.number is None:
        raise BadInput("episode_id", episode_id, "this episode never started, so it has no ledger entry")
    else:
        entry = LedgerEntry(slot=episode.slot, number=episode.number)
    entry = entry.model_copy(update={"notes": (*entry.notes, note)})
    put_ledger(session=session, series_id=episode.series_id, episode_id=episode_id, entry=entry)


def ledger(*, session: Session, series_id: str) -> list[LedgerEntry]:
    """A series' ledger in slot order, as `film.series.fold` reads it."""
    return [row.entry() for row in _ledger_rows(session, LedgerRow.series_id == series_id)]


def _ledger_rows(session: Session, where: Any) -> list[LedgerRow]:
    """Ledger rows in slot order, read afresh: upserts bypass the session's copies of them."""
    query = select(LedgerRow).where(where).order_by(col(LedgerRow.slot), col(LedgerRow.id))
    return list(session.exec(query.execution_options(populate_existing=True)))


__all__ = [
    "EPISODE_STATES",
    "Launch",
    "add_note",
    "add_receipt",
    "claim_slot",
    "create_series",
    "episode_by_run",
    "episodes",
    "get_episode",
    "get_series",
    "ledger",
    "list_series",
    "put_ledger",
    "receipts",
    "recent_fingerprints",
    "review_queue",
    "set_episode",
    "set_paused",
    "stalled_episodes",
    "start_next",
]

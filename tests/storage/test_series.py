"""Scheduled series in storage, on SQLite and a throwaway PostgreSQL: series and bibles, slots
claimed exactly once by racing threads and processes, episodes started one at a time in slot
order and numbered 1, 2, 3, the continuity ledger, and migration 0005 matching the tables."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect
from sqlmodel import Session, func, select

from film import BadInput
from film.schedule import Schedule
from film.series import CastMember, LedgerEntry, SeriesBible, Topics
from storage import (
    Episode,
    Job,
    Run,
    RunCreate,
    Series,
    add_note,
    add_receipt,
    claim_job,
    claim_slot,
    create_run,
    create_series,
    enqueue_job,
    episode_by_run,
    episodes,
    finish_job,
    get_episode,
    get_series,
    ledger,
    list_series,
    open_database,
    put_ledger,
    receipts,
    recent_fingerprints,
    review_queue,
    session_scope,
    set_episode,
    set_paused,
    stalled_episodes,
    start_next,
)
from storage.db import MIGRATIONS
from storage.tables import metadata

DAY0 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
SLOTS = [DAY0 + timedelta(days=i) for i in range(5)]
SERIES_TABLES = {"series", "episode", "ledger"}


def _bible(name: str = "morning-hosts") -> SeriesBible:
    return SeriesBible(
        name=name,
        title="Morning Hosts",
        cast=(CastMember(id="sari", name="Sari", voice="warm, quick alto"),),
        brief="Today: {{ topic }}",
        topics=Topics(items=("bicycles", "rain")),
        schedule=Schedule(cron="0 7 * * 1-5", timezone="Asia/Jakarta"),
    )


def _series(engine: Engine, name: str = "morning-hosts") -> Series:
    with session_scope(engine) as session:
        return create_series(session=session, bible=_bible(name))


def _launch(session: Session, episode: Episode) -> str:
    """What the studio's launcher does: a run and its queued episode job, in the caller's session."""
    run = create_run(
        session=session,
        run_create=RunCreate(brief=f"episode {episode.number}", duration_s=10.0, out_dir="/tmp/out"),
    )
    enqueue_job(session=session, run_id=run.id, kind="episode", payload={"episode": episode.id})
    return run.id


def _count(engine: Engine, table: type[Any]) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


# --- series -----------------------------------------------------------------------------------


def test_create_get_list_and_pause(engine: Engine) -> None:
    created = _series(engine)
    _series(engine, "abendschau")
    with session_scope(engine) as session:
        found = get_series(session=session, name="morning-hosts")
        assert found.id == created.id and found.title == "Morning Hosts" and not found.paused
        assert found.bible() == _bible() and found.last_slot is None
        assert [s.name for s in list_series(session=session)] == ["abendschau", "morning-hosts"]
        assert set_paused(session=session, name="morning-hosts", paused=True).paused
    with session_scope(engine) as session:
        assert get_series(session=session, name="morning-hosts").paused
        with pytest.raises(BadInput, match="no such series"):
            get_series(session=session, name="evening-hosts")


def test_a_name_taken_is_bad_input(engine: Engine) -> None:
    _series(engine)
    with pytest.raises(BadInput, match="a series with this name exists"), session_scope(engine) as session:
        create_series(session=session, bible=_bible())
    assert _count(engine, Series) == 1


# --- claiming slots ---------------------------------------------------------------------------


def test_a_slot_is_claimed_once_and_last_slot_only_moves_up(engine: Engine) -> None:
    series = _series(engine)
    first = claim_slot(engine=engine, series_id=series.id, slot=SLOTS[1])
    assert first is not None and first.state == "scheduled" and first.number is None and first.run_id is None
    assert first.slot == SLOTS[1] and first.flags() == [] and first.fingerprint() == []
    assert claim_slot(engine=engine, series_id=series.id, slot=SLOTS[1]) is None
    assert claim_slot(engine=engine, series_id=series.id, slot=SLOTS[0]) is not None  # a catch-up claim
    with session_scope(engine) as session:
        assert get_series(session=session, name=series.name).last_slot == SLOTS[1]
    assert _count(engine, Episode) == 2


def test_threads_racing_for_the_same_slots_make_one_episode_each(engine: Engine) -> None:
    series = _series(engine)
    barrier = threading.Barrier(8)
    won: list[datetime] = []
    errors: list[BaseException] = []

    def scheduler() -> None:
        try:
            barrier.wait()
            for slot in SLOTS:
                if claim_slot(engine=engine, series_id=series.id, slot=slot) is not None:
                    won.append(slot)
        except BaseException as exc:  # a unique-key error here is the bug this test is for
            errors.append(exc)

    threads = [threading.Thread(target=scheduler) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(won) == SLOTS
    with session_scope(engine) as session:
        assert sorted(e.slot for e in episodes(session=session, series_id=series.id)) == SLOTS
        assert get_series(session=session, name=series.name).last_slot == SLOTS[-1]


def _claim_after(barrier: Any, url: str, series_id: str) -> list[str]:
    engine = open_database(url)
    try:
        barrier.wait()
        return [s.isoformat() for s in SLOTS if claim_slot(engine=engine, series_id=series_id, slot=s)]
    finally:
        engine.dispose()


def test_processes_racing_for_the_same_slots_make_one_episode_each(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        series = _series(engine)
        context = multiprocessing.get_context("spawn")
        with context.Manager() as manager:
            barrier = manager.Barrier(4)
            with context.Pool(4) as pool:
                won = pool.starmap(_claim_after, [(barrier, database_url, series.id)] * 4)
        assert Counter(slot for claims in won for slot in claims) == Counter(s.isoformat() for s in SLOTS)
        assert _count(engine, Episode) == len(SLOTS)
    finally:
        engine.dispose()


# --- starting episodes ------------------------------------------------------------------------


def test_episodes_start_in_slot_order_one_at_a_time_numbered(engine: Engine) -> None:
    series = _series(engine)
    for slot in reversed(SLOTS[:3]):  # claimed out of order; started in slot order
        claim_slot(engine=engine, series_id=series.id, slot=slot)
    first = start_next(engine=engine, series_id=series.id, launch=_launch)
    assert first is not None and (first.slot, first.number, first.state) == (SLOTS[0], 1, "making")
    assert start_next(engine=engine, series_id=series.id, launch=_launch) is None  # slot 1 is making
    with session_scope(engine) as session:
        assert first.run_id is not None and episode_by_run(session=session, run_id=first.run_id) == first
        set_episode(session=session, episode_id=first.id or 0, state="review")
        set_paused(session=session, name=series.name, paused=True)
    assert start_next(engine=engine, series_id=series.id, launch=_launch) is None  # paused
    with session_scope(engine) as session:
        set_paused(session=session, name=series.name, paused=False)
    second = start_next(engine=engine, series_id=series.id, launch=_launch)
    assert second is not None and (second.slot, second.number) == (SLOTS[1], 2)
    with session_scope(engine) as session:
        set_episode(session=session, episode_id=second.id or 0, state="refused", reason="gate: a real person")
    third = start_next(engine=engine, series_id=series.id, launch=_launch)
    assert third is not None and (third.slot, third.number) == (SLOTS[2], 3)
    with session_scope(engine) as session:
        set_episode(session=session, episode_id=third.id or 0, state="failed", reason="ffmpeg died")
    assert start_next(engine=engine, series_id=series.id, launch=_launch) is None  # nothing scheduled
    assert (_count(engine, Run), _count(engine, Job)) == (3, 3)


def test_racing_starters_start_one_episode_and_the_losers_leave_nothing(engine: Engine) -> None:
    series = _series(engine)
    claim_slot(engine=engine, series_id=series.id, slot=SLOTS[0])
    claim_slot(engine=engine, series_id=series.id, slot=SLOTS[1])
    barrier = threading.Barrier(4)
    started: list[Episode] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            episode = start_next(engine=engine, series_id=series.id, launch=_launch)
            if episode is not None:
                started.append(episode)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert [(e.slot, e.number) for e in started] == [(SLOTS[0], 1)]
    assert (_count(engine, Run), _count(engine, Job)) == (1, 1)


def test_a_launch_that_fails_leaves_the_episode_scheduled(engine: Engine) -> None:
    series = _series(engine)
    claimed = claim_slot(engine=engine, series_id=series.id, slot=SLOTS[0])
    assert claimed is not None

    def broken(session: Session, episode: Episode) -> str:
        _launch(session, episode)
        raise RuntimeError("the queue is full")

    with pytest.raises(RuntimeError, match="the queue is full"):
        start_next(engine=engine, series_id=series.id, launch=broken)
    with session_scope(engine) as session:
        again = get_episode(session=session, episode_id=claimed.id or 0)
        assert (again.state, again.number, again.run_id) == ("scheduled", None, None)
    assert (_count(engine, Run), _count(engine, Job)) == (0, 0)
    started = start_next(engine=engine, series_id=series.id, launch=_launch)
    assert started is not None and started.number == 1


# --- episodes ---------------------------------------------------------------------------------


def test_states_receipts_review_queue_fingerprints_and_stalls(engine: Engine) -> None:
    series = _series(engine)
    for slot in SLOTS[:3]:
        claim_slot(engine=engine, series_id=series.id, slot=slot)
    made = start_next(engine=engine, series_id=series.id, launch=_launch)
    assert made is not None
    with session_scope(engine) as session:
        one = set_episode(
            session=session,
            episode_id=made.id or 0,
            state="review",
            flags=["too-similar"],
            fingerprint=["bicycles", "a red bicycle"],
            topic="bicycles",
            reason="too close to 1",
        )
        with pytest.raises(BadInput, match="must be one of"):
            set_episode(session=session, episode_id=one.id or 0, state="lost")  # type: ignore[arg-type]
        with pytest.raises(BadInput, match="no such episode"):
            get_episode(session=session, episode_id=999)
    two = start_next(engine=engine, series_id=series.id, launch=_launch)
    assert two is not None
    with session_scope(engine) as session:
        add_receipt(session=session, episode_id=one.id or 0, key="folder:1", receipt={"path": "/out/1.mp4"})
        add_receipt(session=session, episode_id=one.id or 0, key="webhook:1", receipt={"status": 200})
        shown = get_episode(session=session, episode_id=one.id or 0)
        assert receipts(shown) == {"folder:1": {"path": "/out/1.mp4"}, "webhook:1": {"status": 200}}
        public = shown.public(series=series.name)
        assert (public.series, public.number, public.flags, public.topic) == (
            series.name,
            1,
            ["too-similar"],
            "bicycles",
        )
        assert [e.id for e in review_queue(session=session)] == [one.id]
        assert review_queue(session=session, series_id="s-other") == []
        assert recent_fingerprints(session=session, series_id=series.id, before=SLOTS[2], n=5) == [
            (2, []),
            (1, ["bicycles", "a red bicycle"]),
        ]
        assert recent_fingerprints(session=session, series_id=series.id, before=SLOTS[1], n=5) == [
            (1, ["bicycles", "a red bicycle"])
        ]
        oldest_first = episodes(session=session, series_id=series.id, newest_first=False)
        assert [e.slot for e in oldest_first] == SLOTS[:3]
        assert stalled_episodes(session=session, series_id=series.id) == []  # two's job is queued
    first_job, second_job = (claim_job(engine=engine, worker="w1", lease_s=30) for _ in range(2))
    assert first_job is not None and second_job is not None and second_job.run_id == two.run_id
    finish_job(engine=engine, job_id=first_job.id or 0, worker="w1", status="done")
    finish_job(engine=engine, job_id=second_job.id or 0, worker="w1", status="failed", error="boom")
    with session_scope(engine) as session:
        assert [e.id for e in stalled_episodes(session=session, series_id=series.id)] == [two.id]


# --- the continuity ledger --------------------------------------------------------------------


def _entry(slot: datetime, number: int, recap: str) -> LedgerEntry:
    return LedgerEntry(slot=slot, number=number, recap=recap, changed_facts=(f"fact {number}",))


def test_the_ledger_is_upserted_per_episode_and_read_in_slot_order(engine: Engine) -> None:
    series = _series(engine)
    claimed = [claim_slot(engine=engine, series_id=series.id, slot=slot) for slot in SLOTS[:3]]
    ids = [episode.id or 0 for episode in claimed if episode is not None]
    with session_scope(engine) as session:
        for index in (2, 0, 1):
            put_ledger(session=session, series_id=series.id, episode_id=ids[index],
                       entry=_entry(SLOTS[index], index + 1, f"draft {index + 1}"))  # fmt: skip
        put_ledger(
            session=session, series_id=series.id, episode_id=ids[1], entry=_entry(SLOTS[1], 2, "final 2")
        )
        assert [e.recap for e in ledger(session=session, series_id=series.id)] == [
            "draft 1",
            "final 2",
            "draft 3",
        ]
    with session_scope(engine) as session:
        assert [e.slot for e in ledger(session=session, series_id=series.id)] == SLOTS[:3]


def test_notes_join_the_ledger_entry_or_start_one(engine: Engine) -> None:
    series = _series(engine)
    for slot in SLOTS[:3]:
        claim_slot(engine=engine, series_id=series.id, slot=slot)
    first = start_next(engine=engine, series_id=series.id, launch=_launch)
    assert first is not None
    with session_scope(engine) as session:
        set_episode(session=session, episode_id=first.id or 0, state="review")
    second = start_next(engine=engine, series_id=series.id, launch=_launch)
    assert second is not None
    with session_scope(engine) as session:
        put_ledger(
            session=session, series_id=series.id, episode_id=first.id or 0, entry=_entry(SLOTS[0], 1, "one")
        )
        add_note(session=session, episode_id=first.id or 0, note="approved: lovely")
        add_note(session=session, episode_id=first.id or 0, note="approved: truly")
        add_note(session=session, episode_id=second.id or 0, note="rejected: too dark")
        unstarted = episodes(session=session, series_id=series.id, limit=1)[0]
        with pytest.raises(BadInput, match="never started"):
            add_note(session=session, episode_id=unstarted.id or 0, note="too soon")
    with session_scope(engine) as session:
        found = ledger(session=session, series_id=series.id)
    assert [(e.number, e.recap, e.notes) for e in found] == [
        (1, "one", ("approved: lovely", "approved: truly")),
        (2, "", ("rejected: too dark",)),
    ]
    assert found[0].changed_facts == ("fact 1",) and found[1].slot == SLOTS[1]


# --- migration 0005 ---------------------------------------------------------------------------


def test_migration_0005_makes_exactly_the_series_tables_and_goes_back(database_url: str) -> None:
    engine = open_database(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    def migrate(step: Any, revision: str) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)

    try:
        assert set(inspect(engine).get_table_names()) >= SERIES_TABLES
        migrate(command.downgrade, "0004")
        assert not SERIES_TABLES & set(inspect(engine).get_table_names())
        migrate(command.upgrade, "0005")
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    finally:
        engine.dispose()

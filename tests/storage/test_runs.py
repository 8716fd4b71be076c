"""Run lifecycle against a real SQLite file: create, list, move through statuses, reopen."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from film import BadInput
from storage import (
    RunCreate,
    create_run,
    database_url_for,
    get_run,
    list_runs,
    new_run_id,
    open_database,
    session_scope,
    set_run_status,
)


def _run_create(brief: str = "A lantern in a storm.") -> RunCreate:
    return RunCreate(brief=brief, title="The Lantern", engine="previz", duration_s=2.0, out_dir="/tmp/out")


def test_new_run_id_is_short_and_dated() -> None:
    run_id = new_run_id(datetime(2026, 11, 24, 23, 30, tzinfo=UTC))
    assert re.fullmatch(r"r-20261124-[0-9a-f]{6}", run_id)
    assert new_run_id() != new_run_id()


def test_database_url_points_into_home(tmp_path: Path) -> None:
    url = database_url_for(tmp_path / "home")
    assert url == f"sqlite:///{tmp_path / 'home' / 'storyreel.db'}"
    engine = open_database(url)
    try:
        assert (tmp_path / "home" / "storyreel.db").is_file()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_run_lifecycle(engine: Engine) -> None:
    with session_scope(engine) as session:
        run = create_run(session=session, run_create=_run_create())
    assert run.status == "planning"
    assert run.created_at.tzinfo is not None

    with session_scope(engine) as session:
        set_run_status(session=session, run_id=run.id, status="rendering", pid=4242)
    with session_scope(engine) as session:
        set_run_status(session=session, run_id=run.id, status="failed", error="ffmpeg exited 1")
    with session_scope(engine) as session:
        failed = get_run(session=session, run_id=run.id)
        assert (failed.status, failed.error, failed.pid) == ("failed", "ffmpeg exited 1", 4242)

    with session_scope(engine) as session:
        done = set_run_status(
            session=session, run_id=run.id, status="done", error=None, film_path="/tmp/out/film.mp4", pid=None
        )
    assert (done.error, done.pid, done.film_path) == (None, None, "/tmp/out/film.mp4")
    with session_scope(engine) as session:
        reread = get_run(session=session, run_id=run.id)
    assert reread.status == "done"
    assert reread.updated_at.tzinfo == UTC
    assert reread.updated_at >= reread.created_at


def test_run_survives_reopening_the_database(tmp_path: Path) -> None:
    url = database_url_for(tmp_path / "home")
    first = open_database(url)
    with session_scope(first) as session:
        run = create_run(session=session, run_create=_run_create(), run_id="r-20261124-abcdef")
    first.dispose()
    second = open_database(url)
    try:
        with session_scope(second) as session:
            again = get_run(session=session, run_id="r-20261124-abcdef")
        assert again.brief == run.brief
        assert again.created_at == run.created_at
        assert again.created_at.tzinfo == UTC
    finally:
        second.dispose()


def test_get_run_missing_is_bad_input(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(BadInput, match="no such run") as caught:
        get_run(session=session, run_id="r-nope")
    assert caught.value.field == "run"
    assert caught.value.exit_code == 2


def test_unknown_status_is_refused_and_rolled_back(engine: Engine) -> None:
    with session_scope(engine) as session:
        run = create_run(session=session, run_create=_run_create())
    with pytest.raises(BadInput, match="status"), session_scope(engine) as session:
        set_run_status(session=session, run_id=run.id, status="exploded")  # type: ignore[arg-type]
    with session_scope(engine) as session:
        assert get_run(session=session, run_id=run.id).status == "planning"


def test_list_runs_newest_first_with_limit(engine: Engine) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        for day in range(5):
            run = create_run(session=session, run_create=_run_create(f"brief {day}"))
            run.created_at = start + timedelta(days=day)
            session.add(run)
        last = run.id
    with session_scope(engine) as session:
        runs = list_runs(session=session, limit=3)
        set_run_status(session=session, run_id=last, status="done")
    assert [r.brief for r in runs] == ["brief 4", "brief 3", "brief 2"]
    with session_scope(engine) as session:
        assert [r.id for r in list_runs(session=session, status="done")] == [last]


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), session_scope(engine) as session:
        run = create_run(session=session, run_create=_run_create())
        run.updated_at = datetime(2026, 1, 1)
        session.add(run)
        session.flush()


def test_run_create_validates_input() -> None:
    with pytest.raises(ValueError, match="duration_s"):
        RunCreate(brief="x", duration_s=0, out_dir="/tmp")


def test_timestamps_are_stored_in_utc(engine: Engine) -> None:
    """Whatever zone the caller used, the column holds UTC, read back raw on both databases."""
    with session_scope(engine) as session:
        run = create_run(session=session, run_create=_run_create())
        run.created_at = datetime(2026, 11, 24, 21, 0, tzinfo=timezone(timedelta(hours=9)))
        session.add(run)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT created_at FROM run WHERE id = :id"), {"id": run.id}).scalar_one()
    if isinstance(stored, datetime):  # PostgreSQL: timestamptz comes back aware
        assert stored.astimezone(UTC) == datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    else:  # SQLite: the text we wrote
        assert str(stored).startswith("2026-11-24 12:00:00")


def test_in_memory_database_is_shared_between_threads() -> None:
    engine = open_database("sqlite://")
    seen: list[int] = []

    def count() -> None:
        with session_scope(engine) as session:
            seen.append(len(list_runs(session=session)))

    with session_scope(engine) as session:
        create_run(session=session, run_create=_run_create())
    thread = threading.Thread(target=count)
    thread.start()
    thread.join()
    engine.dispose()
    assert seen == [1]

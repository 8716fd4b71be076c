"""LangGraph checkpointers on the same database as the runs, so an interrupted run resumes
from its last finished node and a run's rows and its graph state live and die together.

SQLite gets a `SqliteSaver` on the same file; PostgreSQL a `PostgresSaver` on the same server.
LangGraph owns its own tables (`checkpoints`, `writes`, ...); our migrations leave them alone.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

if TYPE_CHECKING:  # langgraph loads only when a graph runs, not for `storyreel runs`
    from langgraph.checkpoint.base import BaseCheckpointSaver
    from langgraph.checkpoint.sqlite import SqliteSaver

BUSY_TIMEOUT_S = 10.0
SETUP_LOCK = 20261202
"""PostgreSQL advisory lock key held while LangGraph creates its checkpoint tables."""
SETUP_POLL_S = 0.05
CHECKPOINT_TABLES = frozenset(
    {"checkpoints", "checkpoint_blobs", "checkpoint_writes", "checkpoint_migrations", "writes"}
)


def sqlite_checkpointer(path: Path) -> SqliteSaver:
    """A ready SqliteSaver on `path`; the caller owns it and closes `saver.conn` when done.

    `check_same_thread=False` because the graph runs nodes in worker threads; WAL and a busy
    timeout so the studio's own writes and the saver's never fail on each other.
    """
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        saver = SqliteSaver(conn)
        saver.setup()
    except BaseException:
        conn.close()
        raise
    return saver


def libpq_dsn(url: str) -> str:
    """`postgresql+psycopg://u:p@h/db` (SQLAlchemy) → `postgresql://u:p@h/db` (libpq)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def checkpointer_scope(url: str) -> Iterator[BaseCheckpointSaver[str]]:
    """`with checkpointer_scope(database_url) as saver:` — closed on the way out."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise ValueError(f"checkpoints need a database file, got {url!r}")
        saver = sqlite_checkpointer(Path(parsed.database))
        try:
            yield saver
        finally:
            saver.conn.close()
        return
    import psycopg
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row

    with psycopg.connect(libpq_dsn(url), autocommit=True, prepare_threshold=0, row_factory=dict_row) as conn:
        pg_saver = PostgresSaver(conn)
        # Processes starting at once (several workers) would race on LangGraph's migration rows:
        # an advisory lock lets one set the tables up while the others wait, then find them done.
        # They poll with try-lock: a waiter blocked inside pg_advisory_lock would itself be a
        # transaction that the setup's CREATE INDEX CONCURRENTLY waits for (a deadlock).
        while not conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (SETUP_LOCK,)).fetchone()["got"]:  # type: ignore[index]
            time.sleep(SETUP_POLL_S)
        try:
            pg_saver.setup()
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK,))
        yield pg_saver

"""LangGraph checkpointers, so an interrupted run resumes from its last finished node.

The file is separate from the main database: LangGraph owns its schema, and the PostgreSQL
saver (later) takes a DSN rather than our Engine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langgraph.checkpoint.sqlite import SqliteSaver

CHECKPOINT_FILE = "checkpoints.sqlite"
BUSY_TIMEOUT_S = 10.0


def checkpoint_path_for(home: Path) -> Path:
    """The default checkpoint file of a storyreel home folder."""
    return Path(home) / CHECKPOINT_FILE


def sqlite_checkpointer(path: Path) -> SqliteSaver:
    """A ready SqliteSaver on `path`; the caller owns it and closes `saver.conn` when done.

    `check_same_thread=False` because the graph runs nodes in worker threads; WAL and a busy
    timeout so a reader (e.g. `storyreel status`) never blocks a running graph.
    """
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


@contextmanager
def checkpointer_scope(path: Path) -> Iterator[SqliteSaver]:
    """`with checkpointer_scope(path) as saver:` — the connection is closed on the way out."""
    saver = sqlite_checkpointer(path)
    try:
        yield saver
    finally:
        saver.conn.close()

"""Opening the database: one Engine per process, short sessions per unit of work.

The URL is always a parameter, so the same code runs on a local SQLite file today and on
PostgreSQL later; only SQLite gets connection tweaks, because renders write from threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from film import StoryreelError

DATABASE_FILE = "storyreel.db"
MIGRATIONS = Path(__file__).parent / "migrations"
HEAD_REVISION = "0005"
"""The newest migration in storage/migrations (a test keeps the two equal): a database already
there is opened without loading alembic at all."""
SQLITE_BUSY_TIMEOUT_MS = 10_000
MIGRATE_LOCK = 0x5354_5259_4D49_4752 & 0x7FFF_FFFF_FFFF_FFFF
"""PostgreSQL advisory lock key that serialises migrations ("STRYMIGR")."""


def database_url_for(home: Path) -> str:
    """The default database of a storyreel home folder: an SQLite file inside it."""
    return f"sqlite:///{(Path(home) / DATABASE_FILE).resolve()}"


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run while a render thread writes; the busy timeout makes writers wait
    for each other instead of failing; foreign keys behave as on PostgreSQL."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def open_database(url: str, *, echo: bool = False) -> Engine:
    """Create the engine for `url` and make sure every table exists.

    The schema comes from alembic migrations (storage/migrations), run to head on open, so an
    older database is upgraded in place rather than recreated.
    """
    parsed = make_url(url)
    options: dict[str, Any] = {}
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        options["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        else:  # one shared connection, or every thread would see its own empty database
            options["poolclass"] = StaticPool
    engine = create_engine(url, echo=echo, **options)
    if is_sqlite:
        event.listen(engine, "connect", _tune_sqlite)
    try:
        migrate(engine)
    except OperationalError as exc:  # no server there, wrong password, unreadable file
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise StoryreelError(f"cannot open the database {parsed.render_as_string()}: {reason}") from None
    return engine


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at (alembic's version row), or None for a new database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Upgrade the database behind `engine` to the newest schema. A current one costs a single
    query: alembic is imported only when there is something to do."""
    if schema_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        # Processes opening a new database at once (an api and its workers starting together)
        # take turns: the first migrates, the others then find the schema at head and do nothing.
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK})
        elif engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # DDL would otherwise run unlocked
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds, roll back if it raises.

    `expire_on_commit=False` keeps returned rows readable after the session closes, which is
    what callers in other threads and the CLI expect.
    """
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

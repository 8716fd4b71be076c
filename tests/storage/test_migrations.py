"""Migrations: the head the code expects is the head alembic has, a database migrated from
scratch has exactly the tables' schema, and an older database is upgraded in place, its takes
reading back with empty settings."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

from storage import CHECKPOINT_TABLES, AssetStore, StoredTakeLibrary, open_database
from storage.db import HEAD_REVISION, MIGRATIONS, schema_revision
from storage.tables import metadata
from tests.storage.factories import make_take


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """LangGraph's checkpoint tables share the database and are not ours to compare."""
    return not (type_ == "table" and name in CHECKPOINT_TABLES)


def test_head_revision_is_alembics_head() -> None:
    assert ScriptDirectory.from_config(_config()).get_current_head() == HEAD_REVISION


def test_migrated_schema_is_the_tables_schema(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        assert schema_revision(engine) == HEAD_REVISION
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_object": _ours})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_an_older_database_is_upgraded_in_place(database_url: str, tmp_path: Path) -> None:
    store = AssetStore(tmp_path / "assets")
    (tmp_path / "home").mkdir(exist_ok=True)  # where the sqlite half of `database_url` lives
    old = create_engine(database_url)
    with old.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    take = make_take(tmp_path, "sh1", b"old frames")
    stored = store.put_file(Path(take.path))
    with old.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO asset (sha256, path, size, media_type, created_at) "
                "VALUES (:sha, :path, :size, 'video/mp4', CURRENT_TIMESTAMP)"
            ),
            {"sha": stored.sha256, "path": stored.relative, "size": stored.size},
        )
        connection.execute(
            text(
                "INSERT INTO take_record (spec_hash, shot_id, engine, asset_sha256, frames, fps, width, "
                "height, render_s, extras_json, created_at) VALUES (:spec, 'sh1', 'previz', :sha, 9, 12, "
                "854, 480, 0.5, :extras, CURRENT_TIMESTAMP)"
            ),
            {"spec": take.spec_hash, "sha": stored.sha256, "extras": json.dumps({})},
        )
    old.dispose()

    engine = open_database(database_url)
    try:
        assert schema_revision(engine) == HEAD_REVISION
        found = StoredTakeLibrary(engine, store).find(take.spec_hash)
        assert found is not None and found.settings == {}
        assert open_database(database_url).url == engine.url  # a current database opens as it is
    finally:
        engine.dispose()


def _open_after(barrier: Any, url: str) -> str | None:
    barrier.wait()
    return schema_revision(open_database(url))


def test_processes_opening_a_new_database_at_once_take_turns(database_url: str) -> None:
    """An api and its workers starting together on a fresh database: one migrates, the others
    wait for it and find the schema at head (before, they raced on CREATE TABLE / pg_type rows)."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(4)
        with context.Pool(4) as pool:
            revisions = pool.starmap(_open_after, [(barrier, database_url)] * 4)
    assert revisions == [HEAD_REVISION] * 4

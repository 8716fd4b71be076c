"""Alembic environment: migrations run on the connection storage hands in, or on
`sqlalchemy.url` when alembic is run by hand (`alembic -c alembic.ini upgrade head`)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from storage.checkpoints import CHECKPOINT_TABLES
from storage.tables import metadata

config = context.config


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """LangGraph's checkpoint tables share the database but are not ours to migrate."""
    return not (type_ == "table" and name in CHECKPOINT_TABLES)


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///.storyreel/storyreel.db")
    with engine.connect() as conn:
        context.configure(
            connection=conn, target_metadata=metadata, render_as_batch=True, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations()

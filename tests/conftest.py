"""Fixtures every room may use: real databases (SQLite, and a throwaway PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.llama import llama_process, llama_server  # noqa: F401 - fixtures every room may use
from tests.postgres import ThrowawayPostgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    """One real PostgreSQL server for the session. In CI it must start; elsewhere a machine
    without PostgreSQL skips these tests with the reason shown."""
    try:
        server = ThrowawayPostgres().start()
    except Exception as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL must run in CI but could not start: {exc}")
        pytest.skip(f"no PostgreSQL server could be started here: {exc}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test on both databases; `-k postgres` selects the PostgreSQL half."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'home' / 'storyreel.db'}"
    server: ThrowawayPostgres = request.getfixturevalue("postgres_server")
    return server.new_database()

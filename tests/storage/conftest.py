"""Shared fixtures: a real SQLite database and a real asset store inside tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from storage import AssetStore, database_url_for, open_database


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_database(database_url_for(tmp_path / "home"))
    yield engine
    engine.dispose()


@pytest.fixture
def store(tmp_path: Path) -> AssetStore:
    return AssetStore(tmp_path / "home" / "assets")

"""One Settings object for the whole studio, read from `STORYREEL_*` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage import database_url_for


class Settings(BaseSettings):
    """Defaults give a working studio on a laptop with no GPU and no network."""

    model_config = SettingsConfigDict(env_prefix="STORYREEL_", extra="ignore")

    home: Path = Field(default=Path(".storyreel"), description="database, asset store, checkpoints")
    out_root: Path = Field(default=Path("out"), description="where films go when --out is not given")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL, e.g. postgresql+psycopg://u@host/db (default: SQLite)"
    )
    engine: str = Field(default="previz", description="render engine for new runs")
    render_workers: int = Field(default=2, ge=1, le=32, description="shots rendered at once")
    render_log: Path | None = Field(default=None, description="append a line per finished render here")
    duration_s: float = Field(default=30.0, description="film length when --duration is not given")
    style: str = Field(default="cinematic", description="look of the film when --style is not given")

    @property
    def database(self) -> str:
        """The runs' database; LangGraph's checkpoints live there too."""
        return self.database_url or database_url_for(self.home)

    @property
    def asset_root(self) -> Path:
        return self.home / "assets"

    @property
    def work_root(self) -> Path:
        return self.home / "work"

"""Where the studio keeps its runs (`STORYREEL_HOME`, `STORYREEL_DATABASE_URL`), and how every
settings class is read from the environment by pydantic-settings.

`StudioHome` is the part of the settings that `storyreel runs` and `storyreel show` need: it loads
no engine, no LLM client and no graph. `studio.settings.Settings` extends it with everything else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

PREFIX = "STORYREEL_"
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("storyreel_environ", default=None)
S = TypeVar("S", bound="StudioHome")


class _Environment(EnvSettingsSource):
    """The process environment, or the mapping `load(cls, environ)` was given."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        given = _ENVIRON.get()
        if given is None:
            return super()._load_env_vars()
        return {key if self.case_sensitive else key.lower(): value for key, value in given.items()}


class StudioHome(BaseSettings):
    """The runs' home folder and database."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_nested_delimiter="_", env_nested_max_split=1, extra="ignore"
    )

    home: Path = Field(default=Path(".storyreel"), description="database, asset store, checkpoints, caches")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL, e.g. postgresql+psycopg://u@host/db (unset: SQLite in home)",
    )

    @field_validator("database_url")
    @classmethod
    def _a_database_url(cls, url: str | None) -> str | None:
        """Caught here, the mistake is one line naming the variable, not a traceback at first use."""
        if url is None:
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(url)
        except (ArgumentError, ValueError) as exc:
            raise ValueError(f"not a database URL ({str(exc).splitlines()[0]})") from None
        return url

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment; no .env or secrets files are read behind the user's back."""
        return init_settings, _Environment(settings_cls)

    @property
    def database(self) -> str:
        """The runs' database; LangGraph's checkpoints live there too."""
        from storage.db import database_url_for

        return self.database_url or database_url_for(self.home)

    @property
    def asset_root(self) -> Path:
        return self.home / "assets"

    @property
    def work_root(self) -> Path:
        return self.home / "work"


def env_name(*loc: object) -> str:
    """The variable behind a field path: ("diffusion", "offload") → STORYREEL_DIFFUSION_OFFLOAD."""
    return PREFIX + "_".join(str(part) for part in loc).upper()


@contextmanager
def _reading(environ: Mapping[str, str] | None) -> Iterator[None]:
    token = _ENVIRON.set(None if environ is None else dict(environ))
    try:
        yield
    finally:
        _ENVIRON.reset(token)


def load(cls: type[S], environ: Mapping[str, str] | None = None) -> S:
    """`cls` from the environment (or `environ`); a bad value is one BadInput line naming the
    variable, e.g. `STORYREEL_DIFFUSION_OFFLOAD='x': Input should be 'none', 'model', ...`."""
    from film import BadInput

    try:
        with _reading(environ):
            return cls()
    except SettingsError as exc:  # a whole nested model given as JSON that does not parse
        named = re.search(r'field "(\w+)"', str(exc))
        var = env_name(named.group(1)) if named else PREFIX + "*"
        raise BadInput(
            var, (os.environ if environ is None else environ).get(var), "is not valid JSON"
        ) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(part for part in err["loc"] if isinstance(part, str))
        msg = str(err["msg"]).removeprefix("Value error, ")  # a validator's own sentence, as written
        why = "not a setting storyreel knows" if err["type"] == "extra_forbidden" else msg
        raise BadInput(env_name(*loc) if loc else PREFIX + "*", err.get("input"), why) from None


def load_home(environ: Mapping[str, str] | None = None) -> StudioHome:
    """Only where the runs are, for the commands that only read them."""
    return load(StudioHome, environ)

"""The tables of a scheduled series: the series (its bible, stored once), one episode row per
(series, slot) and the continuity ledger each episode leaves behind.

An episode is named by its series and slot, and that pair is unique: claiming a slot is an
insert-or-nothing, so any number of scheduler processes make each slot's episode exactly once.
"""

import json
import secrets
from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from film.series import EpisodeState, LedgerEntry, SeriesBible
from storage.tables import UTCDateTime, utc_now


def new_series_id() -> str:
    """A short id such as `s-1a2b3c4d` (the name is what people type; the id never changes)."""
    return f"s-{secrets.token_hex(4)}"


class Series(SQLModel, table=True):
    """A series as created from its bible. The bible is kept whole, as JSON, so an episode made
    next year still uses the cast and format the series was created with."""

    __tablename__ = "series"
    __table_args__ = (UniqueConstraint("name", name="uq_series_name"),)

    id: str = Field(default_factory=new_series_id, primary_key=True, max_length=40)
    name: str = Field(max_length=64, description="the bible's name: the handle in commands and URLs")
    title: str = Field(max_length=200)
    bible_json: str = Field(sa_type=Text, description="SeriesBible.model_dump_json()")
    paused: bool = Field(default=False, description="a paused series claims slots but starts nothing")
    last_slot: datetime | None = Field(
        default=None, sa_type=UTCDateTime, description="the newest slot claimed (film.schedule.due's last)"
    )
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)

    def bible(self) -> SeriesBible:
        """The stored bible as the domain type (validated again, so a bad row fails loudly)."""
        return SeriesBible.model_validate_json(self.bible_json)


class EpisodePublic(SQLModel):
    """An episode as the API and CLI show it: no brief, no receipts, flags as a list."""

    id: int
    series: str
    slot: datetime
    number: int | None
    state: EpisodeState
    run_id: str | None
    topic: str
    reason: str | None
    flags: list[str]
    created_at: datetime
    updated_at: datetime


class Episode(SQLModel, table=True):
    """One slot of one series, from its claim to its publication. `number` is given when the
    episode starts (1, 2, 3... in slot order), so a refused or failed slot still counts."""

    __tablename__ = "episode"
    __table_args__ = (
        UniqueConstraint("series_id", "slot", name="uq_episode_series_slot"),
        UniqueConstraint("series_id", "number", name="uq_episode_series_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    series_id: str = Field(foreign_key="series.id", max_length=40)
    slot: datetime = Field(sa_type=UTCDateTime)
    number: int | None = Field(default=None, ge=1)
    state: EpisodeState = Field(default="scheduled", sa_type=String(16), index=True)
    run_id: str | None = Field(default=None, foreign_key="run.id", index=True, max_length=40)
    topic: str = Field(default="", sa_type=Text)
    brief: str = Field(default="", sa_type=Text, description="the rendered brief, as the gate saw it")
    reason: str | None = Field(default=None, sa_type=Text, description="refusal, error or why it was flagged")
    flags_json: str = Field(default="[]", sa_type=Text, description="JSON list: 'too-similar', 'canon', ...")
    fingerprint_json: str = Field(default="[]", sa_type=Text, description="JSON list, for the variety check")
    receipts_json: str = Field(default="{}", sa_type=Text, description="publisher key -> receipt JSON")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)

    def flags(self) -> list[str]:
        found: list[str] = json.loads(self.flags_json or "[]")
        return found

    def fingerprint(self) -> list[str]:
        found: list[str] = json.loads(self.fingerprint_json or "[]")
        return found

    def public(self, *, series: str) -> EpisodePublic:
        """The episode as shown to users; `series` is its series' name (the row has only the id)."""
        assert self.id is not None, "an episode is shown once it is stored"
        return EpisodePublic(
            id=self.id,
            series=series,
            slot=self.slot,
            number=self.number,
            state=self.state,
            run_id=self.run_id,
            topic=self.topic,
            reason=self.reason,
            flags=self.flags(),
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


class LedgerRow(SQLModel, table=True):
    """One episode's continuity ledger entry; one per episode, read back in slot order."""

    __tablename__ = "ledger"
    __table_args__ = (
        UniqueConstraint("episode_id", name="uq_ledger_episode"),
        Index("ix_ledger_series_slot", "series_id", "slot"),
    )

    id: int | None = Field(default=None, primary_key=True)
    series_id: str = Field(foreign_key="series.id", max_length=40)
    episode_id: int = Field(foreign_key="episode.id")
    slot: datetime = Field(sa_type=UTCDateTime)
    entry_json: str = Field(sa_type=Text, description="LedgerEntry.model_dump_json()")

    def entry(self) -> LedgerEntry:
        return LedgerEntry.model_validate_json(self.entry_json)


__all__ = ["Episode", "EpisodePublic", "LedgerRow", "Series", "new_series_id"]

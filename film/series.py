"""A scheduled series: its bible (recurring cast, world, format, brief template, topics,
schedule, review and publishing), the continuity ledger each episode leaves behind, and the
states an episode goes through. Pure types; loading files and rendering briefs live in agents.

The cast is the point of a series: every episode's plan gets these characters verbatim (same
id, name, look, colour and reference picture), so episode 30 shows the same hosts as episode 1.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from film.plan import ASPECTS, MAX_DURATION_S, MIN_DURATION_S, Aspect, Character
from film.schedule import Schedule
from film.sound import Voice

ReviewMode = Literal["required", "auto"]
EpisodeState = Literal[
    "scheduled",  # claimed for its slot; no worker has started it yet
    "making",  # a worker is planning or shooting it
    "review",  # made; waits for a person (review: required, or flagged by a check)
    "approved",  # a person (or review: auto) let it through; publishing comes next
    "published",  # every publisher has its receipt
    "rejected",  # a person turned it down; the note is in the ledger
    "refused",  # the misuse gate refused its brief; the reason is kept, the schedule goes on
    "failed",  # making or publishing failed; the error is kept
]
SETTLED: frozenset[str] = frozenset({"review", "approved", "published", "rejected", "refused", "failed"})
"""States after which the next episode may start: its ledger entry (or refusal) is written."""
SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"


class CastMember(Character):
    """A recurring character: a Character plus the notes a voice actor (or TTS) needs. Every
    field is fixed by the bible; the planner never invents or changes them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    voice: Voice | None = Field(
        default=None, description="engine, voice id, rate, pitch; a string: a description"
    )

    @field_validator("voice", mode="before")
    @classmethod
    def _described(cls, value: object) -> object:
        """`voice: warm, quick alto` in a bible is a description; the engine picks the voice."""
        return {"description": value} if isinstance(value, str) else value

    def character(self) -> Character:
        """The plan's Character for this member, verbatim, voice included."""
        return Character.model_validate(self.model_dump())


class Segment(BaseModel):
    """A recurring part of every episode (e.g. "Word of the day"), in order after the cold open."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    brief: str = Field(default="", max_length=600, description="what happens in it; Jinja2, sandboxed")


class EpisodeFormat(BaseModel):
    """The shape every episode shares."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    duration_s: float = Field(default=45.0, ge=MIN_DURATION_S, le=MAX_DURATION_S)
    aspect: Aspect = "9:16"
    cold_open: str = Field(default="", max_length=600, description="the first beat, before the title")
    title_card: bool = True
    segments: tuple[Segment, ...] = ()
    end_card: str = Field(default="", max_length=200, description="the closing line, e.g. 'See you tomorrow'")

    @field_validator("aspect")
    @classmethod
    def _aspect(cls, value: str) -> str:
        if value not in ASPECTS:
            raise ValueError(f"must be one of {', '.join(ASPECTS)}, got {value!r}")
        return value


class Topics(BaseModel):
    """Where each episode's topic comes from: exactly one of a list in the bible, a CSV file (one
    row per episode, `column` names the topic) or a folder of .txt/.md files (sorted by name).
    Paths are relative to the bible's folder and must stay inside it. Episode n takes topic n,
    wrapping around when the source runs out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    items: tuple[str, ...] = ()
    csv: str | None = None
    column: str = "topic"
    folder: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Topics:
        given = [name for name in ("items", "csv", "folder") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError(f"give exactly one of items, csv or folder, got {', '.join(given) or 'none'}")
        return self


class Variety(BaseModel):
    """How different each episode must be from the last `window` ones."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window: int = Field(default=5, ge=1, le=100)
    threshold: float = Field(default=0.8, gt=0, le=1, description="similarity at or above this is too close")
    replans: int = Field(default=2, ge=0, le=10, description="new seeds to try before flagging for review")


class SeriesBible(BaseModel):
    """Everything a series fixes once, stored with the series when it is created."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=SLUG, description="the series' handle in commands and URLs")
    title: str = Field(min_length=1, max_length=200)
    language: str = Field(default="en", max_length=16)
    cast: tuple[CastMember, ...] = Field(min_length=1)
    world: str = Field(default="", max_length=2000, description="the setting every episode shares")
    style: str = Field(default="cinematic", max_length=200)
    format: EpisodeFormat = EpisodeFormat()
    brief: str = Field(min_length=1, max_length=4000, description="the episode brief; Jinja2, sandboxed")
    topics: Topics
    schedule: Schedule
    review: ReviewMode = "required"
    variety: Variety = Variety()
    publish: tuple[dict[str, Any], ...] = Field(default=(), description="publisher configs, in order")
    privacy: Literal["private", "unlisted", "public"] = "private"
    seed: int = Field(default=0, ge=0, le=2**31 - 1)

    @model_validator(mode="after")
    def _cast_ids(self) -> SeriesBible:
        ids = [member.id for member in self.cast]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"cast ids must be unique, {', '.join(twice)} appears twice")
        return self


class LedgerEntry(BaseModel):
    """What one episode leaves for the next: the canon they inject into the following brief."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slot: datetime
    number: int = Field(ge=1, description="the episode's number in the series")
    title: str = Field(default="", max_length=200)
    recap: str = Field(default="", max_length=1000)
    open_threads: tuple[str, ...] = ()
    changed_facts: tuple[str, ...] = Field(default=(), description="e.g. 'Sari now owns the red bicycle'")
    departed: tuple[str, ...] = Field(default=(), description="cast ids who left the story in this episode")
    returned: tuple[str, ...] = Field(default=(), description="cast ids whose return this episode explains")
    notes: tuple[str, ...] = Field(default=(), description="review notes: 'approved: ...' / 'rejected: ...'")


class Canon(BaseModel):
    """The ledger folded in slot order: what the next episode must respect."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    recaps: tuple[str, ...] = ()
    open_threads: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    away: tuple[str, ...] = Field(default=(), description="cast ids gone from the story, not back yet")
    notes: tuple[str, ...] = ()


def fold(entries: list[LedgerEntry], keep: int = 3) -> Canon:
    """The canon after `entries` (sorted by slot here): the last `keep` recaps and notes, every
    fact in order, the threads still open, and who is away."""
    away: list[str] = []
    facts: list[str] = []
    threads: list[str] = []
    ordered = sorted(entries, key=lambda e: (e.slot, e.number))
    for entry in ordered:
        away = [i for i in away if i not in entry.returned] + [i for i in entry.departed if i not in away]
        facts += [f for f in entry.changed_facts if f not in facts]
        threads = [t for t in threads if t not in entry.open_threads] + list(entry.open_threads)
    recaps = tuple(e.recap for e in ordered if e.recap)[-keep:]
    notes = tuple(n for e in ordered for n in e.notes)[-keep:]
    return Canon(
        recaps=recaps,
        open_threads=tuple(threads[-keep * 2 :]),
        facts=tuple(facts),
        away=tuple(away),
        notes=notes,
    )

"""The shapes the API speaks: requests it accepts and the public views it answers with.

Tables never leave storage: routes build these from rows (full-stack-fastapi-template's
`XPublic`). Edits (ShotPatch, CharacterPatch) are typed loosely on purpose: the film plan's own
validation checks them, so a bad value is one 400 line naming the field, as the CLI prints it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from film import FilmPlan

PublicStatus = Literal[
    "queued", "planning", "review", "rendering", "assembling", "done", "failed", "cancelled"
]
ShotStateName = Literal["planned", "stale", "rendering", "done", "locked"]


class RunCreateRequest(BaseModel):
    """POST /runs: what `storyreel make` takes; only the brief is required."""

    model_config = ConfigDict(extra="forbid")

    brief: str = Field(description="the story, in any language and form")
    duration: float | None = Field(default=None, description="film length in seconds (2-1800)")
    aspect: str = Field(default="16:9", description="16:9, 9:16, 1:1 or 4:5")
    style: str | None = Field(default=None, description="look of the film, e.g. noir")
    seed: int = Field(default=0, description="same brief + seed gives the same film")
    engine: str | None = Field(default=None, description="previz, diffusion, comfyui")
    review: bool = Field(default=False, description="stop at the review gate after planning")
    project_id: str | None = None
    title_card: bool = True


class RunPublic(BaseModel):
    """A run as the API shows it (storage.RunPublic is the CLI's view of the row)."""

    id: str
    status: PublicStatus
    title: str
    brief: str
    engine: str
    aspect: str
    duration: float
    seed: int
    style: str
    project_id: str | None
    version: int = Field(description="the newest plan version, 0 before planning")
    error: str | None
    film_url: str | None = Field(description="the newest finished film; null until there is one")
    created_at: datetime
    updated_at: datetime


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str


class ProjectPublic(BaseModel):
    id: str
    name: str
    created_at: datetime


class ProjectWithRuns(ProjectPublic):
    runs: list[RunPublic]


class PlanPublic(BaseModel):
    """One plan version of a run."""

    version: int
    plan: FilmPlan


class VersionPublic(BaseModel):
    version: int
    note: str
    created_at: datetime
    film_url: str | None


class DiffPublic(BaseModel):
    lines: list[str]


class ReviseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="the revision note, e.g. 'make shot 2 a close-up'")


class RerenderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed: int | None = Field(default=None, description="the retake number to use (default: the next)")


class ShotPatch(BaseModel):
    """Some fields of one shot; any other Shot field is accepted too and checked by the plan."""

    model_config = ConfigDict(extra="allow")

    description: str | None = None
    camera: dict[str, Any] | None = Field(default=None, description="merged into the shot's camera")
    frames: int | None = None
    duration_s: float | None = Field(default=None, description="instead of frames")
    dialogue: list[Any] | None = None
    performances: list[Any] | None = None
    physics: dict[str, Any] | None = Field(default=None, description="merged into the shot's physics")
    props: list[Any] | None = None
    coverage: str | None = None
    continuous_with_previous: bool | None = None
    scene_id: str | None = None
    retake: int | None = None


class CharacterPatch(BaseModel):
    """Some fields of one character; any other Character field is checked by the plan."""

    model_config = ConfigDict(extra="allow")

    name: str | None = None
    description: str | None = None
    appearance: str | None = None
    color: str | None = None
    build: str | None = None
    reference_image: str | None = Field(
        default=None, description="sha256 of a picture uploaded with kind=reference, or null to drop it"
    )


class ShotPublic(BaseModel):
    id: str
    position: int = Field(description="1-based place in the film")
    description: str
    camera: str = Field(description="e.g. 'WIDE · low · dolly in'")
    characters: list[str]
    dialogue: list[str]
    duration_s: float
    state: ShotStateName
    percent: float
    take: str | None = Field(description="the main take's spec_hash")
    still_url: str | None


class TakePublic(BaseModel):
    spec_hash: str
    versions: list[int] = Field(description="plan versions this take played in")
    created_at: datetime
    main: bool
    url: str | None

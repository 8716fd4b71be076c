"""The shot list: characters, scenes and shots that a planner writes and an engine renders.

Durations are whole frames at the plan's fps, so a plan's total is exact and a film decodes
to the length it promised.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from film.camera import Camera
from film.hashing import stable_hash
from film.media import MediaRef
from film.physics import Physics, Weather
from film.sound import Voice

Aspect = Literal["16:9", "9:16", "1:1", "4:5"]
ASPECTS: dict[str, tuple[int, int]] = {
    "16:9": (854, 480),
    "9:16": (480, 854),
    "1:1": (640, 640),
    "4:5": (512, 640),  # the portrait feed (Instagram, Facebook)
}
MIN_DURATION_S = 2.0
MAX_DURATION_S = 1800.0


def frame_size(aspect: str) -> tuple[int, int]:
    """(width, height) of the delivery frame for an aspect."""
    return ASPECTS[aspect]


class TimeOfDay(StrEnum):
    dawn = "dawn"
    morning = "morning"
    day = "day"
    dusk = "dusk"
    night = "night"


CharacterField = Literal["appearance", "build", "color"]


class Character(BaseModel):
    """A person in the film. `appearance` is what keeps them the same across shots; `defaults`
    names the fields the brief did not give, so prompts leave them out instead of inventing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=60)
    description: str = Field(default="", max_length=400)
    appearance: str = Field(default="", max_length=400)
    color: str = Field(default="#c0392b", pattern=r"^#[0-9a-fA-F]{6}$")
    build: Literal["slight", "average", "broad", "tall", "child"] = "average"
    reference_image: MediaRef | None = Field(default=None, description="a picture of them, for VACE")
    defaults: tuple[CharacterField, ...] = Field(
        default=(), description="fields filled with neutral defaults, not taken from the brief"
    )
    voice: Voice | None = Field(default=None, description="how they speak; none: picked from their id")


class Performance(BaseModel):
    """What one character does in a shot: action, emotion, expression."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    character_id: str
    action: str = Field(default="stand", max_length=40)
    emotion: str = Field(default="neutral", max_length=40)


class DialogueLine(BaseModel):
    """A spoken line; it becomes a subtitle cue in the brief's language."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    speaker: str | None = Field(default=None, max_length=60)
    text: str = Field(min_length=1, max_length=500)


class Prop(BaseModel):
    """A thing the brief names that the frame must show: a scene's set piece (lighthouse, boat,
    kitchen table) or a shot's prop or light source (lamp, match flame, headlights). `kind` picks
    its silhouette; `light` makes it light the frame, `sweeps` makes its beam sweep."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    kind: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")
    name: str = Field(default="", max_length=80, description="as the brief writes it")
    light: bool = False
    sweeps: bool = False


def _unique_ids(kind: str, ids: list[str]) -> None:
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"{kind} ids must be unique, got duplicates {dupes}")


class Scene(BaseModel):
    """A stretch of the story in one place and one time, with its own light and weather."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=40)
    heading: str = Field(default="", max_length=200)
    location: str = Field(default="exterior", max_length=200)
    time_of_day: TimeOfDay = TimeOfDay.day
    mood: str = Field(default="neutral", max_length=60)
    palette: str = Field(default="natural", max_length=60)
    weather: Weather = Weather.clear
    light: str = Field(default="", max_length=200, description="how the scene is lit, for prompts")
    set_pieces: tuple[Prop, ...] = ()

    @model_validator(mode="after")
    def _pieces(self) -> Scene:
        _unique_ids(f"scene {self.id} set piece", [p.id for p in self.set_pieces])
        return self


class Shot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=40)
    scene_id: str
    frames: int = Field(ge=1, description="length in frames at the plan's fps")
    description: str = Field(min_length=1, max_length=1000)
    performances: tuple[Performance, ...] = ()
    camera: Camera = Camera()
    physics: Physics = Physics()
    dialogue: tuple[DialogueLine, ...] = ()
    continuous_with_previous: bool = False
    props: tuple[Prop, ...] = Field(default=(), description="props and light sources in frame")
    coverage: str = Field(
        default="", max_length=40, description="what the shot covers: establishing, reaction, insert..."
    )
    retake: int = Field(default=0, ge=0, le=1_000_000, description="0: the first take; n: a new seed")
    take: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$", description="the main take (a spec_hash) someone chose"
    )
    locked: bool = Field(default=False, description="keep the main take; never render this shot again")

    @model_validator(mode="after")
    def _props(self) -> Shot:
        _unique_ids(f"shot {self.id} prop", [p.id for p in self.props])
        return self


class FilmPlan(BaseModel):
    """The whole film as a plan. Validators keep it consistent so later rooms can trust it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    logline: str = Field(default="", max_length=1000)
    language: str = Field(default="en", max_length=16)
    aspect: Aspect = "16:9"
    fps: int = Field(default=24, ge=8, le=60)
    duration_s: float = Field(ge=MIN_DURATION_S, le=MAX_DURATION_S, description="target length")
    title_card_frames: int = Field(default=0, ge=0)
    style: str = Field(default="cinematic", max_length=200)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)
    characters: tuple[Character, ...] = ()
    scenes: tuple[Scene, ...] = Field(min_length=1)
    shots: tuple[Shot, ...] = Field(min_length=1)
    notes: tuple[str, ...] = Field(default=(), description="the planner's warnings for the run")

    @model_validator(mode="after")
    def _consistent(self) -> FilmPlan:
        _unique_ids("character", [c.id for c in self.characters])
        _unique_ids("scene", [s.id for s in self.scenes])
        _unique_ids("shot", [s.id for s in self.shots])
        scene_ids = {s.id for s in self.scenes}
        cast = {c.id for c in self.characters}
        for shot in self.shots:
            if shot.scene_id not in scene_ids:
                raise ValueError(f"shot {shot.id} names unknown scene {shot.scene_id!r}")
            for perf in shot.performances:
                if perf.character_id not in cast:
                    raise ValueError(f"shot {shot.id} names unknown character {perf.character_id!r}")
        target = round(self.duration_s * self.fps)
        if self.total_frames != target:
            raise ValueError(
                f"title card + shots must fill the target: {self.total_frames} frames "
                f"!= {target} ({self.duration_s}s at {self.fps} fps)"
            )
        return self

    @property
    def total_frames(self) -> int:
        return self.title_card_frames + sum(s.frames for s in self.shots)

    @property
    def total_s(self) -> float:
        return self.total_frames / self.fps

    def scene(self, scene_id: str) -> Scene:
        return next(s for s in self.scenes if s.id == scene_id)

    def character(self, character_id: str) -> Character:
        return next(c for c in self.characters if c.id == character_id)

    def cast_of(self, shot: Shot) -> list[Character]:
        return [self.character(p.character_id) for p in shot.performances]

    def spec_hash(self) -> str:
        """Content hash of the whole plan: same plan, same hash, on every machine."""
        return stable_hash(self)

"""What an engine is asked for (RenderSpec) and what it gives back (Take)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from film.hashing import stable_hash
from film.plan import Character, Scene, Shot


class RenderSpec(BaseModel):
    """The fully recaptioned request for one shot. Everything that changes pixels is in here,
    so `spec_hash()` is a safe cache key: same spec, same take, never rendered twice."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: str = Field(min_length=1, max_length=40)
    shot: Shot
    scene: Scene
    characters: tuple[Character, ...] = ()
    prompt: str = Field(default="", max_length=8000)
    negative_prompt: str = Field(default="", max_length=2000)
    seed: int = Field(ge=0, le=2**32 - 1)
    width: int = Field(ge=16, le=8192)
    height: int = Field(ge=16, le=8192)
    fps: int = Field(ge=1, le=120)
    card: str = Field(default="", max_length=300, description="text for the previz shot card")
    style: str = Field(default="", max_length=200)

    @property
    def frames(self) -> int:
        return self.shot.frames

    @property
    def duration_s(self) -> float:
        return self.shot.frames / self.fps

    def spec_hash(self) -> str:
        return stable_hash(self)


class Take(BaseModel):
    """One rendered shot: a media file in the asset store, found again by its spec hash."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shot_id: str
    spec_hash: str
    engine: str
    path: str = Field(description="absolute path of the clip on this machine")
    asset_sha256: str = ""
    frames: int = Field(ge=1)
    fps: int = Field(ge=1)
    width: int
    height: int
    cached: bool = False
    render_s: float = 0.0

    @property
    def duration_s(self) -> float:
        return self.frames / self.fps

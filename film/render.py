"""What an engine is asked for (RenderSpec) and what it gives back (Take)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from film.disclosure import DEFAULT_BUG, BugCorner, bug_refusal
from film.hashing import stable_hash
from film.media import MediaRef
from film.plan import Character, Scene, Shot


class Conditioning(BaseModel):
    """What a shot is conditioned on besides its prompt: continuity and control inputs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_frame: MediaRef | None = Field(default=None, description="previous shot's last frame")
    last_frame: MediaRef | None = Field(default=None, description="a frame the shot must end on")
    control_video: MediaRef | None = Field(default=None, description="e.g. the previz depth pass")
    reference_images: tuple[MediaRef, ...] = Field(default=(), description="character references")
    lead_video: MediaRef | None = Field(
        default=None,
        description="previous shot's last frames (a PNG strip), for models that carry motion across a cut",
    )

    def is_empty(self) -> bool:
        images = self.first_frame or self.last_frame or self.reference_images
        return not (images or self.control_video or self.lead_video)


EngineOption = str | int | float | bool


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
    model: str = Field(default="", max_length=200, description="engine model name, e.g. wan2.1-t2v-1.3b")
    options: dict[str, EngineOption] = Field(default_factory=dict, description="steps, guidance...")
    conditioning: Conditioning = Conditioning()
    bug: BugCorner = Field(default=DEFAULT_BUG, description="corner of the 'AI-generated' bug on every frame")

    @model_validator(mode="after")
    def _bug_stays_on_realistic_footage(self) -> RenderSpec:
        refusal = bug_refusal(self.engine, self.bug)
        if refusal:
            raise ValueError(refusal)
        return self

    @property
    def frames(self) -> int:
        return self.shot.frames

    def engine_settings(self) -> dict[str, EngineOption]:
        """The engine settings that make this spec's pixels (model and options), as a take
        records them so `storyreel show` can say what made each take."""
        return {"engine": self.engine, **({"model": self.model} if self.model else {}), **self.options}

    @property
    def duration_s(self) -> float:
        return self.shot.frames / self.fps

    def spec_hash(self) -> str:
        """Content hash of everything that changes pixels; conditioning files count by their
        sha256, not by where they happen to lie. What a line says is heard, not seen (prompts name
        who speaks, never the words), so a changed line re-speaks it and renders nothing."""
        data = self.model_dump(mode="json")
        cond = data["conditioning"]
        for key in ("first_frame", "last_frame", "control_video"):
            if cond[key]:
                cond[key] = cond[key]["sha256"]
        cond["reference_images"] = [ref["sha256"] for ref in cond["reference_images"]]
        for character in data["characters"]:
            character.pop("voice", None)  # how they sound never changes a pixel
        shot = data["shot"]
        shot["dialogue"] = [{"speaker": line["speaker"]} for line in shot["dialogue"]]  # heard, not seen
        for key, unset in SHOT_UNSET.items():  # absent when unset: older takes stay valid
            if shot.get(key, unset) == unset:
                shot.pop(key, None)
        lead = cond.pop("lead_video")
        if lead:  # absent from the hash when unset: takes cached before the field existed stay valid
            cond["lead_video"] = lead["sha256"]
        return stable_hash(data)


SHOT_UNSET: dict[str, object] = {"retake": 0, "take": None, "locked": False}
"""Shot fields that count in a spec's hash only when set: the recaptioner clears the take choice
and the lock (they pick takes, they do not change pixels), and retake 0 is the first take."""


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
    extras: dict[str, str] = Field(
        default_factory=dict, description="side files by kind, e.g. the previz 'depth' and 'boxes' passes"
    )
    settings: dict[str, EngineOption] = Field(
        default_factory=dict, description="engine, model and options that made it"
    )

    @property
    def duration_s(self) -> float:
        return self.frames / self.fps

"""The film's sound, as data: a character's voice, and the foley cues the physics gives.

A voice is part of the character (the bible fixes it once, so it stays the same across shots and
episodes); foley cues come from the simulation (previz) or from the plan's timing (other
engines), so every impact is heard at the instant it is seen.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

VoiceEngine = Literal["espeak", "openai", "piper"]
Material = Literal["glass", "wood", "water", "metal", "cloth"]
FoleyKind = Literal["impact", "footstep"]
Pace = Literal["walk", "run"]


class Voice(BaseModel):
    """How a character sounds. An empty `voice_id` lets the engine pick one from the film's
    language and the character's id, the same pick every time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    engine: VoiceEngine = "espeak"
    voice_id: str = Field(default="", max_length=200, pattern=r"^[A-Za-z0-9_.+:/ -]*$")
    rate: float = Field(default=1.0, ge=0.5, le=2.0, description="speed, 1 = the engine's normal pace")
    pitch: float = Field(default=0.0, ge=-12.0, le=12.0, description="semitones from the voice's own")
    description: str = Field(default="", max_length=200, description="how they sound, for people")


class FoleyCue(BaseModel):
    """One sound the picture makes, at `t_s` into its shot: an impact between two bodies (the
    ground counts as one) or a footstep of a figure that walks or runs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: FoleyKind
    t_s: float = Field(ge=0.0)
    body: str = Field(min_length=1, max_length=80, description="the thing that hits, or the character id")
    other: str = Field(default="ground", max_length=80)
    material: Material = "wood"
    speed_ms: float = Field(default=0.0, ge=0.0, description="relative speed along the contact normal")
    impulse: float = Field(default=0.0, ge=0.0, description="N·s the contact took, for loudness")
    pace: Pace | None = None

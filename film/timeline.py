"""The edit: which takes play in which order, with cards, transitions and subtitle cues."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TitleCard(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=1, max_length=200)
    subtitle: str = Field(default="", max_length=300)
    frames: int = Field(ge=1)


class Clip(BaseModel):
    """One take placed on the timeline; `in_frame`/`out_frame` trim it (out is exclusive)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shot_id: str
    take_path: str
    in_frame: int = Field(default=0, ge=0)
    out_frame: int = Field(ge=1)
    transition_in: Literal["cut"] = "cut"

    @property
    def frames(self) -> int:
        return self.out_frame - self.in_frame


class SubtitleCue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    start_s: float = Field(ge=0.0)
    end_s: float = Field(gt=0.0)
    text: str = Field(min_length=1, max_length=500)
    speaker: str | None = None


class Timeline(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    fps: int = Field(ge=1)
    width: int
    height: int
    title_card: TitleCard | None = None
    clips: tuple[Clip, ...] = Field(min_length=1)
    subtitles: tuple[SubtitleCue, ...] = ()

    @property
    def total_frames(self) -> int:
        card = self.title_card.frames if self.title_card else 0
        return card + sum(c.frames for c in self.clips)

    @property
    def total_s(self) -> float:
        return self.total_frames / self.fps

"""The edit: which takes play in which order, with cards, transitions, overlays and subtitle cues.

Length rule: a transition never changes the film's length. It is centred on the cut: the last
`frames // 2` frames of the outgoing clip and the first `frames - frames // 2` of the incoming one
form the window, and each side is extended into the window from its take's handles (frames past
the out point / before the in point) where the take has them, else by holding its edge frame. So
`total_frames` is title card + clips + end card whatever the transitions, and a plan timed in whole
frames still decodes to exactly its length. Overlays (lower thirds, chapter titles, the end title)
are drawn over clip frames, so they cost no frames either.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from film.disclosure import DEFAULT_BUG, BugCorner

KEYFRAME_INTERVAL = 48
"""Frames between the keyframes of every storyreel encode (a closed, fixed GOP; engine.media's
H.264 settings use it). The cut stream-copies whole GOPs, so an overlay that ends on a keyframe
costs whole GOPs of re-encoding and no more: the editor times its overlays to this grid."""

TransitionKind = Literal["cut", "crossfade", "dip_to_black", "wipe"]
OverlayKind = Literal["lower_third", "chapter", "end"]
GraphicKind = Literal["kinetic", "caption", "cta", "logo", "countdown", "legal"]


class TitleCard(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=1, max_length=200)
    subtitle: str = Field(default="", max_length=300)
    frames: int = Field(ge=1)


class Clip(BaseModel):
    """One take placed on the timeline; `in_frame`/`out_frame` trim it (out is exclusive).

    `transition_in` joins it to the clip before; `transition_frames` is the window's length,
    centred on the cut (see the module docstring), 0 for a hard cut."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shot_id: str
    take_path: str
    in_frame: int = Field(default=0, ge=0)
    out_frame: int = Field(ge=1)
    transition_in: TransitionKind = "cut"
    transition_frames: int = Field(default=0, ge=0)
    still: str = Field(
        default="", description="a picture of take frame `still_frame` the engine drew (no decode needed)"
    )
    still_frame: int = Field(default=-1, ge=-1, description="the take frame `still` shows; -1 = none")
    reframe: bool = Field(
        default=False,
        description="the take is another frame (an ad's master): each frame is cut to the film's "
        "size following `boxes`, and marked afresh, so no re-framed copy of the take is written",
    )
    boxes: str = Field(
        default="",
        description="the take's boxes file (previz): characters for `reframe`, foley cues for the mix",
    )
    sound: str = Field(default="", description="the sound an engine made with the take (a WAV), for the mix")

    @model_validator(mode="after")
    def _transition(self) -> Clip:
        if (self.transition_in == "cut") != (self.transition_frames == 0):
            raise ValueError(
                f"clip {self.shot_id}: a cut has 0 transition frames, other transitions at least 1 "
                f"(got {self.transition_in} with {self.transition_frames})"
            )
        return self

    @property
    def frames(self) -> int:
        return self.out_frame - self.in_frame

    @property
    def head(self) -> int:
        """Frames of this clip inside its incoming transition window."""
        return self.transition_frames - self.transition_frames // 2

    @property
    def tail_of_previous(self) -> int:
        """Frames of the previous clip inside this clip's incoming transition window."""
        return self.transition_frames // 2


class Overlay(BaseModel):
    """Graphics drawn over `frames` frames of clip `clip_index`, from `start_frame` (clip-relative):
    a lower third (a name the first time a character appears), a chapter title at a scene change,
    or the end title over the last shot. Only that window is re-encoded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: OverlayKind
    clip_index: int = Field(ge=0)
    start_frame: int = Field(default=0, ge=0)
    frames: int = Field(ge=1)
    text: str = Field(min_length=1, max_length=200)
    subtitle: str = Field(default="", max_length=300)


class Graphic(BaseModel):
    """Motion graphics over film frames [start_frame, start_frame + frames), inside `box`
    (left, top, right, bottom as fractions of the frame): an ad's kinetic hook title, a burned
    caption, the call-to-action button, the logo sting, a countdown bar or the legal line. The
    layout (which box, which colours) is the editor's; the cutter only paints it there, so an
    ad is re-laid for every aspect instead of cropped. Only those frames are re-encoded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=40, description="what the lint calls it: 'hook title'")
    kind: GraphicKind
    start_frame: int = Field(ge=0)
    frames: int = Field(ge=1)
    box: tuple[float, float, float, float]
    text: str = Field(default="", max_length=300)
    subtitle: str = Field(default="", max_length=300)
    fg: str = Field(default="#ffffff", pattern=r"^#[0-9a-f]{6}$")
    bg: str = Field(default="#000000", pattern=r"^#[0-9a-f]{6}$")
    font: str = Field(default="", max_length=1000, description="a font file; empty: the house lettering")
    image: str = Field(default="", max_length=1000, description="a picture (the logo); empty: none")

    @model_validator(mode="after")
    def _box_in_frame(self) -> Graphic:
        left, top, right, bottom = self.box
        if not (0 <= left < right <= 1 and 0 <= top < bottom <= 1):
            raise ValueError(f"graphic {self.name}: its box {self.box} is not inside the frame")
        return self


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
    overlays: tuple[Overlay, ...] = ()
    graphics: tuple[Graphic, ...] = ()
    end_card: TitleCard | None = None
    language: str = Field(default="", max_length=16, description="subtitles' BCP 47 tag; empty: the plan's")
    bug: BugCorner = Field(default=DEFAULT_BUG, description="the corner bug of re-framed clips' frames")

    @model_validator(mode="after")
    def _windows_fit(self) -> Timeline:
        if self.clips[0].transition_in != "cut":
            raise ValueError("the first clip cannot have a transition in (nothing comes before it)")
        for i, clip in enumerate(self.clips[1:], start=1):
            before = self.clips[i - 1]
            took = before.head if i > 1 else 0
            if clip.head > clip.frames or clip.tail_of_previous + took > before.frames:
                raise ValueError(
                    f"clip {i} ({clip.shot_id}): a {clip.transition_frames}-frame transition does not "
                    "fit in its neighbouring clips"
                )
        for k, over in enumerate(self.overlays):
            if over.clip_index >= len(self.clips):
                raise ValueError(f"overlays[{k}] names clip {over.clip_index}; there are {len(self.clips)}")
            if over.start_frame + over.frames > self.clips[over.clip_index].frames:
                raise ValueError(f"overlays[{k}] runs past the end of clip {over.clip_index}")
        for graphic in self.graphics:
            if graphic.start_frame + graphic.frames > self.total_frames:
                raise ValueError(f"graphic {graphic.name} runs past the end of the film")
        return self

    @property
    def total_frames(self) -> int:
        card = self.title_card.frames if self.title_card else 0
        end = self.end_card.frames if self.end_card else 0
        return card + sum(c.frames for c in self.clips) + end

    @property
    def total_s(self) -> float:
        return self.total_frames / self.fps

    def clip_start(self, index: int) -> int:
        """Frame of the film where clip `index` begins (at its cut, windows aside)."""
        card = self.title_card.frames if self.title_card else 0
        return card + sum(c.frames for c in self.clips[:index])

"""Where an ad plays: a platform's frame, its length limits and its UI safe zone.

Every feed paints its own buttons, captions and progress bar over the video, so text, a logo or
a call to action must sit inside the margins they leave. Overlays are placed inside the zone for
each platform (re-laid per aspect, never cropped), and the lint says which overlay leaves it.
The numbers live in templates/ads/platforms.toml with their sources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from film.plan import Aspect, frame_size

Anchor = Literal[
    "top-left", "top", "top-right", "left", "centre", "right", "bottom-left", "bottom", "bottom-right"
]


class Box(BaseModel):
    """A rectangle in fractions of the frame (0 at the top-left, 1 at the far edges)."""

    model_config = ConfigDict(frozen=True)

    left: float
    top: float
    right: float
    bottom: float

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) in a frame of this size."""
        return (round(self.left * width), round(self.top * height), round(self.right * width),
                round(self.bottom * height))  # fmt: skip


class Platform(BaseModel):
    """One place an ad plays, with the margins its UI covers (fractions of the frame)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    aspect: Aspect
    min_s: float = Field(gt=0)
    max_s: float = Field(gt=0)
    top: float = Field(ge=0, lt=0.5)
    bottom: float = Field(ge=0, lt=0.5)
    left: float = Field(ge=0, lt=0.5)
    right: float = Field(ge=0, lt=0.5)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _limits_in_order(self) -> Self:
        if self.min_s > self.max_s:
            raise ValueError(f"platform {self.name}: min_s {self.min_s} is over max_s {self.max_s}")
        return self

    @property
    def size(self) -> tuple[int, int]:
        return frame_size(self.aspect)

    @property
    def safe(self) -> Box:
        return Box(left=self.left, top=self.top, right=1 - self.right, bottom=1 - self.bottom)

    def place(self, width: float, height: float, anchor: Anchor = "bottom") -> Box:
        """A box `width` x `height` (fractions of the frame) at `anchor` inside the safe zone;
        one too big for the zone is shrunk to it, keeping its shape."""
        zone = self.safe
        room_w, room_h = zone.right - zone.left, zone.bottom - zone.top
        scale = min(1.0, room_w / width, room_h / height)
        w, h = width * scale, height * scale
        vertical, _, horizontal = anchor.partition("-") if "-" in anchor else (anchor, "", anchor)
        x = {"left": zone.left, "right": zone.right - w}.get(horizontal, zone.left + (room_w - w) / 2)
        y = {"top": zone.top, "bottom": zone.bottom - h}.get(vertical, zone.top + (room_h - h) / 2)
        return Box(left=x, top=y, right=x + w, bottom=y + h)


def lint(platform: Platform, overlays: Mapping[str, Box], seconds: float) -> list[str]:
    """Every way a variant breaks `platform`: an overlay outside its safe zone (naming the
    overlay and the edge), or a length outside its limits. Empty when it is fit to upload."""
    problems = []
    zone, eps = platform.safe, 1e-6
    for name, box in overlays.items():
        edges = [
            edge
            for edge, out in (
                ("top", box.top < zone.top - eps),
                ("bottom", box.bottom > zone.bottom + eps),
                ("left", box.left < zone.left - eps),
                ("right", box.right > zone.right + eps),
            )
            if out
        ]
        if edges:
            problems.append(
                f"overlay {name!r} leaves {platform.name}'s safe zone at the {' and '.join(edges)}"
            )
    if not platform.min_s <= seconds <= platform.max_s:
        problems.append(
            f"length {seconds:g} s breaks {platform.name}'s limit of {platform.min_s:g}-{platform.max_s:g} s"
        )
    return problems


def shared_zone(platforms: Sequence[Platform]) -> Box:
    """The part of the frame every one of `platforms` leaves clear: one layout inside it fits
    them all, so platforms of one aspect share one cut."""
    zones = [p.safe for p in platforms]
    return Box(left=max(z.left for z in zones), top=max(z.top for z in zones),
               right=min(z.right for z in zones), bottom=min(z.bottom for z in zones))  # fmt: skip

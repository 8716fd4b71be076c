"""Camera language: how big the subject is, from where we look, and how the camera moves."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ShotSize(StrEnum):
    extreme_wide = "extreme-wide"
    wide = "wide"
    full = "full"
    medium_wide = "medium-wide"
    medium = "medium"
    medium_close = "medium-close"
    close_up = "close-up"
    extreme_close_up = "extreme-close-up"


class Angle(StrEnum):
    eye = "eye"
    low = "low"
    high = "high"
    overhead = "overhead"
    dutch = "dutch"


class Movement(StrEnum):
    static = "static"
    pan = "pan"
    tilt = "tilt"
    dolly = "dolly"
    truck = "truck"
    crane = "crane"
    zoom = "zoom"
    orbit = "orbit"
    handheld = "handheld"


class Direction(StrEnum):
    """Direction of a move; `in`/`out` for dolly and zoom, the others for pan/tilt/truck/crane/orbit."""

    none = "none"
    left = "left"
    right = "right"
    up = "up"
    down = "down"
    in_ = "in"
    out = "out"


class Easing(StrEnum):
    linear = "linear"
    ease_in = "ease-in"
    ease_out = "ease-out"
    ease_in_out = "ease-in-out"


LENS_MM: dict[ShotSize, float] = {
    ShotSize.extreme_wide: 18,
    ShotSize.wide: 24,
    ShotSize.full: 28,
    ShotSize.medium_wide: 35,
    ShotSize.medium: 50,
    ShotSize.medium_close: 65,
    ShotSize.close_up: 85,
    ShotSize.extreme_close_up: 100,
}
"""The focal length (full-frame mm) a shot size is framed with, for planners, reviser and the
previz rig alike: one table, so a revised close-up looks through the same lens as a planned one."""


class Camera(BaseModel):
    """One shot's camera: size, angle, and a single move with direction, speed and easing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    size: ShotSize = ShotSize.medium
    angle: Angle = Angle.eye
    movement: Movement = Movement.static
    direction: Direction = Direction.none
    speed: float = Field(default=1.0, ge=0.0, le=5.0, description="1.0 is a normal, unhurried move")
    easing: Easing = Easing.ease_in_out
    lens_mm: float = Field(default=35.0, ge=8.0, le=300.0)

    def label(self) -> str:
        """Short human label used on shot cards: 'WIDE · low · dolly in'."""
        move = self.movement.value
        if self.direction is not Direction.none:
            move = f"{move} {self.direction.value}"
        return f"{self.size.value.upper()} · {self.angle.value} · {move}"

"""Scene physics: what pulls, what blows, what falls. Simulated by the engine, described here."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Gravity(StrEnum):
    earth = "earth"
    moon = "moon"
    mars = "mars"
    zero_g = "zero-g"
    underwater = "underwater"


GRAVITY_MS2: dict[Gravity, float] = {
    Gravity.earth: 9.81,
    Gravity.moon: 1.62,
    Gravity.mars: 3.71,
    Gravity.zero_g: 0.0,
    Gravity.underwater: 9.81,
}


class Weather(StrEnum):
    clear = "clear"
    rain = "rain"
    snow = "snow"
    fog = "fog"
    dust = "dust"
    storm = "storm"


class Medium(StrEnum):
    air = "air"
    water = "water"
    vacuum = "vacuum"


class MotionAction(StrEnum):
    fall = "fall"
    bounce = "bounce"
    roll = "roll"
    throw = "throw"
    float = "float"
    shatter = "shatter"
    splash = "splash"


class MotionEvent(BaseModel):
    """One simulated thing: `object` does `action` starting at `start_s` into the shot."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    object: str = Field(min_length=1, max_length=80)
    action: MotionAction
    start_s: float = Field(default=0.0, ge=0.0)
    height_m: float = Field(default=2.0, ge=0.0, le=1000.0)
    speed_ms: float = Field(default=0.0, ge=0.0, le=500.0)
    angle_deg: float = Field(default=45.0, ge=-90.0, le=90.0)
    restitution: float = Field(default=0.6, ge=0.0, le=1.0)


class Physics(BaseModel):
    """Physics of a shot. `gravity` is a preset name or a value in m/s²."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gravity: Gravity | float = Gravity.earth
    wind_ms: tuple[float, float] = (0.0, 0.0)
    weather: Weather = Weather.clear
    medium: Medium = Medium.air
    events: tuple[MotionEvent, ...] = ()

    def gravity_ms2(self) -> float:
        """Downward acceleration in m/s², whatever form `gravity` was given in."""
        if isinstance(self.gravity, Gravity):
            return GRAVITY_MS2[self.gravity]
        return float(self.gravity)

    def is_still(self) -> bool:
        return self.weather is Weather.clear and not self.events and self.wind_ms == (0.0, 0.0)

"""A brand kit (brand.yaml): the logo, colours, font, tagline, words to avoid and the legal line
an ad must carry, and the contrast rule its text colours must meet.

Text on a brand colour has to be readable on a phone in daylight, so every pair the ads letter
with (text on primary, text on secondary) is held to WCAG 2 AA for normal text, 4.5:1; a kit
that misses it fails with the pair named, before a frame is drawn.
"""

from __future__ import annotations

import re
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from film.errors import BadInput

AA_CONTRAST = 4.5
"""WCAG 2 AA, normal text: the least contrast ratio text may have against its background."""
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def parse_colour(field: str, value: object) -> str:
    """`value` as #rrggbb (lower case; #rgb widened), or BadInput naming `field`."""
    text = str(value).strip()
    if not _COLOUR.fullmatch(text):
        raise BadInput(field, value, "a colour is #rrggbb (or #rgb)")
    if len(text) == 4:
        text = "#" + "".join(c * 2 for c in text[1:])
    return text.lower()


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of an sRGB #rrggbb colour, 0 (black) to 1 (white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2's contrast ratio of two colours, 1 (the same) to 21 (black on white)."""
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def check_contrast(text: tuple[str, str], background: tuple[str, str]) -> None:
    """BadInput naming both colours when (name, colour) text on (name, colour) is under AA."""
    ratio = contrast_ratio(text[1], background[1])
    if ratio < AA_CONTRAST:
        pair = f"{text[0]} {text[1]} on {background[0]} {background[1]}"
        raise BadInput(
            "brand",
            pair,
            f"contrast {ratio:.2f}:1 is under WCAG AA {AA_CONTRAST}:1; darken or lighten one of them",
        )


class BrandKit(BaseModel):
    """What a brand looks like on screen. File paths are relative to the kit's folder; the
    studio resolves them there (and nowhere else) when it loads the kit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    primary: str
    secondary: str
    text: str
    logo: str = ""
    font: str = ""
    tagline: str = Field(default="", max_length=80)
    avoid: tuple[str, ...] = ()
    legal: str = Field(default="", max_length=200)
    """A line every ad must carry on its end card (e.g. terms apply); empty for none."""

    @field_validator("primary", "secondary", "text", mode="before")
    @classmethod
    def _colour(cls, value: object) -> str:
        try:
            return parse_colour("colour", value)
        except BadInput as err:
            raise ValueError(err.why) from None

    @model_validator(mode="after")
    def _readable(self) -> Self:
        for background in ("primary", "secondary"):
            try:
                check_contrast(("text", self.text), (background, getattr(self, background)))
            except BadInput as err:
                raise ValueError(f"{err.value}: {err.why}") from None
        return self

    def avoided_words(self, text: str) -> list[str]:
        """The words to avoid that `text` uses (whole words, any case), in the kit's order."""
        return [w for w in self.avoid if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE)]

"""References to media files that condition a render, keyed by content."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MediaRef(BaseModel):
    """A conditioning file (image or video). Its sha256 is what the cache key sees; the path
    only says where it lies on this machine."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

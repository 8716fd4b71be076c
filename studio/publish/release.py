"""What a publish adapter is handed and what it hands back: one `Release` (an episode of a series,
its film and sidecars, its disclosure), one `Receipt` (where it went, in how many tries).

The idempotency key is a content hash of (series, episode id, the film's sha256), so a scheduler
that delivers at least once can send the same release again and every adapter can tell it is the
same episode: the folder finds it already there, a webhook receiver sees the same key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Literal, Protocol

from anyascii import anyascii
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from film import BadInput, StoryreelError, stable_hash
from film.disclosure import AI_LABEL
from film.files import file_sha256

Privacy = Literal["private", "unlisted", "public"]
C2PA_SUFFIX = ".c2pa.json"
SIGNED_IN_FILE = "signed in file"


class PublishFailure(StoryreelError):
    """An adapter could not deliver a release (the receiver kept failing, or refused it)."""

    exit_code = 1


def slug(text: str, *, fallback: str, limit: int = 60) -> str:
    """A path-safe ASCII name ('Ünïcode Tales/../x' -> 'unicode-tales-x'): letters, digits and
    hyphens only, so no dot, slash or backslash survives to climb out of a publish root. Text
    with nothing ASCII in it gets `fallback` plus a short hash, so two such names never collide."""
    made = re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-")[:limit].strip("-")
    return made or f"{fallback}-{stable_hash(text)[:8]}"


def episode_id(series: str, slot: datetime) -> str:
    """The stable id of a series' episode at a slot: '<series>@<slot ISO UTC>'."""
    return f"{series}@{as_utc(slot).strftime('%Y-%m-%dT%H:%M:%SZ')}"


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive time is refused, since a slot's hour must not depend on the host."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadInput("slot", moment.isoformat(), "needs a time zone (UTC), e.g. 2026-12-03T14:00:00Z")
    return moment.astimezone(UTC)


class Release(BaseModel):
    """One episode ready to go out. `c2pa_signed` says the film itself carries a signed C2PA
    manifest; otherwise the unsigned manifest must travel as a `film.c2pa.json` sidecar."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    series: str
    episode_id: str
    slot: datetime
    title: str
    description: str = ""
    film: Path
    sidecars: tuple[Path, ...] = ()
    language: str = "en"
    tags: tuple[str, ...] = ()
    privacy: Privacy = "private"
    ai_label: str = AI_LABEL
    c2pa_signed: bool = False

    @field_validator("slot")
    @classmethod
    def _slot_in_utc(cls, value: datetime) -> datetime:
        return as_utc(value)

    @field_validator("series", "episode_id", "title", "ai_label")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @model_validator(mode="after")
    def _files_exist_and_disclose(self) -> Release:
        for path in (self.film, *self.sidecars):
            if not path.is_file():
                raise BadInput("film" if path == self.film else "sidecars", str(path), "no such file")
        names = [p.name for p in (self.film, *self.sidecars)]
        if len(set(names)) != len(names):
            raise BadInput("sidecars", names, "two files share a name; they would overwrite each other")
        if not self.c2pa_signed and self.c2pa_sidecar is None:
            raise BadInput(
                "sidecars", [str(p) for p in self.sidecars],
                f"no C2PA manifest: sign the film (c2pa_signed) or include {self.film.stem}{C2PA_SUFFIX}",
            )  # fmt: skip
        return self

    @property
    def c2pa_sidecar(self) -> Path | None:
        """The unsigned manifest beside the film, if one was given."""
        return next((p for p in self.sidecars if p.name.endswith(C2PA_SUFFIX)), None)

    @property
    def c2pa(self) -> str:
        """How the C2PA manifest travels: 'signed in file', or the sidecar's name."""
        side = self.c2pa_sidecar
        return SIGNED_IN_FILE if self.c2pa_signed or side is None else side.name

    @cached_property
    def film_sha256(self) -> str:
        """The film's content hash (read once; a film can be gigabytes)."""
        return file_sha256(self.film)

    @property
    def idempotency_key(self) -> str:
        """Same series, episode and film bytes -> same key, on every machine and every retry."""
        return stable_hash({"series": self.series, "episode_id": self.episode_id, "film": self.film_sha256})

    def metadata(self) -> dict[str, object]:
        """The release as plain JSON (paths as strings), with its disclosure and key."""
        return {
            "series": self.series, "episode_id": self.episode_id,
            "slot": self.slot.strftime("%Y-%m-%dT%H:%M:%SZ"), "title": self.title,
            "description": self.description, "language": self.language, "tags": list(self.tags),
            "privacy": self.privacy, "ai_label": self.ai_label, "c2pa": self.c2pa,
            "idempotency_key": self.idempotency_key,
        }  # fmt: skip


@dataclass(frozen=True)
class Receipt:
    """Proof of one delivery: which adapter, where it landed (a path, URL or video id), in how
    many attempts, under which idempotency key; `notes` say what was changed to fit the target."""

    adapter: str
    where: str
    attempts: int
    idempotency_key: str
    notes: tuple[str, ...] = field(default=())


class Publisher(Protocol):
    """Anything that can put a release somewhere; publishing the same release twice must be safe."""

    def publish(self, release: Release) -> Receipt: ...

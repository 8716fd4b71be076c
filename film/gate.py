"""The misuse gate's vocabulary: what it was asked to check, what it decided, and the consent
records (cameos) that let a real person appear. agents/gate decides; the studio enforces, records
every verdict in the audit log, and refuses with `GateRefused` (exit 2 from the CLI, 403 from the API).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from film.errors import StoryreelError

GateRule = Literal[
    "public_figure",  # a politician, celebrity, athlete, business or religious leader by name/title
    "recently_deceased",  # a person who died within the setting's years (default 30): estate consent
    "private_person",  # a named or related private person ("my neighbour Dana Whitfield", "my boss")
    "deceptive_framing",  # fake CCTV/bodycam/news footage, "make it look real", "deepfake", "make X say"
    "harmful_scene",  # a real person in a fabricated news, crime, sexual, violent or endorsement scene
    "real_face",  # an uploaded reference picture shows a real face
    "out_of_scope",  # a consent record exists but does not cover this use, or has expired/been revoked
]
"""Why a request was refused (or, for an allowed one, which rule a consent or override answered)."""

Use = Literal["film", "ad", "series", "endorsement"]
"""What a consent may cover: the kind of production, and endorsement (a person vouching for a
brand) only when it says so. Fabricated news, crime, sexual and violent scenes are never covered."""

Outcome = Literal["allowed", "refused", "overridden"]


class GateText(BaseModel):
    """One piece of user input the gate reads, with where it came from (for the refusal line)."""

    model_config = ConfigDict(frozen=True)

    field: str = Field(description="e.g. 'brief', 'characters[mara].name', 'revision', 'ad.vars.host'")
    text: str


class ConsentGrant(BaseModel):
    """A recorded consent: `name` (and its aliases) may appear for `uses` until `expires`."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    uses: frozenset[Use] = frozenset({"film"})
    scope: str = Field(default="", description="the free-text scope as recorded")
    expires: date | None = None
    revoked: bool = False
    evidence_sha256: str = ""
    reference_sha256: tuple[str, ...] = Field(default=(), description="reference pictures of this person")

    def covers(self, use: Use, today: date) -> bool:
        """Whether this record allows `use` today."""
        return not self.revoked and (self.expires is None or today <= self.expires) and use in self.uses


class Finding(BaseModel):
    """One thing a gate layer noticed in one input."""

    model_config = ConfigDict(frozen=True)

    rule: GateRule
    field: str
    span: str = Field(description="the matched text, as the user wrote it")
    person: str | None = Field(default=None, description="the canonical name of the person meant")
    why: str = Field(description="one line: why this is refused and what would allow it")


class Verdict(BaseModel):
    """The gate's decision on one request. Refused verdicts name their first finding; allowed
    ones list the consents they relied on and whether the end card must say 'dramatised'."""

    model_config = ConfigDict(frozen=True)

    outcome: Outcome
    findings: tuple[Finding, ...] = ()
    consents: tuple[str, ...] = Field(default=(), description="consent ids that allowed a person")
    dramatised: tuple[str, ...] = Field(default=(), description="historical figures; the end card says so")
    gate_version: str = ""

    @property
    def allowed(self) -> bool:
        return self.outcome != "refused"

    def line(self) -> str:
        """The one-line refusal (or 'allowed')."""
        if self.allowed or not self.findings:
            return self.outcome
        first = self.findings[0]
        return f"{first.field}: refused ({first.rule}: {first.span!r}): {first.why}"


class GateRefused(StoryreelError):
    """The gate refused the request; nothing was planned, rendered or written."""

    exit_code = 2

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.line())
        self.verdict = verdict

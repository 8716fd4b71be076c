"""The tables storage keeps: runs, plan versions, shot records, takes and assets, consent records
and the misuse gate's audit log.

One module, full-stack-fastapi-template style: `XBase` holds the fields a caller may set,
`XCreate` is what a use case passes in, `X(table=True)` is the row. Column types stay portable
(no SQLite-only types) so the same models run on PostgreSQL later.
"""

import json
import secrets
from datetime import UTC, date, datetime
from typing import Any, Literal, get_args

from sqlalchemy import BigInteger, DateTime, Index, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

from film import FilmPlan
from film.gate import ConsentGrant, Outcome, Use, Verdict
from film.render import EngineOption

RunStatus = Literal[
    "queued", "planning", "reviewing", "rendering", "assembling", "done", "failed", "interrupted", "cancelled"
]
RUN_STATUSES: tuple[str, ...] = get_args(RunStatus)
FINISHED_STATUSES: frozenset[str] = frozenset({"done", "failed", "cancelled"})

metadata = SQLModel.metadata
"""All storyreel tables; `open_database` creates them, alembic will target this later."""


def utc_now() -> datetime:
    """Now, timezone-aware in UTC: naive datetimes are ambiguous once a DB leaves this machine."""
    return datetime.now(UTC)


def new_run_id(now: datetime | None = None) -> str:
    """A short, sortable, human-typeable id such as `r-20261124-1a2b3c`."""
    day = (now or utc_now()).astimezone(UTC).strftime("%Y%m%d")
    return f"r-{day}-{secrets.token_hex(3)}"


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware UTC.

    PostgreSQL's timestamptz already does this; SQLite stores text without a zone, so we
    normalise to UTC on the way in and re-attach UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: storage keeps timezone-aware UTC only")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- projects ---------------------------------------------------------------------------------


def new_project_id() -> str:
    """A short id such as `p-1a2b3c4d`."""
    return f"p-{secrets.token_hex(4)}"


class Project(SQLModel, table=True):
    """A folder of runs a person works on together (one film, its revisions and variants)."""

    __tablename__ = "project"

    id: str = Field(default_factory=new_project_id, primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False, index=True)


# --- runs -------------------------------------------------------------------------------------


class RunBase(SQLModel):
    """What a run was asked to make: the brief and the knobs that shape the film."""

    brief: str = Field(sa_type=Text)
    title: str = Field(default="", max_length=200)
    engine: str = Field(default="previz", max_length=40)
    aspect: str = Field(default="16:9", max_length=8)
    duration_s: float = Field(gt=0)
    seed: int = Field(default=0, ge=0, le=2**32 - 1, sa_type=BigInteger)
    style: str = Field(default="cinematic", max_length=200)
    title_card: bool = Field(default=True)
    out_dir: str = Field(max_length=1000)
    project_id: str | None = Field(default=None, foreign_key="project.id", index=True, max_length=40)


class RunCreate(RunBase):
    """Fields a use case passes to `create_run`; validated, unlike table rows."""


class Run(RunBase, table=True):
    """One attempt to turn a brief into a film, from planning to the finished file."""

    __tablename__ = "run"

    id: str = Field(default_factory=new_run_id, primary_key=True, max_length=40)
    status: RunStatus = Field(default="planning", sa_type=String(16), index=True)
    film_path: str | None = Field(default=None, max_length=1000)
    error: str | None = Field(default=None, sa_type=Text)
    pid: int | None = Field(default=None, description="OS process working on the run, if any")
    prompt_tokens: int = Field(default=0, ge=0, description="LLM tokens sent, over the whole run")
    completion_tokens: int = Field(default=0, ge=0, description="LLM tokens received")
    warnings: str = Field(default="", sa_type=Text, description="one warning a line, e.g. LLM fallbacks")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False, index=True)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


class RunPublic(RunBase):
    """A run as shown to users (CLI table, later the API)."""

    id: str
    status: RunStatus
    film_path: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime


# --- plans and their shots --------------------------------------------------------------------


class PlanVersion(SQLModel, table=True):
    """One saved FilmPlan of a run. Revisions add versions; nothing is overwritten."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("run_id", "version", name="uq_plan_version_run_version"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="run.id", index=True, max_length=40)
    version: int = Field(ge=1)
    plan_json: str = Field(sa_type=Text)
    plan_hash: str = Field(max_length=64)
    note: str = Field(default="", sa_type=Text, description="the revision that made this version")
    thread_id: str = Field(default="", max_length=80, description="LangGraph thread shooting it")
    film_path: str | None = Field(default=None, max_length=1000, description="this version's film")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)

    def film_plan(self) -> FilmPlan:
        """The stored plan as the domain type (validated again, so a bad row fails loudly)."""
        return FilmPlan.model_validate_json(self.plan_json)


class ShotRecord(SQLModel, table=True):
    """A shot of one plan version, and (once known) the spec and take that made it."""

    __tablename__ = "shot_record"
    __table_args__ = (
        UniqueConstraint("run_id", "version", "position", name="uq_shot_record_position"),
        Index("ix_shot_record_run_version", "run_id", "version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="run.id", max_length=40)
    version: int = Field(ge=1)
    position: int = Field(ge=0)
    shot_id: str = Field(max_length=40)
    spec_hash: str | None = Field(default=None, max_length=64)
    take_spec_hash: str | None = Field(default=None, max_length=64)


# --- the job queue and what it reports -------------------------------------------------------

JobKind = Literal["make", "approve", "revise", "shoot", "ads", "episode"]
JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]


class Job(SQLModel, table=True):
    """Work on one run that a worker process claims, leases and renews with a heartbeat; a
    job whose lease ran out is claimed again and resumes from the run's checkpoints."""

    __tablename__ = "job"

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="run.id", index=True, max_length=40)
    kind: JobKind = Field(sa_type=String(16))
    payload_json: str = Field(default="{}", sa_type=Text, description="the use case's arguments")
    status: JobStatus = Field(default="queued", sa_type=String(16), index=True)
    worker: str | None = Field(default=None, max_length=80, description="who holds the lease")
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = Field(default=0, ge=0, description="claims so far (a crash makes it > 1)")
    cancel_requested: bool = Field(default=False)
    error: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


class RunEvent(SQLModel, table=True):
    """One progress event of a run (status, stage, shot), numbered so a client streaming them
    can resume after the last id it saw."""

    __tablename__ = "run_event"
    __table_args__ = (Index("ix_run_event_run_id_id", "run_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: str = Field(foreign_key="run.id", max_length=40)
    kind: str = Field(max_length=24)
    data_json: str = Field(default="{}", sa_type=Text)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


class RenderClaim(SQLModel, table=True):
    """Who is rendering a spec right now: two jobs that need the same take render it once."""

    __tablename__ = "render_claim"

    spec_hash: str = Field(primary_key=True, max_length=64)
    worker: str = Field(max_length=80)
    lease_until: datetime = Field(sa_type=UTCDateTime)


# --- takes and the files behind them ----------------------------------------------------------


class Asset(SQLModel, table=True):
    """A file in the content-addressed store; `path` is relative to the store root so the
    store can move between machines."""

    __tablename__ = "asset"

    sha256: str = Field(primary_key=True, max_length=64)
    path: str = Field(max_length=1000)
    size: int = Field(ge=0, sa_type=BigInteger)
    media_type: str = Field(default="application/octet-stream", max_length=100)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


class TakeRecord(SQLModel, table=True):
    """A rendered take, keyed by its RenderSpec hash: same spec, same take, never rendered twice."""

    __tablename__ = "take_record"

    spec_hash: str = Field(primary_key=True, max_length=64)
    shot_id: str = Field(max_length=40, index=True)
    engine: str = Field(max_length=40)
    asset_sha256: str = Field(foreign_key="asset.sha256", index=True, max_length=64)
    frames: int = Field(ge=1)
    fps: int = Field(ge=1)
    width: int
    height: int
    render_s: float = 0.0
    extras_json: str = Field(default="{}", sa_type=Text, description="side files: kind → asset sha256")
    settings_json: str = Field(
        default="{}",
        sa_type=Text,
        sa_column_kwargs={"server_default": "{}"},
        description="engine, model and options that made it (Take.settings)",
    )
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)

    def settings(self) -> dict[str, EngineOption]:
        """The stored Take.settings ({} for takes recorded before they were kept)."""
        found: dict[str, EngineOption] = json.loads(self.settings_json or "{}")
        return found


# --- consent records (cameos) and the gate's audit log ---------------------------------------


def new_consent_id(now: datetime | None = None) -> str:
    """A short, dated, typeable id such as `c-20261202-1a2b3c` (for `--i-have-consent`)."""
    day = (now or utc_now()).astimezone(UTC).strftime("%Y%m%d")
    return f"c-{day}-{secrets.token_hex(3)}"


class Consent(SQLModel, table=True):
    """A real person's recorded consent to appear (a cameo): who, for which uses, until when, and
    the evidence (a signed release in the asset store). Revoked records stay, so the gate can say
    "revoked" and the audit log keeps pointing at something."""

    __tablename__ = "consent"

    id: str = Field(default_factory=new_consent_id, primary_key=True, max_length=40)
    name: str = Field(max_length=200)
    aliases_json: str = Field(default="[]", sa_type=Text, description="other names the person goes by")
    uses_json: str = Field(default='["film"]', sa_type=Text, description="sorted film.gate.Use values")
    scope: str = Field(default="", sa_type=Text, description="the scope as the operator wrote it")
    expires: date | None = Field(default=None, description="last day the consent holds; None: no end")
    evidence_sha256: str = Field(foreign_key="asset.sha256", max_length=64)
    evidence_path: str = Field(max_length=1000, description="relative to the asset store root")
    reference_sha256_json: str = Field(default="[]", sa_type=Text, description="reference pictures")
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False, index=True)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, sa_type=Text)

    def aliases(self) -> tuple[str, ...]:
        return tuple(json.loads(self.aliases_json or "[]"))

    def uses(self) -> frozenset[Use]:
        return frozenset(json.loads(self.uses_json or "[]"))

    def reference_sha256(self) -> tuple[str, ...]:
        return tuple(json.loads(self.reference_sha256_json or "[]"))

    def grant(self) -> ConsentGrant:
        """The record as the gate reads it (a revoked one says so rather than vanishing)."""
        return ConsentGrant(
            id=self.id,
            name=self.name,
            aliases=self.aliases(),
            uses=self.uses(),
            scope=self.scope,
            expires=self.expires,
            revoked=self.revoked_at is not None,
            evidence_sha256=self.evidence_sha256,
            reference_sha256=self.reference_sha256(),
        )


class AuditEntry(SQLModel, table=True):
    """One verdict of the misuse gate at one door. The checked texts are kept only as a hash
    (a brief may itself name a private person); `run_id` and `consent_id` carry no foreign key,
    so a refusal that never made a run, or a verdict naming an unknown record, is still logged."""

    __tablename__ = "gate_audit"
    __table_args__ = (Index("ix_gate_audit_run_id_id", "run_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False, index=True)
    outcome: Outcome = Field(sa_type=String(16), index=True)
    rule: str | None = Field(default=None, max_length=40, description="the first finding's rule")
    field: str = Field(default="", max_length=200, description="the first finding's input field")
    span: str = Field(default="", sa_type=Text, description="the first finding's matched text")
    person: str | None = Field(default=None, max_length=200)
    run_id: str | None = Field(default=None, max_length=40)
    entry: str = Field(max_length=120, description="the door: 'cli:make', 'api:POST /runs', ...")
    input_sha256: str = Field(max_length=64, description="sha256 of the checked texts, never the texts")
    consent_id: str | None = Field(default=None, max_length=40, index=True, description="first consent")
    gate_version: str = Field(default="", max_length=80)
    detail_json: str = Field(default="{}", sa_type=Text, description="the whole Verdict as JSON")

    def verdict(self) -> Verdict:
        return Verdict.model_validate_json(self.detail_json)


class AuditConsent(SQLModel, table=True):
    """Every consent one audited verdict relied on (a verdict may rely on several; `consent_id`
    on the entry is only the first), so "which runs used this consent" is an indexed lookup."""

    __tablename__ = "gate_audit_consent"

    audit_id: int = Field(foreign_key="gate_audit.id", primary_key=True)
    consent_id: str = Field(primary_key=True, max_length=40, index=True)


__all__ = [
    "FINISHED_STATUSES",
    "RUN_STATUSES",
    "Asset",
    "AuditConsent",
    "AuditEntry",
    "Consent",
    "Job",
    "JobKind",
    "JobStatus",
    "PlanVersion",
    "Project",
    "RenderClaim",
    "Run",
    "RunBase",
    "RunCreate",
    "RunEvent",
    "RunPublic",
    "RunStatus",
    "ShotRecord",
    "TakeRecord",
    "UTCDateTime",
    "metadata",
    "new_consent_id",
    "new_project_id",
    "new_run_id",
    "utc_now",
]

"""The misuse gate's audit log: one row per verdict at every door (CLI, API, worker).

It answers "who was refused, where and why" without keeping what they wrote: the checked texts
are stored only as a sha256, since a brief may itself name a private person. It also answers
which runs relied on a consent, so a revoked record blocks later renders of those runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import get_args

from sqlmodel import Session, col, select

from film import BadInput
from film.gate import Outcome, Verdict
from storage.tables import AuditConsent, AuditEntry

OUTCOMES: tuple[str, ...] = get_args(Outcome)
RELYING: tuple[str, ...] = ("allowed", "overridden")
"""Verdicts that let a run go on, and so made it depend on their consents."""


def input_sha256(texts: Sequence[str]) -> str:
    """One hash for the checked texts, in order: sha256 of their JSON list (unambiguous where
    plain concatenation is not: ["ab", "c"] and ["a", "bc"] differ). A bare string is one text."""
    items = [texts] if isinstance(texts, str) else list(texts)
    encoded = json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def record_verdict(
    *, session: Session, verdict: Verdict, entry: str, input_texts: Sequence[str], run_id: str | None
) -> AuditEntry:
    """Log one verdict: the first finding in columns (what a refusal line shows), the whole
    verdict as JSON, and every consent it relied on in `gate_audit_consent`."""
    door = entry.strip()
    if not door or len(door) > 120:
        raise BadInput("entry", entry, "name the door in 1 to 120 characters, e.g. 'cli:make'")
    first = verdict.findings[0] if verdict.findings else None
    row = AuditEntry(
        outcome=verdict.outcome,
        rule=first.rule if first else None,
        field=first.field[:200] if first else "",
        span=first.span if first else "",
        person=first.person[:200] if first and first.person else None,
        run_id=run_id,
        entry=door,
        input_sha256=input_sha256(input_texts),
        consent_id=verdict.consents[0] if verdict.consents else None,
        gate_version=verdict.gate_version[:80],
        detail_json=verdict.model_dump_json(),
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    for consent_id in dict.fromkeys(verdict.consents):
        session.add(AuditConsent(audit_id=row.id, consent_id=consent_id))
    session.flush()
    return row


def list_audit(
    *, session: Session, run_id: str | None = None, outcome: Outcome | None = None, limit: int = 100
) -> list[AuditEntry]:
    """Newest first (insertion order breaks ties), optionally one run's or one outcome's."""
    if outcome is not None and outcome not in OUTCOMES:
        raise BadInput("outcome", outcome, f"choose from {', '.join(OUTCOMES)}")
    if limit < 1:
        raise BadInput("limit", limit, "must be at least 1")
    query = select(AuditEntry)
    if run_id is not None:
        query = query.where(AuditEntry.run_id == run_id)
    if outcome is not None:
        query = query.where(AuditEntry.outcome == outcome)
    query = query.order_by(col(AuditEntry.created_at).desc(), col(AuditEntry.id).desc()).limit(limit)
    return list(session.exec(query).all())


def runs_using_consent(*, session: Session, consent_id: str) -> list[str]:
    """Run ids whose allowed (or overridden) verdicts relied on this consent, sorted."""
    query = (
        select(AuditEntry.run_id)
        .join(AuditConsent, col(AuditConsent.audit_id) == col(AuditEntry.id))
        .where(AuditConsent.consent_id == consent_id)
        .where(col(AuditEntry.outcome).in_(RELYING))
        .where(col(AuditEntry.run_id).is_not(None))
        .distinct()
    )
    return sorted(run for run in session.exec(query).all() if run is not None)


def consents_of_run(*, session: Session, run_id: str) -> list[str]:
    """Consent ids that any allowed (or overridden) verdict of this run relied on, sorted: what
    the studio checks for revocation before rendering the run again."""
    query = (
        select(AuditConsent.consent_id)
        .join(AuditEntry, col(AuditConsent.audit_id) == col(AuditEntry.id))
        .where(AuditEntry.run_id == run_id)
        .where(col(AuditEntry.outcome).in_(RELYING))
        .distinct()
    )
    return sorted(session.exec(query).all())


__all__ = [
    "OUTCOMES",
    "consents_of_run",
    "input_sha256",
    "list_audit",
    "record_verdict",
    "runs_using_consent",
]

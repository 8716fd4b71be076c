"""Consent records (cameos): who may appear, for which uses, until when, on what evidence.

The gate (agents/gate) reads them as `film.gate.ConsentGrant`; the studio records and revokes
them. A revoked record is never deleted: the gate must be able to say "revoked", and the audit
log keeps naming the record that allowed a run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import get_args

from sqlmodel import Session, col, select

from film import BadInput
from film.gate import ConsentGrant, Use
from storage.assets import StoredAsset
from storage.repository import record_asset
from storage.tables import Consent, utc_now

USES: tuple[Use, ...] = get_args(Use)
USES_HINT = "choose from film, ad, series, endorsement, e.g. 'film, ad'"
_WORDS = re.compile(r"[\s,]+")


def parse_uses(scope: str) -> frozenset[Use]:
    """The uses a scope such as "film, Ad" grants: comma or space separated words, any case.

    Anything else is refused rather than guessed, because a consent wider than the person gave
    is worse than a typo the operator must fix."""
    words = [word for word in _WORDS.split(scope.strip().lower()) if word]
    unknown = [word for word in words if word not in USES]
    if not words or unknown:
        raise BadInput("scope", scope, USES_HINT)
    return frozenset(word for word in USES if word in words)


def _names(field: str, values: Sequence[str]) -> list[str]:
    """Stripped, non-empty, first occurrence kept (case-insensitively)."""
    if isinstance(values, str):
        values = [values]
    kept: list[str] = []
    for value in values:
        name = " ".join(value.split())
        if not name or len(name) > 200:
            raise BadInput(field, value, "a name must be 1 to 200 characters")
        if name.casefold() not in {k.casefold() for k in kept}:
            kept.append(name)
    return kept


def add_consent(
    *,
    session: Session,
    name: str,
    scope: str,
    uses: frozenset[Use] | Sequence[Use],
    expires: date | None,
    evidence: StoredAsset,
    aliases: Sequence[str] = (),
    references: Sequence[StoredAsset] = (),
) -> Consent:
    """Record a consent whose evidence (and reference pictures) are already in the asset store;
    their asset rows are recorded too, so the store never loses what a consent points at."""
    (person,) = _names("name", [name])
    chosen = set(uses)
    if not chosen or not chosen <= set(USES):
        raise BadInput("uses", sorted(chosen), USES_HINT)
    if expires is not None and (isinstance(expires, datetime) or not isinstance(expires, date)):
        raise BadInput("expires", expires, "give the last day as a date, e.g. 2027-06-30")
    record_asset(session=session, asset=evidence)
    for picture in references:
        record_asset(session=session, asset=picture)
    consent = Consent(
        name=person,
        aliases_json=json.dumps([a for a in _names("aliases", aliases) if a.casefold() != person.casefold()]),
        uses_json=json.dumps(sorted(chosen)),
        scope=scope.strip(),
        expires=expires,
        evidence_sha256=evidence.sha256,
        evidence_path=evidence.relative,
        reference_sha256_json=json.dumps(list(dict.fromkeys(p.sha256 for p in references))),
    )
    session.add(consent)
    session.flush()
    return consent


def get_consent(*, session: Session, consent_id: str) -> Consent:
    """The record, or `BadInput` naming the id (a typo, not a crash)."""
    consent = session.get(Consent, consent_id)
    if consent is None:
        raise BadInput("consent_id", consent_id, "no such consent record; see `storyreel consent list`")
    return consent


def revoke_consent(*, session: Session, consent_id: str, reason: str) -> Consent:
    """Revoke a record from now on; revoking it again changes nothing (the first reason and
    time stand, as the audit trail of the first revocation)."""
    consent = get_consent(session=session, consent_id=consent_id)
    if consent.revoked_at is not None:
        return consent
    consent.revoked_at = utc_now()
    consent.revoked_reason = reason.strip()
    session.add(consent)
    session.flush()
    return consent


def list_consents(*, session: Session, include_revoked: bool = True) -> list[Consent]:
    """Newest first, for `storyreel consent list`."""
    query = select(Consent)
    if not include_revoked:
        query = query.where(col(Consent.revoked_at).is_(None))
    query = query.order_by(col(Consent.created_at).desc(), col(Consent.id).desc())
    return list(session.exec(query).all())


def consent_grants(*, session: Session) -> list[ConsentGrant]:
    """Every record as the gate reads it, revoked ones included (with `revoked=True`)."""
    return [consent.grant() for consent in list_consents(session=session)]


__all__ = [
    "USES",
    "add_consent",
    "consent_grants",
    "get_consent",
    "list_consents",
    "parse_uses",
    "revoke_consent",
]

"""Clearance: the misuse gate on every door. Film productions clear every real person who appears
on screen; here each brief, revision, plan edit and plan is checked by agents.gate before anything
is planned or rendered, every verdict goes to the audit log, and a refusal is `GateRefused` (exit 2
from the CLI, 403 from the API) with nothing written.

An operator who holds consent the gate could not match by name passes `--i-have-consent
CONSENT_ID`: the refusal is then overridden (and audited as such) if that record is valid for the
use. Deceptive framing and harmful scenes are never overridden: consent does not cover them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from film import BadInput, FilmPlan
from film.gate import ConsentGrant, GateRefused, GateText, Use, Verdict
from storage import consent_grants, consents_of_run, list_audit, record_verdict, session_scope
from studio.settings import Settings

NEVER_OVERRIDDEN = frozenset({"deceptive_framing", "harmful_scene"})
"""What no consent covers: fabricated news, crime, sexual and violent scenes, fake footage."""


def today() -> date:
    return datetime.now(UTC).date()


def brief_texts(brief: str, field: str = "brief") -> list[GateText]:
    return [GateText(field=field, text=brief)]


def plan_texts(plan: FilmPlan) -> list[GateText]:
    """Everything in a plan that could name or depict a person: title, logline, each character's
    name, description and look, each shot's action and lines."""
    texts = [GateText(field="plan.title", text=plan.title), GateText(field="plan.logline", text=plan.logline)]
    for c in plan.characters:
        texts.append(GateText(field=f"characters[{c.id}].name", text=c.name))
        texts.append(GateText(field=f"characters[{c.id}].description", text=c.description))
        texts.append(GateText(field=f"characters[{c.id}].appearance", text=c.appearance))
    for shot in plan.shots:
        texts.append(GateText(field=f"shots[{shot.id}].description", text=shot.description))
        texts.extend(GateText(field=f"shots[{shot.id}].dialogue", text=line.text) for line in shot.dialogue)
    return [t for t in texts if t.text.strip()]


class Clearance:
    """The gate for one door (`entry`, e.g. 'cli:make' or 'api:POST /runs') on one database."""

    def __init__(
        self, db: Engine, settings: Settings, *, entry: str, use: Use = "film", override: str | None = None
    ) -> None:
        self.db, self.settings, self.entry, self.use, self.override = db, settings, entry, use, override

    def _grants(self) -> list[ConsentGrant]:
        with session_scope(self.db) as session:
            return consent_grants(session=session)

    def texts(self, texts: Sequence[GateText], *, run_id: str | None = None) -> Verdict:
        """Check `texts`; audited; GateRefused unless allowed (or overridden)."""
        from agents.gate import check

        grants = self._grants()
        verdict = check(
            texts, use=self.use, consents=grants, today=today(),
            deceased_years=self.settings.gate_deceased_years,
        )  # fmt: skip
        return self._settle(verdict, grants, [t.text for t in texts], run_id)

    def plan(self, plan: FilmPlan, *, run_id: str | None = None) -> Verdict:
        """Check a plan before its takes render: its texts, its characters' reference pictures,
        and that no consent an earlier verdict of this run relied on has since been revoked."""
        verdict = self.texts(plan_texts(plan), run_id=run_id)
        for c in plan.characters:
            if c.reference_image is not None:
                self.picture(
                    Path(c.reference_image.path), c.reference_image.sha256, c.id, c.name, run_id=run_id
                )
        if run_id is not None:
            self._revoked(run_id, self._grants())
        return verdict

    def picture(
        self, path: Path, sha256: str, character_id: str, name: str, *, run_id: str | None
    ) -> Verdict:
        """Check one character's reference picture: a real face needs that person's consent."""
        from agents.gate import check_reference_image

        grants = self._grants()
        seen = check_reference_image(
            path, field=f"characters[{character_id}].reference_image", character_name=name,
            consents=grants, today=today(),
        )  # fmt: skip
        return self._settle(seen, grants, [name, sha256], run_id)

    def _revoked(self, run_id: str, grants: list[ConsentGrant]) -> None:
        """A revoked consent blocks later renders of every run that relied on it (cached takes
        included: this runs before the render stage looks for takes)."""
        with session_scope(self.db) as session:
            used = set(consents_of_run(session=session, run_id=run_id))
        gone = [g for g in grants if g.id in used and not g.covers(self.use, today())]
        if gone:
            from film.gate import Finding

            grant = gone[0]
            finding = Finding(
                rule="out_of_scope", field="consent", span=grant.id, person=grant.name,
                why=f"the consent this run relied on ({grant.id}, {grant.name}) was revoked or has "
                "expired; the run cannot render again unless a new consent is recorded",
            )  # fmt: skip
            self._settle(Verdict(outcome="refused", findings=(finding,)), grants, [grant.id], run_id)

    def _settle(
        self, verdict: Verdict, grants: list[ConsentGrant], inputs: list[str], run_id: str | None
    ) -> Verdict:
        override = self.override or (self._run_override(run_id) if run_id else None)
        if not verdict.allowed and override is not None:
            verdict = self._overridden(verdict, grants, override)
        with session_scope(self.db) as session:
            record_verdict(
                session=session, verdict=verdict, entry=self.entry, input_texts=inputs, run_id=run_id
            )
        if not verdict.allowed:
            raise GateRefused(verdict)
        return verdict

    def _run_override(self, run_id: str) -> str | None:
        """The consent an operator vouched for when this run began (a resume, a revision or a
        worker's shoot of it stays covered by it while the record stays valid)."""
        with session_scope(self.db) as session:
            rows = list_audit(session=session, run_id=run_id, outcome="overridden", limit=1)
        return rows[0].consent_id if rows else None

    def _overridden(self, verdict: Verdict, grants: list[ConsentGrant], override: str) -> Verdict:
        """The refusal overridden by `--i-have-consent`, when that record is valid for this use
        and nothing refused is beyond what consent can cover."""
        grant = next((g for g in grants if g.id == override), None)
        if grant is None:
            raise BadInput("i-have-consent", override, "no such consent record; see `storyreel consent list`")
        if not grant.covers(self.use, today()):
            if grant.revoked:
                state = "was revoked"
            elif grant.expires is not None and today() > grant.expires:
                state = f"expired on {grant.expires}"
            else:
                state = f"does not cover {self.use} (it covers {', '.join(sorted(grant.uses))})"
            raise BadInput("i-have-consent", override, f"the consent of {grant.name} {state}")
        if any(f.rule in NEVER_OVERRIDDEN for f in verdict.findings):
            return verdict
        # the override first: the audit row's consent_id is then the one the operator vouched for
        return verdict.model_copy(update={"outcome": "overridden", "consents": (grant.id, *verdict.consents)})

"""`storyreel consent add|list|revoke`, `storyreel audit` and `storyreel verify`: the clearance
desk's records, and the check that a film still says what it is.

A film crew files a signed release for every real person on screen; storyreel keeps the same
record (who, for which uses, until when, the evidence's hash) and a log of every gate verdict.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from studio.errors import console, friendly, results

app = typer.Typer(
    help="Consent records (cameos): who may appear, for which uses, until when.",
    no_args_is_help=True,
    add_completion=False,
)


def _expires(text: str) -> date:
    from film import BadInput
    from studio.clearance import today

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput("expires", text, "must be a date like 2027-06-30") from None
    if day < today():
        raise BadInput("expires", text, "is in the past; a consent must hold at least until today")
    return day


@app.command("add")
@friendly
def add(
    name: Annotated[str, typer.Argument(help="The person, as briefs name them.")],
    evidence: Annotated[
        Path, typer.Option("--evidence", help="The signed release (any file); kept by hash.")
    ],
    expires: Annotated[str, typer.Option("--expires", help="Last day it holds, e.g. 2027-06-30.")],
    scope: Annotated[str, typer.Option("--scope", help="Uses: film, ad, series, endorsement.")] = "film",
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Another name (repeat).")] = None,
    reference: Annotated[
        list[Path] | None, typer.Option("--reference", help="A reference picture of them (repeat).")
    ] = None,
) -> None:
    """Record that NAME consented to appear; prints the consent id for --i-have-consent."""
    from storage import AssetStore, add_consent, open_database, parse_uses, session_scope
    from studio import inputs
    from studio.settings import load_settings

    settings = load_settings()
    uses = parse_uses(scope)
    until = _expires(expires)
    store = AssetStore(settings.asset_root)
    proof = store.put_file(inputs.existing_file(evidence, "evidence", "file"), move=False)
    pictures = [
        store.put_file(inputs.existing_file(p, "reference", "image"), move=False) for p in reference or []
    ]
    with session_scope(open_database(settings.database)) as session:
        row = add_consent(
            session=session, name=name, scope=scope, uses=uses, expires=until, evidence=proof,
            aliases=alias or [], references=pictures,
        )  # fmt: skip
    console.print(f"consent of {row.name} for {', '.join(sorted(uses))} until {until}", highlight=False)
    results.print(row.id, highlight=False)


@app.command("list")
@friendly
def list_(all_: Annotated[bool, typer.Option("--all", help="Include revoked records.")] = False) -> None:
    """The consent records, newest first."""
    from rich.table import Table

    from storage import list_consents, open_database, session_scope
    from studio.settings import load_settings

    with session_scope(open_database(load_settings().database)) as session:
        rows = list_consents(session=session, include_revoked=all_)
    table = Table("id", "name", "uses", "expires", "state", "evidence")
    for row in rows:
        state = f"revoked: {row.revoked_reason}" if row.revoked_at else "valid"
        table.add_row(row.id, row.name, ", ".join(sorted(row.uses())), str(row.expires or "-"), state,
                      row.evidence_sha256[:12])  # fmt: skip
    results.print(table)


@app.command("revoke")
@friendly
def revoke(
    consent_id: Annotated[str, typer.Argument(help="A consent id from `storyreel consent list`.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the record).")] = "revoked",
) -> None:
    """Revoke a consent: every run that relied on it stops rendering, cached takes included."""
    from storage import open_database, revoke_consent, runs_using_consent, session_scope
    from studio.settings import load_settings

    with session_scope(open_database(load_settings().database)) as session:
        row = revoke_consent(session=session, consent_id=consent_id, reason=reason)
        runs = runs_using_consent(session=session, consent_id=consent_id)
    console.print(f"revoked {row.id} ({row.name}); {len(runs)} run(s) relied on it", highlight=False)
    for run_id in runs:
        results.print(run_id, highlight=False)


@friendly
def audit(
    run: Annotated[str | None, typer.Option("--run", help="Only this run's verdicts.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="allowed, refused or overridden.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many.", min=1, max=10_000)] = 50,
) -> None:
    """The misuse gate's verdicts: when, which door, the rule that fired, the matched words."""
    from rich.table import Table

    from storage import list_audit, open_database, session_scope
    from studio.settings import load_settings

    with session_scope(open_database(load_settings().database)) as session:
        rows = list_audit(session=session, run_id=run, outcome=outcome, limit=limit)  # type: ignore[arg-type]
    table = Table("when", "outcome", "door", "rule", "field", "matched", "run", "consent", "input")
    for row in rows:
        table.add_row(
            row.created_at.strftime("%Y-%m-%d %H:%M:%S"), row.outcome, row.entry, row.rule or "-",
            row.field or "-", row.span or "-", row.run_id or "-", row.consent_id or "-",
            row.input_sha256[:12],
        )  # fmt: skip
    results.print(table)


@friendly
def verify(
    file: Annotated[Path, typer.Argument(help="A video file (a storyreel film, or any MP4).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Say whether a video is storyreel's AI-made footage: its AI label, its C2PA manifest (signed
    in the file or in the sidecar beside it) and its invisible watermark. Exit 0 when any mark is
    found, 1 when none is."""
    import json

    from engine.cutting.verify import verify as read_marks

    report = read_marks(file)
    if as_json:
        results.print_json(json.dumps(report.as_json()))
    else:
        for mark in report.marks:
            results.print(mark.line(), highlight=False, markup=False)
        results.print(report.summary(), highlight=False, markup=False)
    if not report.ai_made:
        raise typer.Exit(1)

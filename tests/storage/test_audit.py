"""The gate's audit log on both databases: one row per verdict (allowed, refused, overridden),
the checked texts kept only as a hash, newest first, and which runs relied on a consent."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import Engine, text

from film import BadInput
from film.gate import Finding, Verdict
from storage import (
    consents_of_run,
    input_sha256,
    list_audit,
    record_verdict,
    runs_using_consent,
    session_scope,
)

BRIEF = "A birthday film where my neighbour Dana Whitfield wins the lottery at 12 Elm Row."
RUN_A, RUN_B, RUN_C = "r-20261202-aaaaaa", "r-20261202-bbbbbb", "r-20261202-cccccc"
C1, C2 = "c-20261202-111111", "c-20261202-222222"

PRIVATE = Finding(
    rule="private_person",
    field="brief",
    span="my neighbour Dana Whitfield",
    person="Dana Whitfield",
    why="a private person needs a consent record: `storyreel consent add`",
)
FAKE_NEWS = Finding(rule="deceptive_framing", field="revision", span="news footage", why="never allowed")


def _record(engine: Engine, verdict: Verdict, run_id: str | None, texts: list[str] | None = None) -> int:
    with session_scope(engine) as session:
        row = record_verdict(
            session=session, verdict=verdict, entry="cli:make", input_texts=texts or [BRIEF], run_id=run_id
        )
    assert row.id is not None
    return row.id


def test_a_refusal_is_logged_without_a_run(engine: Engine) -> None:
    verdict = Verdict(outcome="refused", findings=(PRIVATE, FAKE_NEWS), gate_version="gate-1")
    with session_scope(engine) as session:
        row = record_verdict(
            session=session, verdict=verdict, entry="api:POST /runs", input_texts=[BRIEF], run_id=None
        )
    assert (row.outcome, row.rule, row.field, row.span, row.person) == (
        "refused",
        "private_person",
        "brief",
        "my neighbour Dana Whitfield",
        "Dana Whitfield",
    )
    assert (row.run_id, row.entry, row.consent_id, row.gate_version) == (
        None,
        "api:POST /runs",
        None,
        "gate-1",
    )
    assert row.created_at.tzinfo is not None
    with session_scope(engine) as session:
        (stored,) = list_audit(session=session)
    assert stored.verdict() == verdict  # the whole verdict, every finding, reads back


def test_allowed_and_overridden_verdicts_name_their_consents(engine: Engine) -> None:
    allowed = Verdict(outcome="allowed", consents=(C1, C2), dramatised=("Ada Lovelace",), gate_version="g")
    overridden = Verdict(outcome="overridden", findings=(PRIVATE,), consents=(C2,))
    _record(engine, allowed, RUN_A)
    _record(engine, overridden, RUN_B)
    with session_scope(engine) as session:
        rows = list_audit(session=session)
    assert [(r.outcome, r.run_id, r.consent_id, r.rule) for r in rows] == [
        ("overridden", RUN_B, C2, "private_person"),
        ("allowed", RUN_A, C1, None),  # no finding: the columns stay empty
    ]
    assert (rows[1].field, rows[1].span, rows[1].person) == ("", "", None)
    assert rows[1].verdict().dramatised == ("Ada Lovelace",)


def test_the_checked_input_is_hashed_never_stored(engine: Engine) -> None:
    texts = [BRIEF, "Dana's sister Joan Whitfield narrates."]
    _record(engine, Verdict(outcome="refused", findings=(PRIVATE,)), RUN_A, texts)
    with session_scope(engine) as session:
        (row,) = list_audit(session=session)
    expected = hashlib.sha256(json.dumps(texts, separators=(",", ":")).encode()).hexdigest()
    assert row.input_sha256 == input_sha256(texts) == expected
    with engine.connect() as connection:
        stored = " ".join(str(value) for value in connection.execute(text("SELECT * FROM gate_audit")).one())
    assert BRIEF not in stored and "Joan Whitfield" not in stored and "12 Elm Row" not in stored
    assert "my neighbour Dana Whitfield" in stored  # only the matched span, as the refusal line shows it


def test_input_hashes_keep_text_boundaries() -> None:
    assert input_sha256(["ab", "c"]) != input_sha256(["a", "bc"])
    assert input_sha256("a brief") == input_sha256(["a brief"])  # a bare string is one text
    assert input_sha256(["Zoë"]) == hashlib.sha256('["Zoë"]'.encode()).hexdigest()


def test_list_audit_filters_newest_first(engine: Engine) -> None:
    ids = [
        _record(engine, Verdict(outcome="allowed"), RUN_A),
        _record(engine, Verdict(outcome="refused", findings=(PRIVATE,)), RUN_A),
        _record(engine, Verdict(outcome="refused", findings=(FAKE_NEWS,)), None),
        _record(engine, Verdict(outcome="overridden", consents=(C1,)), RUN_B),
    ]
    with session_scope(engine) as session:
        assert [r.id for r in list_audit(session=session)] == ids[::-1]
        assert [r.id for r in list_audit(session=session, run_id=RUN_A)] == [ids[1], ids[0]]
        assert [r.id for r in list_audit(session=session, outcome="refused")] == [ids[2], ids[1]]
        assert [r.id for r in list_audit(session=session, run_id=RUN_A, outcome="allowed")] == [ids[0]]
        assert [r.id for r in list_audit(session=session, limit=2)] == [ids[3], ids[2]]
        with pytest.raises(BadInput, match=r"^outcome='maybe'"):
            list_audit(session=session, outcome="maybe")  # type: ignore[arg-type]
        with pytest.raises(BadInput):
            list_audit(session=session, limit=0)


def test_runs_using_a_consent(engine: Engine) -> None:
    _record(engine, Verdict(outcome="allowed", consents=(C1,)), RUN_A)
    _record(engine, Verdict(outcome="allowed", consents=(C1,)), RUN_A)  # a revision checked again
    _record(engine, Verdict(outcome="overridden", findings=(PRIVATE,), consents=(C2, C1)), RUN_B)
    _record(engine, Verdict(outcome="refused", findings=(PRIVATE,), consents=(C1,)), RUN_C)  # not relied on
    _record(engine, Verdict(outcome="allowed", consents=(C1, C1)), None)  # a check before any run
    with session_scope(engine) as session:
        assert runs_using_consent(session=session, consent_id=C1) == [RUN_A, RUN_B]  # not only the first
        assert runs_using_consent(session=session, consent_id=C2) == [RUN_B]
        assert runs_using_consent(session=session, consent_id="c-20990101-000000") == []
        assert consents_of_run(session=session, run_id=RUN_B) == [C1, C2]
        assert consents_of_run(session=session, run_id=RUN_C) == []


@pytest.mark.parametrize("entry", ["", "   ", "x" * 121])
def test_the_door_must_be_named(engine: Engine, entry: str) -> None:
    with session_scope(engine) as session, pytest.raises(BadInput) as caught:
        record_verdict(
            session=session, verdict=Verdict(outcome="allowed"), entry=entry, input_texts=[], run_id=None
        )
    assert caught.value.field == "entry"

"""Consent records on both databases: parsing a scope, recording with evidence in the asset
store, listing, revoking (twice is harmless), and reading them back as the gate's grants."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from film import BadInput
from storage import (
    AssetStore,
    add_consent,
    consent_grants,
    get_asset,
    get_consent,
    list_consents,
    parse_uses,
    revoke_consent,
    session_scope,
)
from storage.assets import StoredAsset
from storage.consent import USES_HINT

RELEASE = b"%PDF-1.4 signed release: Ana Ruiz agrees to appear in films and ads until 2027-06-30"


def _add(engine: Engine, store: AssetStore, name: str = "Ana Ruiz", **changes: object) -> str:
    values: dict[str, object] = {
        "name": name,
        "scope": "film, ad",
        "uses": parse_uses("film, ad"),
        "expires": date(2027, 6, 30),
        "evidence": store.put_bytes(RELEASE + name.encode(), ".pdf"),
    }
    values.update(changes)
    with session_scope(engine) as session:
        return add_consent(session=session, **values).id  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scope", "uses"),
    [
        ("film", {"film"}),
        ("Film, AD", {"film", "ad"}),
        ("series endorsement", {"series", "endorsement"}),
        (" film,,ad  series ", {"film", "ad", "series"}),
        ("film film", {"film"}),
    ],
)
def test_parse_uses_reads_comma_or_space_separated_words(scope: str, uses: set[str]) -> None:
    assert parse_uses(scope) == frozenset(uses)


@pytest.mark.parametrize("scope", ["", "  ,  ", "tv", "film, news", "films", "film;ad"])
def test_parse_uses_refuses_anything_else(scope: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_uses(scope)
    assert (caught.value.field, caught.value.value, caught.value.why) == ("scope", scope, USES_HINT)
    assert "choose from film, ad, series, endorsement, e.g. 'film, ad'" in str(caught.value)


def test_add_list_and_revoke(engine: Engine, store: AssetStore) -> None:
    first = _add(engine, store, "Ana Ruiz", aliases=("Ana", "ana ruiz", " Anita  R. "))
    second = _add(engine, store, "Tomás Lind", scope="series", uses=frozenset({"series"}), expires=None)
    assert re.fullmatch(r"c-\d{8}-[0-9a-f]{6}", first) and first != second

    with session_scope(engine) as session:
        listed = list_consents(session=session)
        ana = get_consent(session=session, consent_id=first)
    assert [c.id for c in listed] == [second, first]  # newest first
    assert (ana.name, ana.aliases(), ana.uses(), ana.scope) == (
        "Ana Ruiz",
        ("Ana", "Anita R."),  # the name itself and case-duplicates are not aliases
        frozenset({"film", "ad"}),
        "film, ad",
    )
    assert ana.created_at.tzinfo is not None and ana.revoked_at is None

    with session_scope(engine) as session:
        revoked = revoke_consent(session=session, consent_id=first, reason="  withdrew on 2026-12-02 ")
    assert revoked.revoked_at is not None and revoked.revoked_reason == "withdrew on 2026-12-02"
    with session_scope(engine) as session:
        again = revoke_consent(session=session, consent_id=first, reason="a second time")
    assert (again.revoked_at, again.revoked_reason) == (revoked.revoked_at, "withdrew on 2026-12-02")

    with session_scope(engine) as session:
        assert [c.id for c in list_consents(session=session, include_revoked=False)] == [second]
        assert [c.id for c in list_consents(session=session)] == [second, first]


def test_unknown_consent_ids_name_the_field(engine: Engine) -> None:
    with session_scope(engine) as session:
        with pytest.raises(BadInput, match=r"^consent_id='c-20990101-000000': no such consent"):
            revoke_consent(session=session, consent_id="c-20990101-000000", reason="x")
        with pytest.raises(BadInput) as caught:
            get_consent(session=session, consent_id="nope")
    assert caught.value.field == "consent_id"


def test_evidence_and_references_are_stored_by_hash(engine: Engine, store: AssetStore) -> None:
    evidence = store.put_bytes(RELEASE, ".pdf")
    faces = [store.put_bytes(b"face one", ".png"), store.put_bytes(b"face two", ".png")]
    consent_id = _add(engine, store, evidence=evidence, references=(faces[0], faces[1], faces[0]))
    with session_scope(engine) as session:
        consent = get_consent(session=session, consent_id=consent_id)
        asset = get_asset(session=session, sha256=consent.evidence_sha256)
        pictures = [get_asset(session=session, sha256=sha) for sha in consent.reference_sha256()]
    assert consent.evidence_sha256 == hashlib.sha256(RELEASE).hexdigest()
    assert not consent.evidence_path.startswith("/")  # store-relative: the store may move
    assert (store.root / consent.evidence_path).read_bytes() == RELEASE
    assert asset is not None and asset.path == consent.evidence_path
    assert consent.reference_sha256() == (faces[0].sha256, faces[1].sha256)
    assert all(p is not None for p in pictures)


def test_grants_carry_expiry_uses_and_revocation(engine: Engine, store: AssetStore) -> None:
    lasting = _add(engine, store, "Ana Ruiz", aliases=("Ana",))
    endless = _add(engine, store, "Tomás Lind", scope="series", uses=frozenset({"series"}), expires=None)
    with session_scope(engine) as session:
        revoke_consent(session=session, consent_id=endless, reason="asked us to stop")
        grants = {g.id: g for g in consent_grants(session=session)}

    ana, tomas = grants[lasting], grants[endless]
    assert (ana.name, ana.aliases, ana.uses, ana.scope) == ("Ana Ruiz", ("Ana",), {"film", "ad"}, "film, ad")
    assert ana.expires == date(2027, 6, 30) and type(ana.expires) is date
    assert ana.covers("ad", date(2027, 6, 30))  # the last day still holds
    assert not ana.covers("ad", date(2027, 6, 30) + timedelta(days=1))
    assert not ana.covers("series", date(2026, 12, 2))
    assert ana.evidence_sha256 == hashlib.sha256(RELEASE + b"Ana Ruiz").hexdigest() and not ana.revoked
    assert tomas.revoked and tomas.expires is None  # still listed, so the gate can say "revoked"
    assert not tomas.covers("series", date(2026, 12, 2))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"aliases": ("Ana", " ")}, "aliases"),
        ({"uses": frozenset()}, "uses"),
        ({"uses": frozenset({"film", "news"})}, "uses"),
        ({"expires": "2027-06-30"}, "expires"),
        ({"expires": datetime(2027, 6, 30, 12)}, "expires"),
    ],
)
def test_bad_records_are_refused_and_nothing_is_kept(
    engine: Engine, store: AssetStore, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(BadInput) as caught:
        _add(engine, store, **changes)  # type: ignore[arg-type]
    assert caught.value.field == field
    with session_scope(engine) as session:
        assert list_consents(session=session) == []


def test_a_stored_asset_outside_the_asset_table_is_recorded(engine: Engine, store: AssetStore) -> None:
    """add_consent records the evidence's asset row itself: the FK holds on PostgreSQL too."""
    evidence: StoredAsset = store.put_bytes(b"release on paper, scanned", ".jpg")
    consent_id = _add(engine, store, evidence=evidence)
    with session_scope(engine) as session:
        asset = get_asset(session=session, sha256=evidence.sha256)
        assert asset is not None and asset.media_type == "image/jpeg"
        assert get_consent(session=session, consent_id=consent_id).evidence_sha256 == evidence.sha256

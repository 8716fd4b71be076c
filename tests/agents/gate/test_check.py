"""The decision: fiction allowed, real people refused unless a consent covers exactly this use."""

from __future__ import annotations

import time
from datetime import date

import pytest

from agents.gate import check
from film.gate import ConsentGrant, GateText, Use, Verdict

TODAY = date(2026, 12, 2)


def decide(
    text: str, *, use: Use = "film", consents: tuple[ConsentGrant, ...] = (), years: int = 30
) -> Verdict:
    return check(
        [GateText(field="brief", text=text)], use=use, consents=consents, today=TODAY, deceased_years=years
    )


def rule(verdict: Verdict) -> str:
    return verdict.findings[0].rule if verdict.findings else verdict.outcome


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Donald Trump dances on a rooftop.", "public_figure"),
        ("Presiden Lula berpidato di Jakarta.", "public_figure"),
        ("习近平在长城上放风筝。", "public_figure"),
        ("Princess Diana waves from a carriage.", "recently_deceased"),
        ("Pope Francis blesses a crowd.", "recently_deceased"),
        ("My neighbour Dana Whitfield falls into her pool.", "private_person"),
        ("A clip of my boss slipping on a banana.", "private_person"),
        ("Make a deepfake for a prank.", "deceptive_framing"),
        ("Make it look like real CCTV of Keir Starmer robbing a bank.", "deceptive_framing"),
        ("Bodycam footage of my wife being arrested.", "deceptive_framing"),
    ],
)
def test_refusals_name_the_rule(text: str, expected: str) -> None:
    verdict = decide(text)
    assert verdict.outcome == "refused"
    assert rule(verdict) == expected
    assert "storyreel" in verdict.line() and verdict.line().startswith("brief: refused")


@pytest.mark.parametrize(
    "text",
    [
        "A baker named Morgan bakes bread.",
        "Caesar the parrot learns opera.",
        "A fictional president of an invented country waves.",
        "The President of Zubrowka inspects a pastry factory.",
        "She plays her trump card.",
        "A rabbit hides under a bush.",
        "Fake CCTV footage of an invented heist crew.",
        "My wife and I bake bread on Sunday.",
        '"You are not my boss!" yells the robot.',
        "Dr. Harris examines a patient.",
        "Mr Jackson the janitor mops the hall.",
        "The US president is kidnapped by aliens.",
    ],
)
def test_fiction_is_allowed(text: str) -> None:
    verdict = decide(text)
    assert verdict.outcome == "allowed", verdict.line()
    assert verdict.line() == "allowed"


def test_public_figure_refusal_says_what_allows_it() -> None:
    line = decide("Chancellor Merkel rides a bike.").line()
    assert "real public figure" in line and "storyreel consent add" in line and "invented character" in line


def test_historical_figures_are_dramatised() -> None:
    verdict = decide("Julius Caesar crosses the Rubicon while Cleopatra waits.")
    assert verdict.outcome == "allowed"
    assert verdict.dramatised == ("Julius Caesar", "Cleopatra")
    assert decide("Freddie Mercury rehearses.").dramatised == ("Freddie Mercury",)


def test_recently_deceased_depends_on_the_setting() -> None:
    assert rule(decide("Michael Jackson moonwalks.")) == "recently_deceased"
    assert decide("Michael Jackson moonwalks.", years=10).dramatised == ("Michael Jackson",)


def test_estate_consent_allows_the_recently_deceased() -> None:
    grant = ConsentGrant(id="estate-1", name="Michael Jackson")
    verdict = decide("Michael Jackson moonwalks.", consents=(grant,))
    assert verdict.outcome == "allowed" and verdict.consents == ("estate-1",)


def test_consent_allows_a_public_figure_by_alias() -> None:
    grant = ConsentGrant(id="c-merkel", name="Dr. Angela Merkel")
    assert decide("Kanzlerin Merkel fährt Fahrrad.", consents=(grant,)).consents == ("c-merkel",)


def test_consent_scope_use_expiry_and_revocation() -> None:
    sam = ConsentGrant(id="c1", name="Sam Rivera", uses=frozenset({"film"}))
    assert decide("Sam Rivera walks on the beach.", consents=(sam,)).consents == ("c1",)
    assert rule(decide("Sam Rivera walks on the beach.", use="ad", consents=(sam,))) == "out_of_scope"
    old = sam.model_copy(update={"id": "c2", "expires": date(2026, 12, 1)})
    verdict = decide("Sam Rivera walks.", consents=(old,))
    assert rule(verdict) == "out_of_scope" and "expired on 2026-12-01" in verdict.line()
    last_day = sam.model_copy(update={"expires": TODAY})
    assert decide("Sam Rivera walks.", consents=(last_day,)).outcome == "allowed"
    revoked = sam.model_copy(update={"revoked": True})
    assert "revoked" in decide("Sam Rivera walks.", consents=(revoked,)).line()


def test_consent_never_covers_harmful_scenes() -> None:
    sam = ConsentGrant(id="c1", name="Sam Rivera", uses=frozenset({"film", "ad", "endorsement"}))
    for text in (
        "Sam Rivera is arrested.",
        "Sam Rivera appears nude.",
        "Sam Rivera is stabbed.",
        "A fake news story: Sam Rivera resigns.",
    ):
        assert rule(decide(text, consents=(sam,))) == "harmful_scene", text
    # a harmful word in another sentence is another character's scene
    assert decide("Sam Rivera waves. A thief is arrested.", consents=(sam,)).outcome == "allowed"


def test_endorsement_needs_a_consent_that_says_so() -> None:
    film_ad = ConsentGrant(id="c1", name="Priya Nair", uses=frozenset({"film", "ad"}))
    endorse = ConsentGrant(id="c2", name="Priya Nair", uses=frozenset({"ad", "endorsement"}))
    text = "Priya Nair recommends Fizz cola."
    assert rule(decide(text, use="ad", consents=(film_ad,))) == "harmful_scene"
    assert decide(text, use="ad", consents=(endorse,)).consents == ("c2",)


def test_deceptive_framing_is_refused_even_with_consent() -> None:
    sam = ConsentGrant(id="c1", name="Sam Rivera")
    assert rule(decide("Leaked video of Sam Rivera at a party.", consents=(sam,))) == "deceptive_framing"
    assert rule(decide("Make Sam Rivera say he quit.", consents=(sam,))) == "deceptive_framing"


def test_named_private_person_with_consent_is_allowed() -> None:
    dana = ConsentGrant(id="c-dana", name="Dana Whitfield")
    verdict = decide("My neighbour Dana Whitfield waters her roses.", consents=(dana,))
    assert verdict.outcome == "allowed" and verdict.consents == ("c-dana",)


def test_a_person_in_another_field_still_counts() -> None:
    texts = [
        GateText(field="brief", text="Dashcam footage of a chase."),
        GateText(field="characters[hero].name", text="Barack Obama"),
    ]
    verdict = check(texts, today=TODAY)
    assert verdict.findings[0].rule == "deceptive_framing"
    assert {f.field for f in verdict.findings} == {"brief", "characters[hero].name"}


def test_verdict_records_the_data_version() -> None:
    assert decide("Mara rows a boat.").gate_version.startswith("20")


def test_fast_when_warm() -> None:
    brief = "A baker named Morgan walks to the market. " * 50 + "Then Chancellor Merkel waves."
    decide(brief)
    start = time.perf_counter()
    for _ in range(20):
        decide(brief)
    assert (time.perf_counter() - start) / 20 < 0.02

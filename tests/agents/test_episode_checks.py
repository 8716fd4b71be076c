"""The variety and canon checks of a series episode (issue 17, item 4), on hand-built plans."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from agents.episode_checks import (
    WEIGHTS,
    Variation,
    canon_breaks,
    closest,
    fingerprint,
    recurring_words,
    similarity,
    stem,
    too_close,
    vary,
)
from film import BadInput, Character, DialogueLine, FilmPlan, Performance, Scene, Shot
from film.series import Canon, LedgerEntry, SeriesBible

BIBLE = SeriesBible.model_validate(
    {
        "name": "pagi-pasar",
        "title": "Pagi di Pasar",
        "language": "id",
        "cast": [
            {"id": "sari", "name": "Sari", "appearance": "yellow headscarf", "voice": "warm alto"},
            {"id": "bima", "name": "Bima", "appearance": "blue batik shirt"},
        ],
        "format": {
            "duration_s": 10,
            "segments": [{"name": "Word of the Day"}],
            "end_card": "See you tomorrow",
        },
        "brief": "{{ topic }}",
        "topics": {"items": ["the fish market", "monsoon rain"]},
        "schedule": {"cron": "0 7 * * 1-5", "timezone": "Asia/Jakarta"},
    }
)
HOSTS = tuple(member.character() for member in BIBLE.cast)
OTHER_HOSTS = (Character(id="dewi", name="Dewi"), Character(id="raka", name="Raka"))
ENTRY = LedgerEntry(slot=datetime(2026, 12, 7, 0, tzinfo=UTC), number=4)
IGNORE = recurring_words(BIBLE)


def make_plan(
    title: str,
    *descriptions: str,
    cast: tuple[Character, ...] = HOSTS,
    language: str = "en",
    performers: dict[int, tuple[str, ...]] | None = None,
    dialogue: dict[int, tuple[DialogueLine, ...]] | None = None,
) -> FilmPlan:
    """A plan with one 1-s shot (S1, S2 ...) per description; `performers` and `dialogue` by shot index."""
    shots = tuple(
        Shot(
            id=f"S{i + 1}",
            scene_id="s1",
            frames=24,
            description=text,
            performances=tuple(Performance(character_id=c) for c in (performers or {}).get(i, ())),
            dialogue=(dialogue or {}).get(i, ()),
        )
        for i, text in enumerate(descriptions)
    )
    return FilmPlan(
        title=title, language=language, fps=24, duration_s=max(2.0, len(shots)), characters=cast,
        scenes=(Scene(id="s1", location="market"),), shots=shots,
        title_card_frames=max(0, 48 - 24 * len(shots)),
    )  # fmt: skip


FISH = make_plan(
    "The Fish Market",
    "Sari and Bima walk between the fish stalls at dawn.",
    "A seller weighs a silver mackerel on old brass scales.",
    "Bima laughs as ice spills across the wet floor.",
)
KITES = make_plan(
    "Kites over the Rice Fields",
    "Children run along the dykes pulling paper kites.",
    "A red kite climbs into the wind above the terraces.",
    "Evening light turns the water gold.",
)


# --- variety -----------------------------------------------------------------------------------


def test_a_fingerprint_is_sorted_json_and_stable() -> None:
    fp = fingerprint(FISH, "the fish market", ignore=IGNORE)
    assert fp == sorted(set(fp))
    assert json.loads(json.dumps(fp)) == fp
    assert fp == fingerprint(FISH.model_copy(), "The Fish Market!", ignore=IGNORE)
    assert {"t:fish", "t:market", "h:fish", "h:dawn", "s:silver_mackerel"} <= set(fp)
    assert not any(f.split(":")[1] in {"the", "and", "at", "sari", "bima"} for f in fp)  # stop words, cast


def test_words_are_folded_and_lose_one_ending() -> None:
    accents = make_plan("Café Crème", "Sari orders a café crème.")
    assert "h:cafe" in fingerprint(accents, "", ignore=IGNORE)
    assert [stem(w, "en") for w in ("bikes", "boxes", "buses", "stories", "walked", "bus", "market")] == [
        "bike", "box", "bus", "story", "walk", "bus", "market"
    ]  # fmt: skip
    assert [stem(w, "id") for w in ("sepedanya", "makanan", "sekolah", "tanya")] == [
        "sepeda", "makanan", "sekolah", "tanya"
    ]  # fmt: skip


def test_the_same_plan_is_fully_similar_and_unrelated_plans_are_not() -> None:
    fish = fingerprint(FISH, "the fish market", ignore=IGNORE)
    assert similarity(fish, fish) == 1.0
    assert similarity(fish, fingerprint(KITES, "kites", ignore=IGNORE)) < 0.1
    assert similarity([], []) == 0.0


def test_topic_and_hook_weigh_more_than_shots() -> None:
    assert WEIGHTS["t"] > WEIGHTS["s"] and WEIGHTS["h"] > WEIGHTS["s"]
    same_topic = similarity(["t:fish", "s:a_b"], ["t:fish", "s:c_d"])
    same_shots = similarity(["t:fish", "s:a_b"], ["t:kite", "s:a_b"])
    assert same_topic > same_shots
    assert 0.0 <= same_shots <= same_topic <= 1.0


def test_host_names_do_not_count() -> None:
    renamed = make_plan(
        "The Fish Market",
        "Dewi and Raka walk between the fish stalls at dawn.",
        "A seller weighs a silver mackerel on old brass scales.",
        "Raka laughs as ice spills across the wet floor.",
        cast=OTHER_HOSTS,
    )
    names = (*IGNORE, "Dewi", "Raka")
    assert (
        similarity(fingerprint(FISH, "fish", ignore=names), fingerprint(renamed, "fish", ignore=names)) == 1.0
    )
    hosts_only_a = make_plan("Sari and Bima", "Sari and Bima sell mangoes.", "Bima juggles three limes.")
    hosts_only_b = make_plan("Sari and Bima", "Sari and Bima paint a boat.", "Sari sings to the gulls.")
    a, b = (
        fingerprint(hosts_only_a, "mangoes", ignore=IGNORE),
        fingerprint(hosts_only_b, "boats", ignore=IGNORE),
    )
    assert similarity(a, b) < 0.2
    unignored = similarity(fingerprint(hosts_only_a, "mangoes"), fingerprint(hosts_only_b, "boats"))
    assert unignored > similarity(a, b)  # without `ignore` the names alone make them look alike


def test_recurring_format_words_are_ignored() -> None:
    words = {w.lower() for w in IGNORE}
    assert {"sari", "bima", "word of the day", "see you tomorrow", "pagi di pasar"} <= words
    plan = make_plan("Word of the Day", "Sari says see you tomorrow.", "Bima waves at the fish.")
    assert fingerprint(plan, "", ignore=IGNORE) == ["h:say", "s:say", "s:wave_fish"]


def test_too_close_picks_the_closest_and_respects_the_threshold() -> None:
    fish = fingerprint(FISH, "the fish market", ignore=IGNORE)
    kites = fingerprint(KITES, "kites", ignore=IGNORE)
    near_fish = fingerprint(
        make_plan("The Fish Market", FISH.shots[0].description, "Gulls circle the harbour."),
        "the fish market", ignore=IGNORE,
    )  # fmt: skip
    recent = [(1, kites), (2, near_fish), (3, kites)]
    found = closest(fish, recent)
    assert found is not None and found[0] == 2 and 0.5 < found[1] < 1.0
    assert too_close(fish, recent, threshold=found[1]) == found
    assert too_close(fish, recent, threshold=min(1.0, found[1] + 0.01)) is None
    assert too_close(fish, [(2, fish), (5, fish)], 0.8) == (5, 1.0)  # a tie goes to the later episode
    assert too_close(fish, [], 0.8) is None and closest(fish, []) is None
    with pytest.raises(BadInput, match="threshold"):
        too_close(fish, recent, 0.0)


def _planner(plans: list[FilmPlan], asked: list[int]) -> Callable[[int], FilmPlan]:
    def plan_for(attempt: int) -> FilmPlan:
        asked.append(attempt)
        return plans[min(attempt, len(plans) - 1)]

    return plan_for


def test_vary_replans_until_the_episode_is_different() -> None:
    recent = [(3, fingerprint(FISH, "the fish market", ignore=IGNORE))]
    asked: list[int] = []
    got = vary(_planner([FISH, FISH, KITES], asked), topic="the fish market", recent=recent, threshold=0.8,
               replans=4, ignore=IGNORE)  # fmt: skip
    assert asked == [0, 1, 2]
    assert got.plan == KITES and got.attempts == 3 and not got.flagged and got.reason == ""
    assert got.closest == 3 and got.score < 0.8
    assert got.fingerprint == fingerprint(KITES, "the fish market", ignore=IGNORE)
    first = vary(lambda attempt: KITES, topic="kites", recent=[], threshold=0.8, replans=2)
    assert first.attempts == 1 and first.closest is None and first.score == 0.0 and not first.flagged


def test_vary_stops_at_the_bound_and_flags_the_episode() -> None:
    recent = [(1, fingerprint(KITES, "kites", ignore=IGNORE)), (3, fingerprint(FISH, "fish", ignore=IGNORE))]
    asked: list[int] = []
    got = vary(_planner([FISH], asked), topic="fish", recent=recent, threshold=0.8, replans=2,
               ignore=IGNORE)  # fmt: skip
    assert asked == [0, 1, 2]
    assert got.flagged and got.attempts == 3 and got.closest == 3 and got.score == 1.0
    assert got.reason == "too close to episode 3 (1.00)"
    assert Variation.model_validate(got.model_dump()) == got
    with pytest.raises(BadInput, match="replans"):
        vary(lambda attempt: FISH, topic="fish", recent=recent, threshold=0.8, replans=-1)


# --- canon -------------------------------------------------------------------------------------

AWAY = Canon(away=("bima",))


def test_a_departed_member_back_unexplained_is_flagged_with_the_shot() -> None:
    plan = make_plan("Back", "Sari opens the stall.", "The market wakes up.", "Bima walks in with coffee.")
    assert canon_breaks(plan, AWAY, ENTRY, BIBLE) == [
        "Bima left the story and is back in shot S3 with no explanation"
    ]
    performing = make_plan(
        "Back", "Sari opens the stall.", "Someone waves.", performers={1: ("sari", "bima")}
    )
    assert canon_breaks(performing, AWAY, ENTRY, BIBLE) == [
        "Bima left the story and is back in shot S2 with no explanation"
    ]
    speaking = make_plan(
        "Back", "Sari opens the stall.", "A voice from the door.",
        dialogue={0: (DialogueLine(text="Hi!", speaker="Bima"),)},
    )  # fmt: skip
    assert canon_breaks(speaking, AWAY, ENTRY, BIBLE) == [
        "Bima left the story and is back in shot S1 with no explanation"
    ]


def test_an_explained_return_or_a_mention_is_not_flagged() -> None:
    plan = make_plan("Back", "Sari opens the stall.", "Bima walks in with coffee.", performers={1: ("bima",)})
    explained = ENTRY.model_copy(update={"returned": ("bima",)})
    assert canon_breaks(plan, AWAY, explained, BIBLE) == []
    missed = make_plan("Alone", "Sari misses Bima as she opens the stall.", "Sari reads a letter from Bima.")
    assert canon_breaks(missed, AWAY, ENTRY, BIBLE) == []
    assert canon_breaks(plan, Canon(), ENTRY, BIBLE) == []  # nobody is away


def test_indonesian_return_and_mention() -> None:
    back = make_plan(
        "Kembali", "Sari membuka warung.", "Bima datang membawa kopi, lalu tertawa.", language="id"
    )
    assert canon_breaks(back, AWAY, ENTRY, BIBLE) == [
        "Bima left the story and is back in shot S2 with no explanation"
    ]
    rindu = make_plan("Sendiri", "Sari rindu Bima.", "Sari teringat akan Bima.", language="id")
    assert canon_breaks(rindu, AWAY, ENTRY, BIBLE) == []


BICYCLE = Canon(facts=("Sari now owns the red bicycle",))


def test_an_ownership_contradiction_is_flagged() -> None:
    plan = make_plan(
        "Ride", "Sari waves.", "Bima's red bicycle leans on the stall.", "Bima owns the red bicycle."
    )
    assert canon_breaks(plan, BICYCLE, ENTRY, BIBLE) == [
        'shot S2 gives the red bicycle to Bima, but the canon says "Sari now owns the red bicycle"',
        'shot S3 gives the red bicycle to Bima, but the canon says "Sari now owns the red bicycle"',
    ]
    fine = make_plan(
        "Ride", "Sari rides her red bicycle.", "Sari's red bicycle shines; Bima's blue bicycle rusts."
    )
    assert canon_breaks(fine, BICYCLE, ENTRY, BIBLE) == []


def test_a_reassignment_explains_the_change() -> None:
    plan = make_plan("Ride", "Sari waves.", "Bima's red bicycle leans on the stall.")
    given = ENTRY.model_copy(update={"changed_facts": ("Bima now owns the red bicycle",)})
    assert canon_breaks(plan, BICYCLE, given, BIBLE) == []
    later = Canon(facts=("Sari now owns the red bicycle", "Bima now owns the red bicycle"))
    assert canon_breaks(plan, later, ENTRY, BIBLE) == []  # the latest fact is the canon
    assert canon_breaks(plan, Canon(facts=("The old man now owns the red bicycle",)), ENTRY, BIBLE) == []


def test_indonesian_ownership() -> None:
    canon = Canon(facts=("Sari sekarang punya sepeda merah itu",))
    plan = make_plan(
        "Sepeda", "Sari menyapa.", "Sepeda merah Bima bersandar di warung.",
        "Bima naik sepeda merah milik Bima.", "Sari naik sepeda merah, Bima tertawa.", language="id",
    )  # fmt: skip
    lines = canon_breaks(plan, canon, ENTRY, BIBLE)
    assert [line.split()[1] for line in lines] == ["S2", "S3"]
    assert (
        lines[0]
        == 'shot S2 gives the sepeda merah to Bima, but the canon says "Sari sekarang punya sepeda merah itu"'
    )
    given = ENTRY.model_copy(update={"changed_facts": ("Bima sekarang punya sepeda merah",)})
    assert canon_breaks(plan, canon, given, BIBLE) == []

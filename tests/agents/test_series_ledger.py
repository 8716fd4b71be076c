"""The series' continuity: the offline planner's plan of an episode brief gets the bible's cast
verbatim, the ledger reads threads, facts, departures and returns back from a plan (English and
Indonesian), and the next plan contains the canon facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import yaml

from agents import plan_brief
from agents.series import episode_brief, load_bible, parse_bible
from agents.series_ledger import ledger_entry, recast
from film import BadInput, Character, DialogueLine, FilmPlan, Performance, Scene, Shot, Voice
from film.series import Canon, LedgerEntry, SeriesBible, fold
from templates import template_path

SLOT = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)
EXAMPLES = ["morning-brief", "kabar-pagi"]


def example(name: str) -> SeriesBible:
    return load_bible(template_path("series", f"{name}.yaml"))


def plan_episode(bible: SeriesBible, number: int, canon: Canon, duration_s: float | None = None) -> FilmPlan:
    """What `storyreel make` does by default with an episode: the offline planner, then recast."""
    brief = episode_brief(bible, number=number, slot=SLOT + timedelta(days=number), canon=canon)
    duration_s = duration_s or bible.format.duration_s
    made = plan_brief(brief, duration_s=duration_s, aspect=bible.format.aspect, seed=bible.seed)
    return recast(made, bible)


def plan_text(plan: FilmPlan) -> str:
    lines = [line.text for shot in plan.shots for line in shot.dialogue]
    return " ".join([plan.logline, *(s.description for s in plan.shots), *lines])


def hand_plan(*descriptions: str, said: tuple[str, ...] = ()) -> FilmPlan:
    """A plan as an LLM planner might write it: one shot per description, 2 s each."""
    shots = [
        Shot(
            id=f"s{i}",
            scene_id="sc1",
            frames=48,
            description=text,
            performances=(Performance(character_id="maya"),),
        )
        for i, text in enumerate(descriptions)
    ]
    if said:
        shots[-1] = shots[-1].model_copy(
            update={"dialogue": tuple(DialogueLine(speaker="Maya", text=t) for t in said)}
        )
    return FilmPlan(
        title="Episode",
        duration_s=2.0 * len(shots),
        characters=(Character(id="maya", name="Maya"),),
        scenes=(Scene(id="sc1"),),
        shots=tuple(shots),
    )


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_offline_plan_of_an_episode_has_the_cast_as_characters(name: str) -> None:
    bible = example(name)
    brief = episode_brief(bible, number=1, slot=SLOT, canon=Canon())
    made = plan_brief(brief, duration_s=bible.format.duration_s, aspect=bible.format.aspect)
    assert {m.name for m in bible.cast} <= {c.name for c in made.characters}
    plan = recast(made, bible)
    assert plan.characters == tuple(m.character() for m in bible.cast)
    assert plan.style == bible.style
    assert {p.character_id for s in plan.shots for p in s.performances} == {m.id for m in bible.cast}
    assert FilmPlan.model_validate(plan.model_dump()) == plan


def test_recast_maps_ids_names_and_speakers_and_keeps_guests() -> None:
    bible = example("morning-brief")
    planned = FilmPlan(
        title="Episode",
        duration_s=4.0,
        style="noir",
        characters=(
            Character(id="c1", name="maya"),
            Character(id="will-maya", name="Will Maya"),
            Character(id="theo-brown", name="Theo Brown", color="#000000"),
            Character(id="rina", name="Rina"),
        ),
        scenes=(Scene(id="sc1"),),
        shots=(
            Shot(
                id="s1",
                scene_id="sc1",
                frames=48,
                description="Maya and Theo meet Rina.",
                performances=tuple(
                    Performance(character_id=i) for i in ("c1", "will-maya", "theo-brown", "rina")
                ),
                dialogue=(
                    DialogueLine(speaker="maya", text="Hello!"),
                    DialogueLine(speaker="Rina", text="Hi."),
                ),
            ),
            Shot(
                id="s2",
                scene_id="sc1",
                frames=48,
                description="Theo waves.",
                performances=(Performance(character_id="theo-brown"),),
            ),
        ),
    )
    plan = recast(planned, bible)
    maya, theo = (m.character() for m in bible.cast)
    assert plan.characters == (maya, theo, planned.characters[3])
    assert [p.character_id for p in plan.shots[0].performances] == ["maya", "theo", "rina"]
    assert [p.character_id for p in plan.shots[1].performances] == ["theo"]
    assert [d.speaker for d in plan.shots[0].dialogue] == ["Maya", "Rina"]
    assert plan.style == bible.style


def test_the_ledger_reads_an_english_plan() -> None:
    bible = example("morning-brief")
    plan = hand_plan(
        "Maya carries a basket of bread across the bakery.",
        "Maya now owns the old red bicycle and rides it to the river.",
        "Theo leaves for Lisbon on the early train.",
        "At noon Maya comes back from the market with flowers.",
        "Nobody knows who painted the bridge orange.",
        said=("Will the baker open again tomorrow?",),
    )
    entry = ledger_entry(plan, number=1, slot=SLOT, bible=bible)
    assert entry.changed_facts == ("Maya now owns the old red bicycle and rides it to the river.",)
    assert entry.open_threads == ("Will the baker open again tomorrow?",)
    assert entry.departed == ("theo",) and entry.returned == ("maya",)
    assert entry.recap.startswith("Episode.") and len(entry.recap) <= 1000
    assert "the new cycle lane" in entry.recap  # the topic is the episode's first news
    assert ledger_entry(plan, number=1, slot=SLOT, bible=bible) == entry


def test_the_ledger_reads_an_indonesian_plan() -> None:
    bible = example("kabar-pagi")
    plan = hand_plan(
        "Sari membawa keranjang roti ke warung.",
        "Sekarang Budi punya sepeda merah dan mengayuhnya ke sungai.",
        "Sari berpamitan lalu naik kereta ke Bandung.",
        "Siang itu Budi kembali dari pasar membawa bunga.",
        said=("Apakah warung itu buka lagi besok?",),
    )
    entry = ledger_entry(plan, number=1, slot=SLOT, bible=bible)
    assert entry.changed_facts == ("Sekarang Budi punya sepeda merah dan mengayuhnya ke sungai.",)
    assert entry.open_threads == ("Apakah warung itu buka lagi besok?",)
    assert entry.departed == ("sari",) and entry.returned == ("budi",)


def test_a_cue_belongs_to_the_member_named_nearest_before_it() -> None:
    bible = example("morning-brief")
    entry = ledger_entry(
        hand_plan("Maya says goodbye to Theo at the station."), number=1, slot=SLOT, bible=bible
    )
    assert entry.departed == ("maya",)
    entry = ledger_entry(
        hand_plan("Back from Lisbon, Theo is back at the counter."), number=1, slot=SLOT, bible=bible
    )
    assert entry.returned == ("theo",)


@pytest.mark.parametrize(
    ("name", "errand"),
    [
        ("morning-brief", "Theo leaves the studio with the bread."),
        ("kabar-pagi", "Budi pergi ke pasar membeli ikan."),
    ],
)
def test_an_errand_is_no_departure(name: str, errand: str) -> None:
    entry = ledger_entry(hand_plan(errand), number=1, slot=SLOT, bible=example(name))
    assert entry.departed == ()


@pytest.mark.parametrize("name", EXAMPLES)
def test_what_every_episode_says_is_no_news(name: str) -> None:
    """The bible's own lines (the end card says 'see you tomorrow' every day) are no thread."""
    bible = example(name)
    plan = plan_episode(bible, 1, Canon())
    entry = ledger_entry(plan, number=1, slot=SLOT, bible=bible)
    assert entry.open_threads == () and entry.changed_facts == ()
    assert entry.departed == () and entry.returned == ()


@pytest.mark.parametrize(("name", "fact"), [
    ("morning-brief", "Maya gives her old red bicycle to Theo"),
    ("kabar-pagi", "Sari memberikan sepeda merahnya kepada Budi"),
])  # fmt: skip
def test_the_next_plan_contains_the_canon_facts(name: str, fact: str) -> None:
    """Episode 2's topic changes a fact; the ledger keeps it; episode 3's plan carries it."""
    bible = example(name)
    entries: list[LedgerEntry] = []
    for number in (1, 2):
        plan = plan_episode(bible, number, fold(entries))
        entries.append(ledger_entry(plan, number=number, slot=SLOT + timedelta(days=number), bible=bible))
    canon = fold(entries)
    assert fact in canon.facts
    third = plan_episode(bible, 3, canon)
    assert fact in plan_text(third)
    assert fact not in episode_brief(bible, number=3, slot=SLOT, canon=Canon())  # it came from the canon
    assert third.characters == tuple(m.character() for m in bible.cast)
    again = ledger_entry(third, number=3, slot=SLOT + timedelta(days=3), bible=bible)
    assert fact not in again.changed_facts  # the canon is not read back as news


@pytest.mark.parametrize("duration_s", [45.0, 10.0])  # 10 s: beats merge into few shots
def test_injected_canon_reaches_the_plan_text(duration_s: float) -> None:
    bible = example("morning-brief")
    canon = Canon(
        recaps=("Morning Brief 4: the bakery wins a prize.",),
        facts=("Theo now owns the red bicycle", "The bakery moved to Bridge Street"),
        open_threads=("Will Maya find her lost keys?",),
    )
    plan = plan_episode(bible, 5, canon, duration_s)
    text = plan_text(plan)
    for part in [*canon.facts, *canon.open_threads, "the bakery wins a prize"]:
        assert part in text
    assert [c.name for c in plan.characters] == ["Maya", "Theo"]
    entry = ledger_entry(plan, number=5, slot=SLOT, bible=bible)
    assert entry.open_threads == () and entry.changed_facts == ()


def test_a_cast_members_voice_reaches_every_episodes_plan() -> None:
    """`voice:` in the bible is engine, voice id, rate and pitch (or a description alone), and the
    recast plan's characters carry it, so the member sounds the same in every episode."""
    data = yaml.safe_load(template_path("series", "morning-brief.yaml").read_text(encoding="utf-8"))
    data["cast"][0]["voice"] = {"engine": "espeak", "voice_id": "en+f3", "rate": 1.1, "pitch": 2}
    bible = parse_bible(yaml.safe_dump(data), template_path("series"))
    maya = bible.cast[0]
    assert maya.voice == Voice(voice_id="en+f3", rate=1.1, pitch=2)
    assert bible.cast[1].voice == Voice(description="easy baritone, laughs often")
    for number in (1, 2):
        plan = plan_episode(bible, number, Canon())
        assert plan.character(maya.id).voice == maya.voice
    data["cast"][0]["voice"]["rate"] = 9
    with pytest.raises(BadInput, match=r"cast\.0\.voice\.rate"):
        parse_bible(yaml.safe_dump(data), template_path("series"))

"""The public-figure layer alone: names in many scripts, titles, and the look-alikes it must leave."""

from __future__ import annotations

import pytest

from agents.gate.figures import find, roster
from agents.gate.normalise import fold


def names(text: str) -> list[str]:
    return [m.name for m in find(fold(text), "brief")]


def test_list_is_big_and_versioned() -> None:
    from agents.gate.lexicon import version

    assert len(roster().figures) >= 150
    assert version().count(".") >= 2


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Angela Merkel rides a bike", "Angela Merkel"),
        ("Merkel rides a bike", "Angela Merkel"),
        ("Ангела Меркель пьёт чай", "Angela Merkel"),
        ("默克尔在柏林", "Angela Merkel"),
        ("Владимир Путин", "Vladimir Putin"),
        ("普京总统在莫斯科", "Vladimir Putin"),
        ("وترامب يقول", "Donald Trump"),
        ("नरेंद्र मोदी क्रिकेट खेलते हैं", "Narendra Modi"),
        ("ทักษิณ ชินวัตร ขี่ช้าง", "Thaksin Shinawatra"),
        ("트럼프 대통령", "Donald Trump"),
        ("Erdogan speaks", "Recep Tayyip Erdoğan"),
        ("Kylian Mbappe scores", "Kylian Mbappé"),
    ],
)
def test_names_in_many_scripts(text: str, person: str) -> None:
    assert names(text)[:1] == [person]


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Presiden Lula berpidato", "Luiz Inácio Lula da Silva"),
        ("Chancellor Merkel", "Angela Merkel"),
        ("Perdana Menteri Anwar menari", "Anwar Ibrahim"),
        ("President Trump", "Donald Trump"),
        ("Präsident Trump", "Donald Trump"),
        ("Papst Franziskus", "Pope Francis"),
        ("Pope Leo blesses the crowd", "Pope Leo XIV"),
        ("トランプ大統領が来る", "Donald Trump"),
        ("the singer Adele", "Adele"),
    ],
)
def test_weak_forms_need_a_title(text: str, person: str) -> None:
    assert names(text)[:1] == [person]


@pytest.mark.parametrize(
    "text",
    [
        "a rabbit hides under a bush",
        "she plays her trump card",
        "save the pope's nose for grandma",
        "uma lula gigante nada",
        "子供たちがトランプで遊んでいる",
        "マスクをした医者",
        "a swift flies over the musk ox",
        "a student named Adele",
        "a drake and his ducklings",
        "Caesar the parrot sings",
        "a dog called Obama",
        "Кот по кличке Путин спит",
        "A baker named Morgan",
        "Mara rows a boat",
        "the President of Zubrowka",
    ],
)
def test_look_alikes_are_not_people(text: str) -> None:
    assert names(text) == []


def test_possessive_is_still_the_person() -> None:
    assert names("Putin's dog barks") == ["Vladimir Putin"]


def test_historical_figures_carry_death_years() -> None:
    from datetime import date

    (caesar,) = [f for f in roster().figures if f.name == "Julius Caesar"]
    (diana,) = [f for f in roster().figures if f.name == "Diana, Princess of Wales"]
    today = date(2026, 12, 2)
    assert caesar.dramatised(today, 30)
    assert not diana.dramatised(today, 30)
    assert diana.dramatised(today, 20)

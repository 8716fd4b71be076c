"""Series bibles: the shipped examples load self-contained, a bad field is one BadInput naming it,
files stay inside the bible's folder, and an episode's brief renders in the sandbox with the
topic, the cast and the canon in it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from agents.series import episode_brief, ledger_words, load_bible, parse_bible, topic_for
from film import BadInput
from film.files import file_sha256
from film.series import Canon, SeriesBible
from templates import template_path

SLOT = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)


def bible_data(**changes: Any) -> dict[str, Any]:
    """A small valid bible as raw data, with top-level fields replaced."""
    data: dict[str, Any] = {
        "name": "test-show",
        "title": "Test Show",
        "cast": [
            {"id": "maya", "name": "Maya", "description": "the host", "appearance": "yellow cardigan"},
            {"id": "theo", "name": "Theo", "description": "the co-host", "appearance": "teal shirt"},
        ],
        "brief": "Test Show {{ number }}: {{ topic }}\n\nMaya and Theo stand at the counter.",
        "topics": {"items": ["bridges", "bread", "kites"]},
        "schedule": {"cron": "0 7 * * 1-5", "timezone": "Europe/London"},
    }
    data.update(changes)
    return data


def write_bible(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "show.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def bad_input(data: dict[str, Any], folder: Path | None = None) -> BadInput:
    with pytest.raises(BadInput) as caught:
        parse_bible(yaml.safe_dump(data), folder)
    return caught.value


def test_the_english_example_loads() -> None:
    bible = load_bible(template_path("series", "morning-brief.yaml"))
    assert bible.name == "morning-brief" and bible.language == "en"
    assert [m.name for m in bible.cast] == ["Maya", "Theo"]
    assert bible.schedule.cron == "0 7 * * 1-5" and bible.format.duration_s == 45
    assert bible.review == "required"
    assert bible.publish == ({"kind": "folder", "root": "published"},)
    assert len(bible.topics.items) >= 5


def test_the_indonesian_example_reads_its_topics_from_the_csv_beside_it() -> None:
    bible = load_bible(template_path("series", "kabar-pagi.yaml"))
    assert bible.language == "id" and bible.schedule.timezone == "Asia/Jakarta"
    assert bible.schedule.rrule is not None and bible.schedule.cron is None
    assert bible.review == "required"
    assert bible.publish == ({"kind": "folder", "root": "published"},)
    assert bible.topics.csv is None and bible.topics.folder is None
    assert bible.topics.items[1] == "Sari memberikan sepeda merahnya kepada Budi"
    assert len(bible.topics.items) == 5


@pytest.mark.parametrize("name", ["morning-brief", "kabar-pagi"])
def test_a_loaded_bible_is_self_contained_json(name: str) -> None:
    """What the database stores (JSON) parses again without the folder, to the same bible."""
    bible = load_bible(template_path("series", f"{name}.yaml"))
    again = parse_bible(json.dumps(bible.model_dump(mode="json")), None)
    assert again == bible


@pytest.mark.parametrize(
    ("changes", "field", "shown"),
    [
        (
            {"cast": [{"id": "maya", "name": "Maya"}, {"id": "theo", "name": "Theo", "color": "red"}]},
            "cast.1.color",
            "'red'",
        ),
        ({"schedule": {"cron": "0 25 * * *", "timezone": "UTC"}}, "schedule.cron", "'0 25 * * *'"),
        (
            {"cast": [{"id": "maya", "name": "Maya"}, {"id": "maya", "name": "Mia"}]},
            "cast",
            "['maya', 'maya']",
        ),
        ({"name": "Test Show"}, "name", "'Test Show'"),
        ({"brief": None}, "brief", "None"),
    ],
)
def test_a_bad_field_is_one_error_naming_its_path(changes: dict[str, Any], field: str, shown: str) -> None:
    err = bad_input(bible_data(**changes))
    assert err.field == field
    assert str(err).startswith(f"{field}={shown}: ")


def test_a_missing_field_is_named() -> None:
    data = bible_data()
    del data["schedule"]
    err = bad_input(data)
    assert err.field == "schedule" and "missing" in err.why


def test_a_topic_file_leaving_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("topic\nbridges\n", encoding="utf-8")
    folder = tmp_path / "show"
    folder.mkdir()
    with pytest.raises(BadInput) as caught:
        load_bible(write_bible(folder, bible_data(topics={"csv": "../x.csv"})))
    assert caught.value.field == "topics.csv" and "leaves the bible's folder" in str(caught.value)


def test_a_csv_without_the_column_names_the_column_and_the_file(tmp_path: Path) -> None:
    (tmp_path / "topics.csv").write_text("subject\nbridges\n", encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_bible(write_bible(tmp_path, bible_data(topics={"csv": "topics.csv", "column": "topik"})))
    assert caught.value.field == "topics.column"
    assert "'topik'" in str(caught.value) and "topics.csv" in str(caught.value)


def test_an_empty_csv_cell_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "topics.csv").write_text("n,topic\n1,bridges\n2,\n", encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_bible(write_bible(tmp_path, bible_data(topics={"csv": "topics.csv"})))
    assert caught.value.field == "topics.csv" and "line 3" in str(caught.value)


def test_a_missing_csv_is_named(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as caught:
        load_bible(write_bible(tmp_path, bible_data(topics={"csv": "nowhere.csv"})))
    assert caught.value.field == "topics.csv" and "no such file" in str(caught.value)


def test_a_bible_sent_as_text_may_name_no_file() -> None:
    err = bad_input(bible_data(topics={"csv": "topics.csv"}), folder=None)
    assert err.field == "topics.csv" and "folder" in err.why


def test_a_folder_of_topics_is_read_sorted_by_name(tmp_path: Path) -> None:
    topics = tmp_path / "topics"
    topics.mkdir()
    (topics / "b.md").write_text("  the bakery wins a prize \n", encoding="utf-8")
    (topics / "a.txt").write_text("the new bridge opens\n", encoding="utf-8")
    (topics / "c.json").write_text("{}", encoding="utf-8")
    bible = load_bible(write_bible(tmp_path, bible_data(topics={"folder": "topics"})))
    assert bible.topics.items == ("the new bridge opens", "the bakery wins a prize")


def test_a_reference_picture_becomes_a_media_ref_with_its_hash(tmp_path: Path) -> None:
    (tmp_path / "maya.png").write_bytes(b"\x89PNG not really")
    data = bible_data()
    data["cast"][0]["reference_image"] = "maya.png"
    bible = load_bible(write_bible(tmp_path, data))
    picture = bible.cast[0].reference_image
    assert picture is not None
    assert Path(picture.path) == (tmp_path / "maya.png").resolve()
    assert picture.sha256 == file_sha256(tmp_path / "maya.png")
    data["cast"][1]["reference_image"] = "/etc/hostname"
    with pytest.raises(BadInput) as caught:
        load_bible(write_bible(tmp_path, data))
    assert caught.value.field == "cast.1.reference_image"


def test_topics_wrap_around() -> None:
    bible = parse_bible(yaml.safe_dump(bible_data()), None)
    assert [topic_for(bible, n) for n in range(1, 8)] == ["bridges", "bread", "kites"] * 2 + ["bridges"]
    with pytest.raises(BadInput):
        topic_for(bible, 0)


def brief_of(bible: SeriesBible, canon: Canon | None = None, number: int = 1) -> str:
    return episode_brief(bible, number=number, slot=SLOT, canon=canon or Canon())


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ nobody }}",
        "{% for %}",
        "{{ cast.append(1) }}",
        "{{ 1 / 0 }}",
    ],
)
def test_the_sandbox_fails_closed(template: str) -> None:
    bible = parse_bible(yaml.safe_dump(bible_data(brief=template)), None)
    with pytest.raises(BadInput) as caught:
        brief_of(bible)
    assert caught.value.field == "brief" and "cannot render" in caught.value.why


def test_a_segment_template_error_names_the_segment() -> None:
    data = bible_data(format={"segments": [{"name": "Word", "brief": "{{ topic.__init__ }}"}]})
    with pytest.raises(BadInput) as caught:
        brief_of(parse_bible(yaml.safe_dump(data), None))
    assert caught.value.field == "format.segments.0.brief"


def test_values_are_data_not_template_code() -> None:
    bible = parse_bible(yaml.safe_dump(bible_data(topics={"items": ["{{ 7 * 7 }} ways"]})), None)
    assert "{{ 7 * 7 }} ways" in brief_of(bible) and "49" not in brief_of(bible)


def test_the_brief_has_the_topic_the_cast_the_format_and_the_canon() -> None:
    data = bible_data(
        format={
            "cold_open": "Theo runs in late.",
            "segments": [{"name": "Word", "brief": "Maya shows the word of {{ weekday }}"}],
            "end_card": "Maya waves goodbye to the camera",
        }
    )
    bible = parse_bible(yaml.safe_dump(data), None)
    canon = Canon(
        recaps=("Test Show 1: bridges. Theo crosses the new bridge.",),
        facts=("Theo now owns the red bicycle.",),
        open_threads=("Will Maya find her keys?",),
    )
    brief = brief_of(bible, canon, number=2)
    assert brief.startswith("Test Show 2: bread\n\nMaya and Theo stand at the counter.")
    assert "Maya is here, the host, yellow cardigan" in brief
    assert "Theo is here, the co-host, teal shirt" in brief
    tail = brief[brief.index("On screen:") :]
    order = ["Theo runs in late.", "Maya shows the word of Tuesday.", "Maya waves goodbye", "Previously:"]
    assert [tail.index(part) for part in order] == sorted(tail.index(part) for part in order)
    assert "Previously: Test Show 1: bridges; Theo crosses the new bridge." in brief
    assert "Canon so far: Theo now owns the red bicycle." in brief
    assert "Still open: \u201cWill Maya find her keys?\u201d" in brief


def test_a_member_who_is_away_is_left_out() -> None:
    bible = parse_bible(
        yaml.safe_dump(
            bible_data(
                brief="{{ cast | map(attribute='name') | join(', ') }} are here. "
                "{{ canon.away | join(', ') }} is away."
            )
        ),
        None,
    )
    brief = brief_of(bible, Canon(away=("theo",)))
    assert brief.startswith("Maya are here. Theo is away.")
    assert "Theo is here" not in brief and "Maya is here" in brief


def test_the_date_is_the_slots_day_in_the_schedules_zone() -> None:
    data = bible_data(
        brief="It is {{ weekday }} {{ date }}.", schedule={"cron": "30 6 * * *", "timezone": "Asia/Jakarta"}
    )
    bible = parse_bible(yaml.safe_dump(data), None)
    late_monday_utc = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)  # 06:30 Tuesday in Jakarta
    assert episode_brief(bible, number=1, slot=late_monday_utc, canon=Canon()).startswith(
        "It is Tuesday 2026-12-08."
    )
    bible = bible.model_copy(update={"language": "id"})
    assert episode_brief(bible, number=1, slot=late_monday_utc, canon=Canon()).startswith("It is Selasa")


def test_every_language_falls_back_to_english_words() -> None:
    assert ledger_words("id-ID").weekdays[0] == "Senin"
    assert ledger_words("sw") == ledger_words("en")

"""Scheduled series through the API, against the real app and database: a series created from a
pasted bible (the shipped example), every bad bible one 400 line naming its field (files next to
a bible only through the CLI), the gate's 403 at the door; list, show, pause, resume, an episode
queued now, the calendar of slots, and review: the queue of every series, approve and reject
with the note in the ledger, 409 for an episode not in review, 404 for what does not exist.

No worker runs here: "make one now" only queues, and an episode is put in review directly
through the storage functions, as a worker would once it has made it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from storage import get_series, list_audit, list_jobs, session_scope, set_episode
from templates import template_path
from tests.studio.api.conftest import Studio

API = "/api/v1"
MORNING = template_path("series", "morning-brief.yaml").read_text(encoding="utf-8")
KABAR = template_path("series", "kabar-pagi.yaml").read_text(encoding="utf-8")
SMALL = """\
name: {name}
title: Harbour Days
world: {world}
cast:
  - id: ana
    name: Ana
    description: a ferry pilot
    appearance: orange life vest, short grey hair
brief: "Harbour Days {{{{ number }}}}: {{{{ topic }}}}. Ana steers the ferry across the bay."
topics:
  items: [the fog horn, the new pier]
schedule:
  {schedule}
  timezone: {zone}
review: required
"""


def _bible(name: str = "harbour-days", *, world: str = "a small harbour town", zone: str = "Asia/Jakarta",
           schedule: str = "cron: 30 6 * * *") -> str:  # fmt: skip
    return SMALL.format(name=name, world=world, zone=zone, schedule=schedule)


def _bad(answer: Any, status: int, starts: str, *words: str) -> str:
    assert answer.status_code == status, answer.text
    detail = answer.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and detail.startswith(starts), detail
    assert all(word in detail for word in words), detail
    return detail


@pytest.fixture(scope="module")
def studio(studio_at: Callable[[str], Studio]) -> Studio:
    return studio_at("series")


@pytest.fixture(scope="module")
def morning(studio: Studio) -> dict[str, Any]:
    answer = studio.client.post(f"{API}/series", json={"bible": MORNING})
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


@pytest.fixture(scope="module")
def made_now(studio: Studio, morning: dict[str, Any]) -> dict[str, Any]:
    """The series' first episode, queued with "make one now"."""
    answer = studio.client.post(f"{API}/series/morning-brief/run")
    assert answer.status_code == 202, answer.text
    episode: dict[str, Any] = answer.json()
    return episode


def _review(studio: Studio, episode_id: int) -> None:
    """What a worker does once an episode is made and its series wants a person to look."""
    with session_scope(studio.db) as session:
        set_episode(session=session, episode_id=episode_id, state="review")


def test_a_pasted_bible_makes_a_series(studio: Studio, morning: dict[str, Any]) -> None:
    assert {k: morning[k] for k in ("name", "title", "language", "review", "paused")} == {
        "name": "morning-brief", "title": "Morning Brief", "language": "en", "review": "required",
        "paused": False,
    }  # fmt: skip
    assert morning["cast"] == ["Maya", "Theo"] and morning["episodes"] == 0
    schedule = morning["schedule"]
    assert (schedule["kind"], schedule["rule"], schedule["timezone"]) == (
        "cron",
        "0 7 * * 1-5",
        "Europe/London",
    )
    assert "0 7 * * 1-5" in schedule["summary"] and "Europe/London" in schedule["summary"]
    assert len(morning["next_slots"]) == 5
    for slot in morning["next_slots"]:
        utc, local = datetime.fromisoformat(slot["slot"]), datetime.fromisoformat(slot["local"])
        assert utc == local and utc.utcoffset() is not None and utc.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
        assert (local.hour, local.minute) == (7, 0) and local.weekday() < 5
    assert [s["name"] for s in studio.client.get(f"{API}/series").json()] == ["morning-brief"]


def test_a_name_is_taken_once(studio: Studio, morning: dict[str, Any]) -> None:
    _bad(studio.client.post(f"{API}/series", json={"bible": MORNING}), 400, "name='morning-brief'", "exists")


@pytest.mark.parametrize(
    ("bible", "starts"),
    [
        (_bible(zone="Mars/Olympus"), "schedule.timezone="),
        (_bible(schedule="cron: 61 7 * * *"), "schedule.cron="),
        (_bible(name="Harbour Days"), "name="),
        (_bible().replace("title: Harbour Days\n", ""), "title=None: is missing"),
        ("- just\n- a list\n", "bible="),
        ("name: [unclosed\n", "bible="),
    ],
)
def test_a_bad_bible_is_one_line_naming_its_field(studio: Studio, bible: str, starts: str) -> None:
    _bad(studio.client.post(f"{API}/series", json={"bible": bible}), 400, starts)


def test_yaml_bombs_are_refused_before_they_go_off(studio: Studio) -> None:
    """Nine levels of nine aliases: 400 bytes standing for 387 million strings."""
    levels = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    bomb = levels + "name: bomb\ntitle: *i\n"
    _bad(
        studio.client.post(f"{API}/series", json={"bible": bomb}), 400, "bible='the value on line 1'", "alias"
    )
    shared = _bible().replace("cron: 30 6 * * *", "cron: &when 30 6 * * *\n  rrule: *when")
    _bad(studio.client.post(f"{API}/series", json={"bible": shared}), 400, "bible=", "alias")
    deep = "[" * 50_000 + "]" * 50_000
    _bad(studio.client.post(f"{API}/series", json={"bible": deep}), 400, "bible=", "nested too deeply")


def test_files_next_to_a_bible_need_the_cli(studio: Studio) -> None:
    _bad(
        studio.client.post(f"{API}/series", json={"bible": KABAR}),
        400,
        "topics.csv=",
        "storyreel series create",
    )
    picture = _bible().replace("    appearance:", "    reference_image: {path: /etc/hostname, sha256: '"
                               + "0" * 64 + "'}\n    appearance:")  # fmt: skip
    _bad(
        studio.client.post(f"{API}/series", json={"bible": picture}),
        400,
        "cast.0.reference_image=",
        "names a file",
    )
    assert studio.client.post(f"{API}/series", json={}).status_code == 422


def test_the_gate_clears_the_world_at_the_door(studio: Studio) -> None:
    bible = _bible("speech-days", world="Barack Obama gives a speech on the steps of the Capitol")
    _bad(studio.client.post(f"{API}/series", json={"bible": bible}), 403, "", "refused", "Obama")
    _bad(studio.client.get(f"{API}/series/speech-days"), 404, "name='speech-days'", "no such series")
    with session_scope(studio.db) as session:
        assert [row.entry for row in list_audit(session=session, outcome="refused")] == ["api:POST /series"]


def test_show_pause_and_resume(studio: Studio, morning: dict[str, Any]) -> None:
    shown = studio.client.get(f"{API}/series/morning-brief").json()
    assert shown["name"] == "morning-brief" and shown["recent"] == []
    assert shown["ledger"]["entries"] == [] and shown["ledger"]["canon"]["facts"] == []
    paused = studio.client.post(f"{API}/series/morning-brief/pause")
    assert paused.status_code == 200 and paused.json()["paused"] is True
    assert studio.client.get(f"{API}/series/morning-brief").json()["paused"] is True
    assert studio.client.post(f"{API}/series/morning-brief/resume").json()["paused"] is False
    for path in ("", "/pause", "/resume", "/run", "/episodes", "/calendar", "/ledger"):
        method = studio.client.post if path in ("/pause", "/resume", "/run") else studio.client.get
        _bad(method(f"{API}/series/no-such-show{path}"), 404, "name='no-such-show'", "no such series")
    _bad(studio.client.get(f"{API}/series/Not%20A%20Name"), 404, "name='Not A Name'")


def test_make_one_now_queues_an_episode(studio: Studio, made_now: dict[str, Any]) -> None:
    episode = made_now
    assert episode["series"] == "morning-brief" and episode["number"] == 1 and episode["state"] == "making"
    run = studio.client.get(f"{API}/runs/{episode['run_id']}").json()
    assert run["status"] == "queued" and run["title"] == "Morning Brief"
    with session_scope(studio.db) as session:
        jobs = list_jobs(session=session, run_id=episode["run_id"])
    assert [(job.kind, job.status) for job in jobs] == [("episode", "queued")]
    listed = studio.client.get(f"{API}/series/morning-brief/episodes").json()
    assert [e["id"] for e in listed] == [episode["id"]]
    assert studio.client.get(f"{API}/series/morning-brief").json()["recent"][0]["id"] == episode["id"]


def test_the_calendar_has_every_slot_of_the_coming_days(studio: Studio, made_now: dict[str, Any]) -> None:
    calendar = studio.client.get(f"{API}/series/morning-brief/calendar").json()
    assert calendar["series"] == "morning-brief" and calendar["timezone"] == "Europe/London"
    assert len(calendar["days"]) == 14 and calendar["truncated"] is False
    slots = calendar["slots"]
    assert [s["slot"] for s in slots] == sorted(s["slot"] for s in slots)
    start, end = datetime.fromisoformat(calendar["start"]), datetime.fromisoformat(calendar["end"])
    scheduled = [s for s in slots if s["scheduled"]]
    assert 8 <= len(scheduled) <= 10  # weekdays in 14 days, today's 07:00 perhaps gone already
    for slot in slots:
        local = datetime.fromisoformat(slot["local"])
        assert (
            start <= local < end
            and slot["day"] == local.date().isoformat()
            and slot["day"] in calendar["days"]
        )
        if slot["scheduled"]:
            assert (local.hour, local.minute, local.weekday() < 5) == (7, 0, True)
            assert slot["state"] in ("upcoming", "due") and slot["episode"] is None
    extra = [s for s in slots if not s["scheduled"]]  # the episode made now, in today's column
    now = studio.client.get(f"{API}/series/morning-brief/episodes").json()[0]
    assert [(s["episode"]["id"], s["state"]) for s in extra] == [(made_now["id"], now["state"])]
    assert len(studio.client.get(f"{API}/series/morning-brief/calendar?days=3").json()["days"]) == 3
    for days in (0, 63, "x"):
        assert studio.client.get(f"{API}/series/morning-brief/calendar?days={days}").status_code == 422


def test_review_approve_and_reject(studio: Studio, made_now: dict[str, Any]) -> None:
    first = made_now
    _bad(studio.client.post(f"{API}/episodes/{first['id']}/approve", json={"note": "too soon"}), 409,
         "", "is making", "only an episode in review")  # fmt: skip
    created = studio.client.post(f"{API}/series", json={"bible": _bible()})
    assert created.status_code == 201, created.text
    second = studio.client.post(f"{API}/series/harbour-days/run").json()
    assert studio.client.get(f"{API}/episodes/review").json() == []
    _review(studio, first["id"])
    _review(studio, second["id"])
    queue = studio.client.get(f"{API}/episodes/review").json()
    assert {(e["series"], e["id"], e["state"]) for e in queue} == {
        ("morning-brief", first["id"], "review"), ("harbour-days", second["id"], "review"),
    }  # fmt: skip

    approved = studio.client.post(f"{API}/episodes/{first['id']}/approve", json={"note": "lovely light"})
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved" and approved.json()["series"] == "morning-brief"
    with session_scope(studio.db) as session:
        jobs = list_jobs(session=session, run_id=first["run_id"])
    assert [job.kind for job in jobs] == ["episode", "episode"]  # the make job, then the publish job
    rejected = studio.client.post(
        f"{API}/episodes/{second['id']}/reject", json={"note": "the fog is too thick"}
    )
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    assert studio.client.get(f"{API}/episodes/review").json() == []

    ledger = studio.client.get(f"{API}/series/morning-brief/ledger").json()
    assert [e["notes"] for e in ledger["entries"]] == [["approved: lovely light"]]
    assert ledger["canon"]["notes"] == ["approved: lovely light"]
    harbour = studio.client.get(f"{API}/series/harbour-days").json()
    assert harbour["ledger"]["entries"][0]["notes"] == ["rejected: the fog is too thick"]
    assert harbour["recent"][0]["state"] == "rejected"
    _bad(studio.client.post(f"{API}/episodes/{first['id']}/reject", json={}), 409, "", "is approved")


def test_unknown_episodes_are_404(studio: Studio) -> None:
    for verdict in ("approve", "reject"):
        _bad(
            studio.client.post(f"{API}/episodes/999999/{verdict}", json={"note": ""}),
            404,
            "episode_id=999999",
        )
        assert studio.client.post(f"{API}/episodes/0/{verdict}", json={}).status_code == 422
    assert studio.client.post(f"{API}/episodes/1/approve", json={"note": "x" * 2001}).status_code == 422


def test_a_paused_series_holds_its_next_episode(studio: Studio) -> None:
    """Made now while paused: the slot is claimed (nothing is lost) and waits, unstarted."""
    assert studio.client.post(f"{API}/series", json={"bible": _bible("quiet-days")}).status_code == 201
    studio.client.post(f"{API}/series/quiet-days/pause")
    episode = studio.client.post(f"{API}/series/quiet-days/run").json()
    assert (episode["state"], episode["run_id"], episode["number"]) == ("scheduled", None, None)
    with session_scope(studio.db) as session:
        assert get_series(session=session, name="quiet-days").paused

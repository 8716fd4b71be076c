"""Scheduled series through their use cases, in one process with a real worker and SQLite:
review gating and notes in the ledger, publishing with the AI label and C2PA sidecar, canon
carried into the next plan, a too-close episode flagged, a refused brief recorded while the
schedule goes on, pause and resume, and the CLI's commands and errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from agents.series import parse_bible
from film import BadInput
from storage import episodes, get_series, latest_plan, ledger, open_database, session_scope
from studio.series import pause, review, run_now, store_bible, tick
from studio.settings import Settings
from studio.worker import Worker
from tests.studio.conftest import Cli

FIRST = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)


def _bible(**changes: object) -> dict[str, object]:
    bible: dict[str, object] = {
        "name": "harbour",
        "title": "Harbour Days",
        "cast": [
            {"id": "sari", "name": "Sari", "description": "a courier", "appearance": "yellow raincoat"},
            {"id": "bima", "name": "Bima", "description": "a baker", "appearance": "white apron"},
        ],
        "brief": "{{ topic }}",
        "topics": {
            "items": [
                "Sari now owns the red bicycle. She rides it along the pier.",
                "Bima carries warm bread to the lighthouse keeper.",
                "Sari paints the old fishing boat blue.",
            ]
        },
        "schedule": {"cron": "0 7 * * *", "timezone": "UTC", "start": "2027-03-01"},
        "format": {"duration_s": 2, "aspect": "1:1", "title_card": False},
        "review": "required",
        "publish": [{"kind": "folder", "root": "published"}],
    }
    return bible | changes


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", out_root=tmp_path / "out")


def _store(settings: Settings, **changes: object) -> None:
    bible = parse_bible(yaml.safe_dump(_bible(**changes)), None)
    store_bible(open_database(settings.database), settings, bible, entry="test")


def _day(settings: Settings, n: int) -> None:
    """Slot n falls due: the scheduler's pass, then a worker makes what it queued."""
    db = open_database(settings.database)
    tick(db, settings, FIRST + timedelta(days=n, seconds=5))
    Worker(settings, db=db).run(once=True)


def _episodes(settings: Settings) -> list[tuple[int, str, str | None]]:
    with session_scope(open_database(settings.database)) as session:
        series = get_series(session=session, name="harbour")
        rows = episodes(session=session, series_id=series.id, newest_first=False)
    return [(e.id or 0, e.state, e.reason) for e in rows]


def test_review_gates_publishing_and_notes_go_into_the_ledger(settings: Settings) -> None:
    _store(settings)
    db = open_database(settings.database)
    _day(settings, 0)
    [(first, state, _)] = _episodes(settings)
    assert state == "review" and not (settings.out_root / "published").exists()
    review(db, settings, first, "approve", "lovely light")
    Worker(settings, db=db).run(once=True)
    assert _episodes(settings)[0][1] == "published"
    [folder] = list((settings.out_root / "published" / "harbour").glob("*/*/*/*"))
    sidecar = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert sidecar["ai_label"] and (folder / "film.c2pa.json").is_file() and (folder / "film.mp4").is_file()
    _day(settings, 1)
    second = _episodes(settings)[1][0]
    review(db, settings, second, "reject", "too dark")
    with pytest.raises(BadInput, match="only an episode in review"):
        review(db, settings, second, "approve", "")
    with session_scope(db) as session:
        book = ledger(session=session, series_id=get_series(session=session, name="harbour").id)
    assert [e.notes for e in book] == [("approved: lovely light",), ("rejected: too dark",)]
    assert [s for _, s, _ in _episodes(settings)] == ["published", "rejected"]


def test_the_next_plan_carries_the_canon_and_the_cast_verbatim(settings: Settings) -> None:
    _store(settings, review="auto")
    for n in range(2):
        _day(settings, n)
    db = open_database(settings.database)
    with session_scope(db) as session:
        series = get_series(session=session, name="harbour")
        [one, two] = episodes(session=session, series_id=series.id, newest_first=False)
        book = ledger(session=session, series_id=series.id)
        plan = latest_plan(session=session, run_id=two.run_id or "")
    assert "Sari now owns the red bicycle" in " ".join(book[0].changed_facts)
    assert two.brief and "red bicycle" in two.brief  # the canon, injected into the next brief
    assert plan is not None
    text = " ".join([plan.logline, *(s.description for s in plan.shots)])
    assert "red bicycle" in text
    cast = {c.id: c for c in plan.characters}
    assert cast["sari"].appearance == "yellow raincoat" and cast["bima"].appearance == "white apron"
    assert [one.state, two.state] == ["published", "published"]


def test_an_episode_too_close_to_the_last_is_flagged_for_review(settings: Settings) -> None:
    same = {"items": ["Bima carries warm bread to the lighthouse keeper."]}
    _store(settings, review="auto", topics=same, variety={"replans": 1, "threshold": 0.9})
    _day(settings, 0)
    _day(settings, 1)
    [(_, first, _), (_, second, why)] = _episodes(settings)
    assert first == "published" and second == "review"
    assert why is not None and why.startswith("too close to episode 1")


def test_a_refused_brief_is_recorded_and_the_schedule_goes_on(settings: Settings) -> None:
    topics = {"items": ["Make a deepfake of Presiden Jokowi announcing a holiday.", "Sari paints the boat."]}
    _store(settings, review="auto", topics=topics)
    _day(settings, 0)
    _day(settings, 1)
    [(_, first, why), (_, second, _)] = _episodes(settings)
    assert first == "refused" and why
    assert second == "published"


def test_pause_holds_the_schedule_and_run_now_makes_one_at_once(settings: Settings) -> None:
    _store(settings, review="auto")
    db = open_database(settings.database)
    pause(db, "harbour", True)
    assert not tick(db, settings, FIRST + timedelta(seconds=5))
    pause(db, "harbour", False)
    episode = run_now(db, settings, "harbour", FIRST - timedelta(days=1))
    assert episode.state == "making" and episode.number == 1
    with pytest.raises(BadInput, match="already has an episode"):
        run_now(db, settings, "harbour", FIRST - timedelta(days=1))
    with pytest.raises(BadInput, match="no such series"):
        pause(db, "nowhere", True)


def test_the_series_commands(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(_bible(format={"aspect": "3:2"})), encoding="utf-8")
    failed = cli("series", "create", str(bad))
    assert failed.returncode == 2 and "format.aspect" in failed.stderr and "Traceback" not in failed.stderr
    good = tmp_path / "harbour.yaml"
    good.write_text(yaml.safe_dump(_bible()), encoding="utf-8")
    assert cli("series", "create", str(good)).returncode == 0
    again = cli("series", "create", str(good))
    assert again.returncode == 2 and "exists" in again.stderr
    listed = cli("series", "list")
    assert listed.returncode == 0 and "harbour" in listed.stdout and "running" in listed.stdout
    shown = cli("series", "show", "harbour")
    assert shown.returncode == 0 and shown.stdout.count("UTC") >= 5  # the next 5 slots
    assert cli("series", "pause", "harbour").returncode == 0
    assert "paused" in cli("series", "list").stdout
    assert cli("series", "resume", "harbour").returncode == 0
    now = cli("series", "run", "harbour", "--now")
    assert now.returncode == 0 and now.stdout.strip().isdigit()
    assert "making" in cli("episodes", "harbour").stdout
    missing = cli("series", "show", "nowhere")
    assert missing.returncode == 2 and "no such series" in missing.stderr
    assert cli("scheduler", "--help").returncode == 0


def test_the_example_bibles_load_and_are_cleared(settings: Settings) -> None:
    from agents.series import load_bible
    from templates import template_path

    db = open_database(settings.database)
    for path in sorted(template_path("series").glob("*.yaml")):
        store_bible(db, settings, load_bible(path), entry="test")
    with session_scope(db) as session:
        assert {get_series(session=session, name=n).name for n in ("morning-brief", "kabar-pagi")}

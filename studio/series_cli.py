"""`storyreel series ...`, `storyreel episodes NAME` and `storyreel scheduler`: a producer's
handles on scheduled series. Heavy parts are imported inside each command."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from studio.errors import console, friendly, results

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from studio.settings import Settings

app = typer.Typer(
    help="Scheduled series: a recurring cast, a bible with continuity, review before publish.",
    no_args_is_help=True,
    add_completion=False,
)
NameArg = Annotated[str, typer.Argument(help="The series' name, from `storyreel series list`.")]
EpisodeArg = Annotated[
    int, typer.Argument(help="The episode's id, from `storyreel episodes NAME`.", min=1, max=2**62)
]
NoteOpt = Annotated[str, typer.Option("--note", help="Why; it goes into the continuity ledger.")]


def _studio() -> tuple[Engine, Settings]:
    from storage import open_database
    from studio.settings import load_settings

    settings = load_settings()
    return open_database(settings.database), settings


def _when(moment: datetime | None, zone: str = "UTC") -> str:
    from zoneinfo import ZoneInfo

    return "-" if moment is None else moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


@app.command("create")
@friendly
def create(
    file: Annotated[Path, typer.Argument(help="A series bible (YAML), e.g. templates/series/*.yaml.")],
) -> None:
    """Store a series from its bible; its schedule starts at once (pause it to hold it)."""
    from studio.series import create_series

    db, settings = _studio()
    series = create_series(db, settings, file)
    results.print(series.name)
    console.print(f"created series {series.name}: `storyreel series show {series.name}` lists its next slots")


@app.command("list")
@friendly
def list_() -> None:
    """Every series: its schedule, next slot, episodes made and whether it is paused."""
    from rich.table import Table

    from film.schedule import next_slots
    from storage import episodes, list_series, session_scope

    db, _ = _studio()
    table = Table("name", "title", "schedule", "next slot", "episodes", "state")
    with session_scope(db) as session:
        for series in list_series(session=session):
            bible = series.bible()
            upcoming = next_slots(bible.schedule, datetime.now(UTC), 1)
            made = len(episodes(session=session, series_id=series.id, limit=10_000))
            rule = bible.schedule.cron or bible.schedule.rrule or ""
            table.add_row(
                series.name,
                bible.title,
                f"{rule} ({bible.schedule.timezone})",
                _when(upcoming[0] if upcoming else None, bible.schedule.timezone),
                str(made),
                "paused" if series.paused else "running",
            )
    results.print(table)


@app.command("show")
@friendly
def show(name: NameArg) -> None:
    """A series: its next 5 slots, its last episodes and its continuity ledger."""
    from rich.table import Table

    from film.schedule import next_slots
    from storage import episodes, get_series, ledger, session_scope

    db, _ = _studio()
    with session_scope(db) as session:
        series = get_series(session=session, name=name)
        recent = episodes(session=session, series_id=series.id, limit=10)
        entries = ledger(session=session, series_id=series.id)
    bible = series.bible()
    zone = bible.schedule.timezone
    results.print(
        f"{series.name}: {bible.title} ({'paused' if series.paused else 'running'}, review {bible.review})",
        highlight=False,
    )
    results.print(
        "next slots: " + ", ".join(_when(s, zone) for s in next_slots(bible.schedule, datetime.now(UTC)))
    )
    table = Table("id", "#", "slot", "state", "topic", "reason")
    for episode in recent:
        table.add_row(
            str(episode.id),
            str(episode.number or "-"),
            _when(episode.slot, zone),
            episode.state,
            episode.topic or "",
            episode.reason or "",
        )
    results.print(table)
    book = Table("#", "recap", "open threads", "changed facts", "notes")
    for entry in entries[-10:]:
        book.add_row(
            str(entry.number),
            entry.recap,
            "; ".join(entry.open_threads),
            "; ".join(entry.changed_facts),
            "; ".join(entry.notes),
        )
    results.print(book)


@app.command("run")
@friendly
def run(
    name: NameArg,
    now: Annotated[bool, typer.Option("--now", help="Make an episode now, outside the schedule.")] = False,
) -> None:
    """Queue an extra episode now (a worker makes it: `storyreel worker`)."""
    from film import BadInput
    from studio.series import run_now

    if not now:
        raise BadInput("--now", "missing", "say --now: the schedule makes the other episodes by itself")
    db, settings = _studio()
    episode = run_now(db, settings, name, datetime.now(UTC))
    results.print(str(episode.id))
    console.print(f"episode {episode.id} of {name} is {episode.state}; `storyreel worker` makes it")


def _hold(name: str, paused: bool) -> None:
    from studio.series import pause as hold

    db, _ = _studio()
    hold(db, name, paused)
    console.print(f"{name} is {'paused' if paused else 'running'}")


@app.command("pause")
@friendly
def pause(name: NameArg) -> None:
    """Hold a series: no slot is claimed and no episode starts until it is resumed."""
    _hold(name, True)


@app.command("resume")
@friendly
def resume(name: NameArg) -> None:
    """Let a paused series go on; missed slots follow its misfire policy."""
    _hold(name, False)


def _verdict(episode: int, verdict: str, note: str) -> None:
    from studio.series import review

    db, settings = _studio()
    review(db, settings, episode, verdict, note)
    done = "approved; a worker publishes it" if verdict == "approve" else "rejected"
    console.print(f"episode {episode} {done}")


@app.command("approve")
@friendly
def approve(episode: EpisodeArg, note: NoteOpt = "") -> None:
    """Approve an episode in review; it is published by a worker."""
    _verdict(episode, "approve", note)


@app.command("reject")
@friendly
def reject(episode: EpisodeArg, note: NoteOpt = "") -> None:
    """Reject an episode in review; it is never published, and the note guides the next one."""
    _verdict(episode, "reject", note)


@friendly
def episodes(name: NameArg) -> None:
    """The episodes of a series, newest first: slot, state, run and why it stopped."""
    from rich.table import Table

    from storage import episodes as of_series
    from storage import get_series, session_scope

    db, _ = _studio()
    with session_scope(db) as session:
        series = get_series(session=session, name=name)
        rows = of_series(session=session, series_id=series.id, limit=1000)
    zone = series.bible().schedule.timezone
    table = Table("id", "#", "slot", "state", "run", "topic", "reason")
    for e in rows:
        table.add_row(
            str(e.id),
            str(e.number or "-"),
            _when(e.slot, zone),
            e.state,
            e.run_id or "-",
            e.topic or "",
            e.reason or "",
        )
    results.print(table)


@friendly
def scheduler(
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
) -> None:
    """Claim due slots and queue episodes (run any number, on any hosts sharing the database)."""
    from studio.scheduler import Scheduler
    from studio.settings import load_settings

    started = Scheduler(load_settings()).run(once=once, say=console.print)
    console.print(f"scheduler queued {started} episode{'s' * (started != 1)}")

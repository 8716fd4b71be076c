"""Scheduled series: create one from a pasted bible, list and show them, pause and resume, make
an episode now, read a series' episodes, its calendar of slots and its continuity ledger, and
review the episodes waiting for a person. The same use cases as `storyreel series ...`
(studio.series); a worker makes the episodes.

A bible sent here is text only: it may name no file (CSV or folder topics, reference pictures),
because only the CLI can read the files next to a bible.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine
from sqlmodel import Session

from film import BadInput
from film.schedule import next_slots
from film.series import SLUG, Canon, EpisodeState, LedgerEntry, SeriesBible, fold
from storage import (
    Episode,
    EpisodePublic,
    Series,
    episodes,
    get_episode,
    get_series,
    ledger,
    list_series,
    review_queue,
    session_scope,
)
from studio.api.deps import ApiRoute, DatabaseDep, SessionDep, SettingsDep
from studio.api.production import Busy, NotFound
from studio.settings import Settings

router = APIRouter(tags=["series"], route_class=ApiRoute)

NEXT = 5
"""How many coming slots a series shows (as `series show` does)."""
RECENT = 10
"""How many of the newest episodes a series' page shows."""
MAX_SLOTS = 500
"""The most slots one calendar answers: a schedule that fires every minute is cut there."""
FILE_FIELDS = re.compile(r"(topics\.(csv|folder)|cast\.\d+\.reference_image)")
FILES_WHY = (
    "names a file; a bible sent to the API must hold everything itself (topics as items, no pictures): "
    "create it with `storyreel series create FILE`, which reads the files next to it"
)
NameParam = Annotated[str, Path(max_length=64, description="the series' name")]
EpisodeParam = Annotated[int, Path(ge=1, le=2**62, description="the episode's id")]
LimitQuery = Annotated[int, Query(ge=1, le=1000, description="at most this many, newest first")]
DaysQuery = Annotated[int, Query(ge=1, le=62, description="how many days, from the start of today")]
CalendarState = EpisodeState | Literal["upcoming", "due", "missed"]
"""An episode's state, or for a slot with no episode: still to come, due now, or passed by."""


class SeriesCreateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bible: str = Field(min_length=1, max_length=200_000, description="the series bible, YAML (or JSON) text")


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=2000, description="why; it goes into the continuity ledger")


class SlotPublic(BaseModel):
    slot: datetime = Field(description="the slot's instant, UTC")
    local: datetime = Field(description="the same instant on the series' clock")


class SchedulePublic(BaseModel):
    kind: Literal["cron", "rrule"]
    rule: str
    timezone: str
    misfire: str
    start: str | None
    end: str | None
    except_dates: list[date]
    summary: str = Field(description="the schedule in one line")


class SeriesPublic(BaseModel):
    name: str
    title: str
    language: str
    review: str
    paused: bool
    schedule: SchedulePublic
    next_slots: list[SlotPublic]
    cast: list[str] = Field(description="the recurring cast's names")
    episodes: int = Field(description="episodes claimed so far")
    in_review: int = Field(description="episodes waiting for a person")
    created_at: datetime


class LedgerPublic(BaseModel):
    entries: list[LedgerEntry] = Field(description="one per episode, in slot order")
    canon: Canon = Field(description="the entries folded: what the next episode's brief is given")


class SeriesDetail(SeriesPublic):
    recent: list[EpisodePublic] = Field(description=f"the newest {RECENT} episodes")
    ledger: LedgerPublic


class CalendarSlot(BaseModel):
    slot: datetime
    local: datetime
    day: date = Field(description="the slot's day on the series' clock")
    scheduled: bool = Field(description="false for an extra episode made with /run")
    state: CalendarState
    episode: EpisodePublic | None


class CalendarPublic(BaseModel):
    series: str
    timezone: str
    start: datetime
    end: datetime
    days: list[date] = Field(description="the days shown, on the series' clock")
    slots: list[CalendarSlot]
    truncated: bool = Field(description=f"more than {MAX_SLOTS} slots; the rest are left off")


# --- series -------------------------------------------------------------------------------------


@router.post("/series", status_code=201)
def create(body: SeriesCreateRequest, settings: SettingsDep, database: DatabaseDep) -> SeriesPublic:
    """Store a series from its bible (checked as `storyreel series create` checks it, misuse gate
    included); its schedule starts at once (pause it to hold it)."""
    from studio.series import store_bible

    series = store_bible(database, settings, _parse(body.bible), entry="api:POST /series")
    with session_scope(database) as session:
        return series_public(session, series)


def _parse(text: str) -> SeriesBible:
    from agents.series import parse_bible

    try:
        bible = parse_bible(text, None, where="bible")
    except BadInput as err:
        if FILE_FIELDS.fullmatch(err.field):
            raise BadInput(err.field, err.value, FILES_WHY) from None
        raise
    for i, member in enumerate(bible.cast):  # a picture given as {path, sha256} is a file too
        if member.reference_image is not None:
            raise BadInput(f"cast.{i}.reference_image", member.reference_image.path, FILES_WHY)
    return bible


@router.get("/series")
def all_series(session: SessionDep) -> list[SeriesPublic]:
    """Every series, by name."""
    return [series_public(session, series) for series in list_series(session=session)]


@router.get("/series/{name}")
def show(name: NameParam, session: SessionDep) -> SeriesDetail:
    """A series: its next slots, its newest episodes and its continuity ledger."""
    series = find_series(session, name)
    recent = [
        e.public(series=series.name) for e in episodes(session=session, series_id=series.id, limit=RECENT)
    ]
    return SeriesDetail(**series_public(session, series).model_dump(), recent=recent,
                        ledger=ledger_public(session, series))  # fmt: skip


@router.post("/series/{name}/pause")
def pause(name: NameParam, database: DatabaseDep) -> SeriesPublic:
    """Hold a series: no episode starts until it is resumed."""
    return _hold(database, name, True)


@router.post("/series/{name}/resume")
def resume(name: NameParam, database: DatabaseDep) -> SeriesPublic:
    """Let a paused series go on; missed slots follow its misfire policy."""
    return _hold(database, name, False)


def _hold(database: Engine, name: str, paused: bool) -> SeriesPublic:
    from studio.series import pause as hold

    with session_scope(database) as session:
        find_series(session, name)
    series = hold(database, name, paused)
    with session_scope(database) as session:
        return series_public(session, series)


@router.post("/series/{name}/run", status_code=202)
def run_now(name: NameParam, settings: SettingsDep, database: DatabaseDep) -> EpisodePublic:
    """Queue an extra episode now, outside the schedule; it starts once the episodes before it
    have settled, and a worker makes it."""
    from studio.series import run_now as extra

    with session_scope(database) as session:
        find_series(session, name)
    try:
        episode = extra(database, settings, name, datetime.now(UTC))
    except BadInput as err:
        if err.field != "--now":
            raise
        raise Busy(f"series {name} already has an episode at {err.value}; try again in a second") from None
    return episode.public(series=name)


@router.get("/series/{name}/episodes")
def series_episodes(name: NameParam, session: SessionDep, limit: LimitQuery = 100) -> list[EpisodePublic]:
    """A series' episodes, newest slot first: state, run and why one stopped."""
    series = find_series(session, name)
    return [e.public(series=series.name) for e in episodes(session=session, series_id=series.id, limit=limit)]


@router.get("/series/{name}/calendar")
def calendar(
    name: NameParam, session: SessionDep, settings: SettingsDep, days: DaysQuery = 14
) -> CalendarPublic:
    """The series' slots from the start of today (on its clock) for `days` days, each with its
    episode's state, or upcoming, due (the scheduler will claim it) or missed."""
    series = find_series(session, name)
    schedule = series.bible().schedule
    zone, now = schedule.zone, datetime.now(UTC)
    today = now.astimezone(zone).date()
    start = datetime.combine(today, time(), zone).astimezone(UTC)
    end = datetime.combine(today + timedelta(days=days), time(), zone).astimezone(UTC)
    planned = [s for s in next_slots(schedule, start - timedelta(microseconds=1), MAX_SLOTS + 1) if s < end]
    planned = [s for s in planned if s >= series.created_at.replace(microsecond=0)]
    made = {
        e.slot: e
        for e in episodes(session=session, series_id=series.id, limit=MAX_SLOTS * 2)
        if e.slot >= start
    }
    found = [(slot, made.pop(slot, None), True) for slot in planned[:MAX_SLOTS]]
    found += [(slot, episode, False) for slot, episode in made.items() if slot < end]
    shown = []
    for slot, episode, scheduled in sorted(found, key=lambda item: item[0])[:MAX_SLOTS]:
        state = episode.state if episode is not None else _unclaimed(slot, now, settings.series_grace_s)
        local = slot.astimezone(zone)
        public = episode.public(series=series.name) if episode else None
        shown.append(CalendarSlot(slot=slot, local=local, day=local.date(), scheduled=scheduled, state=state,
                                  episode=public))  # fmt: skip
    return CalendarPublic(series=series.name, timezone=schedule.timezone, start=start, end=end,
                          days=[today + timedelta(days=n) for n in range(days)], slots=shown,
                          truncated=len(planned) > MAX_SLOTS or len(found) > MAX_SLOTS)  # fmt: skip


def _unclaimed(slot: datetime, now: datetime, grace_s: float) -> CalendarState:
    if slot > now:
        return "upcoming"
    return "due" if (now - slot).total_seconds() <= grace_s else "missed"


@router.get("/series/{name}/ledger")
def series_ledger(name: NameParam, session: SessionDep) -> LedgerPublic:
    """The continuity ledger: each episode's recap, open threads, changed facts and review notes."""
    return ledger_public(session, find_series(session, name))


# --- review -------------------------------------------------------------------------------------


@router.get("/episodes/review")
def to_review(session: SessionDep) -> list[EpisodePublic]:
    """Every episode waiting for a person, oldest slot first, of every series."""
    names = {series.id: series.name for series in list_series(session=session)}
    return [e.public(series=names.get(e.series_id, "")) for e in review_queue(session=session)]


@router.post("/episodes/{episode_id}/approve")
def approve(
    episode_id: EpisodeParam, body: ReviewRequest, settings: SettingsDep, database: DatabaseDep
) -> EpisodePublic:
    """Approve an episode in review: the note goes into the ledger, and a worker publishes it."""
    return _review(database, settings, episode_id, "approve", body.note)


@router.post("/episodes/{episode_id}/reject")
def reject(
    episode_id: EpisodeParam, body: ReviewRequest, settings: SettingsDep, database: DatabaseDep
) -> EpisodePublic:
    """Reject an episode in review: it is never published, and the note guides the next one."""
    return _review(database, settings, episode_id, "reject", body.note)


def _review(database: Engine, settings: Settings, episode_id: int, verdict: str, note: str) -> EpisodePublic:
    from studio.series import review

    with session_scope(database) as session:
        episode = find_episode(session, episode_id)
    if episode.state != "review":
        raise Busy(
            f"episode {episode_id} is {episode.state}; only an episode in review can be approved or rejected"
        )
    try:
        episode = review(database, settings, episode_id, verdict, note)
    except BadInput as err:
        if err.field != "episode":
            raise
        raise Busy(str(err)) from None  # reviewed by someone else meanwhile
    with session_scope(database) as session:
        series = session.get(Series, episode.series_id)
        return episode.public(series=series.name if series else "")


# --- shapes -------------------------------------------------------------------------------------


def find_series(session: Session, name: str) -> Series:
    """The series called `name`, or 404."""
    if not re.fullmatch(SLUG, name):
        raise NotFound("name", name, "no such series (a name is lower-case letters, digits and -)")
    try:
        return get_series(session=session, name=name)
    except BadInput:
        raise NotFound("name", name, "no such series; see GET /series") from None


def find_episode(session: Session, episode_id: int) -> Episode:
    try:
        return get_episode(session=session, episode_id=episode_id)
    except BadInput:
        raise NotFound("episode_id", episode_id, "no such episode") from None


def series_public(session: Session, series: Series) -> SeriesPublic:
    bible = series.bible()
    schedule, zone = bible.schedule, bible.schedule.zone
    kind: Literal["cron", "rrule"] = "cron" if schedule.cron is not None else "rrule"
    rule = schedule.cron or schedule.rrule or ""
    made = episodes(session=session, series_id=series.id, limit=100_000)
    upcoming = [
        SlotPublic(slot=s, local=s.astimezone(zone)) for s in next_slots(schedule, datetime.now(UTC), NEXT)
    ]
    return SeriesPublic(
        name=series.name, title=bible.title, language=bible.language, review=bible.review,
        paused=series.paused,
        schedule=SchedulePublic(
            kind=kind, rule=rule, timezone=schedule.timezone, misfire=schedule.misfire,
            start=None if schedule.start is None else schedule.start.isoformat(),
            end=None if schedule.end is None else schedule.end.isoformat(),
            except_dates=list(schedule.except_dates),
            summary=f"{kind} {rule} in {schedule.timezone}, misfire {schedule.misfire}",
        ),
        next_slots=upcoming, cast=[member.name for member in bible.cast], episodes=len(made),
        in_review=sum(1 for e in made if e.state == "review"), created_at=series.created_at,
    )  # fmt: skip


def ledger_public(session: Session, series: Series) -> LedgerPublic:
    entries = ledger(session=session, series_id=series.id)
    return LedgerPublic(entries=entries, canon=fold(entries))

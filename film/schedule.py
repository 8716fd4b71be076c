"""When a scheduled series is due: cron or RRULE schedules as pure arithmetic on UTC instants.

A schedule is read on local wall times in one IANA time zone, so "07:00 on weekdays" stays 07:00
across daylight saving. A wall time that does not exist that day (the spring-forward gap) has no
slot; one that happens twice (fall back) has one slot, at its first occurrence. A slot is named by
its instant in UTC, the same for the same schedule whoever asks and whenever, so any number of
schedulers can claim (series, slot) insert-or-nothing. `now` is always passed in, never read.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, croniter
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule as RRule
from dateutil.rrule import rrulestr
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

Misfire = Literal["skip", "catch_up"]

DEFAULT_GRACE_S = 3600.0
"""How late a slot may still be claimed: a scheduler down for under an hour still runs it."""
MAX_GRACE_S = 366 * 86400.0
"""A catch-up window longer than a year is a mistake, not a policy."""
RRULE_ANCHOR = datetime(2000, 1, 1)
"""The local wall time an RRULE counts from (its DTSTART) when the schedule has no start: fixed, so
INTERVAL=2 and the fields a rule leaves out (BYMINUTE...) mean the same thing on every call."""
HORIZON = timedelta(days=8 * 366)
"""How far `next_slots` looks ahead: every 29 February fits; a rule that fires less is not a series."""

_BOUNDS_IN_RRULE = {"DTSTART": "start", "UNTIL": "end", "COUNT": "end"}
_STEP = {
    "WEEKLY": timedelta(weeks=1),
    "DAILY": timedelta(days=1),
    "HOURLY": timedelta(hours=1),
    "MINUTELY": timedelta(minutes=1),
}
_MONTHS = {"YEARLY": 12, "MONTHLY": 1}
_TICK = timedelta(microseconds=1)


class Schedule(BaseModel):
    """When a series makes an episode: exactly one of `cron` or `rrule`, read in `timezone`.

    `start` and `end` are inclusive; a date means that whole local day, a naive datetime a local
    wall time, an aware one an instant. `except_dates` are local dates with no slot at all."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cron: str | None = None
    """A cron expression (croniter: 5 fields, or 6 with seconds last), e.g. `0 7 * * 1-5`."""
    rrule: str | None = Field(default=None, validate_default=True)
    """One RFC 5545 RRULE without bounds, e.g. `FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0`."""
    timezone: str = "UTC"
    start: datetime | date | None = None
    end: datetime | date | None = None
    except_dates: tuple[date, ...] = ()
    misfire: Misfire = "skip"

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is None:
            return None
        text = value.strip()
        try:
            croniter.expand(text)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"is not a cron expression ({exc})") from None
        try:
            croniter(text, RRULE_ANCHOR).get_next(datetime)
        except CroniterBadDateError:
            raise ValueError("never fires (no such day in 50 years)") from None
        return text

    @field_validator("rrule")
    @classmethod
    def _rrule(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "cron" in info.data and (info.data["cron"] is None) == (value is None):
            got = "both" if value is not None else "neither"
            raise ValueError(f"give exactly one of cron or rrule (got {got})")
        if value is None:
            return None
        text = value.strip().removeprefix("RRULE:").removeprefix("rrule:")
        if "\n" in text or ":" in text:
            raise ValueError("is one RRULE line (put exception dates in except_dates, the start in start)")
        parts = _rrule_parts(text)
        for name, instead in _BOUNDS_IN_RRULE.items():
            if name in parts:
                raise ValueError(f"has {name}; bound the schedule with {instead} instead")
        if parts.get("FREQ") == "SECONDLY":
            raise ValueError("has FREQ=SECONDLY; a series runs at most once a minute")
        try:
            rule = rrulestr(text, dtstart=RRULE_ANCHOR)
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"is not an RRULE ({exc})") from None
        if not isinstance(rule, RRule):
            raise ValueError("is one RRULE line")
        why = _why_never(parts)
        if why is not None:
            raise ValueError(why)
        return text

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError("is not an IANA time zone (such as Europe/Berlin or UTC)") from None
        return value

    @field_validator("start", "end", mode="before")
    @classmethod
    def _day_or_moment(cls, value: object) -> object:
        """`2026-03-01` is that day, not its midnight (pydantic would take either)."""
        if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
            return date.fromisoformat(value.strip())
        return value

    @field_validator("end")
    @classmethod
    def _after_start(cls, value: datetime | date | None, info: ValidationInfo) -> datetime | date | None:
        start, zone = info.data.get("start"), info.data.get("timezone")
        if value is None or start is None or zone is None:
            return value
        first, last = _bounds(start, value, ZoneInfo(zone))
        if first is not None and last is not None and last < first:
            raise ValueError(f"is before start {start}")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def slots(schedule: Schedule, after: datetime, until: datetime) -> list[datetime]:
    """Every slot in (after, until], oldest first, as aware UTC datetimes."""
    return list(_instants(schedule, _utc("after", after), _utc("until", until)))


def next_slots(schedule: Schedule, now: datetime, count: int = 5) -> list[datetime]:
    """The next `count` slots after `now` (fewer if the schedule ends first), for `series show`."""
    if count < 0:
        raise ValueError(f"count must be at least 0, got {count}")
    now = _utc("now", now)
    return list(islice(_instants(schedule, now, now + HORIZON), count))


def due(
    schedule: Schedule, last: datetime | None, now: datetime, grace_s: float = DEFAULT_GRACE_S
) -> list[datetime]:
    """The slots a scheduler should claim at `now`, oldest first.

    A slot is *in the window* when last < slot <= now and now - slot <= grace_s (`last`: the
    newest slot already claimed, None for none). A slot missed by more than grace_s is never due.
    `catch_up` claims every slot in the window; `skip` only the newest one (the older ones it
    passes over are gone for good once `last` moves past them). The answer depends only on its
    arguments, and a slot already claimed is harmless to offer again: claims are insert-or-nothing.
    """
    if not (math.isfinite(grace_s) and 0 <= grace_s <= MAX_GRACE_S):
        raise ValueError(f"grace_s must be between 0 and {MAX_GRACE_S:g} seconds, got {grace_s}")
    now = _utc("now", now)
    after = now - timedelta(seconds=grace_s) - _TICK  # a slot exactly grace_s late still counts
    if last is not None:
        after = max(after, _utc("last", last))
    found = list(_instants(schedule, after, now))
    return found if schedule.misfire == "catch_up" else found[-1:]


def _instants(schedule: Schedule, after: datetime, until: datetime) -> Iterator[datetime]:
    """The slots in (after, until] in order: local wall times from the rule, each localised.

    Localising keeps order (fold=0 maps later wall times to later instants), so the walk stops at
    the first instant past `until`. Wall times are read a little wide of the range, because an
    instant in a repeated hour has a wall time earlier than the slots just before it."""
    zone = schedule.zone
    first, last = _bounds(schedule.start, schedule.end, zone)
    if first is not None:
        after = max(after, first - _TICK)
    if last is not None:
        until = min(until, last)
    if until <= after:
        return
    lo = _wall(after, zone).replace(microsecond=0) - timedelta(seconds=1)
    hi = _wall(until, zone) + timedelta(hours=3)  # wider than any zone's DST shift
    excluded = set(schedule.except_dates)
    for wall in _wall_times(schedule, lo, hi):
        if wall.date() in excluded:
            continue
        instant = _localise(wall, zone)
        if instant is None or instant <= after:
            continue
        if instant > until:
            return
        yield instant


def _wall_times(schedule: Schedule, lo: datetime, hi: datetime) -> Iterator[datetime]:
    """The rule's naive local wall times in (lo, hi], in order (lo inclusive for an RRULE)."""
    if schedule.cron is not None:
        walk = croniter(schedule.cron, lo)
        while True:
            try:
                wall = walk.get_next(datetime)
            except CroniterBadDateError:  # nothing within croniter's 50-year search
                return
            if wall > hi:
                return
            yield wall
    else:
        assert schedule.rrule is not None  # the validator saw to it
        parts = _rrule_parts(schedule.rrule)
        anchor = _jump(_rrule_start(schedule), parts["FREQ"], int(parts.get("INTERVAL", "1")), lo)
        # an UNTIL at `hi` stops the walk even for a rule that never fires again
        rule = rrulestr(schedule.rrule, dtstart=anchor).replace(until=hi)
        yield from rule.xafter(lo, inc=True)


def _why_never(parts: dict[str, str]) -> str | None:
    """Why a rule's months and month days name no real day (13, 40, 31 February), else None.
    dateutil takes such a rule and walks every period for years before it finds nothing."""
    months = [int(n) for n in parts.get("BYMONTH", "").split(",") if n.strip()]
    days = [int(n) for n in parts.get("BYMONTHDAY", "").split(",") if n.strip()]
    if any(not 1 <= month <= 12 for month in months):
        return f"has BYMONTH={parts['BYMONTH']}; months are 1 to 12"
    if any(not 1 <= abs(day) <= 31 for day in days):
        return f"has BYMONTHDAY={parts['BYMONTHDAY']}; month days are 1 to 31 (or -31 to -1)"
    sizes = [calendar.monthrange(2000, month)[1] for month in months or range(1, 13)]  # 2000 leaps
    if days and not any(abs(day) <= size for size in sizes for day in days):
        return "never fires (no month it names has the days it names)"
    return None


def _rrule_parts(text: str) -> dict[str, str]:
    """`FREQ=DAILY;BYHOUR=7` as {"FREQ": "DAILY", "BYHOUR": "7"} (names and values upper-cased)."""
    pairs = (part.partition("=") for part in text.upper().split(";") if part.strip())
    return {name.strip(): value.strip() for name, _, value in pairs}


def _rrule_start(schedule: Schedule) -> datetime:
    """The local wall time the rule counts from: `start`, else the fixed anchor."""
    start = schedule.start
    if start is None:
        return RRULE_ANCHOR
    if isinstance(start, datetime):
        return _wall(start, schedule.zone) if start.tzinfo is not None else start
    return datetime.combine(start, time())


def _jump(anchor: datetime, freq: str, interval: int, target: datetime) -> datetime:
    """The latest anchor + k whole periods of the rule (k >= 0) at or before `target`.

    Counting from there gives the same occurrences after it as counting from `anchor` (periods
    line up the same way), without walking every period since 2000. Months are only jumped from
    days 1-28, where adding months never clamps the day."""
    if target <= anchor:
        return anchor
    if freq in _STEP:
        step = _STEP[freq] * interval
        return anchor + step * ((target - anchor) // step)
    if freq in _MONTHS and anchor.day <= 28:
        months = _MONTHS[freq] * interval
        k = ((target.year - anchor.year) * 12 + target.month - anchor.month) // months
        jumped = anchor + relativedelta(months=k * months)
        return jumped if jumped <= target else anchor + relativedelta(months=(k - 1) * months)
    return anchor


def _bounds(
    start: datetime | date | None, end: datetime | date | None, zone: ZoneInfo
) -> tuple[datetime | None, datetime | None]:
    """`start` and `end` as the first and last instants a slot may have (both inclusive)."""
    first = last = None
    if isinstance(start, datetime):
        first = _moment(start, zone)
    elif start is not None:
        first = _moment(datetime.combine(start, time()), zone)
    if isinstance(end, datetime):
        last = _moment(end, zone)
    elif end is not None:
        last = _moment(datetime.combine(end + timedelta(days=1), time()), zone) - _TICK
    return first, last


def _moment(value: datetime, zone: ZoneInfo) -> datetime:
    """An aware datetime in UTC; a naive one is a wall time in `zone` (first occurrence)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone, fold=0)
    return value.astimezone(UTC)


def _localise(wall: datetime, zone: ZoneInfo) -> datetime | None:
    """The first instant `wall` happens in `zone`, or None when the clocks jump over it."""
    instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    return instant if _wall(instant, zone) == wall else None


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def _utc(name: str, value: datetime) -> datetime:
    """`value` in UTC; a naive `now` would silently mean the machine's zone, so it is refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)

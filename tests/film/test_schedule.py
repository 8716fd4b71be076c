"""Schedule arithmetic: cron and RRULE on local wall times give the same UTC slots every time,
daylight saving skips a missing wall time and runs a repeated one once, and `due` claims what
the misfire policy says within the grace window. Every `now` is passed in; no clock is read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from pydantic import ValidationError

from film.schedule import RRULE_ANCHOR, Schedule, due, next_slots, slots

WEEKDAYS_7 = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def local(
    zone: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0
) -> datetime:
    """A wall time in `zone` as the UTC instant it names."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone), fold=fold).astimezone(UTC)


def test_weekdays_at_seven_in_jakarta_are_midnight_utc_monday_to_friday() -> None:
    schedule = Schedule(cron="0 7 * * 1-5", timezone="Asia/Jakarta")
    found = slots(schedule, utc(2026, 3, 1), utc(2026, 3, 15))  # Sunday 1st to Sunday 15th
    assert len(found) == 10
    assert all(s.tzinfo is UTC and (s.hour, s.minute) == (0, 0) for s in found)  # WIB is UTC+7
    assert [s.isoweekday() for s in found] == [1, 2, 3, 4, 5] * 2


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Europe/Berlin", "America/New_York", "Australia/Sydney"])
def test_an_rrule_gives_the_same_slots_as_its_cron_all_year(zone: str) -> None:
    cron = Schedule(cron="0 7 * * 1-5", timezone=zone)
    rule = Schedule(rrule=WEEKDAYS_7, timezone=zone)
    year = (utc(2026, 1, 1), utc(2027, 1, 1))
    assert slots(cron, *year) == slots(rule, *year)
    assert len(slots(rule, *year)) == 261


@pytest.mark.parametrize("kind", ["cron", "rrule"])
@pytest.mark.parametrize(
    ("zone", "wall", "gap_day", "gap_hours"),
    [
        ("Europe/Berlin", (2, 30), date(2026, 3, 29), 2),  # 02:00 -> 03:00 on the last Sunday of March
        ("America/New_York", (2, 30), date(2026, 3, 8), 2),  # 02:00 -> 03:00 on the second Sunday
    ],
)
def test_a_wall_time_the_clocks_jump_over_has_no_slot_that_day(
    kind: str, zone: str, wall: tuple[int, int], gap_day: date, gap_hours: int
) -> None:
    hour, minute = wall
    rule = {"cron": f"{minute} {hour} * * *", "rrule": f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute}"}[kind]
    schedule = Schedule.model_validate({kind: rule, "timezone": zone})
    found = slots(schedule, utc(2026, 3, 1), utc(2026, 4, 1))
    days = [s.astimezone(ZoneInfo(zone)).date() for s in found]
    assert gap_day not in days
    assert len(found) == 30
    assert all((s.astimezone(ZoneInfo(zone)).hour, s.minute) == wall for s in found)


@pytest.mark.parametrize("kind", ["cron", "rrule"])
@pytest.mark.parametrize(
    ("zone", "hour", "day"),
    [
        ("Europe/Berlin", 2, date(2026, 10, 25)),  # 03:00 CEST -> 02:00 CET: 02:xx happens twice
        ("America/New_York", 1, date(2026, 11, 1)),  # 02:00 EDT -> 01:00 EST: 01:xx happens twice
    ],
)
def test_a_repeated_wall_time_runs_once_at_its_first_occurrence(
    kind: str, zone: str, hour: int, day: date
) -> None:
    rule = {"cron": f"30 {hour} * * *", "rrule": f"FREQ=DAILY;BYHOUR={hour};BYMINUTE=30"}[kind]
    schedule = Schedule.model_validate({kind: rule, "timezone": zone})
    before = day - timedelta(days=1)
    found = slots(schedule, local(zone, before.year, before.month, before.day), local(zone, 2026, 11, 3))
    that_day = [s for s in found if s.astimezone(ZoneInfo(zone)).date() == day]
    assert that_day == [local(zone, day.year, day.month, day.day, hour, 30, fold=0)]
    assert local(zone, day.year, day.month, day.day, hour, 30, fold=1) not in found


def test_hourly_slots_across_the_fall_back_night_skip_only_the_second_pass() -> None:
    schedule = Schedule(cron="30 * * * *", timezone="Europe/Berlin")
    night = slots(schedule, utc(2026, 10, 24, 22), utc(2026, 10, 25, 4))
    walls = [s.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M%z") for s in night]
    assert walls == ["00:30+0200", "01:30+0200", "02:30+0200", "03:30+0100", "04:30+0100"]
    assert night[3] - night[2] == timedelta(hours=2)  # the second 02:30 (01:30 UTC) is not a slot


@pytest.mark.parametrize(
    ("zone", "days"),
    [
        ("Europe/Berlin", (utc(2026, 3, 27), utc(2026, 3, 31))),
        ("Europe/Berlin", (utc(2026, 10, 23), utc(2026, 10, 27))),
        ("America/New_York", (utc(2026, 10, 30), utc(2026, 11, 3))),
        ("Australia/Lord_Howe", (utc(2026, 4, 3), utc(2026, 4, 7))),  # a half-hour shift
        ("America/Santiago", (utc(2026, 9, 4), utc(2026, 9, 8))),  # clocks skip midnight
    ],
)
def test_half_hourly_slots_match_every_minute_read_on_the_local_clock(
    zone: str, days: tuple[datetime, datetime]
) -> None:
    """The reference walks UTC minute by minute and keeps each first pass of a :00 or :30 wall time."""
    after, until = days
    minutes = (after + timedelta(minutes=n) for n in range(1, int((until - after).total_seconds()) // 60 + 1))
    walls = ((m, m.astimezone(ZoneInfo(zone))) for m in minutes)
    reference = [m for m, wall in walls if wall.minute % 30 == 0 and wall.fold == 0]
    assert slots(Schedule(cron="*/30 * * * *", timezone=zone), after, until) == reference


def test_except_dates_are_local_dates() -> None:
    # 07:00 in Tokyo is 22:00 UTC the evening before: the exception names Tokyo's day
    schedule = Schedule(cron="0 7 * * *", timezone="Asia/Tokyo", except_dates=[date(2026, 5, 5)])
    found = slots(schedule, utc(2026, 5, 3), utc(2026, 5, 7))
    assert found == [utc(2026, 5, 3, 22), utc(2026, 5, 5, 22), utc(2026, 5, 6, 22)]


@pytest.mark.parametrize(
    ("start", "end", "expected_days"),
    [
        (date(2026, 6, 3), date(2026, 6, 5), [3, 4, 5]),  # dates are whole local days, both inclusive
        ("2026-06-03", "2026-06-05", [3, 4, 5]),  # and read as days from text, not as midnights
        (datetime(2026, 6, 3, 9), datetime(2026, 6, 5, 9), [3, 4, 5]),  # naive: wall times, inclusive
        (datetime(2026, 6, 3, 9, 1), datetime(2026, 6, 5, 8, 59), [4]),
        (utc(2026, 6, 3, 7), utc(2026, 6, 5, 6, 59), [3, 4]),  # aware: instants (09:00 CEST = 07:00 UTC)
        (None, date(2026, 6, 2), [1, 2]),
        (date(2026, 6, 9), None, [9, 10]),
    ],
)
def test_start_and_end_bound_the_slots(start: Any, end: Any, expected_days: list[int]) -> None:
    schedule = Schedule(cron="0 9 * * *", timezone="Europe/Berlin", start=start, end=end)
    found = slots(schedule, utc(2026, 5, 31, 12), utc(2026, 6, 10, 12))
    assert [s.day for s in found] == expected_days


def test_the_range_is_open_below_and_closed_above() -> None:
    schedule = Schedule(cron="0 * * * *")
    assert slots(schedule, utc(2026, 1, 1, 1), utc(2026, 1, 1, 3)) == [utc(2026, 1, 1, 2), utc(2026, 1, 1, 3)]
    assert slots(schedule, utc(2026, 1, 1, 3), utc(2026, 1, 1, 3)) == []


SAMPLES = [
    Schedule(cron="*/20 6-9 * * *", timezone="America/New_York"),
    Schedule(rrule="FREQ=HOURLY;INTERVAL=5", timezone="Europe/Berlin"),
    Schedule(rrule="FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=18", timezone="Asia/Tokyo"),
]


@pytest.mark.parametrize("schedule", SAMPLES)
def test_the_same_schedule_gives_the_same_slots_however_it_is_asked(schedule: Schedule) -> None:
    whole = slots(schedule, utc(2026, 1, 1), utc(2026, 12, 31))
    days = [utc(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    pieces = [s for day, next_day in pairwise(days) for s in slots(schedule, day, next_day)]
    assert whole == pieces
    assert next_slots(schedule, utc(2026, 3, 1), count=4) == [s for s in whole if s > utc(2026, 3, 1)][:4]


@pytest.mark.parametrize(
    ("rule", "start"),
    [
        ("FREQ=HOURLY;INTERVAL=7", None),
        ("FREQ=DAILY;INTERVAL=3;BYHOUR=6,18", datetime(2019, 2, 11, 5)),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", None),
        ("FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=-1;BYHOUR=12", datetime(2003, 1, 7)),
        ("FREQ=MONTHLY;BYMONTHDAY=31", datetime(2001, 1, 31, 8)),  # day 31: never jumped, still right
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=9", None),
    ],
)
def test_an_rrule_counts_from_its_start_as_dateutil_does(rule: str, start: datetime | None) -> None:
    """Slots found near 2026 match dateutil counting every period from the rule's anchor."""
    schedule = Schedule(rrule=rule, start=start)
    after, until = utc(2026, 1, 1), utc(2028, 6, 1)
    reference = rrulestr(rule, dtstart=start or RRULE_ANCHOR).between(
        after.replace(tzinfo=None), until.replace(tzinfo=None), inc=True
    )
    assert slots(schedule, after, until) == [
        s.replace(tzinfo=UTC) for s in reference if s > after.replace(tzinfo=None)
    ]


def test_next_slots_stop_where_the_schedule_ends() -> None:
    schedule = Schedule(rrule=WEEKDAYS_7, timezone="Asia/Jakarta", end=date(2026, 3, 4))
    assert next_slots(schedule, utc(2026, 3, 1)) == [utc(2026, 3, 2), utc(2026, 3, 3), utc(2026, 3, 4)]
    assert next_slots(schedule, utc(2026, 3, 1), count=0) == []


HOURLY = {"cron": "0 * * * *"}


@pytest.mark.parametrize(
    ("misfire", "last", "now", "grace_s", "expected_hours"),
    [
        (
            "catch_up",
            utc(2026, 1, 1, 0),
            utc(2026, 1, 1, 5, 10),
            3 * 3600,
            [3, 4, 5],
        ),  # window, not since last
        ("skip", utc(2026, 1, 1, 0), utc(2026, 1, 1, 5, 10), 3 * 3600, [5]),  # only the newest
        ("catch_up", utc(2026, 1, 1, 3), utc(2026, 1, 1, 5, 10), 3 * 3600, [4, 5]),  # since last
        ("skip", utc(2026, 1, 1, 5), utc(2026, 1, 1, 5, 10), 3 * 3600, []),  # already claimed
        ("catch_up", None, utc(2026, 1, 1, 5, 10), 2 * 3600, [4, 5]),  # no last: now - grace
        ("skip", None, utc(2026, 1, 1, 5, 10), 9 * 60, []),  # 10 minutes late is past a 9-minute grace
        ("skip", None, utc(2026, 1, 1, 5, 10), 10 * 60, [5]),  # exactly the grace still counts
        ("catch_up", None, utc(2026, 1, 1, 5), 0, [5]),  # due at its very instant
    ],
)
def test_due_claims_what_the_misfire_policy_says_within_the_grace_window(
    misfire: str, last: datetime | None, now: datetime, grace_s: float, expected_hours: list[int]
) -> None:
    schedule = Schedule.model_validate(HOURLY | {"misfire": misfire})
    assert due(schedule, last, now, grace_s) == [utc(2026, 1, 1, h) for h in expected_hours]


def test_due_respects_the_start_of_a_schedule() -> None:
    schedule = Schedule(cron="0 * * * *", misfire="catch_up", start=utc(2026, 1, 1, 4))
    assert due(schedule, None, utc(2026, 1, 1, 5, 10), grace_s=6 * 3600) == [
        utc(2026, 1, 1, 4),
        utc(2026, 1, 1, 5),
    ]


@pytest.mark.parametrize("misfire", ["skip", "catch_up"])
@pytest.mark.parametrize("tick_s", [7 * 60, 3600])
def test_thirty_simulated_days_of_a_daily_schedule_give_exactly_thirty_slots(
    misfire: str, tick_s: int
) -> None:
    """A scheduler ticking on a simulated clock across Berlin's spring-forward claims each day once."""
    schedule = Schedule(cron="0 9 * * *", timezone="Europe/Berlin", misfire=misfire)
    claimed: list[datetime] = []
    now = utc(2026, 3, 15, 0, 0, 30)
    while now < utc(2026, 4, 14):
        for slot in due(schedule, claimed[-1] if claimed else None, now, grace_s=3600):
            assert slot not in claimed
            claimed.append(slot)
        now += timedelta(seconds=tick_s)
    assert len(claimed) == 30
    assert {s.astimezone(ZoneInfo("Europe/Berlin")).hour for s in claimed} == {9}
    assert sorted(claimed) == claimed


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"cron": "61 * * * *"}, "cron", "is not a cron expression"),
        ({"cron": "0 7 * *"}, "cron", "is not a cron expression"),
        ({"cron": "0 0 31 2 *"}, "cron", "never fires"),
        ({"rrule": "FREQ=SOMETIMES"}, "rrule", "is not an RRULE"),
        ({"rrule": "BYDAY=MO"}, "rrule", "is not an RRULE"),
        ({"rrule": "FREQ=DAILY;COUNT=3"}, "rrule", "bound the schedule with end"),
        ({"rrule": "FREQ=DAILY;UNTIL=20260101T000000Z"}, "rrule", "bound the schedule with end"),
        ({"rrule": "DTSTART:20260101T070000\nRRULE:FREQ=DAILY"}, "rrule", "one RRULE line"),
        ({"rrule": "FREQ=SECONDLY"}, "rrule", "at most once a minute"),
        ({"rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30,31"}, "rrule", "never fires"),
        ({"rrule": "FREQ=MONTHLY;BYMONTHDAY=40"}, "rrule", "month days are 1 to 31"),
        ({"cron": "0 7 * * *", "rrule": WEEKDAYS_7}, "rrule", "exactly one of cron or rrule (got both)"),
        ({}, "rrule", "exactly one of cron or rrule (got neither)"),
        ({"cron": "0 7 * * *", "timezone": "Mars/Base"}, "timezone", "is not an IANA time zone"),
        ({"cron": "0 7 * * *", "timezone": ""}, "timezone", "is not an IANA time zone"),
        ({"cron": "0 7 * * *", "start": "2026-02-01", "end": "2026-01-31"}, "end", "is before start"),
        ({"cron": "0 7 * * *", "misfire": "later"}, "misfire", "'skip' or 'catch_up'"),
        ({"cron": "0 7 * * *", "except_dates": ["someday"]}, "except_dates", "date"),
        ({"cron": "0 7 * * *", "every": "day"}, "every", "Extra inputs"),
    ],
)
def test_a_bad_schedule_is_one_error_naming_its_field(fields: dict[str, Any], field: str, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Schedule.model_validate(fields)
    assert caught.value.error_count() == 1
    error = caught.value.errors()[0]
    assert error["loc"][0] == field
    assert says in error["msg"]
    assert error["input"] == fields.get(field) or field == "except_dates"


@pytest.mark.parametrize(
    "call",
    [
        lambda s: slots(s, datetime(2026, 1, 1), utc(2026, 1, 2)),
        lambda s: next_slots(s, datetime(2026, 1, 1)),
        lambda s: due(s, None, datetime(2026, 1, 1), 60),
        lambda s: due(s, None, utc(2026, 1, 1), -1),
        lambda s: due(s, None, utc(2026, 1, 1), float("nan")),
    ],
)
def test_a_naive_now_or_a_negative_grace_is_refused(call: Any) -> None:
    with pytest.raises(ValueError, match=r"timezone-aware|grace_s"):
        call(Schedule(cron="0 7 * * *"))

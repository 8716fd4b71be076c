"""`storyreel scheduler`: turn the series' due slots into episodes on the job queue.

Run as many as you like, on as many hosts as share the database: every pass is insert-or-nothing
and conditional updates (studio.series.tick), so a slot seen by four schedulers is still one
episode, and a scheduler killed halfway leaves nothing the next pass cannot finish. The workers
(`storyreel worker`) make the episodes.

`now` is the system clock, or the ISO time in STORYREEL_CLOCK_FILE: a schedule can be rehearsed
(or tested) over simulated days without waiting for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from film import BadInput
from storage import open_database
from studio.settings import Settings

Say = Callable[[str], None]


def file_clock(path: Path) -> Callable[[], datetime]:
    """'now' read from `path` at each call (an ISO 8601 time; naive means UTC)."""

    def now() -> datetime:
        text = path.read_text(encoding="utf-8").strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise BadInput(
                "clock_file", text, "must hold an ISO time, e.g. 2026-12-07T07:00:00+07:00"
            ) from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)

    return now


def system_clock() -> datetime:
    return datetime.now(UTC)


class Scheduler:
    """Ticks until stopped: claims due slots and starts episodes whose turn has come."""

    def __init__(
        self, settings: Settings, *, db: Engine | None = None, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.settings = settings
        self.db = db or open_database(settings.database)
        if clock is None:
            clock = file_clock(settings.clock_file) if settings.clock_file is not None else system_clock
        self.clock = clock

    def run(self, *, stop: threading.Event | None = None, once: bool = False, say: Say | None = None) -> int:
        """Tick every `series_tick_s` until `stop` is set (or once); returns episodes started."""
        from studio.series import tick

        stop = stop or threading.Event()
        started = 0
        while not stop.is_set():
            try:
                done = tick(self.db, self.settings, self.clock())
            except OperationalError as exc:  # the database went away for a moment: look again next tick
                if say is not None:
                    say(f"scheduler: the database did not answer ({type(exc.orig).__name__}); trying again")
                stop.wait(self.settings.series_tick_s)
                continue
            started += len(done.started)
            if say is not None:
                for name, slot in done.claimed:
                    say(f"{name}: claimed the slot of {slot:%Y-%m-%d %H:%M} UTC")
                for name, number in done.started:
                    say(f"{name}: episode {number} queued")
            if once:
                break
            stop.wait(self.settings.series_tick_s)
        return started

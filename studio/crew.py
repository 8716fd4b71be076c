"""What a worker adds to a shoot: every progress event is also written to the runs' database
(what the API streams as SSE), and a cancelled job stops at the next event.

Render events arrive per frame from several threads; a shot's row is written when its state
changes or it has moved on by PERCENT_STEP, and the run's overall progress (with an ETA from
the time spent so far) at most every OVERALL_EVERY_S, so a long take is a few dozen rows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from film import RunCancelled
from storage import add_event, session_scope

STAGE_SHARE = {"plan": (0.0, 5.0), "recaption": (5.0, 10.0), "render": (10.0, 90.0),
               "edit": (90.0, 92.0), "assemble": (92.0, 100.0)}  # fmt: skip
"""Each stage's span of the run's 0-100 % (rendering is most of the wait)."""
STAGE_STATUS = {"plan": "planning", "recaption": "rendering", "render": "rendering", "assemble": "assembling"}
PERCENT_STEP = 5.0
OVERALL_EVERY_S = 0.25


def write_event(db: Engine, run_id: str, kind: str, data: dict[str, Any]) -> None:
    """One RunEvent row, committed at once (a client may be streaming)."""
    with session_scope(db) as session:
        add_event(session=session, run_id=run_id, kind=kind, data=data)


def eta(started: float, percent: float) -> float | None:
    """Seconds left, from the time spent so far; None until there is enough to go on."""
    if percent < 2.0 or percent >= 100.0:
        return None if percent < 100.0 else 0.0
    spent = time.monotonic() - started
    return round(spent * (100.0 - percent) / percent, 1)


class Crew:
    """One job's listener and cancel check (see studio.runner.Crew)."""

    def __init__(
        self, db: Engine, run_id: str, *, worker: str, lease_s: float, cancelled: threading.Event
    ) -> None:
        self.db, self.run_id, self.worker, self.lease_s = db, run_id, worker, lease_s
        self.cancelled = cancelled
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._shots: dict[str, tuple[float, float, str]] = {}  # id → (started, percent written, state)
        self._shares: dict[str, float] = {}  # render share of each shot seen, 0-1
        self._shot_count = 0
        self._stage = ""
        self._status = ""
        self._overall = (0.0, 0.0)  # (percent, monotonic time written)

    def check(self) -> None:
        """Stop the shoot if the job was cancelled (raised inside whichever thread reports)."""
        if self.cancelled.is_set():
            raise RunCancelled("run cancelled")

    def status(self, status: str) -> None:
        """A public status change, written once."""
        with self._lock:
            if status == self._status:
                return
            self._status = status
        write_event(self.db, self.run_id, "status", {"status": status})

    def listening(self, progress: Callable[[Any], None]) -> Callable[[Any], None]:
        def hear(event: Any) -> None:
            self.check()
            progress(event)
            self._hear(event)

        return hear

    def _hear(self, event: Any) -> None:
        stage = event.stage
        if stage != self._stage and event.shot_id is None:
            self._stage = stage
            write_event(self.db, self.run_id, "stage", {"stage": stage})
            if stage in STAGE_STATUS:
                self.status(STAGE_STATUS[stage])
        if stage == "render" and event.shot_id is None and event.total:
            self._shot_count = event.total
        if stage == "render" and event.shot_id:
            self._shot(event)
        self._progress(stage, event)

    def _shot(self, event: Any) -> None:
        shot_id = event.shot_id
        finished = event.cached or event.message in ("done", "main")
        state = ("reused" if event.cached else "done") if finished else "rendering"
        share = 1.0 if finished else (event.done / event.total if event.total else 0.0)
        with self._lock:
            self._shares[shot_id] = share
            started, written, was = self._shots.get(shot_id, (time.monotonic(), -PERCENT_STEP, ""))
            percent = round(share * 100.0, 1)
            if state == was and percent - written < PERCENT_STEP:
                return
            self._shots[shot_id] = (started, percent, state)
        data = {"shot_id": shot_id, "state": state, "percent": percent, "eta_s": eta(started, percent)}
        write_event(self.db, self.run_id, "shot", data)

    def _progress(self, stage: str, event: Any) -> None:
        low, high = STAGE_SHARE.get(stage, (0.0, 0.0))
        if stage == "render":
            with self._lock:
                count = max(self._shot_count, len(self._shares), 1)
                fraction = sum(self._shares.values()) / count
        else:
            fraction = event.done / event.total if event.total and event.shot_id is None else 0.0
        percent = round(low + (high - low) * min(1.0, fraction), 1)
        now = time.monotonic()
        with self._lock:
            last, at = self._overall
            if percent <= last or (now - at < OVERALL_EVERY_S and percent < 100.0):
                return
            self._overall = (percent, now)
        write_event(
            self.db, self.run_id, "progress", {"percent": percent, "eta_s": eta(self._started, percent)}
        )

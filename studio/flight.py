"""Single flight: when two jobs need the same spec at the same time, one renders it and the other
waits for its take, across threads, processes and machines sharing the runs' database.

The claim is a row keyed by spec_hash with a lease. The renderer holds it from the moment it
starts until the take library has kept the take (so a waiter never looks in the gap between the
file being made and being stored), and renews it as frames arrive. A waiter polls the library;
if the holder dies, its lease runs out and the waiter renders instead.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from film import ProgressFn, Renderer, RenderSpec, Take, TakeLibrary
from storage import claim_render, release_render

WAIT_POLL_S = 0.2
"""How often a waiter looks for the other job's take (a database read)."""


class FlightRenderer:
    """A renderer that claims a spec before rendering it, or waits for whoever holds it."""

    def __init__(
        self,
        inner: Renderer,
        takes: TakeLibrary,
        *,
        db: Engine,
        worker: str,
        lease_s: float,
        check: Callable[[], None] = lambda: None,
    ) -> None:
        self.inner, self.takes, self.db, self.worker, self.lease_s = inner, takes, db, worker, lease_s
        self.engine = inner.engine
        self.check = check  # raises when the job was cancelled while waiting

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        return self.inner.resolve(spec)

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        key = spec.spec_hash()
        while not claim_render(engine=self.db, spec_hash=key, worker=self.worker, lease_s=self.lease_s):
            found = self.takes.find(key)
            if found is not None:
                return found  # the other job's take: not rendered twice
            self.check()
            time.sleep(WAIT_POLL_S)
        found = self.takes.find(key)  # kept by someone just before we claimed
        if found is not None:
            release_render(engine=self.db, spec_hash=key, worker=self.worker)
            return found
        renewed = [time.monotonic()]
        lock = threading.Lock()

        def renewing(done: int, total: int) -> None:
            with lock:
                if time.monotonic() - renewed[0] > self.lease_s / 3:
                    renewed[0] = time.monotonic()
                    claim_render(engine=self.db, spec_hash=key, worker=self.worker, lease_s=self.lease_s)
            if progress is not None:
                progress(done, total)

        try:
            return self.inner.render(spec, dest, renewing)
        except BaseException:
            release_render(engine=self.db, spec_hash=key, worker=self.worker)
            raise


class FlightTakes:
    """The take library, letting go of a spec's claim once its take is kept."""

    def __init__(self, inner: TakeLibrary, *, db: Engine, worker: str) -> None:
        self.inner, self.db, self.worker = inner, db, worker

    def find(self, spec_hash: str) -> Take | None:
        return self.inner.find(spec_hash)

    def keep(self, take: Take) -> Take:
        if take.cached:  # another job's take, handed over by FlightRenderer: already kept
            return take
        try:
            return self.inner.keep(take)
        finally:
            release_render(engine=self.db, spec_hash=take.spec_hash, worker=self.worker)

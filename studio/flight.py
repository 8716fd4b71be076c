"""Single flight: when two jobs need the same spec at the same time, one renders it and the other
waits for its take, across threads, processes and machines sharing the runs' database.

The claim is a row keyed by spec_hash with a lease. The renderer holds it from the moment it
starts until the take library has kept the take (so a waiter never looks in the gap between the
file being made and being stored), and a thread renews it meanwhile. A waiter polls the library;
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


class Claims:
    """The specs this worker holds, each renewed by a thread every lease/3 until let go, so a
    claim outlives any slow stretch (a busy core, the encoder draining, the store's copy)."""

    def __init__(self, db: Engine, worker: str, lease_s: float) -> None:
        self.db, self.worker, self.lease_s = db, worker, lease_s
        self._held: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> bool:
        """Claim `key` now (and keep renewing it), or False while someone else holds it."""
        if not claim_render(engine=self.db, spec_hash=key, worker=self.worker, lease_s=self.lease_s):
            return False
        done = threading.Event()
        with self._lock:
            self._held[key] = done
        threading.Thread(target=self._renew, args=(key, done), name="render-claim", daemon=True).start()
        return True

    def let_go(self, key: str) -> None:
        with self._lock:
            done = self._held.pop(key, None)
        if done is not None:
            done.set()
        release_render(engine=self.db, spec_hash=key, worker=self.worker)

    def _renew(self, key: str, done: threading.Event) -> None:
        while not done.wait(self.lease_s / 3):
            claim_render(engine=self.db, spec_hash=key, worker=self.worker, lease_s=self.lease_s)


class FlightRenderer:
    """A renderer that claims a spec before rendering it, or waits for whoever holds it."""

    def __init__(
        self, inner: Renderer, takes: TakeLibrary, claims: Claims, check: Callable[[], None] = lambda: None
    ) -> None:
        self.inner, self.takes, self.claims = inner, takes, claims
        self.engine = inner.engine
        self.check = check  # raises when the job was cancelled while waiting

    def resolve(self, spec: RenderSpec) -> RenderSpec:
        return self.inner.resolve(spec)

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        key = spec.spec_hash()
        while not self.claims.take(key):
            found = self.takes.find(key)
            if found is not None:
                return found  # the other job's take: not rendered twice
            self.check()
            time.sleep(WAIT_POLL_S)
        found = self.takes.find(key)  # kept by someone just before we claimed
        if found is not None:
            self.claims.let_go(key)
            return found
        try:
            return self.inner.render(spec, dest, progress)
        except BaseException:
            self.claims.let_go(key)
            raise


class FlightTakes:
    """The take library, letting go of a spec's claim once its take is kept."""

    def __init__(self, inner: TakeLibrary, claims: Claims) -> None:
        self.inner, self.claims = inner, claims

    def find(self, spec_hash: str) -> Take | None:
        return self.inner.find(spec_hash)

    def keep(self, take: Take) -> Take:
        if take.cached:  # another job's take, handed over by FlightRenderer: already kept
            return take
        try:
            return self.inner.keep(take)
        finally:
            self.claims.let_go(take.spec_hash)


def single_flight(
    renderer: Renderer,
    takes: TakeLibrary,
    *,
    db: Engine,
    worker: str,
    lease_s: float,
    check: Callable[[], None] = lambda: None,
) -> tuple[FlightRenderer, FlightTakes]:
    """The renderer and take library of one shoot, sharing `worker`'s claims."""
    claims = Claims(db, worker, lease_s)
    return FlightRenderer(renderer, takes, claims, check), FlightTakes(takes, claims)

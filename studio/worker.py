"""`storyreel worker`: claim jobs from the runs' database and make them, one at a time.

While a job runs, a watcher thread renews its lease every HEARTBEAT_S and reads whether someone
cancelled it; the shoot stops at its next progress event (a frame, a stage), well within two
seconds. A worker that dies simply stops renewing: once its lease runs out another worker claims
the job and continues it from the run's checkpoints, and single flight keeps any spec from being
rendered twice meanwhile.
"""

from __future__ import annotations

import os
import secrets
import socket
import sys
import threading
import traceback
from dataclasses import dataclass, field

from sqlalchemy import Engine

from film import RunCancelled, StoryreelError
from storage import (
    Job,
    JobStatus,
    claim_job,
    finish_job,
    heartbeat,
    open_database,
    session_scope,
    set_run_status,
)
from studio.crew import Crew, write_event
from studio.settings import Settings

HEARTBEAT_S = 0.5
"""How often a running job's lease is renewed and its cancel flag read."""
IDLE_S = 0.5
"""How long an idle worker waits before asking for work again."""


def worker_name() -> str:
    """Unique per process and start: host, pid and a random tag (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(2)}"


@dataclass
class Watch:
    """A running job's flags, set by the watcher thread."""

    cancelled: threading.Event = field(default_factory=threading.Event)
    lost: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)


class Worker:
    """Claims and makes jobs until stopped (or, with `once`, until the queue is empty)."""

    def __init__(self, settings: Settings, *, name: str | None = None, db: Engine | None = None) -> None:
        self.settings = settings
        self.name = name or worker_name()
        self.lease_s = settings.worker_lease_s
        self.db = db or open_database(settings.database)

    def run(self, *, stop: threading.Event | None = None, once: bool = False) -> int:
        """Work until `stop` is set; returns how many jobs this worker finished."""
        stop = stop or threading.Event()
        done = 0
        while not stop.is_set():
            job = claim_job(engine=self.db, worker=self.name, lease_s=self.lease_s)
            if job is None:
                if once:
                    break
                stop.wait(IDLE_S)
                continue
            done += self.work(job)
        return done

    def work(self, job: Job) -> int:
        """Make one claimed job; 1 if this worker closed it."""
        from studio.work import perform

        assert job.id is not None
        watch = Watch()
        watcher = threading.Thread(target=self._watch, args=(job.id, watch), name="lease", daemon=True)
        watcher.start()
        crew = Crew(self.db, job.run_id, worker=self.name, lease_s=self.lease_s, cancelled=watch.cancelled)
        status: JobStatus = "done"
        error: str | None = None
        result: object = None
        try:
            if job.kind == "ads":  # a batch of template ads: no film graph, no checkpoints
                from studio.ad_jobs import make_batch

                make_batch(self.settings, self.db, job, crew)
            elif job.kind == "episode":  # a series episode: its brief, plan, shoot, ledger, publish
                from studio.episodes import make_episode

                result = make_episode(self.settings, self.db, job, crew)
            else:
                result = perform(self.settings, self.db, job, crew)
        except RunCancelled:
            status = "cancelled"
        except StoryreelError as exc:
            status, error = "failed", str(exc)
        except Exception as exc:  # a bug: keep the worker alive, the traceback in its log
            traceback.print_exc(file=sys.stderr)
            status, error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            watch.finished.set()
            watcher.join()
        if watch.lost.is_set() and not watch.cancelled.is_set():
            return 0  # someone else holds the job now
        if not finish_job(engine=self.db, job_id=job.id, worker=self.name, status=status, error=error):
            return 0
        if job.kind == "episode" and status != "done":
            from studio.episodes import episode_stopped

            episode_stopped(self.db, job.run_id, status, error)
        self._announce(job, status, error, None if status != "done" else result)
        return 1

    def _announce(self, job: Job, status: str, error: str | None, result: object) -> None:
        """The job's last events: the film, or the review gate, or why it stopped."""
        if status == "cancelled":
            with session_scope(self.db) as session:
                set_run_status(session=session, run_id=job.run_id, status="cancelled", pid=None)
            write_event(self.db, job.run_id, "status", {"status": "cancelled"})
        elif status == "failed":
            with session_scope(self.db) as session:
                set_run_status(session=session, run_id=job.run_id, status="failed", error=error, pid=None)
            write_event(self.db, job.run_id, "error", {"message": error or "failed"})
            write_event(self.db, job.run_id, "status", {"status": "failed"})
        elif result is not None and getattr(result, "film_path", None) is not None:
            write_event(self.db, job.run_id, "film", {"version": getattr(result, "version", 1)})
            write_event(self.db, job.run_id, "status", {"status": "done"})
        else:
            with session_scope(self.db) as session:
                from storage import get_run

                at_gate = get_run(session=session, run_id=job.run_id).status == "reviewing"
            write_event(self.db, job.run_id, "status", {"status": "review" if at_gate else "done"})

    def _watch(self, job_id: int, watch: Watch) -> None:
        """Renew the lease and read the cancel flag until the job is finished."""
        while not watch.finished.wait(HEARTBEAT_S):
            beat = heartbeat(engine=self.db, job_id=job_id, worker=self.name, lease_s=self.lease_s)
            if beat == "cancel":
                watch.cancelled.set()
            elif beat == "lost":
                watch.lost.set()
                watch.cancelled.set()  # stop working on a job that is no longer ours
                return

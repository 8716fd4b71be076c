"""Kill points for the crash test, taken from the run's own progress rather than the clock.

A run moves through events: its plan is recorded, each take is rendered (one line in the render
log) and recorded (one take row), then it assembles (status 'assembling', and the assembler's
`.assemble-*` folder in the film folder). The test reads those events from the runs' database,
the render log and the film folder (read-only) and SIGKILLs the process once the event it chose
has happened, so where a kill lands depends on what the run has done, not on how fast the machine is.

Run as `python -m tests.studio.killpoints <storyreel args>`, it is the real CLI that stops
itself (SIGSTOP) at the commit that would store its run row: the INSERT has run, the commit
has not, which is the one moment no outside observer can catch by polling.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

Kind = Literal["planned", "rendered", "recorded", "assembling"]
WAIT_BOUND_S = 240.0
"""How long any one event may take to happen before the test fails; generous on purpose."""
POLL_S = 0.01


@dataclass(frozen=True)
class Progress:
    """What the run has done so far, as its database, render log and film folder tell it."""

    database: bool = False
    """Whether the runs' tables could be read at all (before the first open they do not exist)."""
    planned: bool = False
    rendered: int = 0
    recorded: int = 0
    assembling_pid: int | None = None
    assembly_folders: frozenset[str] = frozenset()
    run_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class KillPoint:
    """An event of the run after which the process is killed: e.g. after take 3 is recorded."""

    kind: Kind
    take: int = 0

    def reached(self, progress: Progress, pid: int, before: Progress) -> bool:
        """Whether process `pid`, started at `before`, has got this far. Assembly counts only if
        this process is doing it: by status, or by an assembly folder that is new since `before`
        (a resume that picks up at the assembler does not set the status again)."""
        if self.kind == "planned":
            return progress.planned
        if self.kind == "rendered":
            return progress.rendered >= self.take
        if self.kind == "recorded":
            return progress.recorded >= self.take
        return progress.assembling_pid == pid or bool(progress.assembly_folders - before.assembly_folders)

    def __str__(self) -> str:
        return f"{self.kind} {self.take}" if self.take else self.kind


def event_sequence(takes: int) -> list[KillPoint]:
    """Every kill point of a run with `takes` takes, in the order the run reaches them."""
    per_take = [KillPoint(kind, n) for n in range(1, takes + 1) for kind in ("rendered", "recorded")]
    return [KillPoint("planned"), *per_take, KillPoint("assembling")]


def choose_kill_points(takes: int, kills: int, seed: int) -> list[KillPoint]:
    """`kills` points in run order: after planning, a seeded choice of take events, and during
    assembly, so the resumes start from every kind of stage."""
    sequence = event_sequence(takes)
    middle = sorted(random.Random(seed).sample(range(1, len(sequence) - 1), kills - 2))
    return [sequence[0], *(sequence[i] for i in middle), sequence[-1]]


def next_due(point: KillPoint, sequence: list[KillPoint], progress: Progress, pid: int) -> KillPoint:
    """`point`, or the first later event not reached yet when the last kill landed past it, so
    every process is killed only after it has made progress of its own."""
    at = sequence.index(point)
    while sequence[at].reached(progress, pid, progress) and at + 1 < len(sequence):
        at += 1
    return sequence[at]


class RunWatch:
    """Read-only view of the runs' database, the render log and the film folder."""

    def __init__(self, database_url: str, render_log: Path, film_dir: Path) -> None:
        if database_url.startswith("sqlite:///"):  # read-only, so polling never creates the file
            database_url = f"sqlite:///file:{database_url.removeprefix('sqlite:///')}?mode=ro&uri=true"
        self.db: Engine = create_engine(database_url, poolclass=NullPool)
        self.render_log = render_log
        self.film_dir = film_dir

    def progress(self) -> Progress:
        rendered = len(self.render_log.read_text().splitlines()) if self.render_log.exists() else 0
        folders = frozenset(p.name for p in self.film_dir.glob(".assemble-*"))  # none if no folder yet
        try:
            with self.db.connect() as connection:
                rows = connection.execute(text("SELECT id, status, pid FROM run ORDER BY created_at")).all()
                plans = connection.execute(text("SELECT count(*) FROM plan_version")).scalar_one()
                takes = connection.execute(text("SELECT count(*) FROM take_record")).scalar_one()
        except DBAPIError:  # no database or no tables yet: the run has done nothing
            return Progress(rendered=rendered, assembly_folders=folders)
        assembling = next((pid for _, status, pid in rows if status == "assembling"), None)
        run_ids = tuple(run_id for run_id, _, _ in rows)
        return Progress(True, plans > 0, rendered, takes, assembling, folders, run_ids)

    def close(self) -> None:
        self.db.dispose()


def wait_for(what: str, happened: Callable[[], bool], proc: subprocess.Popen[str]) -> None:
    """Poll until `happened()`; fail naming the event if the process ends first or it never comes."""
    deadline = time.monotonic() + WAIT_BOUND_S
    while not happened():
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"the process ended (exit {proc.returncode}) before {what}:\n{err[-2000:]}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"no {what} within {WAIT_BOUND_S:.0f} s")
        time.sleep(POLL_S)


def kill_at(point: KillPoint, watch: RunWatch, proc: subprocess.Popen[str], before: Progress) -> None:
    """SIGKILL `proc` once the run has reached `point`; the kill must find it still running."""
    wait_for(f"the run reached '{point}'", lambda: point.reached(watch.progress(), proc.pid, before), proc)
    kill_now(proc, f"'{point}'")


def kill_now(proc: subprocess.Popen[str], where: str) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, f"the process finished before the kill at {where} landed"


def stopped(pid: int) -> bool:
    """Whether the process is stopped (state T in /proc), as `stop_before_the_run_commits` leaves it."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] in {"T", "t"}


def stop_before_the_run_commits() -> None:
    """Make this process SIGSTOP itself at the commit that follows its `INSERT INTO run`."""

    @event.listens_for(Engine, "before_cursor_execute")
    def _seen(connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO RUN "):
            connection.info["inserted a run"] = True

    @event.listens_for(Engine, "commit")
    def _stop(connection: Any) -> None:
        if connection.info.pop("inserted a run", False):
            os.kill(os.getpid(), signal.SIGSTOP)


if __name__ == "__main__":
    stop_before_the_run_commits()
    from studio.cli import app

    app(prog_name="storyreel")

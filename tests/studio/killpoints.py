"""Kill points for the crash test, taken from the run's own events rather than the clock.

A run moves through events: its run row is committed, its plan is recorded, each take is rendered
(one line in the render log) and recorded (one take row), then it assembles. Run as
`python -m tests.studio.killpoints <storyreel args>` with `STORYREEL_STOP_AT=<kind>:<n>`, it is
the real CLI that stops itself (SIGSTOP) the moment its n-th such event has happened in this
process; the test waits for that stop with `waitpid(WUNTRACED)` and SIGKILLs it there. So where a
kill lands is decided by what the run has done, never by how fast the machine is, and no one polls.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from tests.studio.renders import take_renders

Kind = Literal["run-row", "planned", "rendered", "recorded", "assembling"]
STOP_AT = "STORYREEL_STOP_AT"
"""`<kind>:<n>`: stop at the n-th event of that kind in this process (n is 1 for the others)."""


@dataclass(frozen=True)
class Progress:
    """What the run has done so far, as its database and render log tell it."""

    database: bool = False
    """Whether the runs' tables could be read at all (before the first open they do not exist)."""
    planned: bool = False
    rendered: int = 0
    recorded: int = 0
    run_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class KillPoint:
    """An event of the run after which the process is killed: e.g. after take 3 is recorded."""

    kind: Kind
    take: int = 0

    def reached(self, progress: Progress) -> bool:
        """Whether an earlier process already got this far (assembly is never left half-done
        in a way the database shows, so it always lies ahead)."""
        if self.kind == "planned":
            return progress.planned
        if self.kind == "rendered":
            return progress.rendered >= self.take
        if self.kind == "recorded":
            return progress.recorded >= self.take
        return False

    def stop_at(self, before: Progress) -> str:
        """The `STORYREEL_STOP_AT` value for a process that starts at `before`: take counts are
        the run's, so this process has `take - done` of them still to make."""
        done = {"rendered": before.rendered, "recorded": before.recorded}.get(self.kind, 0)
        return f"{self.kind}:{max(1, self.take - done)}"

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


def next_due(point: KillPoint, sequence: list[KillPoint], progress: Progress) -> KillPoint:
    """`point`, or the first later event not reached yet when an earlier process got past it, so
    every process is killed only after it has made progress of its own."""
    at = sequence.index(point)
    while sequence[at].reached(progress) and at + 1 < len(sequence):
        at += 1
    return sequence[at]


class RunWatch:
    """Read-only view of the runs' database and the render log."""

    def __init__(self, database_url: str, render_log: Path) -> None:
        if database_url.startswith("sqlite:///"):  # read-only, so looking never creates the file
            database_url = f"sqlite:///file:{database_url.removeprefix('sqlite:///')}?mode=ro&uri=true"
        self.db: Engine = create_engine(database_url, poolclass=NullPool)
        self.render_log = render_log

    def progress(self) -> Progress:
        rendered = len(take_renders(self.render_log))
        try:
            with self.db.connect() as connection:
                runs = connection.execute(text("SELECT id FROM run ORDER BY created_at")).scalars().all()
                plans = connection.execute(text("SELECT count(*) FROM plan_version")).scalar_one()
                takes = connection.execute(text("SELECT count(*) FROM take_record")).scalar_one()
        except DBAPIError:  # no database or no tables yet: the run has done nothing
            return Progress(rendered=rendered)
        return Progress(True, plans > 0, rendered, takes, tuple(runs))

    def close(self) -> None:
        self.db.dispose()


def start_cli(args: list[str], env: dict[str, str], cwd: Path, stop_at: str) -> subprocess.Popen[str]:
    """The real CLI (`storyreel <args>`), stopping itself at `stop_at` (`<kind>:<n>`)."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.studio.killpoints", *args], env={**env, STOP_AT: stop_at}, cwd=cwd,
        text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def wait_stopped(proc: subprocess.Popen[str], where: str) -> None:
    """Block until `proc` stops itself at its stop point; fail naming the point if it ends first."""
    _, status = os.waitpid(proc.pid, os.WUNTRACED)
    if not os.WIFSTOPPED(status):
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read() if proc.stderr else ""
        raise AssertionError(f"the process ended (exit {proc.returncode}) before {where}:\n{err[-2000:]}")


def kill_when_stopped(proc: subprocess.Popen[str], where: str) -> None:
    """SIGKILL `proc` at the point where it stopped itself."""
    wait_stopped(proc, where)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, f"the kill at {where} did not land"


def _stop() -> None:
    os.kill(os.getpid(), signal.SIGSTOP)


def _stop_at_commit(kind: str, happened: Callable[[], None]) -> None:
    """Count the commits that stored a row of the kind's table: the run row stops at its commit
    (the INSERT has run, the commit has not: the one moment no outside observer could catch),
    plans and takes just after theirs, when the row is safely stored."""
    from sqlalchemy.orm import Session

    table = {"run-row": "RUN", "planned": "PLAN_VERSION", "recorded": "TAKE_RECORD"}[kind]
    committing = threading.local()

    @event.listens_for(Engine, "before_cursor_execute")
    def _seen(connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(f"INSERT INTO {table} "):
            connection.info["inserted"] = True

    @event.listens_for(Engine, "commit")
    def _commit(connection: Any) -> None:
        if connection.info.pop("inserted", False):
            if kind == "run-row":
                happened()  # at the commit: the INSERT has run, the commit has not
            else:
                committing.stored = True

    @event.listens_for(Session, "after_commit")
    def _committed(session: Any) -> None:
        if getattr(committing, "stored", False):
            committing.stored = False
            happened()


def stop_at(spec: str) -> None:
    """Make this process SIGSTOP itself at the event `spec` (`<kind>:<n>`) names."""
    kind, _, count = spec.partition(":")
    wanted, seen, lock = int(count or 1), [0], threading.Lock()

    def happened() -> None:
        with lock:
            seen[0] += 1
            if seen[0] == wanted:
                _stop()

    if kind == "rendered":
        from studio.runner import ResumableRenderer

        render = ResumableRenderer.render

        def rendered(self: ResumableRenderer, spec: Any, dest: Path, progress: Any = None) -> Any:
            fresh = not Path(dest).exists()  # a take a killed process left whole is not a render
            take = render(self, spec, dest, progress)
            if fresh:
                happened()  # after its render-log line
            return take

        ResumableRenderer.render = rendered  # type: ignore[method-assign]
    elif kind == "assembling":
        from engine.cutting.assemble import FfmpegAssembler

        pieces = FfmpegAssembler._render

        def assembling(self: FfmpegAssembler, *args: Any) -> Any:
            happened()  # inside the assembly's work folder, before any piece is cut
            return pieces(self, *args)

        FfmpegAssembler._render = assembling  # type: ignore[method-assign,assignment]
    else:
        _stop_at_commit(kind, happened)


if __name__ == "__main__":
    stop_at(os.environ[STOP_AT])
    from studio.cli import app

    app(prog_name="storyreel")

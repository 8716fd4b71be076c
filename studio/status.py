"""Where a run stands, as a person reads it: is a live process still making it, can it be resumed.

Light on purpose (no graph, no engine): `storyreel runs` and `storyreel show` only read rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from film.process import pid_alive

if TYPE_CHECKING:
    from storage import Run

ACTIVE = frozenset({"planning", "rendering", "assembling"})


def resumable(run: Run) -> bool:
    """Not done, and no live process is working on it: interrupted, failed, waiting for
    review, or left 'running' by a process that died."""
    if run.status == "done":
        return False
    return not (run.status in ACTIVE and pid_alive(run.pid))


def shown_status(run: Run) -> str:
    if run.status in ACTIVE and not pid_alive(run.pid):
        return f"{run.status}, process gone (resumable)"
    if run.status in {"interrupted", "failed", "reviewing"}:
        return f"{run.status} (resumable)"
    return run.status


def check_idle(run: Run) -> None:
    """BadInput when another live process is still making the run."""
    if run.status in ACTIVE and pid_alive(run.pid):
        from film import BadInput

        raise BadInput("run", run.id, f"is still being made by process {run.pid}; wait or stop it first")

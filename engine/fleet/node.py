"""The processes of a Ray node this machine started for a run: stopped whole with it, and swept
when a killed run left them. Ray's dashboard and runtime-env agents notice their raylet die but
can stay up as orphans (re-parented, so nobody's descendants), about 180 MB a run; each is known
by the raylet its environment names."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

AGENT_GRACE_S = 5.0
"""How long the local Ray's processes get to exit on their own after shutdown before they are killed."""


def stop_local_ray() -> None:
    """Shut down the Ray this process started, and end every process of its node."""
    import psutil
    import ray

    ours = psutil.Process().children(recursive=True)
    raylets = {str(p.pid) for p in ours if _name(p) == "raylet"}
    ray.shutdown()
    agents = [p for p in psutil.process_iter() if _raylet_of(p) in raylets]  # by environment: one still
    _end([*ours, *agents])  # starting up has no `ray::` title yet


def sweep_orphans() -> None:
    """End the Ray processes whose raylet is gone (a run killed with its Ray still up)."""
    import psutil

    _end([p for p in psutil.process_iter() if (r := _raylet_of(p)) is not None and not _alive(r)])


def _end(processes: list[Any]) -> None:
    import psutil

    _, alive = psutil.wait_procs(processes, timeout=AGENT_GRACE_S)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            process.kill()


def _alive(pid: str | None) -> bool:
    """Whether a raylet runs (a zombie does not; no raylet named is taken as alive: not ours)."""
    import psutil

    if not pid:
        return True
    with contextlib.suppress(psutil.Error):
        return psutil.Process(int(pid)).status() != psutil.STATUS_ZOMBIE
    return False


def _name(process: Any) -> str:
    import psutil

    with contextlib.suppress(psutil.Error):
        return str(process.name())
    return ""


def _raylet_of(process: Any) -> str | None:
    """The raylet a Ray process belongs to, from its environment as it started (read from /proc:
    the agents retitle themselves over the copy psutil would read)."""
    with contextlib.suppress(OSError):
        for entry in Path(f"/proc/{process.pid}/environ").read_bytes().split(b"\0"):
            if entry.startswith(b"RAY_RAYLET_PID="):
                return entry.split(b"=", 1)[1].decode()
    return None

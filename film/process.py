"""Whether a process still runs: how a killed run's leftovers (a run row marked 'rendering', an
assembly's work folder) are told from those of a live one, in the studio and the cutting room alike."""

from __future__ import annotations

import os


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this id still runs on this machine (a zombie counts as alive)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cores() -> int:
    """CPU cores this process may run on (its affinity mask, so `taskset` and container limits
    count), which sizes render workers, encoders and the assembler's pools together."""
    return max(1, len(os.sched_getaffinity(0)))

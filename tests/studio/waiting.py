"""Waiting on the program's own progress (rows in its database), never on the clock: a
deadline only stops a hung test, and a helper process that dies is reported at once."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
DEADLINE_S = 600.0
"""Generous: the waits end on the program's own events; this only stops a hung test."""


def until(what: str, probe: Callable[[], T | None], procs: Sequence[subprocess.Popen[str]] = ()) -> T:
    """Poll `probe` until it gives something (not None or False); fail if a process in `procs`
    exits on its own (a SIGKILL from the test is expected)."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        found = probe()
        if found is not None and found is not False:
            return found
        for proc in procs:
            if proc.poll() not in (None, -signal.SIGKILL):
                said = proc.stderr.read() if proc.stderr else ""
                raise AssertionError(f"{proc.args} exited with {proc.returncode}: {said}")
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")

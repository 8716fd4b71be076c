"""How fast the command line answers: `storyreel --help`, `storyreel runs`, and the first progress
line of `storyreel make`, each the median of several fresh processes on a temporary home.

- help_s: wall time of `python -m studio --help` until it exits.
- runs_s: wall time of `python -m studio runs` on a home whose database already exists (one
  untimed `runs` first creates it), listing one finished run.
- first_progress_s: from starting `python -m studio make "<brief>" --duration 2` (no --quiet,
  stderr a pipe, not a TTY) to the first line it writes to stderr. That line is the progress
  display's first, `run <id> started: planning`, written as soon as the run row exists; the
  benchmark checks it says "started" and then stops the make with Ctrl-C (SIGINT).

Each process runs this checkout (PYTHONPATH is its root) with the interpreter running the
benchmark. Prints `cli: help_s=<s> runs_s=<s> first_progress_s=<s>` last.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 5
BRIEF = "Mara waves at the sea. Theo smiles."


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ, STORYREEL_HOME=str(home / "home"), STORYREEL_OUT_ROOT=str(home / "out"))
    env["PYTHONPATH"] = str(ROOT)
    env.pop("STORYREEL_LLM_BASE_URL", None)
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "studio", *args]


def _timed_run(args: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bench_cli: {' '.join(args[3:])} failed: {done.stderr.strip()[-500:]}")
    return took


def _first_progress(env: dict[str, str], cwd: Path, out: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(
        _cli("make", BRIEF, "--duration", "2", "--out", str(out)),
        env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    line = proc.stderr.readline()
    took = time.perf_counter() - started
    proc.send_signal(signal.SIGINT)
    rest = proc.communicate(timeout=300)[1]
    if "started" not in line:
        raise SystemExit(f"bench_cli: make's first stderr line is not its progress line: {line}{rest}")
    return took


def _median(measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(REPEATS))


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as folder:
        tmp = Path(folder)
        env = _env(tmp)
        help_s = _median(lambda: _timed_run(_cli("--help"), env, tmp))
        _timed_run(_cli("make", BRIEF, "--duration", "2", "--quiet"), env, tmp)  # a run to list
        _timed_run(_cli("runs"), env, tmp)
        runs_s = _median(lambda: _timed_run(_cli("runs"), env, tmp))
        count = iter(range(REPEATS))
        progress_s = _median(lambda: _first_progress(env, tmp, tmp / f"film-{next(count)}"))
    print(f"cli: help_s={help_s:.2f} runs_s={runs_s:.2f} first_progress_s={progress_s:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The Ray fleet's scaling and its cost per shot.

Run: `.venv/bin/python benchmarks/bench_ray.py` (needs the `[scale]` extra). A local Ray with 2
CPUs renders 24 previz shots (2 s each at 426x240) sent at once, as the graph's branches send
them, on a pool of 1 actor and then of 2 (each `num_cpus=1`, pinned to a core of its own); the
same 24 shots are rendered by the local engine one after another, on one core as a 1-CPU actor
is. Each pool is warmed by one shot per actor first (a warm fleet is the point), and so is the
local engine.
Last line: `ray: speedup_2v1=<x> overhead_ms_per_shot=<n>` (targets: speedup >= 1.6 on 2
cores, overhead <= 50 ms per shot; the overhead is the 1-actor pool's time per shot over the
local engine's).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHONPATH", str(ROOT))  # the actors import this checkout

import ray  # noqa: E402

from engine import renderer_for  # noqa: E402
from engine.fleet.options import FleetOptions  # noqa: E402
from engine.fleet.pool import Fleet  # noqa: E402
from film import RenderSpec  # noqa: E402
from tests.engine.conftest import make_shot, make_spec  # noqa: E402

SHOTS, FRAMES, SIZE = 24, 48, (426, 240)


def specs(tag: str, count: int = SHOTS) -> list[RenderSpec]:
    """Distinct shots (their own seeds), so no take is shared between the runs."""
    return [make_spec(make_shot(f"{tag}{k:02d}", frames=FRAMES), size=SIZE, seed=sum(map(ord, tag)) * 100 + k)
            for k in range(count)]  # fmt: skip


def on_fleet(actors: int, folder: Path) -> float:
    """Seconds for the fleet of `actors` to draw the 24 shots, sent from one thread each."""
    fleet = Fleet("previz", None, FleetOptions(actors=actors, cpus=1))
    try:
        warm = [
            threading.Thread(target=fleet.render, args=(s, folder / f"{s.shot.id}.mp4"))
            for s in specs(f"w{actors}", actors)
        ]
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()
        started = time.perf_counter()
        sent = [
            threading.Thread(target=fleet.render, args=(s, folder / f"{s.shot.id}.mp4"))
            for s in specs(f"f{actors}")
        ]
        for thread in sent:
            thread.start()
        for thread in sent:
            thread.join()
        return time.perf_counter() - started
    finally:
        fleet.close()


def locally(folder: Path) -> float:
    """Seconds for the local engine to draw the 24 shots one after another on one core (what a
    1-CPU actor holds: it is pinned to one), so the difference is Ray's alone."""
    renderer = renderer_for("previz")
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})  # this thread and the encoders it starts
    try:
        renderer.render(specs("wl", 1)[0], folder / "warm.mp4")
        started = time.perf_counter()
        for spec in specs("l"):
            renderer.render(spec, folder / f"{spec.shot.id}.mp4")
        return time.perf_counter() - started
    finally:
        os.sched_setaffinity(0, allowed)


def main() -> None:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        folder = Path(tmp)
        local_s = locally(folder)
        one_s = on_fleet(1, folder)
        two_s = on_fleet(2, folder)
    ray.shutdown()
    print(f"local engine, shot after shot on one core: {local_s:.2f} s ({SHOTS} shots of {FRAMES} frames)")
    print(f"fleet of 1 actor: {one_s:.2f} s; fleet of 2 actors: {two_s:.2f} s")
    overhead_ms = (one_s - local_s) / SHOTS * 1000
    print(f"ray: speedup_2v1={one_s / two_s:.2f} overhead_ms_per_shot={overhead_ms:.1f}")


if __name__ == "__main__":
    main()

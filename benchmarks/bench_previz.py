"""Previz drawing against libx264 encoding, on a busy shot: 300 weather particles, 10 bodies.

Run: `.venv/bin/python benchmarks/bench_previz.py`. Draws N frames at 854×480 into memory
(timing only the drawing), then encodes those same frames through the shared FrameWriter
(timing only the encode), then renders the shot whole as the previz engine does (boxes and a
still) and as the control renderer does (plus the depth pass, a gray encode).
Last line: `previz: draw/encode=<ratio> fps=<n>` (ratio ≤ 1 means drawing is not the bottleneck;
fps is drawn frames per second).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.media import FrameWriter  # noqa: E402
from engine.previz import PrevizRenderer  # noqa: E402
from engine.previz.shot import ShotPainter  # noqa: E402
from film import (  # noqa: E402
    Camera,
    Character,
    Direction,
    MotionAction,
    MotionEvent,
    Movement,
    Performance,
    Physics,
    RenderSpec,
    Scene,
    Shot,
    ShotSize,
    TimeOfDay,
    Weather,
)

ACTIONS = (
    MotionAction.fall,
    MotionAction.bounce,
    MotionAction.throw,
    MotionAction.roll,
    MotionAction.shatter,
)


def busy_spec(frames: int) -> RenderSpec:
    """A wide truck through a rainy harbour street with ten simulated bodies."""
    events = tuple(
        MotionEvent(
            object=f"prop{k}", action=ACTIONS[k % 5], start_s=0.2 * k, height_m=1.5 + 0.2 * k, speed_ms=6
        )
        for k in range(10)
    )
    cast = (
        Character(id="maya", name="Maya", color="#2e86de", build="slight"),
        Character(id="otto", name="Otto", color="#e67e22", build="broad"),
    )
    shot = Shot(
        id="B01",
        scene_id="s1",
        frames=frames,
        description="Crates tumble off a truck in the rain while Maya runs for cover.",
        performances=(
            Performance(character_id="maya", action="run", emotion="scared"),
            Performance(character_id="otto", action="walk", emotion="angry"),
        ),
        camera=Camera(size=ShotSize.wide, movement=Movement.truck, direction=Direction.right),
        physics=Physics(weather=Weather.rain, wind_ms=(6.0, 0.0), events=events),
    )
    scene = Scene(id="s1", location="city street at the harbour", time_of_day=TimeOfDay.dusk)
    return RenderSpec(
        engine="previz", shot=shot, scene=scene, characters=cast, seed=7, width=854, height=480, fps=24
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=240)
    args = parser.parse_args()
    spec = busy_spec(args.frames)

    started = time.perf_counter()
    painter = ShotPainter(spec, control=False, particles=300)
    drawn = [painter.frame(i).rgb for i in range(args.frames)]
    draw_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="bench-previz-") as tmp:
        started = time.perf_counter()
        with FrameWriter(Path(tmp) / "enc.mp4", spec.width, spec.height, spec.fps) as writer:
            for frame in drawn:
                writer.write(frame)
        encode_s = time.perf_counter() - started

        timings = {False: float("inf"), True: float("inf")}
        for _ in range(2):  # best of two, alternating, so neither side gets the warm cache alone
            for control in (False, True):
                started = time.perf_counter()
                PrevizRenderer(depth=control).render(spec, Path(tmp) / f"take{int(control)}.mp4")
                timings[control] = min(timings[control], time.perf_counter() - started)

    n = args.frames
    print(f"frames: {n} at {spec.width}x{spec.height}, 300 particles, 10 bodies")
    print(f"draw:   {draw_s:6.2f}s ({n / draw_s:6.1f} fps)")
    print(f"encode: {encode_s:6.2f}s ({n / encode_s:6.1f} fps)")
    print(
        f"render: {timings[False]:6.2f}s without the depth pass, {timings[True]:6.2f}s with "
        f"(+{100 * (timings[True] / timings[False] - 1):.0f}%)"
    )
    print(f"previz: draw/encode={draw_s / encode_s:.2f} fps={n / draw_s:.0f}")


if __name__ == "__main__":
    main()

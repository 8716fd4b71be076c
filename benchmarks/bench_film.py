"""A film from brief to final MP4 on the previz engine, against the encoder's floor, in one run.

Run: `make bench` (or `.venv/bin/python benchmarks/bench_film.py [--duration 600]`).

First the floor: the same number of 854×480 frames as the film, drawn in memory from a
synthetic source (a panning textured ground, a moving block, light noise) and encoded with the
project's own H.264 arguments (`engine.media.H264_ARGS`, through the same FrameWriter). That is
what x264 alone needs on this machine, now. Then the film, with a fresh STORYREEL_HOME so nothing
comes from the take cache, and then the floor once more: `floor` is the mean of the two, so a
machine that slows down or speeds up during the run moves both sides alike. ratio = film wall /
floor (lower is better; 1 would be a film made as fast as x264 alone encodes its frames).

Last line for the default 60 s:
`film_60s: wall=<s> floor=<s> ratio=<x> realtime=<x> peak_rss_mb=<n>`
and for any other length, e.g. `--duration 600`, which also makes the 60-s film in a child
process to compare peak memory (the Python process's peak RSS, ffmpeg children apart):
`film_600s: wall=<s> ratio=<x> peak_rss_mb=<n> rss_vs_60s=<x>`
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import probe  # noqa: E402
from engine.media import FrameWriter  # noqa: E402
from studio.make import FilmRequest, make_film  # noqa: E402
from studio.runner import FilmResult  # noqa: E402
from studio.settings import Settings  # noqa: E402

WIDTH, HEIGHT, FPS = 854, 480, 24


def synthetic_frames(count: int) -> Iterator[np.ndarray]:
    """`count` frames of a panning textured ground with a moving block: cheap to draw (a slice
    and a fill), so the timing below is the encoder's."""
    rng = np.random.default_rng(7)
    y = np.linspace(0.0, 1.0, HEIGHT)[:, None]
    x = np.linspace(0.0, 1.0, 2 * WIDTH)[None, :]
    ground = np.empty((HEIGHT, 2 * WIDTH, 3), np.uint8)
    ground[..., 0] = np.clip(60 + 120 * y + 40 * np.sin(x * 40), 0, 255)
    ground[..., 1] = np.clip(90 + 60 * np.cos(x * 13 + y * 7), 0, 255)
    ground[..., 2] = np.clip(140 - 80 * y, 0, 255)
    ground += rng.integers(0, 18, ground.shape, dtype=np.uint8)
    for i in range(count):
        frame = np.ascontiguousarray(ground[:, (3 * i) % WIDTH : (3 * i) % WIDTH + WIDTH])
        left = (5 * i) % (WIDTH - 80)
        frame[200:300, left : left + 80] = (230, 200, 40)
        yield frame


def floor_s(frames: int, dest: Path) -> float:
    """Seconds x264 takes to encode `frames` synthetic frames with the project's arguments."""
    started = time.perf_counter()
    with FrameWriter(dest, WIDTH, HEIGHT, FPS) as writer:
        for frame in synthetic_frames(frames):
            writer.write(frame)
    seconds = time.perf_counter() - started
    dest.unlink()
    return seconds


def film(duration: float, brief: Path, tmp: Path) -> tuple[float, FilmResult]:
    settings = Settings(home=tmp / "home", out_root=tmp / "out")
    request = FilmRequest(
        brief=brief.read_text(encoding="utf-8"), duration_s=duration, aspect="16:9", style="cinematic", seed=7
    )
    started = time.perf_counter()
    result = make_film(request, settings=settings, quiet=True)
    return time.perf_counter() - started, result


def cpu_s() -> tuple[float, float]:
    """CPU seconds so far of this process and of its finished children (the ffmpeg runs)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, kids.ru_utime + kids.ru_stime


def peak_mb() -> float:
    """Peak RSS of this Python process so far, in MB (ffmpeg children are not counted: their
    getrusage peak includes the parent's pages at fork, so it reads like the parent's)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--brief-file", type=Path, default=ROOT / "templates/briefs/lighthouse.md")
    args = parser.parse_args()
    label = f"film_{args.duration:g}s"

    baseline_mb = None
    if args.duration != 60.0:  # the 60-s film's peak memory, measured in a process of its own
        child = subprocess.run(
            [sys.executable, __file__, "--duration", "60", "--brief-file", str(args.brief_file)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        print(child.stdout.strip().splitlines()[-1])
        baseline_mb = float(re.findall(r"peak_rss_mb=(\d+)", child.stdout)[-1])

    with tempfile.TemporaryDirectory(prefix="bench-film-") as name:
        tmp = Path(name)
        frames = round(args.duration * FPS)
        before = floor_s(frames, tmp / "floor.mp4")
        cpu_before = cpu_s()
        wall, result = film(args.duration, args.brief_file, tmp)
        python_cpu, ffmpeg_cpu = (a - b for a, b in zip(cpu_s(), cpu_before, strict=True))
        after = floor_s(frames, tmp / "floor.mp4")
        floor = (before + after) / 2
        print(
            f"floor: {frames} frames {WIDTH}x{HEIGHT} encoded in {before:.2f}s before the film, "
            f"{after:.2f}s after"
        )
        assert result.film_path is not None
        info = probe(result.film_path)

    own_mb = peak_mb()
    print(
        f"shots: {len(result.plan.shots)}  rendered: {len(result.rendered)}  "
        f"film: {info.duration_s:.3f}s {info.width}x{info.height} @ {info.fps:g} fps"
    )
    for stage, seconds in result.stage_s.items():
        print(f"stage {stage:<10} {seconds:7.2f}s")
    print(f"film cpu: python {python_cpu:.2f}s, ffmpeg {ffmpeg_cpu:.2f}s ({os.cpu_count()} cores here)")
    ratio = wall / floor
    if baseline_mb is None:
        print(
            f"{label}: wall={wall:.2f} floor={floor:.2f} ratio={ratio:.2f} "
            f"realtime={info.duration_s / wall:.2f} peak_rss_mb={own_mb:.0f}"
        )
    else:
        print(
            f"{label}: wall={wall:.2f} ratio={ratio:.2f} peak_rss_mb={own_mb:.0f} "
            f"rss_vs_60s={own_mb / baseline_mb:.2f}"
        )


if __name__ == "__main__":
    main()

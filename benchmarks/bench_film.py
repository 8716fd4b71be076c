"""A 60-second film from brief to final MP4 on the previz engine, timed per stage.

Run: `make bench` (or `.venv/bin/python benchmarks/bench_film.py`). Each run uses a fresh
STORYREEL_HOME, so nothing comes from the take cache. Last line:
`film_60s: wall=<s> realtime=<x> peak_rss_mb=<n>` (realtime = film seconds per wall second).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import probe  # noqa: E402
from studio.make import FilmRequest, make_film  # noqa: E402
from studio.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--brief-file", type=Path, default=ROOT / "templates/briefs/lighthouse.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-film-") as tmp:
        settings = Settings(home=Path(tmp) / "home", out_root=Path(tmp) / "out")
        request = FilmRequest(
            brief=args.brief_file.read_text(encoding="utf-8"),
            duration_s=args.duration,
            aspect="16:9",
            style="cinematic",
            seed=7,
        )
        started = time.perf_counter()
        result = make_film(request, settings=settings, quiet=True)
        wall = time.perf_counter() - started
        info = probe(result.film_path)

    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"shots: {len(result.plan.shots)}  rendered: {len(result.rendered)}  film: {info.duration_s:.3f}s "
        f"{info.width}x{info.height} @ {info.fps:g} fps"
    )
    for stage, seconds in result.stage_s.items():
        print(f"stage {stage:<10} {seconds:7.2f}s")
    print(f"peak rss: python {self_mb:.0f} MB, largest ffmpeg child {child_mb:.0f} MB")
    print(f"film_60s: wall={wall:.2f} realtime={info.duration_s / wall:.2f} peak_rss_mb={self_mb:.0f}")


if __name__ == "__main__":
    main()

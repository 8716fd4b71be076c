"""Revising 1 shot of a 12-shot film against making the film in the first place.

Run: `.venv/bin/python benchmarks/bench_revision.py`. Both are measured in one process on a
fresh STORYREEL_HOME: the first full run (plan, 12 renders, cut), then `revise RUN "shot 3:
close-up, dolly in"` (one render, the cut). Last line: `revision_vs_full: <ratio>` (goal ≤ 0.2).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.make import FilmRequest, make_film  # noqa: E402
from studio.revise import revise_run  # noqa: E402
from studio.settings import Settings  # noqa: E402

BRIEF = " ".join(
    f"Beat {n}: Mara walks along the harbour at dusk and watches boat number {n} come in."
    for n in range(1, 13)
)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-revision-") as tmp:
        settings = Settings(home=Path(tmp) / "home", out_root=Path(tmp) / "out")
        request = FilmRequest(brief=BRIEF, duration_s=60.0, aspect="16:9", style="cinematic", seed=3)
        started = time.perf_counter()
        full = make_film(request, settings=settings, quiet=True)
        full_s = time.perf_counter() - started
        started = time.perf_counter()
        revised = revise_run(settings, full.run_id, "shot 3: close-up, dolly in", quiet=True)
        revision_s = time.perf_counter() - started
    print(f"full run:  {full_s:6.2f}s  ({len(full.plan.shots)} shots, rendered {len(full.rendered)})")
    print(f"revision:  {revision_s:6.2f}s  (rendered {len(revised.rendered)} of {len(revised.plan.shots)})")
    print(f"revision_vs_full: {revision_s / full_s:.3f}")


if __name__ == "__main__":
    main()

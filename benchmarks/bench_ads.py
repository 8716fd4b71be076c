"""A 24-variant ad matrix against a single ad, both on previz.

Run: `.venv/bin/python benchmarks/bench_ads.py`. The 15-s product-demo template, first as one
variant for one platform (tiktok), then as 3 hooks x 2 calls to action x 4 platforms (tiktok,
reels, feed-4x5, youtube): 24 cuts. Each runs in one process on its own fresh STORYREEL_HOME, so
nothing is cached from before. Every cut uses its 4 slots' takes; `shared_takes=<n>/<m>` counts
the uses served by a take another use rendered (n, from the runs' renders) against all the uses
that could be (m: uses less the distinct specs). Last line:
`ads: matrix24_vs_one=<ratio> shared_takes=<n>/<m>` (goal: ratio <= 4, n = m).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studio.ad_make import AdBatch, ad_order, make_ads  # noqa: E402
from studio.settings import Settings  # noqa: E402

TEMPLATE = "product-demo"
MATRIX = {"platforms": "tiktok,reels,feed-4x5,youtube", "hooks": 3, "ctas": 2}
ONE = {"platforms": "tiktok", "hooks": 1, "ctas": 1}


def timed(flags: dict[str, object], tmp: Path, name: str) -> tuple[float, AdBatch]:
    settings = Settings(home=tmp / name / "home", out_root=tmp / name / "out")
    order = ad_order(TEMPLATE, duration_s=15, **flags)  # type: ignore[arg-type]
    started = time.perf_counter()
    batch = make_ads(order, settings=settings, out_dir=tmp / name / "ads")
    return time.perf_counter() - started, batch


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-ads-") as folder:
        tmp = Path(folder)
        one_s, one = timed(ONE, tmp, "one")
        matrix_s, matrix = timed(MATRIX, tmp, "matrix")
    assert not one.failed and not matrix.failed, [*one.failures, *matrix.failures]
    cuts, uses, rendered = len(matrix.variants), matrix.uses, len(matrix.rendered)
    print(f"one variant:  {one_s:6.2f} s  ({len(one.rendered)} takes rendered, 1 cut)")
    wanted = len(matrix.wanted)
    print(f"matrix:       {matrix_s:6.2f} s  ({rendered} takes rendered for {wanted} distinct specs, "
          f"{cuts} cuts using {uses} takes)")  # fmt: skip
    shared, could = uses - rendered, uses - len(matrix.wanted)
    print(f"ads: matrix24_vs_one={matrix_s / one_s:.2f} shared_takes={shared}/{could}")


if __name__ == "__main__":
    main()

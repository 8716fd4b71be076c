"""A daily series against single films: is an episode as cheap as a `storyreel make`?

Run: `.venv/bin/python benchmarks/bench_series.py`. A series of 30 daily 10-s episodes on
previz (two recurring hosts, review: auto, a folder publisher) is run day by day in one process:
the scheduler's pass at each slot, then a worker makes what it queued (brief from the bible and
the ledger, the gate, planning with the cast, variety and canon checks, shooting, the ledger
entry, publishing). Its wall time per episode is set against `make_film` on the first episode's
brief at the same length, made in a fresh studio home in the same process: the series' overhead
is everything an episode does beyond making its film. The make is timed three times (each in a
fresh home, so nothing is cached) and its median taken, since one film is a small sample.
`duplicates` counts episodes beyond one per slot, `missed` the due slots with no published
episode. Last line:
`series: per_episode_vs_make=<ratio> duplicates=<n> missed=<n>` (goal: ratio <= 1.2, 0, 0).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agents.series import parse_bible  # noqa: E402
from storage import episodes, get_series, open_database, session_scope  # noqa: E402
from studio.make import FilmRequest, make_film  # noqa: E402
from studio.series import store_bible, tick  # noqa: E402
from studio.settings import Settings  # noqa: E402
from studio.worker import Worker  # noqa: E402

DAYS = 30
FIRST = datetime(2027, 3, 1, 7, 0, tzinfo=UTC)
CHORES = [
    "mends a net",
    "paints a boat",
    "bakes bread",
    "feeds the gulls",
    "rows to the buoy",
    "sweeps the pier",
]
PLACES = ["harbour", "lighthouse", "market", "beach", "jetty"]
BIBLE = f"""
name: bench
title: Harbour Days
cast:
  - {{id: sari, name: Sari, description: a courier, appearance: yellow raincoat, color: "#e0b020"}}
  - {{id: bima, name: Bima, description: a baker, appearance: white apron, color: "#3060c0"}}
brief: "{{{{ topic }}}}"
topics:
  items: {[f"At the {PLACES[n % 5]}, Sari {CHORES[n % 6]}; Bima {CHORES[(n + 3) % 6]}." for n in range(DAYS)]}
schedule: {{cron: "0 7 * * *", timezone: UTC, start: {FIRST.date().isoformat()}}}
format: {{duration_s: 10, aspect: "16:9", title_card: false}}
review: auto
publish: [{{kind: folder, root: published}}]
"""


def series_s(home: Path) -> tuple[float, str, int, int]:
    """Seconds per episode over DAYS days, the first episode's brief, duplicates and missed."""
    settings = Settings(home=home / "home", out_root=home / "out")
    db = open_database(settings.database)
    store_bible(db, settings, parse_bible(BIBLE, None), entry="bench")
    worker = Worker(settings, db=db)
    started = time.perf_counter()
    for day in range(DAYS):
        tick(db, settings, FIRST + timedelta(days=day, seconds=5))
        worker.run(once=True)
    spent = time.perf_counter() - started
    with session_scope(db) as session:
        rows = episodes(session=session, series_id=get_series(session=session, name="bench").id, limit=1000)
    slots = {e.slot for e in rows}
    published = {e.slot for e in rows if e.state == "published"}
    wanted = {FIRST + timedelta(days=d) for d in range(DAYS)}
    brief = next(e.brief for e in rows if e.number == 1) or ""
    return spent / DAYS, brief, len(rows) - len(slots), len(wanted - published)


def make_s(home: Path, brief: str) -> float:
    settings = Settings(home=home / "home", out_root=home / "out")
    request = FilmRequest(
        brief=brief, duration_s=10, aspect="16:9", style="cinematic", seed=0, title_card=False
    )
    started = time.perf_counter()
    make_film(request, settings=settings, quiet=True)
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-series-") as folder:
        tmp = Path(folder)
        warm_brief = "Sari mends a net at the harbour while Bima bakes bread."
        make_s(tmp / "warm", warm_brief)  # imports and first-use costs, paid by neither side
        per_episode, brief, duplicates, missed = series_s(tmp / "series")
        makes = sorted(make_s(tmp / f"make{k}", brief) for k in range(3))
    one = makes[1]
    print(f"make:     {one:6.2f} s  (one 10-s film from the first episode's brief; median of 3 fresh homes)")
    print(f"episode:  {per_episode:6.2f} s  (mean of {DAYS} daily episodes, scheduled, made and published)")
    print(f"series: per_episode_vs_make={per_episode / one:.2f} duplicates={duplicates} missed={missed}")


if __name__ == "__main__":
    main()

"""Never twice, never lost: 4 `storyreel scheduler` processes and 2 `storyreel worker`s make a
daily series over 30 simulated days (time injected through STORYREEL_CLOCK_FILE, never slept),
while processes are SIGKILLed and restarted at points chosen from the database's own progress.
On SQLite and on a throwaway PostgreSQL: exactly one episode per due slot, numbered in slot order,
each planned once and published once, the continuity ledger in slot order, no take rendered twice.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from film.files import write_atomic
from storage import episodes, get_series, ledger, list_jobs, list_plan_versions, open_database, session_scope
from tests.studio.renders import take_renders
from tests.studio.waiting import until

DAYS = 30
ZONE = ZoneInfo("Asia/Jakarta")
FIRST = datetime(2027, 1, 4, 7, 0, tzinfo=ZONE)
THINGS = [
    "anchor",
    "banjo",
    "cactus",
    "drum",
    "easel",
    "fiddle",
    "globe",
    "hammock",
    "igloo",
    "jigsaw",
    "kettle",
    "lantern",
    "mirror",
    "needle",
    "oar",
    "parasol",
    "quilt",
    "rudder",
    "saddle",
    "trumpet",
    "umbrella",
    "violin",
    "wagon",
    "xylophone",
    "yoyo",
    "zither",
    "basket",
    "candle",
    "ladder",
    "telescope",
]
PLACES = [
    "harbour",
    "library",
    "meadow",
    "bakery",
    "chapel",
    "dockyard",
    "orchard",
    "quarry",
    "stadium",
    "tunnel",
    "vineyard",
    "airfield",
    "barracks",
    "canyon",
    "dunes",
    "estuary",
    "foundry",
    "glacier",
    "hangar",
    "island",
    "jetty",
    "kiosk",
    "lagoon",
    "mill",
    "observatory",
    "pier",
    "ranch",
    "sawmill",
    "terrace",
    "windmill",
]
TOPICS = list(zip(THINGS, PLACES, strict=True))
BIBLE = f"""
name: drill
title: Drill
cast:
  - {{id: sari, name: Sari, description: a courier, appearance: yellow raincoat, color: "#e0b020"}}
  - {{id: bima, name: Bima, description: a baker, appearance: white apron, color: "#3060c0"}}
brief: "{{{{ topic }}}}"
topics:
  items: [{", ".join(f'"Sari takes the {thing} to the {place} as Bima bakes."' for thing, place in TOPICS)}]
schedule: {{cron: "0 7 * * *", timezone: Asia/Jakarta, start: {FIRST.date().isoformat()}, misfire: catch_up}}
format: {{duration_s: 2, aspect: "1:1", title_card: false}}
variety: {{replans: 0, threshold: 1.0}}
review: auto
publish: [{{kind: folder, root: published}}]
"""


def _start(env: dict[str, str], cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "studio", *args],
        env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _tick_to(clock: Path, moment: datetime) -> None:
    write_atomic(clock, moment.isoformat())  # a scheduler never reads half a time


def _episodes(db: Engine) -> list[tuple[datetime, str, int | None, str | None]]:
    with session_scope(db) as session:
        series = get_series(session=session, name="drill")
        rows = episodes(session=session, series_id=series.id, limit=1000, newest_first=False)
    return [(e.slot, e.state, e.number, e.run_id) for e in rows]


def _making_worker(db: Engine) -> str | None:
    """The worker holding a running episode job, if one is at it right now."""
    with session_scope(db) as session:
        return next(
            (j.worker for j in list_jobs(session=session) if j.status == "running" and j.worker), None
        )


def test_four_schedulers_two_workers_thirty_days_with_kills(
    studio_env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    clock = tmp_path / "clock.txt"
    _tick_to(clock, FIRST - timedelta(hours=1))
    env = dict(
        studio_env, STORYREEL_DATABASE_URL=database_url, STORYREEL_CLOCK_FILE=str(clock),
        STORYREEL_SERIES_TICK_S="0.05", STORYREEL_WORKER_LEASE_S="5", STORYREEL_RENDER_WORKERS="1",
        STORYREEL_SERIES_GRACE_S=str(3 * 86400), STORYREEL_RENDER_LOG=str(tmp_path / "renders.log"),
    )  # fmt: skip
    (tmp_path / "drill.yaml").write_text(BIBLE, encoding="utf-8")
    made = subprocess.run(
        [sys.executable, "-m", "studio", "series", "create", "drill.yaml"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    db = open_database(database_url)
    schedulers = [_start(env, tmp_path, "scheduler") for _ in range(4)]
    workers = {f"w{i}": _start(env, tmp_path, "worker", "--name", f"w{i}") for i in range(2)}
    rng = random.Random(30)
    slots = [(FIRST + timedelta(days=d)).astimezone(ZoneInfo("UTC")) for d in range(DAYS)]
    kills = 0

    def alive() -> list[subprocess.Popen[str]]:
        return [*schedulers, *workers.values()]

    try:
        for day, slot in enumerate(slots):
            _tick_to(clock, slot + timedelta(seconds=30))
            until(f"slot {day} claimed", lambda s=slot: any(e[0] == s for e in _episodes(db)), alive())
            if rng.random() < 0.4:  # a scheduler dies right after a claim
                k = rng.randrange(len(schedulers))
                schedulers[k].send_signal(signal.SIGKILL)
                schedulers[k].wait()
                schedulers[k] = _start(env, tmp_path, "scheduler")
                kills += 1
            if day % 6 == 3:  # a worker dies in the middle of an episode
                name = until("a worker at an episode", lambda: _making_worker(db), alive())
                if name in workers:
                    workers[name].send_signal(signal.SIGKILL)
                    workers[name].wait()
                    workers[name] = _start(env, tmp_path, "worker", "--name", name)
                    kills += 1

        def all_published() -> bool:
            rows = _episodes(db)
            assert not [r for r in rows if r[1] in ("failed", "refused")], rows
            return len(rows) == DAYS and all(r[1] == "published" for r in rows)

        until("every episode published", all_published, alive())
    finally:
        for proc in alive():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in alive():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    assert kills >= 5
    rows = _episodes(db)
    assert [r[0] for r in rows] == slots  # one episode per due slot, none extra
    assert [r[2] for r in rows] == list(range(1, DAYS + 1))  # numbered in slot order
    with session_scope(db) as session:
        series = get_series(session=session, name="drill")
        book = ledger(session=session, series_id=series.id)
        assert [(e.slot, e.number) for e in book] == [(s, n) for n, s in enumerate(slots, 1)]
        for _, _, _, run_id in rows:
            assert run_id is not None
            assert len(list_plan_versions(session=session, run_id=run_id)) == 1  # planned once
    published = list((tmp_path / "out" / "published" / "drill").glob("*/*/*/*/film.mp4"))
    assert len(published) == DAYS
    hashes = [line.split()[0] for line in take_renders(tmp_path / "renders.log")]
    assert len(hashes) == len(set(hashes))  # no take rendered twice
    db.dispose()

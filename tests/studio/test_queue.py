"""The durable job queue: three `storyreel worker` processes make twelve queued films on SQLite
and on a throwaway PostgreSQL, one worker is SIGKILLed in the middle of a job (chosen from the
job table and the run's own events), and every job still completes exactly once with no take
rendered twice, even for jobs that need the same takes at the same time (single flight).
A cancelled job stops before its film is made."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import Engine

from storage import (
    RunCreate,
    checkpointer_scope,
    claim_job,
    create_run,
    enqueue_job,
    events_after,
    finish_job,
    get_run,
    heartbeat,
    list_jobs,
    open_database,
    request_cancel,
    session_scope,
    set_run_status,
)
from studio.settings import load_settings
from studio.worker import Worker
from tests.studio.renders import take_renders
from tests.studio.waiting import DEADLINE_S, until

BRIEFS = [f"Beat {n}: Mara rows a small boat past buoy number {n} at dawn." for n in range(6)]


def _queue(db: Engine, out: Path, briefs: list[str], duration_s: float = 4.0) -> list[str]:
    """One queued run and make job per brief, as the API creates them."""
    ids = []
    with session_scope(db) as session:
        for brief in briefs:
            run = create_run(
                session=session, run_create=RunCreate(brief=brief, duration_s=duration_s, out_dir="")
            )
            run.out_dir = str(out / run.id)
            set_run_status(session=session, run_id=run.id, status="queued")
            payload = {"brief": brief, "duration_s": duration_s, "aspect": "16:9", "style": "cinematic",
                       "seed": 0, "title_card": False, "review": False}  # fmt: skip
            enqueue_job(session=session, run_id=run.id, kind="make", payload=payload)
            ids.append(run.id)
    return ids


def _env(studio_env: dict[str, str], database_url: str, tmp_path: Path) -> dict[str, str]:
    return dict(
        studio_env, STORYREEL_DATABASE_URL=database_url, STORYREEL_RENDER_LOG=str(tmp_path / "renders.log"),
        STORYREEL_WORKER_LEASE_S="5", STORYREEL_RENDER_WORKERS="1",
    )  # fmt: skip


def _worker(env: dict[str, str], name: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "studio", "worker", "--name", name],
        env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _rendering_job(db: Engine, worker: str) -> str | None:
    """The run `worker` is rendering right now: its job running, a shot half drawn."""
    with session_scope(db) as session:
        for job in list_jobs(session=session):
            if job.worker == worker and job.status == "running":
                events = events_after(session=session, run_id=job.run_id)
                if any(e.kind == "shot" and '"rendering"' in e.data_json for e in events):
                    return job.run_id
    return None


def _frozen_mid_render(proc: subprocess.Popen[str], db: Engine) -> str | None:
    """Stop `proc` (SIGSTOP) while it renders: the job it stands in cannot finish between the
    look and the kill, however fast the machine. Resumed if the look came a moment late."""
    if _rendering_job(db, "w0") is None:
        return None
    proc.send_signal(signal.SIGSTOP)
    run_id = _rendering_job(db, "w0")
    if run_id is None:
        proc.send_signal(signal.SIGCONT)
    return run_id


def test_three_workers_twelve_jobs_one_killed(
    studio_env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    env = _env(studio_env, database_url, tmp_path)
    db = open_database(database_url)
    runs = _queue(
        db, tmp_path / "out", [b for b in BRIEFS for _ in (1, 2)]
    )  # pairs want the same takes at once
    procs = [_worker(env, "w0", tmp_path)]  # alone, so its first job renders fresh takes
    try:
        killed_run = until("w0 frozen mid-render", lambda: _frozen_mid_render(procs[0], db), procs)
        procs += [_worker(env, f"w{i}", tmp_path) for i in (1, 2)]
        procs[0].send_signal(signal.SIGKILL)  # frozen, it may hold a lock: killed before a wait
        procs[0].wait()

        def all_done() -> bool:
            with session_scope(db) as session:
                jobs = list_jobs(session=session)
            failed = [(job.run_id, job.error) for job in jobs if job.status == "failed"]
            assert not failed, failed
            return all(job.status == "done" for job in jobs)

        until("every job done", all_done, procs[1:])
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)
    with session_scope(db) as session:
        jobs = list_jobs(session=session)
        assert len(jobs) == 12 and {job.run_id for job in jobs} == set(runs)
        taken_over = next(job for job in jobs if job.run_id == killed_run)
        assert taken_over.attempts == 2 and taken_over.worker in ("w1", "w2")
        assert all(job.attempts == 1 for job in jobs if job.run_id != killed_run)
        for run_id in runs:
            run = get_run(session=session, run_id=run_id)
            assert run.status == "done" and run.film_path and Path(run.film_path).is_file()
            finished = [e for e in events_after(session=session, run_id=run_id) if e.kind == "film"]
            assert len(finished) == 1, run_id  # made exactly once
    hashes = [line.split()[0] for line in take_renders(tmp_path / "renders.log")]
    assert hashes and len(hashes) == len(set(hashes))  # no take rendered twice
    db.dispose()


def test_a_job_is_claimed_once_and_leases_run_out(tmp_path: Path, database_url: str) -> None:
    db = open_database(database_url)
    [run_id] = _queue(db, tmp_path, BRIEFS[:1])
    job = claim_job(engine=db, worker="a", lease_s=60)
    assert job is not None and claim_job(engine=db, worker="b", lease_s=60) is None
    assert heartbeat(engine=db, job_id=job.id or 0, worker="a", lease_s=-1) == "ok"  # lease now over
    again = claim_job(engine=db, worker="b", lease_s=60)
    assert again is not None and again.id == job.id and again.attempts == 2
    assert heartbeat(engine=db, job_id=job.id or 0, worker="a", lease_s=60) == "lost"
    assert not finish_job(engine=db, job_id=job.id or 0, worker="a", status="done")
    with session_scope(db) as session:
        request_cancel(session=session, run_id=run_id)
    assert heartbeat(engine=db, job_id=job.id or 0, worker="b", lease_s=60) == "cancel"
    assert finish_job(engine=db, job_id=job.id or 0, worker="b", status="cancelled")
    db.dispose()


def test_cancel_stops_a_running_job_before_its_film(tmp_path: Path) -> None:
    settings = load_settings({"STORYREEL_HOME": str(tmp_path / "home"), "STORYREEL_OUT_ROOT": str(tmp_path)})
    db = open_database(settings.database)
    [run_id] = _queue(db, tmp_path / "out", BRIEFS[:1], duration_s=40.0)
    worker = Worker(settings, db=db)
    job = claim_job(engine=db, worker=worker.name, lease_s=settings.worker_lease_s)
    assert job is not None

    def cancel_on_first_frame() -> None:
        until("a shot rendering", lambda: _rendering_job(db, worker.name))
        with session_scope(db) as session:
            request_cancel(session=session, run_id=run_id)

    canceller = threading.Thread(target=cancel_on_first_frame)
    canceller.start()
    assert worker.work(job) == 1
    canceller.join()
    with session_scope(db) as session:
        run = get_run(session=session, run_id=run_id)
        assert run.status == "cancelled" and not (tmp_path / "out" / run_id / "film.mp4").exists()
        kinds = [e.kind for e in events_after(session=session, run_id=run_id)]
        assert "film" not in kinds and [j.status for j in list_jobs(session=session)] == ["cancelled"]
    db.dispose()


def test_two_makes_of_one_brief_render_each_take_once(
    studio_env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    """Two `storyreel make` processes started together on one brief: every spec renders once
    (one renders, the other waits for its take), and both films are made."""
    env = _env(studio_env, database_url, tmp_path)
    open_database(database_url).dispose()  # an existing studio: the schema is there before both start
    with checkpointer_scope(database_url):
        pass
    cmd = [sys.executable, "-m", "studio", "make", BRIEFS[0], "--duration", "6", "--quiet"]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    makes = [subprocess.Popen(cmd, env=env, cwd=tmp_path, **pipes) for _ in range(2)]  # type: ignore[call-overload]
    for make in makes:
        out, err = make.communicate(timeout=DEADLINE_S)
        assert make.returncode == 0, err
        assert Path(out.strip().splitlines()[-1]).is_file()
    hashes = [line.split()[0] for line in take_renders(tmp_path / "renders.log")]
    assert hashes and len(hashes) == len(set(hashes))

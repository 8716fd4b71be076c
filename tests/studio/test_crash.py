"""Durable runs: SIGKILL `storyreel make` at random points of a 12-shot run and resume it each
time, on SQLite and on a throwaway PostgreSQL. Every run completes, no finished take is
rendered twice, nothing partial ever sits at a final path, and the films decode."""

from __future__ import annotations

import hashlib
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from engine import probe
from film import FilmPlan

TWELVE_BEATS = " ".join(
    f"Beat {n}: Mara walks along the harbour at dusk and looks at boat number {n}." for n in range(1, 13)
)
KILLS = 10


def _start(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "studio", *args], env=env, cwd=cwd, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def _run_ids(env: dict[str, str], cwd: Path) -> list[str]:
    listed = _cli(["runs"], env, cwd)
    assert listed.returncode == 0, listed.stderr
    return [word for word in listed.stdout.split() if word.startswith("r-2")]


def _nothing_partial(home: Path, out: Path) -> None:
    """Every file at a final path is whole: assets match their hash, takes and films decode."""
    for path in (home / "assets").rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name.split(".")[0], path
    for clip in (home / "work").rglob("*.mp4"):
        if ".part" not in clip.name:
            assert probe(clip, decode=True).frames > 0, clip
    if (out / "plan.json").exists():
        FilmPlan.model_validate_json((out / "plan.json").read_text(encoding="utf-8"))
    if (out / "film.mp4").exists():
        assert probe(out / "film.mp4", decode=True).frames > 0


def test_crash_and_resume(database_url: str, studio_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(
        studio_env, STORYREEL_DATABASE_URL=database_url, STORYREEL_RENDER_LOG=str(tmp_path / "renders.log")
    )
    home, out = Path(env["STORYREEL_HOME"]), tmp_path / "film"
    make = ["make", TWELVE_BEATS, "--duration", "28", "--aspect", "1:1", "--out", str(out), "--quiet"]
    rng = random.Random(20261124)
    kills, saw_resumable = 0, False
    while kills < KILLS:
        ids = _run_ids(env, tmp_path)
        proc = _start(["resume", ids[0], "--quiet"] if ids else make, env, tmp_path)
        time.sleep(rng.uniform(0.4, 3.2))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        _nothing_partial(home, out)
        if ids and not saw_resumable:
            saw_resumable = "resumable" in _cli(["runs"], env, tmp_path).stdout
    (run_id,) = _run_ids(env, tmp_path)
    done = _cli(["resume", run_id, "--quiet"], env, tmp_path)
    if "already done" not in done.stderr:
        assert done.returncode == 0, done.stderr
    assert saw_resumable

    _nothing_partial(home, out)
    plan = FilmPlan.model_validate_json((out / "plan.json").read_text(encoding="utf-8"))
    assert len(plan.shots) == 12
    film = probe(out / "film.mp4", decode=True)
    assert film.frames == plan.total_frames and film.has_audio
    finished = [line.split()[0] for line in (tmp_path / "renders.log").read_text().splitlines()]
    assert len(finished) == len(set(finished)), "a finished take was rendered again"
    assert len(set(finished)) <= 12
    shown = _cli(["show", run_id], env, tmp_path)
    assert shown.returncode == 0 and " done " in f" {shown.stdout} "
    assert json.loads(_cli(["schema"], env, tmp_path).stdout)["title"] == "FilmPlan"


def test_resume_refuses_a_done_run(cli_env_run: tuple[dict[str, str], str], tmp_path: Path) -> None:
    env, run_id = cli_env_run
    again = _cli(["resume", run_id], env, tmp_path)
    assert again.returncode == 2 and "already done" in again.stderr

"""Durable runs: SIGKILL `storyreel make` at ten points of a 12-shot run, chosen from the run's
own progress (after planning, after the n-th take is rendered or recorded, during assembly), and
resume it each time, on SQLite and on a throwaway PostgreSQL. Every run completes, no finished
take is rendered twice, nothing partial ever sits at a final path, and the films decode. A make
killed before its run row is committed leaves nothing behind, and making it again works."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from engine import probe
from film import FilmPlan
from tests.studio.killpoints import (
    KillPoint,
    Progress,
    RunWatch,
    choose_kill_points,
    event_sequence,
    kill_when_stopped,
    next_due,
    start_cli,
)
from tests.studio.renders import take_renders

TWELVE_BEATS = " ".join(
    f"Beat {n}: Mara walks along the harbour at dusk and looks at boat number {n}." for n in range(1, 13)
)
KILLS = 10
SEED = 20261124


def _cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


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


def _files(*folders: Path) -> list[Path]:
    return [path for folder in folders if folder.exists() for path in folder.rglob("*") if path.is_file()]


def _crash_env(studio_env: dict[str, str], database_url: str, tmp_path: Path) -> dict[str, str]:
    return dict(
        studio_env, STORYREEL_DATABASE_URL=database_url, STORYREEL_RENDER_LOG=str(tmp_path / "renders.log")
    )


def _check_film(out: Path) -> FilmPlan:
    """The finished film decodes whole, with sound, and is as long as its plan."""
    plan = FilmPlan.model_validate_json((out / "plan.json").read_text(encoding="utf-8"))
    film = probe(out / "film.mp4", decode=True)
    assert film.frames == plan.total_frames and film.has_audio
    return plan


def test_kill_points_follow_the_run() -> None:
    points = choose_kill_points(takes=12, kills=KILLS, seed=SEED)
    sequence = event_sequence(12)
    assert len(points) == KILLS and points[0].kind == "planned" and points[-1].kind == "assembling"
    assert [sequence.index(p) for p in points] == sorted({sequence.index(p) for p in points})
    assert points == choose_kill_points(takes=12, kills=KILLS, seed=SEED)


def test_crash_and_resume(database_url: str, studio_env: dict[str, str], tmp_path: Path) -> None:
    env = _crash_env(studio_env, database_url, tmp_path)
    home, out = Path(env["STORYREEL_HOME"]), tmp_path / "film"
    make = ["make", TWELVE_BEATS, "--duration", "28", "--aspect", "1:1", "--out", str(out), "--quiet"]
    watch = RunWatch(database_url, tmp_path / "renders.log")
    sequence = event_sequence(12)
    landed: list[str] = []
    try:
        for planned in choose_kill_points(takes=12, kills=KILLS, seed=SEED):
            before = watch.progress()
            point = next_due(planned, sequence, before)
            args = ["resume", before.run_ids[0], "--quiet"] if before.run_ids else make
            kill_when_stopped(start_cli(args, env, tmp_path, point.stop_at(before)), f"'{point}'")
            landed.append(str(point))
            _nothing_partial(home, out)
            if len(landed) == 1:
                assert "resumable" in _cli(["runs"], env, tmp_path).stdout
        (run_id,) = watch.progress().run_ids
    finally:
        watch.close()
    assert len(landed) == KILLS, landed
    done = _cli(["resume", run_id, "--quiet"], env, tmp_path)
    assert done.returncode == 0, f"kills landed at {landed}:\n{done.stderr}"

    _nothing_partial(home, out)
    assert len(_check_film(out).shots) == 12
    finished = [line.split()[0] for line in take_renders(tmp_path / "renders.log")]
    assert len(finished) == len(set(finished)), "a finished take was rendered again"
    assert len(set(finished)) <= 12
    shown = _cli(["show", run_id], env, tmp_path)
    assert shown.returncode == 0 and " done " in f" {shown.stdout} "
    assert json.loads(_cli(["schema"], env, tmp_path).stdout)["title"] == "FilmPlan"


def test_kill_before_the_run_row_leaves_nothing(
    database_url: str, studio_env: dict[str, str], tmp_path: Path
) -> None:
    """The make stops itself at the commit of its run row (the INSERT has run, the commit has
    not) and is killed there; no run, plan, take, asset or film is left, and the same make
    run again completes."""
    env = _crash_env(studio_env, database_url, tmp_path)
    home, out = Path(env["STORYREEL_HOME"]), tmp_path / "film"
    make = ["make", "Mara waves at the sea. Theo smiles.", "--duration", "4", "--out", str(out), "--quiet"]
    kill_when_stopped(start_cli(make, env, tmp_path, KillPoint("run-row").stop_at(Progress())), "the run row")

    watch = RunWatch(database_url, tmp_path / "renders.log")
    try:
        left = watch.progress()
    finally:
        watch.close()
    assert left.database, "the make was stopped before it opened the database"
    assert left.run_ids == () and not left.planned and left.recorded == 0 and left.rendered == 0
    assert _files(out, home / "assets", home / "work") == []
    assert not _run_listed(env, tmp_path)

    again = _cli(make, env, tmp_path)
    assert again.returncode == 0, again.stderr
    _nothing_partial(home, out)
    _check_film(out)


def _run_listed(env: dict[str, str], cwd: Path) -> bool:
    listed = _cli(["runs"], env, cwd)
    assert listed.returncode == 0, listed.stderr
    return any(word.startswith("r-2") for word in listed.stdout.split())


def test_resume_refuses_a_done_run(cli_env_run: tuple[dict[str, str], str], tmp_path: Path) -> None:
    env, run_id = cli_env_run
    again = _cli(["resume", run_id], env, tmp_path)
    assert again.returncode == 2 and "already done" in again.stderr

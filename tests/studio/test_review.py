"""`storyreel make --review` stops after planning, shows the plan, and continues on approval
or applies a revision first; without an answer it waits and `storyreel resume` approves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from engine import probe
from film import FilmPlan

BRIEF = "Mara climbs the lighthouse. Theo rows through the storm. The lamp shines."


def _make(env: dict[str, str], cwd: Path, out: Path, answers: str) -> subprocess.CompletedProcess[str]:
    args = ["make", BRIEF, "--duration", "6", "--out", str(out), "--quiet", "--review"]
    return subprocess.run(
        [sys.executable, "-m", "studio", *args], env=env, cwd=cwd, input=answers, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip


def test_review_revision_then_approve(studio_env: dict[str, str], tmp_path: Path) -> None:
    done = _make(studio_env, tmp_path, tmp_path / "f", "shot 1: extreme close-up, dutch\ny\n")
    assert done.returncode == 0, done.stderr
    assert "approve" in done.stderr and "EXTREME-CLOSE-UP" in done.stderr
    plan = FilmPlan.model_validate_json((tmp_path / "f" / "plan.json").read_text(encoding="utf-8"))
    assert plan.shots[0].camera.size.value == "extreme-close-up"
    assert probe(tmp_path / "f" / "film.mp4").frames == plan.total_frames


def test_review_waits_then_resume_approves(studio_env: dict[str, str], tmp_path: Path) -> None:
    waiting = _make(studio_env, tmp_path, tmp_path / "f", "")
    assert waiting.returncode == 0, waiting.stderr
    assert "waiting for review" in waiting.stderr
    assert not (tmp_path / "f" / "film.mp4").exists()
    run_id = waiting.stderr.split("run ", 1)[1].split(":")[0].strip()
    resumed = subprocess.run(
        [sys.executable, "-m", "studio", "resume", run_id, "--quiet"], env=studio_env, cwd=tmp_path,
        input="y\n", capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert probe(tmp_path / "f" / "film.mp4").frames == 6 * 24

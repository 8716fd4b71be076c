"""`storyreel make --review` stops after planning, shows the plan, and continues on approval
or applies a revision first; without an answer it waits and `storyreel resume` approves."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine import probe
from film import FilmPlan
from tests.agents.openai_stub import Reply, scripted_server
from tests.studio.conftest import FAST_LLM

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


def _reviser_or_nonsense(clauses: list[str]) -> Callable[[dict[str, Any]], Reply]:
    """The scripted LLM: the reviser gets `clauses`; planner, recaptioner and editor get nonsense
    (so they fall back to their heuristics, quickly)."""

    def reply(body: dict[str, Any]) -> Reply:
        if "revision note" in body["messages"][0]["content"]:
            return Reply(json.dumps({"clauses": clauses}))
        return Reply("no")

    return reply


def test_review_takes_free_text_with_an_llm(studio_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(studio_env, **FAST_LLM)
    with scripted_server(_reviser_or_nonsense(["shot 1: extreme close-up, dutch"])) as server:
        env["STORYREEL_LLM_BASE_URL"] = server.base_url
        done = _make(env, tmp_path, tmp_path / "f", "Get right up to her face, tilted\ny\n")
        revisions = [r for r in server.requests if "revision note" in r["messages"][0]["content"]]
    assert done.returncode == 0, done.stderr
    assert len(revisions) == 1 and "Get right up to her face" in revisions[0]["messages"][1]["content"]
    plan = FilmPlan.model_validate_json((tmp_path / "f" / "plan.json").read_text(encoding="utf-8"))
    assert (plan.shots[0].camera.size.value, plan.shots[0].camera.angle.value) == (
        "extreme-close-up",
        "dutch",
    )


def test_review_offline_explains_the_grammar(studio_env: dict[str, str], tmp_path: Path) -> None:
    done = _make(studio_env, tmp_path, tmp_path / "f", "Get right up to her face, tilted\nq\n")
    assert done.returncode == 0, done.stderr
    assert "revision=" in done.stderr and "make it 45 seconds" in done.stderr  # the error, then HELP
    assert "waiting for review" in done.stderr and not (tmp_path / "f" / "film.mp4").exists()

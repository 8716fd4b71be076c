"""A brief becomes a film through the real CLI, and the film decodes to the plan's length."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import probe
from film import FilmPlan, frame_size
from tests.studio.conftest import Cli

BRIEF = (
    "Mara climbs the lighthouse stairs at dusk. Rain lashes the windows. "
    '"Not tonight," Mara whispers. Theo rows toward the rocks and a bucket falls into the sea.'
)


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_make_renders_a_film_that_matches_the_plan(cli: Cli, tmp_path: Path, aspect: str) -> None:
    out = tmp_path / "film"
    done = cli("make", BRIEF, "--duration", "6", "--aspect", aspect, "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    film = Path(done.stdout.strip().splitlines()[-1])
    assert film == out / "film.mp4"
    plan = FilmPlan.model_validate_json((out / "plan.json").read_text(encoding="utf-8"))
    info = probe(film, decode=True)
    assert abs(info.duration_s - plan.total_s) <= 1 / plan.fps
    assert info.frames == plan.total_frames
    assert (info.width, info.height) == frame_size(aspect)
    assert info.has_audio
    assert (out / "film.srt").read_text(encoding="utf-8").strip().startswith("1")


def test_second_make_of_the_same_brief_renders_nothing(cli: Cli, tmp_path: Path) -> None:
    first = cli("make", BRIEF, "--duration", "5", "--out", str(tmp_path / "a"), "--quiet")
    assert first.returncode == 0, first.stderr
    second = cli("make", BRIEF, "--duration", "5", "--out", str(tmp_path / "b"), "--quiet")
    assert second.returncode == 0, second.stderr
    assert "rendered nothing" in second.stderr
    assert probe(tmp_path / "b" / "film.mp4").frames == probe(tmp_path / "a" / "film.mp4").frames


def test_plan_then_render_and_runs_and_show(cli: Cli, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    planned = cli("plan", BRIEF, "--duration", "4", "--out", str(plan_file))
    assert planned.returncode == 0, planned.stderr
    plan = FilmPlan.model_validate_json(plan_file.read_text(encoding="utf-8"))
    rendered = cli("render", str(plan_file), "--out", str(tmp_path / "r"), "--quiet")
    assert rendered.returncode == 0, rendered.stderr
    assert probe(tmp_path / "r" / "film.mp4").frames == plan.total_frames
    runs = cli("runs")
    assert runs.returncode == 0 and "done" in runs.stdout
    run_id = runs.stdout.split("r-", 1)[1].split()[0]
    shown = cli("show", f"r-{run_id}")
    assert shown.returncode == 0, shown.stderr
    assert plan.shots[0].id in shown.stdout


def test_schema_prints_the_film_plan_json_schema(cli: Cli) -> None:
    done = cli("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert schema["title"] == "FilmPlan"
    assert "shots" in schema["properties"]

"""`storyreel plan` honours the LLM settings as `make` does (the LLM planner, falling back to the
heuristic with a warning line), and `--out` may be a folder for `plan` and `previz-sheet`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from film import FilmPlan
from tests.agents.openai_stub import Reply, scripted_server
from tests.studio.conftest import FAST_LLM, Cli

BRIEF = "Mara lights the lamp as the storm hits the lighthouse."
DRAFT: dict[str, Any] = {
    "title": "The Lamp Room",
    "logline": "Mara keeps the light burning through the storm.",
    "characters": [{"name": "Mara", "look": "yellow oilskin coat, grey braid"}],
    "scenes": [{"place": "lighthouse lamp room", "time": "night", "mood": "tense"}],
    "shots": [
        {
            "scene": 1, "what": "Mara strikes a match at the great lens", "who": ["Mara"],
            "action": "light", "emotion": "determined", "size": "close-up", "angle": "low",
            "move": "dolly", "direction": "in", "physics": [], "line": "", "weight": 1,
        }
    ],
}  # fmt: skip


def _plan_of(path: Path) -> FilmPlan:
    return FilmPlan.model_validate_json(path.read_text(encoding="utf-8"))


def test_plan_uses_the_llm_planner_from_flags(cli: Cli, studio_env: dict[str, str], tmp_path: Path) -> None:
    studio_env.update(FAST_LLM)
    with scripted_server([Reply(json.dumps(DRAFT))]) as server:
        done = cli("plan", BRIEF, "--duration", "4", "--out", str(tmp_path / "p.json"),
                   "--llm", server.base_url, "--model", "stub")  # fmt: skip
        asked = list(server.requests)
    assert done.returncode == 0, done.stderr
    assert asked and asked[0]["model"] == "stub"
    plan = _plan_of(tmp_path / "p.json")
    assert plan.title == "The Lamp Room" and plan.total_s == 4
    assert "warning" not in done.stderr


def test_plan_reads_the_llm_from_the_environment_and_falls_back(
    cli: Cli, studio_env: dict[str, str], tmp_path: Path
) -> None:
    with scripted_server([Reply("no plan today")]) as server:
        studio_env.update(FAST_LLM, STORYREEL_LLM_BASE_URL=server.base_url)
        done = cli("plan", BRIEF, "--duration", "4", "--out", str(tmp_path / "p.json"))
        asked = len(server.requests)
    assert done.returncode == 0, done.stderr
    assert asked >= 1
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert warnings and "Traceback" not in done.stderr
    assert _plan_of(tmp_path / "p.json").total_s == 4  # the heuristic plan took over


def test_out_may_be_a_folder(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    into_folder = cli("plan", BRIEF, "--duration", "3", "--out", str(folder))
    assert into_folder.returncode == 0, into_folder.stderr
    assert into_folder.stdout.strip() == str(folder / "plan.json")
    new_folder = cli("plan", BRIEF, "--duration", "3", "--out", str(tmp_path / "fresh") + "/")
    assert new_folder.returncode == 0, new_folder.stderr
    assert _plan_of(tmp_path / "fresh" / "plan.json") == _plan_of(folder / "plan.json")

    sheet = cli("previz-sheet", str(folder / "plan.json"), "--out", str(folder))
    assert sheet.returncode == 0, sheet.stderr
    assert (folder / "sheet.png").read_bytes().startswith(b"\x89PNG")


def test_out_in_a_file_is_one_line(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = cli("plan", BRIEF, "--out", str(blocker / "plan.json"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: out="), done.stderr

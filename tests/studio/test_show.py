"""`storyreel show RUN` tells a run's token usage, its fallback warnings, and per shot the engine
settings that made its take: here a make through a scripted LLM server that answers nonsense, so
every agent falls back to its heuristic and says so."""

from __future__ import annotations

import re
from pathlib import Path

from film import FilmPlan
from tests.agents.openai_stub import Reply, scripted_server
from tests.studio.conftest import FAST_LLM, Cli


def test_show_tells_usage_warnings_and_take_settings(
    cli: Cli, studio_env: dict[str, str], tmp_path: Path
) -> None:
    studio_env.update(FAST_LLM)
    with scripted_server([Reply("I would rather not.")]) as server:
        made = cli("make", "Mara waves at the sea. Theo smiles.", "--duration", "3", "--quiet",
                   "--out", str(tmp_path / "f"), "--llm", server.base_url, "--model", "stub")  # fmt: skip
        calls = len(server.requests)
    assert made.returncode == 0, made.stderr
    run_id = made.stderr.split("run ", 1)[1].split()[0]
    plan = FilmPlan.model_validate_json((tmp_path / "f" / "plan.json").read_text(encoding="utf-8"))

    shown = cli("show", run_id)
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout
    tokens = re.search(r"tokens: prompt (\d+), completion (\d+), total (\d+)", text)
    assert tokens is not None, text
    prompt, completion, total = map(int, tokens.groups())
    assert (prompt, completion) == (11 * calls, 7 * calls) and total == prompt + completion
    warned = [line for line in text.splitlines() if line.strip().startswith("warning:")]
    assert warned and f"warnings: {len(warned)}" in text
    assert any("planner" in line or "plan" in line for line in warned), warned
    assert "takes of plan v1, made with:" in text
    for n, shot in enumerate(plan.shots, 1):
        assert f"shot {n} ({shot.id}): engine=previz" in text


def test_show_of_an_offline_run_and_of_no_run(cli_env_run: tuple[dict[str, str], str], cli: Cli) -> None:
    _, run_id = cli_env_run
    shown = cli("show", run_id)
    assert shown.returncode == 0, shown.stderr
    assert "tokens: prompt 0, completion 0, total 0 (offline heuristics)" in shown.stdout
    assert "warnings: none" in shown.stdout and "engine=previz" in shown.stdout
    missing = cli("show", "r-20260101-000000")
    assert (
        missing.returncode == 2
        and missing.stderr.count("\n") == 1
        and "run='r-20260101-000000'" in missing.stderr
    )


def test_a_brief_in_an_unsupported_language_makes_a_film_with_a_warning_on_the_run(
    cli: Cli, tmp_path: Path
) -> None:
    brief = "Mvua inanyesha sokoni. Mama anauza samaki na watoto wanacheza karibu na bahari."
    made = cli("make", brief, "--duration", "3", "--quiet", "--out", str(tmp_path / "f"))
    assert made.returncode == 0, made.stderr
    assert "warning: brief language 'sw' has no lexicon" in made.stderr
    run_id = made.stderr.split("run ", 1)[1].split()[0]
    shown = cli("show", run_id)
    assert "warnings: 1" in shown.stdout and "brief language 'sw'" in shown.stdout, shown.stdout
    planned = cli("plan", brief, "--duration", "3", "--out", str(tmp_path / "p"))
    assert planned.returncode == 0 and "brief language 'sw'" in planned.stderr, planned.stderr

"""`storyreel make` with STORYREEL_EXECUTOR=ray: a Ray started for the run renders every shot on
its actors and is stopped after it; a second make finds every take kept and sends none."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.studio.conftest import Cli

pytest.importorskip("ray")


def _raylets() -> int:
    """Ray's node processes on this machine: the raylet and its agents."""
    found = subprocess.run(["pgrep", "-c", "-f", "raylet|ray::DashboardAgent|ray::RuntimeEnvAgent"],
                           capture_output=True, text=True)  # fmt: skip
    return int(found.stdout.strip() or 0)


def test_make_renders_on_a_ray_fleet_started_for_the_run(
    cli: Cli, studio_env: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "renders.log"
    studio_env.update(STORYREEL_EXECUTOR="ray", STORYREEL_RENDER_LOG=str(log), STORYREEL_RAY_ACTORS="2")
    before = _raylets()
    made = cli(
        "make", "Mara waves at the harbour. Theo smiles back.", "--duration", "4", "--quiet", timeout=280
    )
    assert made.returncode == 0, made.stderr
    film = Path(made.stdout.strip().splitlines()[-1])
    assert film.is_file() and film.name == "film.mp4"
    rendered = log.read_text().splitlines()
    assert rendered and len({line.split()[0] for line in rendered}) == len(rendered)  # each spec once
    assert _raylets() == before  # the run's Ray is stopped with it
    again = cli(
        "make", "Mara waves at the harbour. Theo smiles back.", "--duration", "4", "--quiet", timeout=280
    )
    assert again.returncode == 0, again.stderr
    assert log.read_text().splitlines() == rendered  # every take kept: nothing sent to an actor

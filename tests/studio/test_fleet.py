"""`storyreel make` with STORYREEL_EXECUTOR=ray: a Ray started for the run renders every shot on
its actors; a second make finds every take kept and sends none; a driver
killed mid-shoot resumes from its checkpoint without sending a finished shot again."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from tests.studio.conftest import Cli
from tests.studio.killpoints import start_cli, wait_stopped
from tests.studio.renders import take_renders

pytest.importorskip("ray")


def test_make_renders_on_a_ray_fleet_started_for_the_run(
    cli: Cli, studio_env: dict[str, str], tmp_path: Path
) -> None:
    log = tmp_path / "renders.log"
    studio_env.update(STORYREEL_EXECUTOR="ray", STORYREEL_RENDER_LOG=str(log), STORYREEL_RAY_ACTORS="2")
    made = cli(
        "make", "Mara waves at the harbour. Theo smiles back.", "--duration", "4", "--quiet", timeout=280
    )
    assert made.returncode == 0, made.stderr
    film = Path(made.stdout.strip().splitlines()[-1])
    assert film.is_file() and film.name == "film.mp4"
    rendered = take_renders(log)
    assert rendered and len({line.split()[0] for line in rendered}) == len(rendered)  # each spec once
    again = cli(
        "make", "Mara waves at the harbour. Theo smiles back.", "--duration", "4", "--quiet", timeout=280
    )
    assert again.returncode == 0, again.stderr
    assert take_renders(log) == rendered  # every take kept: nothing sent to an actor


def test_a_killed_driver_resumes_without_sending_finished_shots(cli: Cli, studio_env: dict[str, str],
                                                                tmp_path: Path) -> None:  # fmt: skip
    log = tmp_path / "renders.log"
    env = dict(studio_env, STORYREEL_EXECUTOR="ray", STORYREEL_RENDER_LOG=str(log))
    brief = "Mara waves at the harbour. Theo smiles back. Mara runs to the boat."
    driver = start_cli(["make", brief, "--duration", "6", "--quiet"], env, tmp_path, "recorded:1")
    wait_stopped(driver, "the first take recorded")
    driver.send_signal(signal.SIGKILL)  # mid-shoot, its Ray and actors still up
    driver.communicate(timeout=60)
    before = take_renders(log)
    studio_env.update(env)
    (run_id,) = re.findall(r"\br-\d{8}-[0-9a-f]+\b", cli("runs").stdout)
    resumed = cli("resume", run_id, "--quiet", timeout=280)
    assert resumed.returncode == 0, resumed.stderr
    finished = [line.split()[0] for line in take_renders(log)]
    assert before and len(finished) == len(set(finished)), "a finished shot was sent again"

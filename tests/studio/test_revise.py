"""Revisions re-render only what changed, keep every version's film, and diff readably."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from engine import probe
from film import FilmPlan
from tests.studio.renders import take_renders

BRIEF = (
    "Mara, a keeper in a yellow raincoat, climbs the stairs at dusk. Theo rows through the waves. "
    "Mara lights the lamp. Theo sees the beam. The boats come home at dawn."
)


def _cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def _renders(log: Path) -> list[str]:
    return take_renders(log)


def test_revise_renders_only_changed_shots(studio_env: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "renders.log"
    env = dict(studio_env, STORYREEL_RENDER_LOG=str(log))
    made = _cli(env, tmp_path, "make", BRIEF, "--duration", "12", "--out", str(tmp_path / "f"), "--quiet")
    assert made.returncode == 0, made.stderr
    run_id = made.stderr.split("run ", 1)[1].split()[0]
    plan = FilmPlan.model_validate_json((tmp_path / "f" / "plan.json").read_text(encoding="utf-8"))
    first = len(_renders(log))
    assert first == len(plan.shots)

    camera = _cli(env, tmp_path, "revise", run_id, "shot 2: extreme close-up, dolly in", "--quiet")
    assert camera.returncode == 0, camera.stderr
    assert len(_renders(log)) == first + 1
    v2 = Path(camera.stdout.strip().splitlines()[-1])
    assert v2 == tmp_path / "f" / "v2" / "film.mp4"
    assert probe(v2, decode=True).frames == plan.total_frames

    theo = plan.characters[[c.name for c in plan.characters].index("Theo")]
    theo_shots = {s.id for s in plan.shots if any(p.character_id == theo.id for p in s.performances)}
    look = _cli(env, tmp_path, "revise", run_id, "Theo wears a green coat", "--quiet")
    assert look.returncode == 0, look.stderr
    new_renders = _renders(log)[first + 1 :]
    assert {line.split()[1] for line in new_renders} == theo_shots

    for film in (tmp_path / "f" / "film.mp4", v2, tmp_path / "f" / "v3" / "film.mp4"):
        assert probe(film).frames == plan.total_frames  # every version keeps its film

    diff = _cli(env, tmp_path, "diff", run_id, "v1", "v3")
    assert diff.returncode == 0, diff.stderr
    assert "shot 2" in diff.stdout and "EXTREME-CLOSE-UP" in diff.stdout
    assert "character Theo" in diff.stdout and "green coat" in diff.stdout

    bad = _cli(env, tmp_path, "revise", run_id, "make it sing")
    assert bad.returncode == 2 and "revision=" in bad.stderr
    assert not (tmp_path / "f" / "v4").exists()


def test_revise_timing_and_aspect(cli_env_run: tuple[dict[str, str], str], tmp_path: Path) -> None:
    env, run_id = cli_env_run
    longer = _cli(env, tmp_path, "revise", run_id, "make it 5 seconds; aspect 9:16", "--quiet")
    assert longer.returncode == 0, longer.stderr
    info = probe(Path(longer.stdout.strip().splitlines()[-1]))
    assert (info.width, info.height) == (480, 854) and info.frames == 5 * 24
    shown = _cli(env, tmp_path, "diff", run_id, "1", "2")
    assert "duration_s: 3.0 → 5.0" in shown.stdout and "aspect: 16:9 → 9:16" in shown.stdout
    assert _cli(env, tmp_path, "diff", run_id, "v1", "v9").returncode == 2


def test_chat_makes_then_revises(studio_env: dict[str, str], tmp_path: Path) -> None:
    lines = "Mara waves at the sea. Theo smiles.\nshot 1: close-up\ndiff\nquit\n"
    done = subprocess.run(
        [sys.executable, "-m", "studio", "chat", "--duration", "4", "--quiet"], env=studio_env, cwd=tmp_path,
        input=lines, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "v1" in done.stderr and "v2" in done.stderr and "CLOSE-UP" in done.stderr
    assert json.loads(subprocess.run(
        [sys.executable, "-m", "studio", "schema"], env=studio_env, capture_output=True, text=True
    ).stdout)["type"] == "object"  # fmt: skip

"""`storyreel verify FILE` on a film the studio made, on footage it did not make, and on bad
input; the corner bug may come off the previz but never off a realistic engine's footage."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from engine.marking import bug_patch
from engine.media import FrameWriter, read_frames
from tests.studio.conftest import Cli


def _make(cli: Cli, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return cli("make", "Mara lights the lamp.", "--duration", "2", "--quiet", "--out", str(out), *extra)


def test_verify_reports_label_c2pa_and_watermark(cli: Cli, tmp_path: Path) -> None:
    made = _make(cli, tmp_path / "film")
    assert made.returncode == 0, made.stderr
    film = tmp_path / "film" / "film.mp4"
    assert (tmp_path / "film" / "film.c2pa.json").is_file()
    done = cli("verify", str(film))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == ["label", "c2pa", "watermark"]
    assert all(": yes (" in line for line in lines[:3]), lines
    assert lines[3] == "film.mp4: AI-generated (shown by label, c2pa, watermark)"
    as_json = json.loads(cli("verify", str(film), "--json").stdout)
    assert as_json["ai_generated"] is True and as_json["watermark"]["found"] is True


def test_verify_of_other_footage_exits_1_and_bad_input_exits_2(cli: Cli, tmp_path: Path) -> None:
    plain = tmp_path / "plain.mp4"
    rng = np.random.default_rng(5)
    base = rng.integers(30, 220, (45, 80, 3), dtype=np.uint8).repeat(4, 0).repeat(4, 1)
    with FrameWriter(plain, 320, 180, 24) as writer:
        for i in range(24):
            writer.write(np.roll(base, 2 * i, axis=1))
    done = cli("verify", str(plain))
    assert done.returncode == 1, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "plain.mp4: no storyreel provenance found"
    missing = cli("verify", str(tmp_path / "absent.mp4"))
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1, missing.stderr
    assert "file" in missing.stderr and "Traceback" not in missing.stderr


def test_the_bug_is_on_by_default_and_off_only_for_previz(
    cli: Cli, studio_env: dict[str, str], tmp_path: Path
) -> None:
    made = _make(cli, tmp_path / "on")
    assert made.returncode == 0, made.stderr
    env = dict(studio_env, STORYREEL_AI_BUG="off")
    refused = subprocess.run(
        [sys.executable, "-m", "studio", "make", "Mara lights the lamp.", "--engine", "diffusion", "--quiet"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert refused.returncode == 2, refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "ai_bug" in refused.stderr
    assert "corner label stays on" in refused.stderr
    plain = subprocess.run(
        [sys.executable, "-m", "studio", "make", "Mara lights the lamp.", "--duration", "2", "--quiet",
         "--out", str(tmp_path / "off")],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    on, off = (read_frames(tmp_path / name / "film.mp4", start=30, count=1)[0] for name in ("on", "off"))
    height, width = on.shape[:2]
    y, x, _, alpha = bug_patch(width, height, "top-right")
    h, w = alpha.shape[:2]
    corner_on, corner_off = on[y : y + h, x : x + w].astype(int), off[y : y + h, x : x + w].astype(int)
    assert np.abs(corner_on - corner_off).mean() > 10
    assert os.environ.get("STORYREEL_AI_BUG") is None

"""A finished film re-cut to other aspects from the same takes, and the exports beside it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import opentimelineio as otio

from engine import probe
from film import FilmPlan, frame_size


def _cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_cut_a_run_as_vertical_and_square(studio_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "f"
    made = _cli(studio_env, tmp_path, "make", "Mara walks along the harbour. Theo waves from his boat.",
                "--duration", "6", "--out", str(out), "--quiet")  # fmt: skip
    assert made.returncode == 0, made.stderr
    run_id = made.stderr.split("run ", 1)[1].split()[0]
    plan = FilmPlan.model_validate_json((out / "plan.json").read_text(encoding="utf-8"))
    for name in ("film.srt", "film.vtt", "film.otio", "contact-sheet.png"):
        assert (out / name).is_file(), name
    cut = otio.adapters.read_from_file(str(out / "film.otio"))
    assert [clip.name for clip in cut.video_tracks()[0].find_clips()] == [shot.id for shot in plan.shots]
    assert [track.name for track in cut.audio_tracks()] == ["dialogue", "ambience", "foley"]

    for aspect in ("9:16", "1:1"):
        done = _cli(studio_env, tmp_path, "cut", run_id, "--aspect", aspect)
        assert done.returncode == 0, done.stderr
        info = probe(Path(done.stdout.strip().splitlines()[-1]), decode=True)
        assert (info.width, info.height) == frame_size(aspect)
        assert info.frames == plan.total_frames and info.has_audio

    bad = _cli(studio_env, tmp_path, "cut", run_id, "--aspect", "4:3")
    assert bad.returncode == 2 and "aspect=" in bad.stderr


def test_make_with_music_is_loudness_normalised(studio_env: dict[str, str], tmp_path: Path) -> None:
    from engine.cutting.audio import measure
    from engine.media import run_ffmpeg

    tune = tmp_path / "tune.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=330:duration=3", "-ar", "48000", str(tune)], "a tune")
    out = tmp_path / "f"
    done = _cli(studio_env, tmp_path, "make", '"Hello," says Mara.', "--duration", "5", "--out", str(out),
                "--quiet", "--music", str(tune), "--loudness", "-16")  # fmt: skip
    assert done.returncode == 0, done.stderr
    integrated, _peak = measure(out / "film.mp4")
    assert abs(integrated - -16) <= 1.0
    missing = _cli(studio_env, tmp_path, "make", "x", "--music", str(tmp_path / "nope.wav"))
    assert missing.returncode == 2 and "music=" in missing.stderr

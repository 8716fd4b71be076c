"""A film's soundtrack, made by `storyreel make` and heard back from its stems: voices stable per
character, speech inside its subtitle cues, rain only while it rains, foley on the simulated
impacts, stems that add up to the film's sound at the loudness target, and a revision of one
line that speaks that line alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pysubs2
import pytest
from scipy.signal import welch

from engine.cutting.audio import SAMPLE_RATE, measure
from engine.previz.foley_cues import read_foley
from engine.sound.onsets import detect_onsets
from engine.sound.tracks import decode_audio, read_wav
from film import FilmPlan, Timeline
from tests.studio.renders import take_renders, voice_renders

BRIEF = (
    "Rain lashes the harbour as Mara drops a glass bottle on the pier. "
    '"We have to go," Mara says. "The boat will not wait," Theo says. '
    "The next morning the storm is gone; Theo walks along the calm pier. "
    '"We have to go," Mara says.'
)
RATE = SAMPLE_RATE


def _cli(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studio", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], str]:
    """One 16-s film made from the brief, its folder, the environment it was made in, its run."""
    tmp = tmp_path_factory.mktemp("sound")
    env = dict(os.environ, STORYREEL_HOME=str(tmp / "home"), STORYREEL_RENDER_LOG=str(tmp / "renders.log"),
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))  # fmt: skip
    out = tmp / "f"
    made = _cli(env, tmp, "make", BRIEF, "--duration", "16", "--out", str(out), "--quiet")
    assert made.returncode == 0, made.stderr
    return out, env, made.stderr.split("run ", 1)[1].split()[0]


def _envelope_db(x: np.ndarray, hop_s: float = 0.01) -> np.ndarray:
    mono = x.mean(axis=1) if x.ndim == 2 else x
    hop = round(hop_s * RATE)
    frames = mono[: len(mono) // hop * hop].reshape(-1, hop).astype(np.float64)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)


def test_speech_lies_inside_its_cues_which_start_with_it(film: tuple[Path, dict[str, str], str]) -> None:
    out, _env, _run = film
    voice = _envelope_db(read_wav(out / "stems" / "dialogue.wav"))
    cues = pysubs2.load(str(out / "film.srt"))
    assert len(cues) == 3
    inside = np.zeros(len(voice), bool)
    fps = FilmPlan.model_validate_json((out / "plan.json").read_text(encoding="utf-8")).fps
    for cue in cues:
        lo, hi = cue.start / 1000, cue.end / 1000
        inside[int(lo / 0.01) : int(np.ceil(hi / 0.01))] = True
        onset = lo + 0.01 * int(np.argmax(voice[int(lo / 0.01) :] > -50))
        assert abs(onset - lo) <= 2 / fps, (cue.text, onset, lo)  # within two frames of its speech
    assert voice.max() > -30 and not (voice[~inside] > -50).any()  # no speech outside the cues


def test_rain_is_heard_while_it_rains_and_not_after_the_storm(film: tuple[Path, dict[str, str], str]) -> None:
    out, _env, _run = film
    plan = FilmPlan.model_validate_json((out / "plan.json").read_text(encoding="utf-8"))
    timeline = Timeline.model_validate_json((out / "timeline.json").read_text(encoding="utf-8"))
    bed = read_wav(out / "stems" / "ambience.wav").mean(axis=1)
    shares: dict[str, list[float]] = {"rain": [], "clear": []}
    for i, clip in enumerate(timeline.clips):
        shot = next(s for s in plan.shots if s.id == clip.shot_id)
        lo = timeline.clip_start(i) / timeline.fps + 0.3  # clear of the cross-fades
        hi = (timeline.clip_start(i) + clip.frames) / timeline.fps - 0.3
        freqs, power = welch(bed[round(lo * RATE) : round(hi * RATE)], fs=RATE, nperseg=4096)
        shares[shot.physics.weather.value].append(power[(freqs > 6500) & (freqs < 10000)].sum() / power.sum())
    assert shares["rain"] and shares["clear"]
    assert min(shares["rain"]) > 3 * max(shares["clear"])  # rain hisses; the calm morning's surf does not


def test_foley_lands_on_the_impacts_the_physics_simulated(film: tuple[Path, dict[str, str], str]) -> None:
    out, _env, _run = film
    plan = FilmPlan.model_validate_json((out / "plan.json").read_text(encoding="utf-8"))
    timeline = Timeline.model_validate_json((out / "timeline.json").read_text(encoding="utf-8"))
    expected = []
    for i, clip in enumerate(timeline.clips):
        cues = read_foley(Path(clip.boxes)) or []
        expected += [timeline.clip_start(i) / timeline.fps + c.t_s for c in cues if c.kind == "impact"]
    assert expected, "the bottle falls: at least one impact"
    onsets = detect_onsets(read_wav(out / "stems" / "foley.wav"))
    assert all(min(abs(o - t) for o in onsets) <= 0.5 / plan.fps for t in expected)


def test_stems_add_up_to_the_films_sound_at_the_target_with_otio_tracks(
    film: tuple[Path, dict[str, str], str],
) -> None:
    out, _env, _run = film
    stems = {p.stem: read_wav(p) for p in sorted((out / "stems").glob("*.wav"))}
    assert set(stems) == {"dialogue", "ambience", "foley"}
    total = sum(stems.values(), np.zeros_like(stems["dialogue"]))
    heard = decode_audio(out / "film.mp4", len(total) / RATE)
    residual = np.sum((heard - total) ** 2) / np.sum(total**2)
    assert residual < 0.03  # the AAC encode of the stems' sum, to within -15 dB
    integrated, peak = measure(out / "film.mp4")
    assert abs(integrated - -14.0) <= 1.0 and peak <= -0.5
    cut = otio.adapters.read_from_file(str(out / "film.otio"))
    tracks = {t.name: t for t in cut.audio_tracks()}
    assert list(tracks) == ["dialogue", "ambience", "foley"]
    assert tracks["foley"].find_clips()[0].media_reference.target_url == "stems/foley.wav"


def test_one_voice_per_character_and_a_changed_line_is_all_that_is_spoken_again(
    film: tuple[Path, dict[str, str], str],
) -> None:
    out, env, run_id = film
    log = Path(env["STORYREEL_RENDER_LOG"])
    spoken = voice_renders(log)
    assert len(spoken) == 2  # Mara's line said twice, in two shots, is one voice: spoken once
    assert sorted(line.split()[2] for line in spoken) == ["mara", "theo"]
    plan = FilmPlan.model_validate_json((out / "plan.json").read_text(encoding="utf-8"))
    theo_shot = next(i for i, s in enumerate(plan.shots) if any(d.speaker == "Theo" for d in s.dialogue))
    takes = len(take_renders(log))
    revised = _cli(env, out.parent, "revise", run_id, f"shot {theo_shot + 1} line: The tide will not wait.",
                   "--quiet")  # fmt: skip
    assert revised.returncode == 0, revised.stderr
    assert len(take_renders(log)) == takes  # the words are heard, not seen: no take renders
    again = voice_renders(log)[len(spoken) :]
    assert [line.split()[2] for line in again] == ["theo"]
    assert "Theo: The tide will not wait" in (out / "v2" / "film.srt").read_text(encoding="utf-8")

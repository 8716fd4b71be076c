"""Scoring a cut: cues re-timed to their speech, an engine's own sound under or instead of ours,
the music bed, and beds longer than one synthesis looped without a seam."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.cutting.audio import SAMPLE_RATE
from engine.media import FrameWriter
from engine.sound import stems
from engine.sound.options import SoundOptions
from engine.sound.score import score
from engine.sound.tracks import write_wav
from film import Clip, FilmPlan, Physics, SubtitleCue, Timeline, Weather
from tests.engine.conftest import SCENE, make_plan, make_shot

RATE = SAMPLE_RATE


@pytest.fixture(scope="module")
def takes(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("takes")
    paths = []
    for k in range(2):
        dest = folder / f"T{k}.mp4"
        with FrameWriter(dest, 64, 36, 24) as writer:
            for _ in range(48):
                writer.write(np.full((36, 64, 3), 60 * k, np.uint8))
        paths.append(dest)
    return paths


def _cut(takes: list[Path], sound: str = "", cues: tuple[SubtitleCue, ...] = ()) -> tuple[Timeline, FilmPlan]:
    rain = Physics(weather=Weather.rain)
    shots = (make_shot("S01", frames=48, physics=rain), make_shot("S02", frames=48, physics=rain))
    clips = (Clip(shot_id="S01", take_path=str(takes[0]), out_frame=48, sound=sound),
             Clip(shot_id="S02", take_path=str(takes[1]), out_frame=48))  # fmt: skip
    return Timeline(fps=24, width=64, height=36, clips=clips, subtitles=cues), make_plan(shots)


def _rms(x: np.ndarray, lo: float, hi: float) -> float:
    return float(np.sqrt(np.mean(np.square(x[round(lo * RATE) : round(hi * RATE)], dtype=np.float64))))


def test_an_engines_sound_plays_under_ours_or_instead_of_it(takes: list[Path], tmp_path: Path) -> None:
    tone = 0.3 * np.sin(2 * np.pi * 1000 * np.arange(2 * RATE) / RATE)
    wav = write_wav(tone.astype(np.float32), tmp_path / "T0.sound.wav")
    timeline, plan = _cut(takes, sound=str(wav))
    under = score(timeline, plan, SoundOptions(), tmp_path / "voices", tmp_path / "mix")
    assert set(under.mix.stems) == {"dialogue", "ambience", "foley", "native"}
    native, bed = under.mix.stem("native"), under.mix.stem("ambience")
    assert (
        _rms(native, 0.2, 1.8) > 0.05 and _rms(native, 2.2, 3.8) == 0.0
    )  # the take's own sound, on its clip
    assert _rms(bed, 0.2, 1.8) > 0.001
    instead = score(timeline, plan, SoundOptions(native="replace"), tmp_path / "voices", tmp_path / "mix")
    bed = instead.mix.stem("ambience")
    assert _rms(bed, 0.0, 2.0) == 0.0 and _rms(bed, 2.2, 3.8) > 0.001  # replaced on its clip only


def test_the_music_bed_is_a_stem_and_anchors_the_loudness(takes: list[Path], tmp_path: Path) -> None:
    music = write_wav(
        (0.2 * np.sin(2 * np.pi * 220 * np.arange(RATE) / RATE)).astype(np.float32), tmp_path / "m.wav"
    )
    timeline, plan = _cut(takes)
    found = score(timeline, plan, SoundOptions(), tmp_path / "voices", tmp_path / "mix", music=music)
    bed = found.mix.stem("music")
    assert len(bed) == 4 * RATE and _rms(bed, 1.5, 2.5) > 0.01  # looped to the film
    assert _rms(bed, 0.0, 0.01) < _rms(bed, 1.5, 2.5) / 10  # faded in
    assert abs(found.mix.integrated_lufs - -14.0) < 0.5


def test_cues_hold_their_speech_and_one_that_was_overrun_waits(takes: list[Path], tmp_path: Path) -> None:
    long = "We have to leave before the tide turns, or we will never make the crossing."
    cues = (SubtitleCue(start_s=0.5, end_s=1.0, text=long, speaker="Maya"),
            SubtitleCue(start_s=9.0, end_s=9.5, text="Past the end.", speaker="Otto"),
            SubtitleCue(start_s=1.5, end_s=3.5, text="Go.", speaker="Otto"))  # fmt: skip
    timeline, plan = _cut(takes, cues=cues)
    found = score(timeline, plan, SoundOptions(), tmp_path / "voices", tmp_path / "mix")
    first, beyond, second = found.subtitles
    said = {s.cue: s for s in found.spoken}
    assert first.start_s == 0.5 and first.end_s >= said[0].end_s > 1.0  # held to its speech
    assert second.start_s >= said[0].end_s and second.start_s == said[2].start_s  # waits, starts with it
    assert beyond == cues[1] and 1 not in said  # past the film: untouched, unspoken
    assert [s.character_id for s in found.spoken] == ["maya", "otto"]


def test_a_long_bed_goes_on_in_pieces_without_a_seam_or_a_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stems, "PIECE", 2 * RATE)
    monkeypatch.setattr(stems, "FADE", RATE // 4)
    rain = Physics(weather=Weather.rain)
    run = stems.Run(0, 5 * RATE, 0, 0, SCENE, rain, 3)
    bed = stems.Beds([run]).window(0, 5 * RATE)
    assert bed.shape == (5 * RATE, 2)
    steps = np.abs(np.diff(bed[: 2 * RATE], axis=0)).max(axis=1)
    for seam in (2 * RATE, 4 * RATE):
        assert np.abs(bed[seam] - bed[seam - 1]).max() <= np.percentile(steps, 99.9)  # no click
    levels = [_rms(bed, t, t + 0.5) for t in (0.5, 2.1, 2.5, 4.1)]  # in and across the cross-fades
    assert max(levels) / min(levels) < 1.3
    assert not np.allclose(bed[2 * RATE : 2 * RATE + 100], bed[:100])  # a new piece, not a loop
    reels = stems.Beds([run])
    cut = round(1.3 * RATE)
    assert np.array_equal(np.vstack([reels.window(0, cut), reels.window(cut, 5 * RATE)]), bed)


@pytest.mark.parametrize("kind", ["crossfade", "dip_to_black", "cut"])
def test_ambience_changes_scene_on_the_edits_transition(takes: list[Path], tmp_path: Path, kind: str) -> None:
    from film import Scene
    from tests.engine.conftest import CAST

    storm, room = Scene(id="quay", location="harbour quay"), Scene(id="den", location="INT. quiet room")
    wild = Physics(weather=Weather.storm)
    shots = (make_shot("S01", frames=48, physics=wild).model_copy(update={"scene_id": "quay"}),
             make_shot("S02", frames=48).model_copy(update={"scene_id": "den"}))  # fmt: skip
    plan = FilmPlan(title="t", duration_s=4.0, fps=24, characters=CAST, scenes=(storm, room), shots=shots)
    window = 0 if kind == "cut" else 12
    clips = (Clip(shot_id="S01", take_path=str(takes[0]), out_frame=48),
             Clip(shot_id="S02", take_path=str(takes[1]), out_frame=48, transition_in=kind,
                  transition_frames=window))  # fmt: skip
    timeline = Timeline(fps=24, width=64, height=36, clips=clips)
    bed = score(timeline, plan, SoundOptions(), tmp_path / "voices", tmp_path / "mix").mix.stem("ambience")
    full, after = _rms(bed, 1.2, 1.5), _rms(bed, 2.6, 2.9)  # the cut is at 2.0 s; the window is 0.5 s
    assert after < full / 4  # the storm is behind the wall
    middle = _rms(bed, 1.99, 2.01)
    if kind == "crossfade":
        assert full / 4 < middle < full  # both beds are half in at the cut
    elif kind == "dip_to_black":
        assert middle < full / 10 and _rms(bed, 1.76, 1.8) > middle  # down to nothing at the cut
    else:
        assert _rms(bed, 1.9, 1.97) > full / 2 and _rms(bed, 2.03, 2.1) < full / 4  # a 50-ms fade


def test_a_soundtrack_is_kept_by_what_it_is_made_of(takes: list[Path], tmp_path: Path) -> None:
    """Another frame size (an ad's platforms) reuses the kept mix; another line scores anew."""
    from engine.cutting.assemble import AssembleOptions
    from engine.cutting.scoring import scored

    cue = SubtitleCue(start_s=0.5, end_s=1.5, text="Cast off.", speaker="Maya")
    timeline, plan = _cut(takes, cues=(cue,))
    log = tmp_path / "renders.log"
    options = AssembleOptions(sound=SoundOptions(render_log=log))
    first = scored(timeline, plan, options, tmp_path / "w1", tmp_path / "cache")[1]
    tall = timeline.model_copy(update={"width": 36, "height": 64})
    again, kept = scored(tall, plan, options, tmp_path / "w2", tmp_path / "cache")
    assert kept == first and (kept.mix).is_file() and set(kept.stems) == {"dialogue", "ambience", "foley"}
    assert again.subtitles[0].end_s >= timeline.subtitles[0].end_s and len(log.read_text().splitlines()) == 1
    other = timeline.model_copy(update={"subtitles": (cue.model_copy(update={"text": "Hold on."}),)})
    assert scored(other, plan, options, tmp_path / "w3", tmp_path / "cache")[1].folder != first.folder
    assert len(log.read_text().splitlines()) == 2 and not list((tmp_path / "cache").glob(".mix-*"))


def test_a_killed_scorings_half_made_mix_is_swept(takes: list[Path], tmp_path: Path) -> None:
    import subprocess

    from engine.cutting.assemble import AssembleOptions
    from engine.cutting.scoring import scored

    dead = subprocess.Popen(["true"])
    dead.wait()  # a pid whose process is gone, as after a SIGKILL mid-mix
    cache = tmp_path / "cache"
    (cache / f".mix-{dead.pid}-x1" / ".raw").mkdir(parents=True)
    live = cache / ".mix-1-x2"  # pid 1 is alive: another process's scoring stays
    live.mkdir()
    scored(*_cut(takes), AssembleOptions(), tmp_path / "w", cache)
    assert [p.name for p in cache.glob(".mix-*")] == [live.name]

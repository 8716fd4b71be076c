"""Foley: every cue is heard from its exact sample, louder the harder it hits, with its material's
timbre; footsteps run louder and shorter than they walk; the onset finder puts each impact back
within a millisecond; a track is seeded and bit-identical for the same seed."""

from __future__ import annotations

import numpy as np
import pytest

from engine.cutting.audio import SAMPLE_RATE as CUTTING_RATE
from engine.sound.foley import foley_track, impact_sound
from engine.sound.onsets import SAMPLE_RATE, detect_onsets
from film import BadInput, FoleyCue, Material

RATE = 48000
MATERIALS: tuple[Material, ...] = ("glass", "wood", "water", "metal", "cloth")


def hit(t: float, material: Material = "wood", speed: float = 3.0, impulse: float = 0.0) -> FoleyCue:
    return FoleyCue(kind="impact", t_s=t, body="cup", material=material, speed_ms=speed, impulse=impulse)


def centroid(x: np.ndarray) -> float:
    power = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
    return float((power * np.fft.rfftfreq(len(x), 1 / RATE)).sum() / power.sum())


def ring_s(x: np.ndarray) -> float:
    """How long a sound stays within 40 dB of its peak."""
    level = np.abs(x.astype(np.float64))
    return float(np.flatnonzero(level > level.max() * 0.01)[-1] / RATE)


def peak(x: np.ndarray) -> float:
    return float(np.abs(x).max())


def test_the_sound_room_runs_at_the_cutting_rooms_rate() -> None:
    assert SAMPLE_RATE == CUTTING_RATE == RATE


def test_same_seed_same_track_other_seed_other_track() -> None:
    cues = [hit(0.2, "glass", 5.0), hit(0.7, "metal", 2.0), hit(0.7, "metal", 2.0)]
    track = foley_track(cues, 2.0, seed=11)
    assert track.shape == (2 * RATE,) and track.dtype == np.float32
    assert track.tobytes() == foley_track(cues, 2.0, seed=11).tobytes()
    assert not np.array_equal(track, foley_track(cues, 2.0, seed=12))


def test_repeats_of_a_cue_are_not_identical() -> None:
    a = foley_track([hit(0.1)], 0.5, seed=1)[round(0.1 * RATE) :]
    b = foley_track([hit(0.3)], 0.5, seed=1)[round(0.3 * RATE) :]
    assert not np.array_equal(a[: len(b)], b)


@pytest.mark.parametrize("material", MATERIALS)
def test_each_sound_starts_on_its_cues_exact_sample(material: Material) -> None:
    t = 0.123456
    track = foley_track([hit(t, material)], 1.0, seed=2)
    start = round(t * RATE)
    assert not track[:start].any()
    assert abs(track[start]) > 0.1 * peak(track)


def test_materials_have_their_own_timbre() -> None:
    sounds = {
        m: [impact_sound(hit(0.0, m, 4.0), np.random.default_rng(s)) for s in range(4)] for m in MATERIALS
    }
    # Over four seeds each: every glass is brighter than any other sound, every metal rings
    # longer, every cloth is darker and shorter.
    low = {m: min(centroid(x) for x in xs) for m, xs in sounds.items()}
    high = {m: max(centroid(x) for x in xs) for m, xs in sounds.items()}
    brief = {m: min(ring_s(x) for x in xs) for m, xs in sounds.items()}
    long = {m: max(ring_s(x) for x in xs) for m, xs in sounds.items()}
    others = {m: [o for o in MATERIALS if o != m] for m in MATERIALS}
    assert all(low["glass"] > high[m] for m in others["glass"])
    assert all(high["cloth"] < low[m] for m in others["cloth"])
    assert all(brief["metal"] > long[m] for m in others["metal"])
    assert all(long["cloth"] < brief[m] for m in others["cloth"])
    assert low["wood"] > 200 and high["wood"] < 1000  # knocks live low
    assert low["water"] > 500 and high["water"] < 4000  # the splash band


@pytest.mark.parametrize("material", MATERIALS)
def test_a_harder_hit_is_louder(material: Material) -> None:
    levels = [
        peak(impact_sound(hit(0.0, material, v), np.random.default_rng(0))) for v in (0.3, 1.0, 3.0, 6.0)
    ]
    assert levels == sorted(levels) and levels[0] < levels[-1] / 8
    assert 20 * np.log10(levels[0]) < -25 and 20 * np.log10(levels[-1]) > -10
    by_impulse = peak(impact_sound(hit(0.0, material, speed=0.3, impulse=6.0), np.random.default_rng(0)))
    assert by_impulse == pytest.approx(levels[-1], rel=0.15)
    huge = peak(impact_sound(hit(0.0, material, 400.0), np.random.default_rng(0)))
    assert huge <= 10 ** (-3 / 20) * 1.07


def test_run_steps_are_louder_and_shorter_than_walk_steps() -> None:
    def steps(pace: str) -> list[np.ndarray]:
        cue = FoleyCue(kind="footstep", t_s=0.0, body="maya", pace=pace)
        return [impact_sound(cue, np.random.default_rng(s)) for s in range(5)]

    walk, run = steps("walk"), steps("run")
    assert min(peak(x) for x in run) > max(peak(x) for x in walk)
    assert max(ring_s(x) for x in run) < min(ring_s(x) for x in walk)
    fast = FoleyCue(kind="footstep", t_s=0.0, body="maya", speed_ms=4.0)
    assert peak(impact_sound(fast, np.random.default_rng(0))) > max(peak(x) for x in walk)


def test_onsets_of_twenty_cues_are_found_within_a_millisecond() -> None:
    rng = np.random.default_rng(2026)
    times = np.sort(rng.uniform(0.0, 29.5, 20))
    while np.diff(times).min() < 0.1:
        times = np.sort(rng.uniform(0.0, 29.5, 20))
    cues = []
    for i, t in enumerate(times):
        if i % 4 == 3:
            cues.append(FoleyCue(kind="footstep", t_s=float(t), body="otto", pace="run" if i % 8 else "walk"))
        else:
            cues.append(hit(float(t), MATERIALS[i % 5], float(rng.uniform(0.3, 8.0))))
    found = np.array(detect_onsets(foley_track(cues, 30.0, seed=5)))
    assert len(found) == len(cues)
    assert np.abs(found - np.round(times * RATE) / RATE).max() <= 0.001


def test_a_quiet_knock_under_a_ringing_pan_is_found() -> None:
    cues = [hit(0.2, "metal", 6.0), hit(0.5, "wood", 0.5), hit(0.9, "cloth", 0.8)]
    found = detect_onsets(foley_track(cues, 2.0, seed=3))
    assert found == pytest.approx([round(c.t_s * RATE) / RATE for c in cues], abs=0.001)


def test_a_walk_is_found_step_by_step_and_a_stereo_mix_works_too() -> None:
    times = [0.3 + 0.55 * k for k in range(8)]
    steps = [FoleyCue(kind="footstep", t_s=t, body="maya", pace="walk") for t in times]
    track = foley_track(steps, 5.0, seed=8)
    assert detect_onsets(track) == pytest.approx(times, abs=0.001)
    assert detect_onsets(np.stack([track, track], axis=1)) == pytest.approx(times, abs=0.001)


def test_cues_near_and_past_the_end() -> None:
    seconds = 1.0
    cues = [hit(seconds - 0.0005, "metal", 6.0), hit(seconds, "glass"), hit(5.0, "water")]
    track = foley_track(cues, seconds, seed=1)
    assert track.shape == (RATE,)
    assert not track[: RATE - 24].any() and track[RATE - 24 :].any()
    assert foley_track(cues, 0.0, seed=1).shape == (0,)
    for bad in (-1.0, float("nan")):
        with pytest.raises(BadInput):
            foley_track(cues, bad, seed=1)


def test_silence_and_bad_tracks() -> None:
    assert detect_onsets(np.zeros(RATE, dtype=np.float32)) == []
    assert detect_onsets(np.zeros(10, dtype=np.float32)) == []
    with pytest.raises(BadInput):
        detect_onsets(np.zeros((10, 3)))
    with pytest.raises(BadInput):
        detect_onsets(np.array([0.0, np.nan, 0.0]))

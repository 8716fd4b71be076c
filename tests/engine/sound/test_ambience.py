"""Ambience beds: the layers follow the scene's place, hour and sky and the shot's wind; rain
sounds like rain (bright and spiky) and is gone when the sky clears; wind grows with its speed;
a room is quiet; every bed is seeded and bit-identical for the same seed."""

from __future__ import annotations

import itertools

import numpy as np
import pyloudnorm
import pytest
from scipy import signal

from engine.sound.ambience import ambience_bed, ambience_kinds, loudness
from film import BadInput, Physics, Scene, TimeOfDay, Weather

RATE = 48000
CLEAR = Physics()
RAIN = Physics(weather=Weather.rain)


def scene(location: str = "exterior", heading: str = "", **kw: object) -> Scene:
    return Scene(id="s1", location=location, heading=heading, **kw)


@pytest.mark.parametrize(
    ("place", "physics", "expected"),
    [
        (scene("kitchen", "INT. KITCHEN - DAY"), CLEAR, ["room"]),
        (scene("her office"), CLEAR, ["room"]),
        (scene("outside the house"), CLEAR, ["air"]),
        (scene("the old house", "EXT. OLD HOUSE - DAY"), CLEAR, ["air"]),
        (scene(), CLEAR, ["air"]),
        (scene("city street", weather=Weather.rain), RAIN, ["rain", "city"]),
        (scene("a field", weather=Weather.storm), Physics(weather=Weather.storm), ["rain", "wind"]),
        (scene("a hill"), Physics(wind_ms=(3.0, 4.0)), ["wind"]),
        (scene("a hill"), Physics(wind_ms=(0.3, 0.3)), ["air"]),
        (scene("the beach at dawn"), CLEAR, ["surf"]),
        (scene("Lighthouse"), CLEAR, ["surf"]),
        (scene("the forest", time_of_day=TimeOfDay.night), CLEAR, ["insects"]),
        (scene("the forest", time_of_day=TimeOfDay.dusk), CLEAR, ["insects"]),
        (scene("the forest", time_of_day=TimeOfDay.night, weather=Weather.rain), RAIN, ["rain"]),
        (scene("downtown", time_of_day=TimeOfDay.night), CLEAR, ["city"]),
        (scene("kitchen", time_of_day=TimeOfDay.night), CLEAR, ["room"]),
        (scene("la plage"), CLEAR, ["surf"]),
        (scene("海辺の町"), CLEAR, ["surf"]),
        (scene("a bayonet on the table", "EXT. YARD"), CLEAR, ["air"]),
    ],
)
def test_kinds_follow_place_hour_and_sky(place: Scene, physics: Physics, expected: list[str]) -> None:
    assert ambience_kinds(place, physics) == expected


def test_rain_is_heard_through_the_walls_but_ends_outside_when_the_sky_clears() -> None:
    rainy_room = scene("kitchen", "INT. KITCHEN - NIGHT", weather=Weather.rain)
    assert ambience_kinds(rainy_room, CLEAR) == ["rain", "room"]
    after_the_storm = scene("the pier", weather=Weather.storm)
    assert ambience_kinds(after_the_storm, CLEAR) == ["surf"]


def test_same_seed_same_bed_other_seed_other_bed() -> None:
    place = scene("harbour street", weather=Weather.storm, time_of_day=TimeOfDay.night)
    storm = Physics(weather=Weather.storm, wind_ms=(6.0, 0.0))
    a = ambience_bed(place, storm, 1.2345, seed=7)
    assert a.shape == (round(1.2345 * RATE), 2) and a.dtype == np.float32
    assert a.tobytes() == ambience_bed(place, storm, 1.2345, seed=7).tobytes()
    assert not np.array_equal(a, ambience_bed(place, storm, 1.2345, seed=8))


def _rain_signature(bed: np.ndarray) -> tuple[float, float]:
    """Share of power in 2-10 kHz, and how spiky that band's 5-ms envelope is against its own
    200-ms average (drops are spikes; a steady hiss or a slow swell is not)."""
    mono = bed.mean(axis=1).astype(np.float64)
    f, p = signal.welch(mono, RATE, nperseg=4096)
    share = float(p[(f >= 2000) & (f <= 10000)].sum() / p.sum())
    band = signal.sosfilt(signal.butter(4, [2000, 10000], "bandpass", fs=RATE, output="sos"), mono)
    env = np.sqrt(np.square(band[: len(band) // 240 * 240]).reshape(-1, 240).mean(axis=1))
    local = np.convolve(env, np.ones(40) / 40, mode="same") + 1e-12
    return share, float(np.percentile(env / local, 99.5))


@pytest.mark.parametrize("place", [scene("a field"), scene("city street"), scene("the harbour")])
def test_rain_signature_in_rain_and_not_in_a_clear_sky(place: Scene) -> None:
    wet = ambience_bed(place.model_copy(update={"weather": Weather.rain}), RAIN, 4.0, seed=3)
    dry = ambience_bed(place, CLEAR, 4.0, seed=3)
    wet_share, wet_spikes = _rain_signature(wet)
    dry_share, dry_spikes = _rain_signature(dry)
    assert wet_share > 0.25 and dry_share < 0.12
    assert wet_spikes > 2.5 and dry_spikes < 2.0


def test_wind_level_grows_with_its_speed_up_to_a_cap() -> None:
    rms = [
        float(np.sqrt(np.mean(np.square(ambience_bed(scene("a hill"), Physics(wind_ms=(v, 0.0)), 2.0, 5)))))
        for v in (1.0, 2.0, 4.0, 8.0, 16.0, 25.0, 40.0)
    ]
    assert all(b > a * 1.5 for a, b in itertools.pairwise(rms[:5]))
    assert rms[5] >= rms[4] and rms[6] == pytest.approx(rms[5])
    south = ambience_bed(scene("a hill"), Physics(wind_ms=(0.0, -8.0)), 2.0, 5)
    assert float(np.sqrt(np.mean(np.square(south)))) == pytest.approx(rms[3], rel=1e-4)


def test_a_clear_interior_is_room_tone_only_and_quiet() -> None:
    room = scene("the office", "INT. OFFICE - DAY")
    bed = ambience_bed(room, CLEAR, 3.0, seed=1)
    lufs = pyloudnorm.Meter(RATE).integrated_loudness(bed)
    assert -48.0 < lufs <= -40.0
    assert float(np.std(bed)) > 0


@pytest.mark.parametrize(
    ("place", "physics", "low", "high"),
    [
        (scene("a field", weather=Weather.rain), RAIN, -33.0, -28.0),
        (scene("the beach"), CLEAR, -34.0, -28.0),
        (scene("market square"), CLEAR, -35.0, -29.0),
        (scene("the forest", time_of_day=TimeOfDay.night), CLEAR, -42.0, -34.0),
        (scene("a meadow"), CLEAR, -55.0, -45.0),
    ],
)
def test_beds_sit_well_under_dialogue(place: Scene, physics: Physics, low: float, high: float) -> None:
    bed = ambience_bed(place, physics, 8.0, seed=2)
    assert low <= pyloudnorm.Meter(RATE).integrated_loudness(bed) <= high
    assert float(np.abs(bed).max()) < 1.0


def test_channels_differ_but_are_not_panned_apart() -> None:
    bed = ambience_bed(scene("harbour street", weather=Weather.rain), RAIN, 3.0, seed=4).astype(np.float64)
    assert np.corrcoef(bed[:, 0], bed[:, 1])[0, 1] < 0.95
    left, right = np.sqrt(np.mean(np.square(bed), axis=0))
    assert abs(20 * np.log10(left / right)) < 1.5


def test_the_surf_swells_with_the_waves() -> None:
    bed = ambience_bed(scene("the beach"), CLEAR, 24.0, seed=6).mean(axis=1)
    seconds = np.sqrt(np.square(bed.reshape(24, RATE)).mean(axis=1))
    assert seconds.max() / seconds.min() > 2.0


def test_own_loudness_measure_agrees_with_pyloudnorm_on_a_steady_bed() -> None:
    bed = ambience_bed(scene("city street"), CLEAR, 6.0, seed=9).astype(np.float64)
    assert loudness(bed) == pytest.approx(pyloudnorm.Meter(RATE).integrated_loudness(bed), abs=0.5)


def test_lengths_and_bad_lengths() -> None:
    assert ambience_bed(scene(), CLEAR, 0.0, seed=1).shape == (0, 2)
    assert ambience_bed(scene(), CLEAR, 1 / RATE, seed=1).shape == (1, 2)
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(BadInput):
            ambience_bed(scene(), CLEAR, bad, seed=1)

"""The mix: stems that add up to it, dialogue ducking the rest, the loudness target and the
true-peak ceiling, measured on real signals."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.cutting.audio import DUCK_GAIN, SAMPLE_RATE, Loudness
from engine.sound.mix import TRUE_PEAK_MARGIN_DB, integrated_lufs, mix_stems, true_peak_db
from engine.sound.tracks import read_wav, write_wav

RATE = SAMPLE_RATE


def _stems(seconds: float = 8.0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(3)
    n = round(seconds * RATE)
    t = np.arange(n) / RATE
    speech = (0.2 * np.sin(2 * np.pi * 180 * t) * ((t > 2) & (t < 4))).astype(np.float32)  # a 2-s line
    bed = (0.03 * rng.standard_normal((n, 2))).astype(np.float32)
    hits = np.zeros(n, np.float32)
    for at in (1.0, 5.0, 6.5):
        k = round(at * RATE)
        hits[k : k + 480] = 0.9 * np.exp(-np.arange(480) / 60.0)  # sharp knocks, true peaks to tame
    return {"dialogue": speech, "ambience": bed, "foley": hits}


def test_stems_add_up_to_the_mix_here_and_in_their_files(tmp_path: Path) -> None:
    mixed = mix_stems(_stems(), Loudness())
    total = sum(mixed.stems.values(), np.zeros_like(mixed.mix))
    assert np.abs(total - mixed.mix).max() < 1e-6
    files = [read_wav(write_wav(stem, tmp_path / f"{name}.wav")) for name, stem in mixed.stems.items()]
    assert np.abs(sum(files, np.zeros_like(mixed.mix)) - mixed.mix).max() < 4 / 32768  # 16-bit steps
    assert not list(tmp_path.glob(".*part*"))


def test_the_mix_meets_the_loudness_target_under_the_ceiling() -> None:
    for target in (Loudness(), Loudness(integrated_lufs=-20.0, true_peak_db=-2.0)):
        mixed = mix_stems(_stems(), target)
        assert abs(mixed.integrated_lufs - target.integrated_lufs) <= 0.3
        assert abs(integrated_lufs(mixed.mix) - mixed.integrated_lufs) < 0.1
        assert mixed.true_peak_db <= target.true_peak_db - TRUE_PEAK_MARGIN_DB + 0.05
        assert abs(true_peak_db(mixed.mix) - mixed.true_peak_db) < 0.05  # the estimate, measured


def test_dialogue_ducks_the_others_and_only_while_someone_speaks() -> None:
    stems = _stems()
    mixed = mix_stems(stems, Loudness(), normalise=False)
    bed = mixed.stems["ambience"]

    def rms(x: np.ndarray, lo: float, hi: float) -> float:
        return float(np.sqrt(np.mean(np.square(x[round(lo * RATE) : round(hi * RATE)], dtype=np.float64))))

    quiet, under = rms(bed, 0.2, 0.8), rms(bed, 2.8, 3.2)
    assert abs(under / quiet - DUCK_GAIN) < 0.03
    assert abs(rms(bed, 6.9, 7.5) / quiet - 1.0) < 0.05  # back up after the line
    assert np.array_equal(mixed.stems["dialogue"][:, 0], stems["dialogue"])  # the voice is never ducked


def test_without_a_loudness_anchor_levels_stay_and_silence_stays_silent() -> None:
    stems = {"ambience": _stems()["ambience"]}
    mixed = mix_stems(stems, Loudness(), normalise=False)
    assert np.array_equal(mixed.mix, stems["ambience"])
    silent = mix_stems({"ambience": np.zeros((RATE, 2), np.float32)}, Loudness())
    assert not silent.mix.any() and silent.integrated_lufs == float("-inf")

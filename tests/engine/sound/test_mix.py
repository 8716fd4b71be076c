"""The mix: stems that add up to it, dialogue ducking the rest, the loudness target and the
true-peak ceiling, measured on real signals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import pytest

from engine.cutting.audio import DUCK_GAIN, SAMPLE_RATE, Loudness
from engine.sound import mix as mixing
from engine.sound.loudness import Meter, integrated_lufs
from engine.sound.mix import TRUE_PEAK_MARGIN_DB, mix_stems, true_peak_db

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


def test_stems_add_up_to_the_mix_in_their_files(tmp_path: Path) -> None:
    mixed = mix_stems(_stems(), Loudness(), tmp_path)
    total = mixed.samples()
    files = [mixed.stem(name) for name in mixed.stems]
    assert set(mixed.stems) == {"dialogue", "ambience", "foley"}
    assert np.abs(sum(files, np.zeros_like(total)) - total).max() < 4 / 32768  # 16-bit steps
    assert not list(tmp_path.rglob(".*part*")) and not (tmp_path / ".raw").exists()


def test_the_mix_meets_the_loudness_target_under_the_ceiling(tmp_path: Path) -> None:
    for target in (Loudness(), Loudness(integrated_lufs=-20.0, true_peak_db=-2.0)):
        mixed = mix_stems(_stems(), target, tmp_path)
        assert abs(mixed.integrated_lufs - target.integrated_lufs) <= 0.3
        assert abs(integrated_lufs(mixed.samples()) - mixed.integrated_lufs) < 0.1
        assert mixed.true_peak_db <= target.true_peak_db - TRUE_PEAK_MARGIN_DB + 0.05
        assert abs(true_peak_db(mixed.samples()) - mixed.true_peak_db) < 0.05  # the estimate, measured


def test_a_mix_in_short_reels_is_the_mix_in_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reels' margins make every gain the whole signal's: ducking, master and limiter."""
    whole = mix_stems(_stems(), Loudness(), tmp_path / "whole")
    monkeypatch.setattr(mixing, "REEL", 3 * mixing.BLOCK)  # 256 ms: a line and each knock span reels
    reels = mix_stems(_stems(), Loudness(), tmp_path / "reels")
    assert np.abs(reels.samples() - whole.samples()).max() <= 1 / 32768
    for name in whole.stems:
        assert np.abs(reels.stem(name) - whole.stem(name)).max() <= 1 / 32768
    assert reels.true_peak_db == pytest.approx(whole.true_peak_db, abs=1e-4)


def test_loudness_measured_in_pieces_is_measured_whole() -> None:
    rng = np.random.default_rng(5)
    n = 7 * RATE + 1234
    x = (0.1 * rng.standard_normal((n, 2)) * np.linspace(0.02, 1.0, n)[:, None]).astype(np.float32)
    meter, at = Meter(), 0
    while at < n:
        step = int(rng.integers(1, 40000))
        meter.add(x[at : at + step])
        at += step
    assert meter.integrated() == pytest.approx(integrated_lufs(x), abs=1e-9)
    theirs = pyloudnorm.Meter(RATE).integrated_loudness(x.astype(np.float64))
    assert integrated_lufs(x) == pytest.approx(theirs, abs=0.1)
    t = np.arange(5 * RATE) / RATE
    left = np.zeros((len(t), 2))
    left[:, 0] = np.sin(2 * np.pi * 997 * t)
    assert integrated_lufs(left) == pytest.approx(-3.01, abs=0.01)  # BS.1770's own check
    assert integrated_lufs(x[: int(0.39 * RATE)]) == float("-inf")  # under one gating block


def test_dialogue_ducks_the_others_and_only_while_someone_speaks(tmp_path: Path) -> None:
    stems = _stems()
    mixed = mix_stems(stems, Loudness(), tmp_path, normalise=False)
    bed = mixed.stem("ambience")

    def rms(x: np.ndarray, lo: float, hi: float) -> float:
        return float(np.sqrt(np.mean(np.square(x[round(lo * RATE) : round(hi * RATE)], dtype=np.float64))))

    quiet, under = rms(bed, 0.2, 0.8), rms(bed, 2.8, 3.2)
    assert abs(under / quiet - DUCK_GAIN) < 0.03
    assert abs(rms(bed, 6.9, 7.5) / quiet - 1.0) < 0.05  # back up after the line
    voice = mixed.stem("dialogue")[:, 0]
    assert np.abs(voice - stems["dialogue"]).max() <= 1 / 32768  # the voice is never ducked


def test_without_a_loudness_anchor_levels_stay_and_silence_stays_silent(tmp_path: Path) -> None:
    stems = {"ambience": _stems()["ambience"]}
    mixed = mix_stems(stems, Loudness(), tmp_path / "bed", normalise=False)
    assert np.abs(mixed.samples() - stems["ambience"]).max() <= 1 / 32768
    silent = mix_stems({"ambience": np.zeros((RATE, 2), np.float32)}, Loudness(), tmp_path / "silent")
    assert not silent.samples().any() and silent.integrated_lufs == float("-inf")

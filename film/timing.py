"""Whole-frame timing: every shot gets an integer number of frames and they sum exactly to the
target, because a film that is one frame off drifts its subtitles and fails FilmPlan's check."""

from __future__ import annotations

import math

MIN_SHOT_S = 1.5
MAX_SHOT_S = 8.0
TITLE_CARD_S = 2.0
TITLE_CARD_MIN_FILM_S = 10.0


def title_card_frames(duration_s: float, fps: int, wanted: bool) -> int:
    """A 2 s card for films of 10 s or more; shorter films cannot spare it."""
    return round(TITLE_CARD_S * fps) if wanted and duration_s >= TITLE_CARD_MIN_FILM_S else 0


def shot_limits(fps: int, total_frames: int) -> tuple[int, int]:
    """(min, max) frames of one shot at this fps; min never exceeds what the film has."""
    low = max(1, min(round(MIN_SHOT_S * fps), total_frames))
    return low, max(low, round(MAX_SHOT_S * fps))


def group_beats(weights: list[float], scenes: list[int], limit: int) -> list[list[int]]:
    """Merge neighbouring beats until at most `limit` groups remain: always the lightest adjacent
    pair, preferring pairs inside one scene, so short films keep their biggest moments."""
    groups = [[i] for i in range(len(weights))]
    mass = list(weights)
    while len(groups) > max(1, limit):
        best, best_cost = 0, math.inf
        for k in range(len(groups) - 1):
            cost = mass[k] + mass[k + 1]
            if scenes[groups[k][-1]] != scenes[groups[k + 1][0]]:
                cost += 1e9
            if cost < best_cost:
                best, best_cost = k, cost
        groups[best] += groups.pop(best + 1)
        mass[best] += mass.pop(best + 1)
    return groups


def split_frames(weights: list[float], total: int, minimum: int) -> list[int]:
    """Give each unit `minimum` frames plus a weight-proportional share of the rest, rounded by the
    largest-remainder method so the parts sum to `total` exactly and ties break by position."""
    n = len(weights)
    spare = total - minimum * n
    if spare < 0:
        raise ValueError(f"{n} shots of at least {minimum} frames do not fit in {total} frames")
    weight_sum = sum(weights) or float(n)
    shares = [spare * (w if sum(weights) else 1.0) / weight_sum for w in weights]
    frames = [minimum + math.floor(s) for s in shares]
    left = total - sum(frames)
    order = sorted(range(n), key=lambda i: (-(shares[i] - math.floor(shares[i])), i))
    for i in order[:left]:
        frames[i] += 1
    return frames


def coverage(frames: int, maximum: int) -> list[int]:
    """Cut a long unit into near-equal shots no longer than `maximum` frames each."""
    parts = max(1, math.ceil(frames / maximum))
    base, extra = divmod(frames, parts)
    return [base + (1 if k < extra else 0) for k in range(parts)]


SPEECH_WPS = 2.75
"""Words a second at a voice's normal pace (espeak-ng's default 165 words a minute)."""
SPEECH_CPS_UNSPACED = 6.0
"""Characters a second for scripts written without spaces between words (Chinese, Japanese)."""
LINE_GAP_S = 0.15
"""Silence between two lines spoken one after the other."""


def speech_s(text: str, rate: float = 1.0) -> float:
    """About how long a line takes to say at `rate` (1 = the voice's normal pace): enough to
    warn of a line longer than its shot before anything is rendered or spoken."""
    unspaced = sum(1 for ch in text if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    words = len(text.split()) if not unspaced else 0
    return (words / SPEECH_WPS + unspaced / SPEECH_CPS_UNSPACED) / max(rate, 0.1)

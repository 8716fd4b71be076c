"""Reading order for one line of lettering: clusters that never split, and their bidi levels.

Pillow's raqm layout reorders text only inside one draw call, and a line set in several
typefaces is several calls, so the runs of a line are put in visual order here. This is the
Unicode bidi algorithm (UAX #9) without explicit embeddings or isolates — rules W1–W7, N1–N2,
I1–I2 and L2 — which is what titles, names and subtitles need.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

ZWJ = "\u200d"
_VIRAMA = 9  # canonical combining class: the next consonant joins the cluster (a conjunct)


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def extends(ch: str) -> bool:
    """Whether `ch` belongs to the character before it: marks, joiners, selectors, skin tones, tags."""
    cp = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or ch == ZWJ
        or 0xFE00 <= cp <= 0xFE0F
        or 0xE0100 <= cp <= 0xE01EF
        or 0x1F3FB <= cp <= 0x1F3FF
        or 0xE0020 <= cp <= 0xE007F
    )


def clusters(text: str) -> list[str]:
    """`text` cut only where a line may be cut or a font may change (roughly grapheme clusters)."""
    out: list[str] = []
    for ch in text:
        if out:
            last = out[-1][-1]
            pair = _is_regional(ch) and _is_regional(last) and len(out[-1]) == 1  # one flag
            if extends(ch) or last == ZWJ or unicodedata.combining(last) == _VIRAMA or pair:
                out[-1] += ch
                continue
        out.append(ch)
    return out


def _kind(cluster: str) -> str:
    """The cluster's bidi class, folded: L, R (R and AL), EN, AN, ES, CS, ET or N (neutral)."""
    kind = unicodedata.bidirectional(cluster[0])
    if kind in ("R", "AL"):
        return "R" if kind == "R" else "AL"
    if kind in ("L", "EN", "AN", "ES", "CS", "ET"):
        return kind
    return "N"


def _weak(kinds: list[str], sos: str) -> list[str]:
    """Rules W2–W7: numbers after Arabic letters, separators inside numbers, terminators."""
    strong = sos
    for i, k in enumerate(kinds):  # W2, W3
        if k == "EN" and strong == "AL":
            kinds[i] = "AN"
        if k in ("L", "R", "AL"):
            strong = k
    kinds = ["R" if k == "AL" else k for k in kinds]
    for i in range(1, len(kinds) - 1):  # W4
        a, s, b = kinds[i - 1], kinds[i], kinds[i + 1]
        if (a == b == "EN" and s in ("ES", "CS")) or (a == b == "AN" and s == "CS"):
            kinds[i] = a
    for i, k in enumerate(kinds):  # W5: terminators next to a European number
        if k == "ET":
            j = i
            while j < len(kinds) and kinds[j] == "ET":
                j += 1
            left = i > 0 and kinds[i - 1] == "EN"
            if left or (j < len(kinds) and kinds[j] == "EN"):
                kinds[i:j] = ["EN"] * (j - i)
    kinds = ["N" if k in ("ES", "CS", "ET") else k for k in kinds]  # W6
    strong = sos
    for i, k in enumerate(kinds):  # W7
        if k == "EN" and strong == "L":
            kinds[i] = "L"
        if k in ("L", "R"):
            strong = k
    return kinds


def levels(cluster_list: Sequence[str]) -> tuple[list[int], bool]:
    """Each cluster's embedding level and whether the line reads right to left (rule P2)."""
    kinds = [_kind(c) for c in cluster_list]
    rtl = next((k in ("R", "AL") for k in kinds if k in ("L", "R", "AL")), False)
    base = 1 if rtl else 0
    sos = "R" if rtl else "L"
    kinds = _weak(kinds, sos)
    resolved = list(kinds)
    i = 0
    while i < len(kinds):  # N1, N2: a run of neutrals follows matching strong sides, else the line
        if kinds[i] != "N":
            i += 1
            continue
        j = i
        while j < len(kinds) and kinds[j] == "N":
            j += 1
        before = sos if i == 0 else kinds[i - 1]
        after = sos if j == len(kinds) else kinds[j]
        before, after = ("R" if k in ("EN", "AN") else k for k in (before, after))
        resolved[i:j] = [before if before == after else sos] * (j - i)
        i = j
    out = []
    for k in resolved:  # I1, I2
        if base == 0:
            out.append(0 if k == "L" else 1 if k == "R" else 2)
        else:
            out.append(1 if k == "R" else 2)
    return out, rtl


def visual_order(run_levels: Sequence[int]) -> list[int]:
    """Rule L2: indices of the runs from left to right."""
    order = list(range(len(run_levels)))
    if not order:
        return order
    lowest_odd = min((lv for lv in run_levels if lv % 2), default=1)
    for level in range(max(run_levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if run_levels[order[i]] >= level:
                j = i
                while j < len(order) and run_levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order

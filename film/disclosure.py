"""How every output says it is AI-made: the one label text, for end cards, title cards and the
container metadata alike, and the IPTC digital source type that C2PA manifests carry."""

from __future__ import annotations

from typing import Literal

AI_LABEL = "AI-generated with storyreel"
"""The visible and machine-readable disclosure (EU AI Act Art. 50 marking)."""

DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
"""IPTC's term for media made by a trained model, as C2PA and XMP spell it."""


BUG_TEXT = "AI-generated"
"""The corner bug every painted frame carries (the end card carries the full AI_LABEL)."""

BugCorner = Literal["top-right", "top-left", "bottom-right", "bottom-left", "off"]
DEFAULT_BUG: BugCorner = "top-right"
"""Where the bug sits unless the studio's `ai_bug` setting says otherwise."""
"""Where the corner bug sits; "off" only for engines that do not paint realistic footage."""

REALISTIC_ENGINES = frozenset({"diffusion", "comfyui"})
"""Engines whose frames could pass for camera footage: their corner bug can never be turned off."""


def bug_refusal(engine: str, bug: str) -> str | None:
    """Why this engine may not drop its corner bug, or None when the choice is allowed."""
    if bug == "off" and engine in REALISTIC_ENGINES:
        return (
            f"the {engine} engine paints realistic footage, so its 'AI-generated' corner label stays on; "
            "choose a corner (top-right, top-left, bottom-right, bottom-left)"
        )
    return None


def dramatised_label(names: list[str]) -> str:
    """The end card's line when historical figures appear: the AI label, and that the film
    dramatises them (so nobody takes it for a record of what they did)."""
    if not names:
        return AI_LABEL
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return f"{AI_LABEL} · a dramatisation; {shown} portrayed, not recorded"[:300]

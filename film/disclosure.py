"""How every output says it is AI-made: the one label text, for end cards, title cards and the
container metadata alike, and the IPTC digital source type that C2PA manifests carry."""

from __future__ import annotations

AI_LABEL = "AI-generated with storyreel"
"""The visible and machine-readable disclosure (EU AI Act Art. 50 marking)."""

DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
"""IPTC's term for media made by a trained model, as C2PA and XMP spell it."""


def dramatised_label(names: list[str]) -> str:
    """The end card's line when historical figures appear: the AI label, and that the film
    dramatises them (so nobody takes it for a record of what they did)."""
    if not names:
        return AI_LABEL
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return f"{AI_LABEL} · a dramatisation; {shown} portrayed, not recorded"[:300]

"""The things a brief names that the frame must show: each scene's set pieces and each beat's
props and light sources, as `film.Prop`s whose kinds are the previz's silhouettes.
STUB: the props room replaces the bodies."""

from __future__ import annotations

from film import Prop


def set_pieces(scene_text: str, language: str) -> tuple[Prop, ...]:
    """The scene-scale things the scene's text names (lighthouse, boat, kitchen table)."""
    return ()


def shot_props(beat_text: str, language: str) -> tuple[Prop, ...]:
    """The props and light sources one beat names (lamp, bucket, match flame), lit or not."""
    return ()

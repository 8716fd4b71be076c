"""Which set a scene's location asks for: whole words of the location and the heading (an
`INT.` slugline is a room), in back-to-front drawing order."""

from __future__ import annotations

import re

from film import Scene


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


LOCATION_WORDS: dict[str, tuple[str, ...]] = {
    "room": _words(
        "room interior int. kitchen office bedroom apartment house bar cafe café restaurant classroom "
        "hall studio library shop store lab hospital"
    ),
    "space": _words("space orbit spaceship starship galaxy asteroid lunar planet"),
    "mountain": _words("mountain hill peak alps cliff valley glacier snow"),
    "city": _words("city street town downtown alley rooftop urban market square skyline"),
    "forest": _words("forest wood jungle park garden grove tree"),
    "desert": _words("desert dune sand canyon wasteland"),
    "sea": _words("sea ocean beach harbor harbour lake river coast shore port pier"),
}
"""Keywords in `scene.location` that choose the silhouettes, in back-to-front drawing order."""


def location_kinds(location: str) -> list[str]:
    """Which set pieces a location asks for; rooms and space are whole sets of their own."""
    text = location.lower()
    kinds = [kind for kind, words in LOCATION_WORDS.items() if any(re.search(_whole(w), text) for w in words)]
    for whole in ("room", "space"):
        if whole in kinds:
            return [whole]
    return kinds or ["hills"]


def _whole(word: str) -> str:
    """A location word as a whole word, plural allowed: 'park' is no 'parking lot'."""
    tail = r"(?:s|es)?\b" if word[-1].isalnum() else ""
    return rf"\b{re.escape(word)}{tail}"


def scene_kinds(scene: Scene) -> list[str]:
    """The set of a scene: its location's kinds, with the heading's ('INT. ROSA'S DINER') too."""
    return location_kinds(f"{scene.location} {scene.heading}")

"""Same spec and seed, same bytes: however many shots render at once, every take (and its
sidecars) comes out identical, so the take cache and the stream-copy cut can trust a hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

from studio.make import FilmRequest, make_film
from studio.settings import Settings

BRIEF = (
    "Mara climbs the lighthouse stairs at dusk while rain lashes the windows. "
    '"Not tonight," Mara whispers. At dawn Theo rows toward the rocks and a bucket falls into the sea.'
)


def _assets(home: Path) -> dict[str, str]:
    """Every stored file's content hash, by its name in the store (names are content hashes too)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (home / "assets").rglob("*.*")}


def test_takes_are_byte_identical_whatever_the_worker_count(tmp_path: Path) -> None:
    request = FilmRequest(brief=BRIEF, duration_s=5.0, aspect="16:9", style="cinematic", seed=11)
    made = {}
    for workers in (1, 3):
        home = tmp_path / f"w{workers}"
        settings = Settings(home=home / "home", out_root=home / "out", render_workers=workers)
        result = make_film(request, settings=settings, quiet=True)
        assert result.film_path is not None and len(result.rendered) == len(result.plan.shots) >= 3
        made[workers] = _assets(home / "home")
    assert made[1] == made[3]
    assert sum(name.endswith(".mp4") for name in made[1]) >= 3  # takes, not only sidecars

"""Small valid domain objects for storage tests, built by hand."""

from __future__ import annotations

import hashlib
from pathlib import Path

from film import (
    Camera,
    Character,
    FilmPlan,
    Gravity,
    MotionAction,
    MotionEvent,
    Movement,
    Performance,
    Physics,
    Scene,
    Shot,
    Take,
)


def make_plan(title: str = "The Lantern", second_shot: str = "She lets it go.") -> FilmPlan:
    """A 2 s plan at 12 fps: 6 title-card frames + 9 + 9 = 24 frames."""
    return FilmPlan(
        title=title,
        logline="A girl sends a lantern up into a storm.",
        fps=12,
        duration_s=2.0,
        title_card_frames=6,
        characters=(Character(id="mei", name="Mei", appearance="yellow raincoat"),),
        scenes=(Scene(id="s1", location="harbour wall", mood="hopeful"),),
        shots=(
            Shot(
                id="sh1",
                scene_id="s1",
                frames=9,
                description="Mei lights the lantern.",
                performances=(Performance(character_id="mei", action="kneel", emotion="focused"),),
                camera=Camera(movement=Movement.dolly),
                physics=Physics(gravity=Gravity.earth, wind_ms=(2.0, 0.0)),
            ),
            Shot(
                id="sh2",
                scene_id="s1",
                frames=9,
                description=second_shot,
                physics=Physics(
                    gravity=1.62,
                    events=(MotionEvent(object="lantern", action=MotionAction.float, start_s=0.2),),
                ),
            ),
        ),
    )


def spec_hash_of(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def make_take(tmp_path: Path, name: str, content: bytes, *, spec: str | None = None) -> Take:
    """A freshly rendered take: a file outside the store, as an engine leaves it."""
    render_dir = tmp_path / "renders"
    render_dir.mkdir(exist_ok=True)
    clip = render_dir / f"{name}.mp4"
    clip.write_bytes(content)
    return Take(
        shot_id=name,
        spec_hash=spec_hash_of(spec or name),
        engine="previz",
        path=str(clip),
        frames=9,
        fps=12,
        width=854,
        height=480,
        render_s=0.5,
    )

"""Hand-built film objects for the engine tests: small casts, short shots, real ffmpeg."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.marking import bug_patch
from engine.previz import PrevizRenderer
from film import (
    Camera,
    Character,
    FilmPlan,
    Performance,
    Physics,
    RenderSpec,
    Scene,
    Shot,
    Take,
    TimeOfDay,
)

CAST = (
    Character(id="maya", name="Maya", color="#2e86de", build="slight"),
    Character(id="otto", name="Otto", color="#e67e22", build="broad"),
)
SCENE = Scene(id="s1", location="city street at the harbour", time_of_day=TimeOfDay.dusk)


def make_shot(shot_id: str = "S01", frames: int = 24, camera: Camera | None = None, **kw: object) -> Shot:
    perfs = kw.pop("performances", None) or (
        Performance(character_id="maya", action="stand", emotion="happy"),
        Performance(character_id="otto", action="stand", emotion="angry"),
    )
    return Shot(
        id=shot_id,
        scene_id=SCENE.id,
        frames=frames,
        description="Maya waits at the corner; Otto arrives late and out of breath.",
        performances=perfs,
        camera=camera or Camera(),
        physics=kw.pop("physics", Physics()),
        **kw,
    )


def make_spec(
    shot: Shot | None = None,
    size: tuple[int, int] = (854, 480),
    scene: Scene = SCENE,
    seed: int = 7,
    fps: int = 24,
) -> RenderSpec:
    return RenderSpec(
        engine="previz",
        shot=shot or make_shot(),
        scene=scene,
        characters=CAST,
        seed=seed,
        width=size[0],
        height=size[1],
        fps=fps,
        card="Keep the corner in frame",
    )


def make_plan(shots: tuple[Shot, ...], title_card_frames: int = 0, fps: int = 24) -> FilmPlan:
    total = title_card_frames + sum(s.frames for s in shots)
    return FilmPlan(
        title="The Late Bus",
        logline="Maya waits; Otto runs.",
        fps=fps,
        duration_s=total / fps,
        title_card_frames=title_card_frames,
        characters=CAST,
        scenes=(SCENE,),
        shots=shots,
    )


def beside_the_bug(frame: np.ndarray, corner: str = "top-right") -> np.ndarray:
    """The pixels of a marked frame outside its corner bug (which, on a tiny frame, is most of it)."""
    y, x, _, alpha = bug_patch(frame.shape[1], frame.shape[0], corner)
    keep = np.ones(frame.shape[:2], dtype=bool)
    keep[y : y + alpha.shape[0], x : x + alpha.shape[1]] = False
    return frame[keep]


def mean_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


@pytest.fixture(scope="session")
def renderer() -> PrevizRenderer:
    return PrevizRenderer()


@pytest.fixture(scope="session")
def three_takes(tmp_path_factory: pytest.TempPathFactory, renderer: PrevizRenderer) -> list[Take]:
    """Three short previz takes at 16:9, shared by the assembler tests."""
    folder: Path = tmp_path_factory.mktemp("takes")
    shots = [make_shot(f"S0{i}", frames=24 + 6 * i) for i in range(1, 4)]
    return [renderer.render(make_spec(s), folder / f"{s.id}.mp4") for s in shots]

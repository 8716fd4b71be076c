"""Tiny random-weight models saved once per session into a models folder, plus spec makers."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("diffusers")
os.environ["HF_HUB_OFFLINE"] = "1"  # the engine must never need the network

from engine.diffusion import DiffusionOptions
from engine.diffusion.loading import clear_pipelines
from film import MediaRef, RenderSpec
from tests.engine.conftest import CAST, SCENE, make_shot
from tests.engine.diffusion.tiny import build_models


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_models(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def options(models_dir: Path) -> DiffusionOptions:
    return DiffusionOptions(models_dir=models_dir, preset="draft", device="cpu")


@pytest.fixture(scope="session", autouse=True)
def _forget_pipelines() -> object:
    yield
    clear_pipelines()


def dspec(
    model: str = "wan2.1-t2v-1.3b",
    frames: int = 9,
    size: tuple[int, int] = (32, 32),
    fps: int = 16,
    seed: int = 3,
    **kw: object,
) -> RenderSpec:
    options = {"steps": 2, **kw.pop("options", {})}  # type: ignore[dict-item]
    return RenderSpec(
        engine="diffusion",
        shot=make_shot(frames=frames),
        scene=SCENE,
        characters=CAST,
        seed=seed,
        width=size[0],
        height=size[1],
        fps=fps,
        model=model,
        prompt="maya waits at the corner in the rain",
        options=options,
        **kw,
    )  # type: ignore[arg-type]


def media_ref(path: Path) -> MediaRef:
    return MediaRef(path=str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest())


def still(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (32, 32)) -> MediaRef:
    """A flat-colour PNG as a conditioning image."""
    Image.fromarray(np.full((size[1], size[0], 3), color, dtype=np.uint8)).save(path)
    return media_ref(path)

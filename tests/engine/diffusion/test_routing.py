"""Continuity goes through the model that can carry it: end frames to FLF2V or VACE, first
frames and long-shot continuations to the family's own image-to-video weights."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from agents.continuity import continue_from
from engine.diffusion import DiffusionOptions
from engine.diffusion.frames import FramePlan
from engine.diffusion.registry import MODELS, model_card
from engine.diffusion.renderer import continuation, route
from engine.diffusion.window import Window
from film import Conditioning
from tests.engine.diffusion.conftest import dspec, still


def pinned_per_call(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many frames each VACE call keeps (black in its mask), call by call."""
    from engine.diffusion import wan

    kept: list[int] = []
    real = wan.vace_inputs

    def spy(w: Window) -> tuple[list[Image.Image], list[Image.Image]]:
        video, mask = real(w)
        kept.append(sum(m.getpixel((0, 0)) == 0 for m in mask))
        return video, mask

    monkeypatch.setattr(wan, "vace_inputs", spy)
    return kept


@pytest.fixture
def frames(tmp_path: Path) -> dict[str, Conditioning]:
    first = still(tmp_path / "f.png", (200, 30, 30))
    last = still(tmp_path / "l.png", (30, 30, 200))
    return {
        "first": Conditioning(first_frame=first),
        "last": Conditioning(last_frame=last),
        "both": Conditioning(first_frame=first, last_frame=last),
    }


@pytest.mark.parametrize(
    ("model", "kind", "expected"),
    [
        ("wan2.1-t2v-14b", "last", "wan2.1-flf2v-14b-720p"),
        ("wan2.2-t2v-a14b", "both", "wan2.1-flf2v-14b-720p"),
        ("wan2.1-i2v-14b-720p", "both", "wan2.1-flf2v-14b-720p"),
        ("cogvideox-5b", "last", "wan2.1-vace-1.3b"),
        ("cogvideox-5b-i2v", "both", "wan2.1-vace-1.3b"),
        ("wan2.1-t2v-1.3b", "last", "wan2.1-vace-1.3b"),
        ("ltx-video", "last", "ltx-video-0.9.7"),
        ("wan2.2-ti2v-5b", "first", "wan2.2-ti2v-5b-i2v"),
        ("ltx-video", "first", "ltx-video-i2v"),
        ("cogvideox-5b", "first", "cogvideox-5b-i2v"),
    ],
)
def test_conditioning_routes_to_a_model_that_honours_it(
    frames: dict[str, Conditioning], model: str, kind: str, expected: str
) -> None:
    assert route(model_card(model), dspec(model=model, conditioning=frames[kind])).name == expected


def test_own_weights_continue_at_the_models_own_fps() -> None:
    """TI2V-5B continues on its 24-fps weights, LTX 2B on its own weights (not the 13B)."""
    two = FramePlan(32, 32, 17, (9, 9))
    ti2v = continuation(model_card("wan2.2-ti2v-5b"), two)
    assert ti2v is not None and ti2v.weights_name == "wan2.2-ti2v-5b" and ti2v.fps == 24
    ltx = continuation(model_card("ltx-video"), two)
    assert ltx is not None and ltx.weights_name == "ltx-video" and ltx.pipeline == "LTXImageToVideoPipeline"


def test_every_companion_exists_and_can_do_its_role() -> None:
    starts, ends = ("i2v", "flf2v", "vace", "condition"), ("flf2v", "vace", "condition")
    can = {"i2v": starts, "last": ends, "vace": ("vace",), "continue": starts, "upsample": ("upsample",)}
    for card in MODELS.values():
        for role, name in card.companions.items():
            assert MODELS[name].mode in can[role], (card.name, role, name)


def test_continued_shot_pins_the_previous_shots_last_frames(
    options: DiffusionOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shot 2 continues shot 1 through VACE with five of its last frames kept, renders them
    again and drops them, so the take still has exactly its own frames; a model that pins one
    frame drops the strip from its spec (and so from the cache key)."""
    from engine.diffusion.renderer import DiffusionRenderer

    r = DiffusionRenderer(options)
    one = r.render(dspec(seed=1, frames=12, fps=24), tmp_path / "s1.mp4")
    kept = pinned_per_call(monkeypatch)
    spec2 = continue_from(dspec(seed=2, frames=12, fps=24), one)
    resolved = r.resolve(spec2)
    assert resolved.model == "wan2.1-vace-1.3b" and resolved.conditioning.lead_video is not None
    take = r.render(spec2, tmp_path / "s2.mp4")
    assert kept == [5] and take.frames == 12
    flf = r.resolve(continue_from(dspec(model="wan2.1-flf2v-14b-720p", seed=2), one))
    assert flf.conditioning.lead_video is None


@pytest.mark.parametrize("window", [None, 9])
def test_diffusion_forcing_continues_the_previous_shot_as_its_prefix(
    options: DiffusionOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, window: int | None
) -> None:
    """A continued SkyReels shot stays on diffusion forcing: its video-to-video sibling is given
    five of the previous shot's last frames as the prefix, and the take keeps only its own;
    a long take (blocks of 9) carries the same overlap from block to block."""
    from diffusers import SkyReelsV2DiffusionForcingVideoToVideoPipeline as Extend

    from engine.diffusion.renderer import DiffusionRenderer

    model = "skyreels-v2-df-1.3b-540p"
    r = DiffusionRenderer(options.model_copy(update={"max_window_frames": window}))
    one = r.render(dspec(model=model, seed=1, frames=12, fps=24), tmp_path / "s1.mp4")
    seen: list[int] = []
    real = Extend.__call__

    def spy(self: Extend, *args: object, **kwargs: object) -> object:
        seen.append(len(kwargs["video"]))  # type: ignore[arg-type]
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Extend, "__call__", spy)
    spec2 = continue_from(dspec(model=model, seed=2, frames=12, fps=24), one)
    assert r.resolve(spec2).model == model
    take = r.render(spec2, tmp_path / "s2.mp4")
    assert seen == [5] and take.frames == 12


def test_long_shot_carries_five_frames_across_each_window_seam(
    options: DiffusionOptions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long Wan shot in 9-frame windows: each continuation (VACE) pins the last five frames of
    the window before, and the take still has exactly its own frames."""
    from engine.diffusion.renderer import DiffusionRenderer

    r = DiffusionRenderer(options.model_copy(update={"max_window_frames": 9}))
    kept = pinned_per_call(monkeypatch)
    spec = dspec(seed=3, frames=24, fps=24)
    assert r.resolve(spec).options["seam"] == 5
    take = r.render(spec, tmp_path / "long.mp4")
    assert kept == [5, 5] and take.frames == 24

"""Bad sizes, bad frame counts and missing models fail fast with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.diffusion import DiffusionOptions, DiffusionRenderer
from engine.diffusion.frames import plan_frames, snap_frames
from engine.diffusion.registry import PRESETS, choose_model, model_card, preset_for_vram
from film import BadInput, Conditioning, RenderFailure
from tests.engine.diffusion.conftest import dspec, still


def test_explicit_bad_size_is_rejected_like_diffusers(options: DiffusionOptions) -> None:
    with pytest.raises(BadInput, match=r"height must be divisible by 16 for wan2\.1-t2v-1\.3b, got 500"):
        DiffusionRenderer(options).check_inputs(dspec(options={"height": 500, "width": 832}))


def test_bad_engine_options_are_rejected(options: DiffusionOptions) -> None:
    with pytest.raises(BadInput, match="steps must be a positive integer"):
        DiffusionRenderer(options).check_inputs(dspec(options={"steps": 0}))
    with pytest.raises(BadInput, match="guidance must be a number"):
        DiffusionRenderer(options).check_inputs(dspec(options={"guidance": "high"}))


def test_ltx_size_and_frame_rules() -> None:
    card = model_card("ltx-video")
    with pytest.raises(BadInput, match="divisible by 32"):
        plan_frames(dspec(model="ltx-video", options={"width": 48, "height": 32}), card)
    with pytest.raises(BadInput, match="num_frames % 8 == 1, got 10"):
        plan_frames(dspec(model="ltx-video", options={"num_frames": 10}), card)


def test_frame_planning_maps_duration_to_model_fps() -> None:
    card = model_card("wan2.1-t2v-1.3b")
    plan = plan_frames(dspec(frames=48, fps=24, size=(854, 480)), card)  # 2 s at 16 fps = 32 → 33
    assert (plan.width, plan.height, plan.total, plan.windows) == (848, 480, 33, (33,))
    long = plan_frames(dspec(frames=240, fps=24, size=(854, 480)), card)  # 10 s = 160 frames
    assert long.windows[0] == 81 and long.total >= 160 and all((n - 1) % 4 == 0 for n in long.windows)
    assert snap_frames(8, 8) == 9 and snap_frames(9, 4) == 9 and snap_frames(10, 4) == 13


def test_long_shot_windows_carry_the_seam() -> None:
    """Each later window repeats `seam` frames of the one before: 160 frames in 81-frame windows
    carrying 5 are 81 + 76 + 4 new frames; a window too short to add any carries one."""
    card = model_card("wan2.1-t2v-1.3b")
    long = plan_frames(dspec(frames=240, fps=24, size=(854, 480)), card, seam=5)
    assert (long.windows, long.carry, long.total) == ((81, 81, 9), 5, 161)
    assert long.total == long.windows[0] + sum(n - long.carry for n in long.windows[1:])
    short = plan_frames(dspec(frames=240, fps=24, size=(854, 480)), card, max_window=5, seam=5)
    assert short.carry == 1 and short.total >= 160
    assert plan_frames(dspec(frames=24, fps=24), card, seam=5).carry == 1  # one window: no seam


def test_missing_model_names_model_and_pull_command(tmp_path: Path) -> None:
    opts = DiffusionOptions(models_dir=tmp_path, preset="draft", device="cpu")
    with pytest.raises(RenderFailure, match=r"cogvideox-2b .*storyreel models pull cogvideox-2b"):
        DiffusionRenderer(opts).render(dspec(model="cogvideox-2b", size=(32, 32)), tmp_path / "x.mp4")
    assert not (tmp_path / "x.mp4").exists()


def test_unknown_model_and_wrong_engine(options: DiffusionOptions) -> None:
    with pytest.raises(BadInput, match="unknown model"):
        DiffusionRenderer(options).check_inputs(dspec(model="sora-9"))
    with pytest.raises(BadInput, match="another engine"):
        DiffusionRenderer(options).check_inputs(dspec().model_copy(update={"engine": "previz"}))


def test_conditioning_with_wrong_hash_is_refused(options: DiffusionOptions, tmp_path: Path) -> None:
    ref = still(tmp_path / "f.png", (1, 2, 3))
    (tmp_path / "f.png").write_bytes(b"not the image the spec hashed")
    with pytest.raises(BadInput, match="sha256"):
        DiffusionRenderer(options).render(
            dspec(conditioning=Conditioning(first_frame=ref)), tmp_path / "o.mp4"
        )


def test_presets_choose_by_vram() -> None:
    """Totals in GiB, as GPUs report them; model offload allowed unless asked for none."""
    assert preset_for_vram(None).name == "draft"
    assert preset_for_vram(23.99).name == "standard"  # a 24 GB card: TI2V-5B with model offload
    assert preset_for_vram(23.99, "none").name == "draft"
    assert preset_for_vram(79.2).name == preset_for_vram(79.2, "none").name == "final"
    assert choose_model(PRESETS["final"], 30).name == "wan2.2-ti2v-5b"
    assert choose_model(PRESETS["draft"], 9.5).name == "ltx-video"  # Wan's UMT5 alone is 10.6 GiB
    assert choose_model(PRESETS["draft"], None).name == "wan2.1-t2v-1.3b"  # the lightest denoiser
    assert choose_model(PRESETS["standard"], 4).name == "wan2.1-t2v-1.3b"


def test_engine_import_stays_light() -> None:
    """`import engine` and constructing the renderers must not pull torch/diffusers in (the core
    install has neither); they load on the first diffusion render."""
    import subprocess
    import sys

    code = (
        "import sys, engine; engine.renderer_for('diffusion'); engine.renderer_for('comfyui');"
        "print('torch' in sys.modules, 'diffusers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]

"""The critic: frame checks on real numpy footage, and bounded seed retakes through the real graph."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from agents import StudioContext, build_graph, plan_brief
from agents.critic import Critic, CriticConfig, colour_jump, take_problems
from film import FilmPlan, Take, Timeline
from tests.agents.briefs import MULTILINGUAL
from tests.agents.doubles import ConcatAssembler, FileRenderer, FolderLibrary

CFG = CriticConfig()


def _moving(frames: int, seed: int = 0, level: int = 120) -> np.ndarray:
    """Footage with motion: a noisy mid-grey clip whose noise changes every frame."""
    rng = np.random.default_rng(seed)
    return np.clip(level + rng.normal(0, 20, (frames, 16, 16, 3)), 0, 255).astype(np.uint8)


def test_good_footage_passes() -> None:
    assert take_problems(_moving(24), 24, CFG) == []


def test_black_frozen_short_and_flicker_are_caught() -> None:
    assert "black" in take_problems(np.zeros((24, 8, 8, 3), np.uint8), 24, CFG)[0]
    frozen = np.repeat(_moving(1), 24, axis=0)
    assert any("frozen" in p for p in take_problems(frozen, 24, CFG))
    assert any("frames, the shot needs 48" in p for p in take_problems(_moving(24), 48, CFG))
    flicker = _moving(24)
    flicker[::2] = np.clip(flicker[::2].astype(int) + 90, 0, 255).astype(np.uint8)
    assert any("flicker" in p for p in take_problems(flicker, 24, CFG))
    assert "no decodable frames" in take_problems(np.zeros((0,), np.uint8), 24, CFG)[0]


def test_colour_jump_between_frames() -> None:
    red = np.zeros((4, 4, 3), np.uint8)
    red[..., 0] = 255
    assert colour_jump(red, red) == 0.0
    assert colour_jump(red, np.zeros_like(red)) > 0.9


def _run(tmp_path: Path, frames_of: object, max_retakes: int = 2) -> tuple[dict[str, object], StudioContext]:
    ctx = StudioContext(
        renderer=FileRenderer(),
        takes=FolderLibrary(tmp_path / "store"),
        assembler=ConcatAssembler(),
        out_dir=tmp_path / "out",
        work_dir=tmp_path / "work",
        critic=Critic(frames_of, CriticConfig(max_retakes=max_retakes)),  # type: ignore[arg-type]
    )
    final = build_graph().invoke({"brief": MULTILINGUAL["en"], "duration_s": 8, "seed": 5}, context=ctx)
    return final, ctx


def _seed_of(take: Take) -> int:
    return int(Path(take.path).read_text().splitlines()[0].rsplit(" ", 1)[1])


def test_black_first_take_is_rerendered_with_a_new_seed(tmp_path: Path) -> None:
    plan = plan_brief(MULTILINGUAL["en"], duration_s=8, seed=5)
    first = plan.shots[0].id
    seen: list[int] = []

    def frames_of(take: Take) -> np.ndarray:
        if take.shot_id == first:
            seen.append(_seed_of(take))
            if len(seen) == 1:
                return np.zeros((take.frames, 8, 8, 3), np.uint8)
        return _moving(take.frames)

    final, ctx = _run(tmp_path, frames_of)
    rendered = ctx.renderer.rendered  # type: ignore[attr-defined]
    assert rendered.count(first) == 2 and len(rendered) == len(plan.shots) + 1
    assert seen[0] != seen[1] and final["retake_round"] == 1 and final["reviews"] == {}
    timeline = Timeline.model_validate(final["timeline"])
    used = next(c for c in timeline.clips if c.shot_id == first)
    assert str(seen[1]) in Path(used.take_path).read_text().splitlines()[0]
    assert FilmPlan.model_validate(final["plan"]).total_frames == timeline.total_frames
    assert ctx.ledger.warnings == []


def test_retakes_are_bounded_and_leave_a_warning(tmp_path: Path) -> None:
    def frames_of(take: Take) -> np.ndarray:
        return np.zeros((take.frames, 8, 8, 3), np.uint8)  # always black

    final, ctx = _run(tmp_path, frames_of, max_retakes=1)
    shots = len(FilmPlan.model_validate(final["plan"]).shots)
    assert len(ctx.renderer.rendered) == 2 * shots  # type: ignore[attr-defined]
    assert final["retake_round"] == 1 and len(final["reviews"]) == shots  # type: ignore[arg-type]
    assert len(ctx.ledger.warnings) == 1 and "critic" in ctx.ledger.warnings[0]
    assert Path(str(final["film_path"])).exists()

"""Retakes keep continuity: a retaken shot inside a continuous chain starts from the current take
before it, and the rest of its chain is rendered again from the new last frame; through the
compiled graph with a real SQLite checkpointer, a painting double and the real critic."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from langgraph.checkpoint.sqlite import SqliteSaver

from agents import StudioContext, build_graph
from agents.critic import Critic
from film import FilmPlan, RenderSpec, Take, Timeline
from tests.agents.doubles import ConcatAssembler, FolderLibrary, Painter, chain_plan


def _moving(frames: int) -> np.ndarray:
    """Footage the critic passes: mid-grey noise that changes every frame."""
    rng = np.random.default_rng(frames)
    return np.clip(120 + rng.normal(0, 20, (frames, 16, 16, 3)), 0, 255).astype(np.uint8)


def _frozen_once(*shots: str) -> Callable[[Take], np.ndarray]:
    """The critic's eyes: the first take of each named shot is frozen (one frame held, the same
    colour as the rest, so no cut around it jumps), everything else passes."""
    seen: set[str] = set()

    def frames_of(take: Take) -> np.ndarray:
        if take.shot_id in shots and take.shot_id not in seen:
            seen.add(take.shot_id)
            return np.repeat(_moving(1), take.frames, axis=0)
        return _moving(take.frames)

    return frames_of


def _shoot(tmp_path: Path, plan: FilmPlan, frames_of: Callable[[Take], np.ndarray]) -> tuple[Painter, Any]:
    painter = Painter()
    conn = sqlite3.connect(tmp_path / "cp.db", check_same_thread=False)
    ctx = StudioContext(
        renderer=painter, takes=FolderLibrary(tmp_path / "store"), assembler=ConcatAssembler(),
        out_dir=tmp_path / "out", work_dir=tmp_path / "work", critic=Critic(frames_of),
    )  # fmt: skip
    final = build_graph(checkpointer=SqliteSaver(conn)).invoke(
        {"plan": plan.model_dump(mode="json")}, {"configurable": {"thread_id": "retakes"}}, context=ctx
    )
    conn.close()
    return painter, final


def _renders(painter: Painter, shot: str) -> list[RenderSpec]:
    return [spec for spec in painter.seen if spec.shot.id == shot]


def _handed(spec: RenderSpec) -> str:
    """What the spec's first frame shows (the Painter writes 'last frame of <shot> seed <n>')."""
    assert spec.conditioning.first_frame is not None
    return Path(spec.conditioning.first_frame.path).read_text()


def _clip_take(final: Any, shot: str) -> str:
    timeline = Timeline.model_validate(final["timeline"])
    return next(clip.take_path for clip in timeline.clips if clip.shot_id == shot)


def test_retake_in_a_chain_starts_from_the_take_before_and_reshoots_the_rest(tmp_path: Path) -> None:
    plan = chain_plan(tmp_path)  # a → b → c continuous, d on its own
    painter, final = _shoot(tmp_path, plan, _frozen_once("b"))

    assert [len(_renders(painter, shot)) for shot in "abcd"] == [1, 2, 2, 1]
    (a,) = _renders(painter, "a")
    b_first, b_retake = _renders(painter, "b")
    c_first, c_again = _renders(painter, "c")
    assert b_retake.seed != b_first.seed and c_again.seed == c_first.seed
    # the retake starts on the current take of a: the very file (and hash) the first b got
    assert _handed(b_retake) == f"last frame of a seed {a.seed}"
    assert b_retake.conditioning.first_frame == b_first.conditioning.first_frame
    # c is shot again from the retake's last frame, after it
    assert _handed(c_again) == f"last frame of b seed {b_retake.seed}"
    assert painter.rendered[-2:] == ["b", "c"]
    # the cut uses the new takes
    assert _clip_take(final, "b").endswith(f"{b_retake.spec_hash()}.mp4")
    assert _clip_take(final, "c").endswith(f"{c_again.spec_hash()}.mp4")
    assert _clip_take(final, "a").endswith(f"{a.spec_hash()}.mp4")
    assert final["retake_round"] == 1 and final["reviews"] == {}
    film = Path(final["film_path"]).read_text().splitlines()
    assert f"b frame 0 seed {b_retake.seed}" in film and f"b frame 0 seed {b_first.seed}" not in film


def test_retakes_in_one_chain_are_one_ordered_render_and_lone_shots_go_alone(tmp_path: Path) -> None:
    plan = chain_plan(tmp_path)
    painter, final = _shoot(tmp_path, plan, _frozen_once("a", "c", "d"))

    assert [len(_renders(painter, shot)) for shot in "abcd"] == [2, 2, 2, 2]
    a_retake, b_again, c_retake = (_renders(painter, shot)[1] for shot in "abc")
    assert a_retake.conditioning.first_frame is None  # a chain's first shot starts on nothing
    assert _handed(b_again) == f"last frame of a seed {a_retake.seed}"
    assert _handed(c_retake) == f"last frame of b seed {b_again.seed}"
    retake_round = painter.rendered[4:]
    assert retake_round.index("a") < retake_round.index("b") < retake_round.index("c")
    d_first, d_retake = _renders(painter, "d")
    assert d_retake.conditioning.first_frame is None and d_retake.seed != d_first.seed
    assert final["reviews"] == {}

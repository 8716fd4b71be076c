"""Continuity in the graph: continuous shots of a painting engine render as one chain, each from
the last frame of the take before; a previz control pass drives it; previz stays parallel."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from langgraph.checkpoint.sqlite import SqliteSaver

from agents import StudioContext, build_graph
from agents.continuity import chains
from agents.recaptioner import recaption
from film import FilmPlan, MediaRef, ProgressFn, RenderSpec, Take
from tests.agents.doubles import ConcatAssembler, FileRenderer, FolderLibrary, Painter, chain_plan


class DepthPrevizDouble(FileRenderer):
    engine = "previz"

    def render(self, spec: RenderSpec, dest: Path, progress: ProgressFn | None = None) -> Take:
        take = super().render(spec, dest, progress)
        depth = dest.with_suffix(".depth.mp4")
        depth.write_text(f"depth of {spec.shot.id}")
        return take.model_copy(update={"extras": {"depth": str(depth)}})


def _run(
    tmp_path: Path, renderer: FileRenderer, library: FolderLibrary, plan: FilmPlan, **extra: object
) -> None:
    conn = sqlite3.connect(tmp_path / "cp.db", check_same_thread=False)
    graph = build_graph(checkpointer=SqliteSaver(conn))
    ctx = StudioContext(
        renderer=renderer, takes=library, assembler=ConcatAssembler(), out_dir=tmp_path / "out",
        work_dir=tmp_path / "work", **extra,  # type: ignore[arg-type]
    )  # fmt: skip
    config = {"configurable": {"thread_id": f"t{len(list(tmp_path.glob('out*')))}-{id(renderer)}"}}
    graph.invoke({"plan": plan.model_dump(mode="json")}, config, context=ctx)
    conn.close()


def test_continuous_shots_start_from_the_last_frame_before(tmp_path: Path) -> None:
    plan = chain_plan(tmp_path)
    painter, library = Painter(), FolderLibrary(tmp_path / "store")
    _run(tmp_path, painter, library, plan)
    by_shot = {s.shot.id: s for s in painter.seen}
    assert by_shot["a"].conditioning.first_frame is None
    assert by_shot["d"].conditioning.first_frame is None
    for before, after in (("a", "b"), ("b", "c")):
        handed: MediaRef | None = by_shot[after].conditioning.first_frame
        assert handed is not None and Path(handed.path).read_text().startswith(f"last frame of {before}")
    assert [r.sha256 for r in by_shot["a"].conditioning.reference_images] == [
        plan.characters[0].reference_image.sha256  # type: ignore[union-attr]
    ]
    assert painter.rendered.index("a") < painter.rendered.index("b") < painter.rendered.index("c")

    again = Painter()
    _run(tmp_path, again, library, plan)
    assert again.rendered == []  # the same frames hand off the same way: the whole chain is cached


def test_previz_depth_drives_the_painter(tmp_path: Path) -> None:
    plan = chain_plan(tmp_path)
    painter, control = Painter(), DepthPrevizDouble()
    _run(tmp_path, painter, FolderLibrary(tmp_path / "store"), plan, control=control)
    assert sorted(control.rendered) == ["a", "b", "c", "d"]
    for spec in painter.seen:
        assert spec.conditioning.control_video is not None
        assert Path(spec.conditioning.control_video.path).read_text() == f"depth of {spec.shot.id}"


def test_previz_shots_are_never_chained(tmp_path: Path) -> None:
    plan = chain_plan(tmp_path)
    previz = [recaption(plan, s, engine="previz") for s in plan.shots]
    painted = [recaption(plan, s, engine="diffusion") for s in plan.shots]
    assert [len(g) for g in chains(previz)] == [1, 1, 1, 1]
    assert [len(g) for g in chains(painted)] == [3, 1]
    assert previz[0].conditioning.reference_images == ()

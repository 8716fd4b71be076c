"""The whole graph with a real SQLite checkpointer and small real renderer/library/assembler."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph.checkpoint.sqlite import SqliteSaver

from agents import Event, StudioContext, build_graph, plan_brief
from film import FilmPlan, Timeline
from tests.agents.briefs import MARKDOWN, SCREENPLAY
from tests.agents.doubles import ConcatAssembler, FileRenderer, FolderLibrary


@pytest.fixture
def saver(tmp_path: Path) -> Iterator[SqliteSaver]:
    conn = sqlite3.connect(tmp_path / "checkpoints.sqlite", check_same_thread=False)
    try:
        yield SqliteSaver(conn)
    finally:
        conn.close()


def _context(tmp_path: Path, library: FolderLibrary, events: list[Event], run: str) -> StudioContext:
    return StudioContext(
        renderer=FileRenderer(),
        takes=library,
        assembler=ConcatAssembler(),
        out_dir=tmp_path / run,
        work_dir=tmp_path / "work" / run,
        report=events.append,
    )


def _config(run: str) -> dict[str, object]:
    return {"configurable": {"thread_id": run}, "max_concurrency": 4}


def test_brief_to_film_then_everything_cached(tmp_path: Path, saver: SqliteSaver) -> None:
    graph = build_graph(checkpointer=saver)
    library = FolderLibrary(tmp_path / "store")
    state = {"brief": SCREENPLAY, "duration_s": 40, "seed": 4}
    events: list[Event] = []
    ctx = _context(tmp_path, library, events, "run-1")
    final = graph.invoke(state, _config("run-1"), context=ctx)

    plan = FilmPlan.model_validate(final["plan"])
    assert plan.spec_hash() == plan_brief(SCREENPLAY, duration_s=40, seed=4).spec_hash()
    assert sorted(ctx.renderer.rendered) == sorted(s.id for s in plan.shots)  # type: ignore[attr-defined]
    assert len(final["specs"]) == len(final["takes"]) == len(plan.shots)
    timeline = Timeline.model_validate(final["timeline"])
    assert timeline.total_frames == plan.total_frames
    film = Path(final["film_path"])
    assert film.exists() and len(film.read_text().splitlines()) == plan.total_frames
    assert all(Path(t["path"]).parent == library.store for t in final["takes"])
    stages = {e.stage for e in events}
    assert stages == {"plan", "recaption", "render", "edit", "assemble"}
    done = [e.shot_id or "" for e in events if e.stage == "render" and e.message == "done"]
    assert sorted(done) == sorted(s.id for s in plan.shots)
    frames = [e for e in events if e.stage == "render" and e.shot_id and not e.message]
    assert frames and all(0 < e.done <= e.total for e in frames)
    recaps = [e.done for e in events if e.stage == "recaption"]
    assert sorted(recaps) == list(range(1, len(plan.shots) + 1))
    checkpoint = graph.get_state(_config("run-1"))
    assert checkpoint.values["film_path"] == final["film_path"]

    again: list[Event] = []
    ctx2 = _context(tmp_path, library, again, "run-2")
    second = graph.invoke(state, _config("run-2"), context=ctx2)
    assert ctx2.renderer.rendered == []  # type: ignore[attr-defined]
    assert all(t["cached"] for t in second["takes"])
    cached = [e.shot_id or "" for e in again if e.stage == "render" and e.cached]
    assert sorted(cached) == sorted(s.id for s in plan.shots)
    assert Path(second["film_path"]).read_text() == film.read_text()


def test_given_plan_skips_planning(tmp_path: Path, saver: SqliteSaver) -> None:
    graph = build_graph(checkpointer=saver)
    plan = plan_brief(MARKDOWN, duration_s=12, aspect="1:1")
    events: list[Event] = []
    ctx = _context(tmp_path, FolderLibrary(tmp_path / "store"), events, "plan-run")
    seen: list[str] = []
    for update in graph.stream(
        {"plan": plan.model_dump(mode="json")}, _config("plan-run"), context=ctx, stream_mode="updates"
    ):
        seen.extend(update)
    assert "plan" not in seen and "check_plan" in seen and "assemble" in seen
    final = graph.get_state(_config("plan-run")).values
    assert FilmPlan.model_validate(final["plan"]) == plan
    assert Timeline.model_validate(final["timeline"]).width == 640


def test_bad_plan_is_bad_input(tmp_path: Path) -> None:
    from film import BadInput

    broken = plan_brief(MARKDOWN, duration_s=12).model_dump(mode="json")
    broken["duration_s"] = 13
    ctx = _context(tmp_path, FolderLibrary(tmp_path / "store"), [], "bad")
    with pytest.raises(BadInput) as info:
        build_graph().invoke({"plan": broken}, context=ctx)
    assert info.value.field == "plan"

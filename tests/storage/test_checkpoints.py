"""The LangGraph checkpointer: a graph's state outlives the process that ran it."""

from __future__ import annotations

import operator
from pathlib import Path
from typing import Annotated, TypedDict

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from storage import checkpointer_scope, open_database, sqlite_checkpointer


class _State(TypedDict):
    count: int
    log: Annotated[list[str], operator.add]


def _plan(state: _State) -> dict[str, object]:
    return {"count": state["count"] + 1, "log": ["plan"]}


def _render(state: _State) -> dict[str, object]:
    return {"count": state["count"] * 10, "log": ["render"]}


def _graph(checkpointer: BaseCheckpointSaver[str], *, interrupt: bool = False) -> CompiledStateGraph:
    builder = StateGraph(_State)
    builder.add_node("plan", _plan)
    builder.add_node("render", _render)
    builder.add_edge(START, "plan")
    builder.add_edge("plan", "render")
    builder.add_edge("render", END)
    return builder.compile(
        checkpointer=checkpointer,
        interrupt_before=["render"] if interrupt else None,
    )


def test_state_is_read_back_from_a_fresh_checkpointer(tmp_path: Path) -> None:
    path = tmp_path / "home" / "storyreel.db"
    config: RunnableConfig = {"configurable": {"thread_id": "r-20261124-1a2b3c"}}
    saver = sqlite_checkpointer(path)
    try:
        result = _graph(saver).invoke({"count": 1, "log": []}, config)
    finally:
        saver.conn.close()
    assert result == {"count": 20, "log": ["plan", "render"]}

    with checkpointer_scope(f"sqlite:///{path}") as fresh:
        assert isinstance(fresh, SqliteSaver)
        assert fresh.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        snapshot = _graph(fresh).get_state(config)
    assert snapshot.values == {"count": 20, "log": ["plan", "render"]}
    assert snapshot.next == ()


def test_interrupted_graph_resumes_from_another_checkpointer(database_url: str) -> None:
    """On both databases: the checkpointer shares the runs' database and resumes there."""
    open_database(database_url).dispose()  # our tables and LangGraph's side by side
    config: RunnableConfig = {"configurable": {"thread_id": "r-resume"}}
    with checkpointer_scope(database_url) as saver:
        _graph(saver, interrupt=True).invoke({"count": 4, "log": []}, config)
    with checkpointer_scope(database_url) as saver:
        graph = _graph(saver, interrupt=True)
        assert graph.get_state(config).next == ("render",)
        assert graph.invoke(None, config) == {"count": 50, "log": ["plan", "render"]}

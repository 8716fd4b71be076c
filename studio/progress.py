"""Rich progress for a run: one bar per stage, one row per shot while it renders.

Events arrive from render threads, so everything here goes through Rich's thread-safe Progress.
Before the bars there is one plain line, `run <id> started: planning`, written as soon as the run
row exists (before the graph and the engines are loaded); without a terminal it is also the only
progress a pipe sees until the bars' final state.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

STAGES = ("plan", "recaption", "render", "edit", "assemble")


def announce(console: Console, run_id: str, stage: str) -> None:
    """The first progress line of a run."""
    console.print(f"[bold]run {run_id}[/] started: {stage}", highlight=False, soft_wrap=True)


def show_warnings(console: Console, warnings: Iterable[str]) -> None:
    """LLM fallbacks and critic notes, one yellow line each."""
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)


class RunProgress:
    """Turns the graph's events into bars; counts rendered vs reused takes for the summary."""

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        self.console = console
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("[dim]{task.fields[note]}"),
            console=console,
            disable=not enabled,
            transient=False,
        )
        self._stages: dict[str, TaskID] = {}
        self._shots: dict[str, TaskID] = {}
        self._lock = threading.Lock()
        self.rendered: list[str] = []
        self.reused: list[str] = []

    def __enter__(self) -> RunProgress:
        self.progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.progress.stop()

    def _stage(self, stage: str, total: int) -> TaskID:
        with self._lock:
            if stage not in self._stages:
                self._stages[stage] = self.progress.add_task(stage, total=max(total, 1), note="")
            return self._stages[stage]

    def __call__(self, event: Any) -> None:
        """Receive one agents.Event (stage, shot_id, done, total, cached, message)."""
        stage, shot_id = event.stage, event.shot_id
        if stage == "render" and shot_id:
            self._render_event(event)
            return
        task = self._stage(stage, event.total)
        self.progress.update(task, completed=event.done, total=max(event.total, 1))
        if event.message:
            note = Path(event.message).name if stage == "assemble" else event.message
            self.progress.update(task, note=note)

    def _render_event(self, event: Any) -> None:
        shot_id: str = event.shot_id
        if event.cached:
            with self._lock:
                self.reused.append(shot_id)
            self._advance_render_stage()
            return
        with self._lock:
            row = self._shots.get(shot_id)
            if row is None:
                row = self.progress.add_task(f"  shot {shot_id}", total=max(event.total, 1), note="frames")
                self._shots[shot_id] = row
        self.progress.update(row, completed=event.done, total=max(event.total, 1))
        if event.total and event.done >= event.total and not event.message:
            return
        if event.message == "done":
            self.progress.update(row, visible=False)
            with self._lock:
                self.rendered.append(shot_id)
            self._advance_render_stage()

    def _advance_render_stage(self) -> None:
        task = self._stages.get("render")
        if task is not None:
            note = f"{len(self.rendered)} rendered, {len(self.reused)} cached"
            self.progress.update(task, advance=1, note=note)

    def expect_shots(self, count: int) -> None:
        self._stage("render", count)

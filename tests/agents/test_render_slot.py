"""Render slots: at most `render_workers` takes draw at once, and a take gives its slot back as
soon as its last frame is drawn, so the next one draws while this encoder drains."""

from __future__ import annotations

import threading
from pathlib import Path

from agents.context import RenderSlot, StudioContext
from tests.agents.doubles import ConcatAssembler, FileRenderer, FolderLibrary


def test_a_slot_is_given_back_once_however_often_it_is_released() -> None:
    slots = threading.BoundedSemaphore(1)
    with RenderSlot(slots) as slot:
        assert not slots.acquire(blocking=False)  # held
        slot.release()
        slot.release()  # a second release (the drawn signal, then leaving) gives nothing twice
        assert slots.acquire(blocking=False)
        slots.release()
    assert slots.acquire(blocking=False)  # leaving after the early release does not over-release


def test_the_context_limits_renders_only_when_asked(tmp_path: Path) -> None:
    def context(workers: int) -> StudioContext:
        return StudioContext(
            renderer=FileRenderer(), takes=FolderLibrary(tmp_path / "store"), assembler=ConcatAssembler(),
            out_dir=tmp_path / "out", work_dir=tmp_path / "work", render_workers=workers,
        )  # fmt: skip

    unlimited = context(0)
    with unlimited.render_slot(), unlimited.render_slot():
        pass  # no limit: never blocks
    limited = context(1)
    with limited.render_slot() as first:
        first.release()
        with limited.render_slot():  # the drawn take's slot is free again
            pass

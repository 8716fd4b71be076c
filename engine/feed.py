"""A frame feed: hands frames to a FrameWriter from a background thread.

Writing a frame into ffmpeg's pipe blocks until ffmpeg has read it, so a renderer (or the cut,
painting overlays) that writes inline cannot draw the next frame meanwhile; with two encodes
(picture and depth) the stalls add up. A short queue per writer lets drawing and both encodes
overlap, on any core count, while each writer still gets its frames in order (the bitstream is
unchanged).
"""

from __future__ import annotations

import queue
import threading
from types import TracebackType
from typing import Self

import numpy as np

from engine.media import FrameWriter

QUEUE_FRAMES = 6
"""Frames in flight per writer: enough to ride out an encoder hiccup, a few MB of memory."""


class FrameFeed:
    """Context manager around an (entered) FrameWriter: `put` queues, `__exit__` drains."""

    def __init__(self, writer: FrameWriter) -> None:
        self.writer = writer
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=QUEUE_FRAMES)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=f"feed-{writer.dest.name}", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def _run(self) -> None:
        while (frame := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self.writer.write(frame)
                except BaseException as exc:  # kept and re-raised on the drawing thread
                    self._error = exc

    def put(self, frame: np.ndarray) -> None:
        """Queue one frame (blocks only while the queue is full); raises the writer's error."""
        if self._error is not None:
            raise self._error
        self._queue.put(frame)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._queue.put(None)
        self._thread.join()
        if exc_type is None and self._error is not None:
            raise self._error

"""Cached files made once: what identifies a source file for a cache key, a per-file lock so
threads of one process that want the same cached piece wait for the first to make it, and the
sweep of work folders that a killed process left behind."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from film.process import pid_alive


def identity(path: Path) -> list[object]:
    """What a take file is, for cache keys: takes in the asset store are named by their hash;
    size and mtime catch a file replaced in place elsewhere."""
    stat = path.stat()
    return [str(path.resolve()), stat.st_size, stat.st_mtime_ns]


_MAKING: dict[Path, tuple[threading.Lock, int]] = {}
"""The cached files being made in this process: each one's lock and how many threads hold or want it."""
_MAKING_GUARD = threading.Lock()


@contextmanager
def one_at_a_time(cached: Path) -> Iterator[None]:
    """Hold `cached`'s lock in this process: threads that want the same cached file wait for the
    first to make it instead of each making it (the file itself appears atomically)."""
    with _MAKING_GUARD:
        lock, users = _MAKING.get(cached, (threading.Lock(), 0))
        _MAKING[cached] = (lock, users + 1)
    try:
        with lock:
            yield
    finally:
        with _MAKING_GUARD:
            users = _MAKING[cached][1] - 1
            if users:
                _MAKING[cached] = (lock, users)
            else:
                del _MAKING[cached]  # a long-lived worker keeps no lock per piece it ever made


def sweep_stale(folder: Path, prefix: str) -> None:
    """Remove the work folders `<prefix><pid>-*` in `folder` whose process is gone."""
    for old in folder.glob(f"{prefix}*"):
        pid = old.name.removeprefix(prefix).split("-", 1)[0]
        if old.is_dir() and pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)

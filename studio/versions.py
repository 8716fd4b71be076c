"""Where each plan version of a run lives: its LangGraph checkpoint thread and its film folder.
Light on purpose (no graph), so the API can answer with paths without loading the pipeline."""

from __future__ import annotations

from pathlib import Path


def thread_for(run_id: str, version: int) -> str:
    """The checkpoint thread of one plan version: revisions never overwrite earlier graph state."""
    return run_id if version <= 1 else f"{run_id}/v{version}"


def film_dir_for(out_dir: Path, thread_id: str) -> Path:
    """Version 1's film sits in the run's folder; each revision keeps its own in v<N>/."""
    return out_dir / thread_id.rsplit("/", 1)[1] if "/" in thread_id else out_dir

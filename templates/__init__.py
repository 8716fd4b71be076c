"""Data, not code: sample briefs, ComfyUI workflows, lexicons and the other files the rooms read.

It is a package so the files travel inside the wheel; code finds them with `template_path()`,
never through a path relative to the repository.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def template_path(*parts: str) -> Path:
    """The shipped data file or folder at `parts` (e.g. `template_path("comfyui", "wan_t2v.json")`)."""
    return ROOT.joinpath(*parts)

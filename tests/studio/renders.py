"""Reading the render log (`STORYREEL_RENDER_LOG`): a line per take rendered, `<spec hash>
<shot id> <pid>`, and a line per line of dialogue spoken, `<line key> voice <character> <pid>`."""

from __future__ import annotations

from pathlib import Path


def logged(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def take_renders(log: Path) -> list[str]:
    """The lines of takes rendered, in order."""
    return [line for line in logged(log) if line.split()[1:2] != ["voice"]]


def voice_renders(log: Path) -> list[str]:
    """The lines of dialogue spoken, in order."""
    return [line for line in logged(log) if line.split()[1:2] == ["voice"]]

"""One error family, so the CLI can turn any of them into one red line and an exit code."""

from __future__ import annotations


class StoryreelError(Exception):
    """Base of every error storyreel raises on purpose. `exit_code` is what the CLI returns."""

    exit_code = 1


class BadInput(StoryreelError):
    """The user gave us something we cannot use; the message names the field and the value."""

    exit_code = 2

    def __init__(self, field: str, value: object, why: str) -> None:
        shown = repr(value)
        if len(shown) > 160:  # a 20,000-character brief must still be one readable line
            shown = f"{shown[:100]}...{shown[-40:]} ({len(str(value))} chars)"
        super().__init__(f"{field}={shown}: {why}")
        self.field = field
        self.value = value
        self.why = why


class RenderFailure(StoryreelError):
    """An engine or the assembler could not produce media (ffmpeg failed, model missing...)."""

    exit_code = 1


class RunCancelled(StoryreelError):
    """Someone cancelled the run while it was being made; it stops at the next progress event."""

    exit_code = 130

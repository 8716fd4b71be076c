"""The review gate and the chat loop: the plan is shown, the person approves it or types a
revision (the edit grammar offline; free text too when an LLM is configured), and the film is
only shot once they are happy."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console

from film import FilmPlan, StoryreelError
from film.gate import GateRefused
from studio.show import plan_table

if TYPE_CHECKING:
    from studio.runner import FilmResult, Review, Reviser


def read_line(console: Console, prompt: str) -> str | None:
    """One line from the person; None at end of input (a closed pipe, Ctrl-D)."""
    console.print(prompt, end="", highlight=False)
    line = sys.stdin.readline()
    return line.strip() if line else None


def ask_review(console: Console) -> Review:
    """A Review that shows the plan and loops until approve (returns the plan), or quit/EOF."""

    def review(plan: FilmPlan, reviser: Reviser) -> FilmPlan | None:
        from agents.reviser import HELP

        while True:
            console.print(plan_table(plan))
            answer = read_line(console, "[bold]approve[/] (y), type a revision, or quit (q): ")
            if answer is None or answer.lower() in {"q", "quit", "exit"}:
                return None
            if answer.lower() in {"", "y", "yes", "ok", "approve"}:
                return plan
            try:
                plan = reviser(plan, answer)
            except StoryreelError as exc:
                console.print(f"[red]{exc}[/]", highlight=False)
                console.print(f"[dim]{HELP}[/]", highlight=False)

    return review


def chat(
    console: Console,
    make: Callable[[str], FilmResult],
    revise_run: Callable[[str, str], FilmResult],
    diff: Callable[[str, int, int], list[str]],
) -> int:
    """Talk a film into shape: the first line is the brief, every later line a revision.
    `diff` shows the last change, `quit` (or end of input) leaves. Returns the exit code."""
    console.print(
        "[bold]storyreel chat[/]: describe your film; then revise it line by line. Commands: diff, quit.",
        highlight=False,
    )
    result: FilmResult | None = None
    refused = False  # a gate refusal makes the session's exit code 2, as make's would be
    while True:
        line = read_line(console, "[bold cyan]brief>[/] " if result is None else "[bold cyan]revise>[/] ")
        if line is None or line.lower() in {"q", "quit", "exit"}:
            return 2 if refused else 0
        if not line:
            continue
        try:
            if result is None:
                result = make(line)
            elif line.lower() == "diff":
                for text in diff(result.run_id, max(1, result.version - 1), result.version):
                    console.print(text, highlight=False)
                continue
            else:
                result = revise_run(result.run_id, line)
        except StoryreelError as exc:
            console.print(f"[red]error:[/] {exc}", highlight=False)
            refused = refused or isinstance(exc, GateRefused)
            continue
        console.print(result.summary())
        console.print(f"film: {result.film_path}", highlight=False, soft_wrap=True)

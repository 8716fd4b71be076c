"""How every command fails: our errors as one red line and their exit code (2 for bad input,
1 for failures), Ctrl-C as 130 — never a traceback for something the user can fix."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

from film import StoryreelError

console = Console(stderr=True)
"""Progress, summaries and errors go to stderr; stdout carries only results (paths, tables)."""

F = TypeVar("F", bound=Callable[..., Any])


def friendly(fn: F) -> F:
    """Wrap a command so StoryreelError and Ctrl-C end it cleanly."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StoryreelError as exc:
            console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            console.print("[yellow]interrupted[/]: no partial files were left at final paths")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]

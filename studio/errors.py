"""How every command fails: our errors as one red line and their exit code (2 for bad input,
1 for failures), usage mistakes (an unknown flag, a missing argument) as one line and exit 2,
Ctrl-C as 130 — never a traceback for something the user can fix.

Nothing heavy loads here: `film` is imported only when an error has to be told apart.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console
from typer.core import TyperGroup

console = Console(stderr=True)
"""Progress, summaries and errors go to stderr; stdout carries only results (paths, tables)."""
results = Console()
"""stdout: what a command produces (a path, a table), so it can be piped."""

F = TypeVar("F", bound=Callable[..., Any])


def say_error(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True, markup=True)


def friendly(fn: F) -> F:
    """Wrap a command so StoryreelError and Ctrl-C end it cleanly."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from film import StoryreelError

        try:
            return fn(*args, **kwargs)
        except StoryreelError as exc:
            say_error(_escaped(str(exc)))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            console.print("[yellow]interrupted[/]: no partial files were left at final paths")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _escaped(text: str) -> str:
    """User text (a brief, a path) shown verbatim: Rich must not read `[...]` in it as markup,
    and a line break in it (any of the ones `str.splitlines` knows) must not make it two lines."""
    from rich.markup import escape

    return escape(" ".join(text.splitlines()))


def _usage_errors() -> tuple[type[Exception], type[Exception], type[Exception], type[BaseException]]:
    """Click's exception classes: vendored inside typer since 0.2x, click itself before."""
    try:
        from typer._click import exceptions as click_errors
        from typer.exceptions import Abort
    except ImportError:  # an older typer on plain click
        from click import exceptions as click_errors  # type: ignore[no-redef]
        from click.exceptions import Abort  # type: ignore[assignment]
    return click_errors.ClickException, click_errors.NoArgsIsHelpError, click_errors.UsageError, Abort


class OneLineErrors(TyperGroup):
    """Typer's group, with usage errors told in one line (`error: No such option: --fast (see
    `storyreel make --help`)`, exit 2) instead of a boxed usage panel, and a bare command name
    answered with its help (exit 0)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        ClickException, NoArgsIsHelpError, UsageError, Abort = _usage_errors()
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except NoArgsIsHelpError:  # its help is printed already, as `--help` prints it
            sys.exit(0)
        except UsageError as exc:
            ctx = getattr(exc, "ctx", None)
            where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
            say_error(_escaped(_message(exc)) + where)
            sys.exit(2)
        except ClickException as exc:
            say_error(_escaped(_message(exc)))
            sys.exit(int(getattr(exc, "exit_code", 1)))
        except Abort:
            console.print("[yellow]interrupted[/]")
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)


def _message(exc: Exception) -> str:
    format_message = getattr(exc, "format_message", None)
    return str(format_message() if callable(format_message) else exc)

"""`storyreel` command line: make, plan, render, runs, show, schema.

Every StoryreelError becomes one red line; bad input exits 2, failures 1, Ctrl-C 130.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Column, Table

from film import BadInput, FilmPlan
from studio import make as usecases
from studio import models
from studio import revise as revisions
from studio.errors import console, friendly
from studio.review import ask_review, plan_table
from studio.review import chat as chat_loop
from studio.settings import Settings

app = typer.Typer(
    help="storyreel: turn a story brief into a finished film.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(models.app, name="models")
out = Console()

F = TypeVar("F", bound=Callable[..., Any])

BriefArg = Annotated[str | None, typer.Argument(help="The story brief, in any language and form.")]
BriefFile = Annotated[
    Path | None, typer.Option("--brief-file", "-f", help="Read the brief from a UTF-8 text file.")
]
Duration = Annotated[float | None, typer.Option("--duration", "-d", help="Film length in seconds (2-1800).")]
AspectOpt = Annotated[str, typer.Option("--aspect", "-a", help="16:9, 9:16 or 1:1.")]
StyleOpt = Annotated[str | None, typer.Option("--style", help="Look of the film, e.g. 'noir'.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Same brief + seed gives the same film.")]
TitleOpt = Annotated[bool, typer.Option("--title-card/--no-title-card", help="Open with a title card.")]
EngineOpt = Annotated[str | None, typer.Option("--engine", help="Render engine (default: previz).")]
LlmOpt = Annotated[
    str | None,
    typer.Option("--llm", help="OpenAI-compatible base URL for LLM agents (default: offline heuristics)."),
]
ModelOpt = Annotated[str | None, typer.Option("--model", help="LLM model name served at --llm.")]
CriticOpt = Annotated[bool, typer.Option("--critic", help="Check every take; re-render broken ones.")]
MusicOpt = Annotated[Path | None, typer.Option("--music", help="Music bed, ducked under dialogue.")]
LoudnessOpt = Annotated[float | None, typer.Option("--loudness", help="Loudness target in LUFS (-14).")]
BurnOpt = Annotated[bool, typer.Option("--burn-subtitles", help="Draw subtitles into the picture too.")]


def _settings(
    llm: str | None = None,
    model: str | None = None,
    critic: bool = False,
    music: Path | None = None,
    loudness: float | None = None,
    burn: bool = False,
) -> Settings:
    """Settings from STORYREEL_* variables, with this command's flags on top."""
    settings = Settings()
    update: dict[str, Any] = {}
    if music is not None:
        if not music.is_file():
            raise BadInput("music", str(music), "no such audio file")
        update["music"] = music
    if loudness is not None:
        if not -40.0 <= loudness <= -5.0:
            raise BadInput("loudness", loudness, "must be between -40 and -5 LUFS")
        update["loudness_lufs"] = loudness
    if burn:
        update["burn_subtitles"] = True
    if llm:
        update["llm_base_url"] = llm
    if model:
        update["llm_model"] = model
    if critic:
        update["critic"] = True
    return settings.model_copy(update=update) if update else settings


def _request(
    brief: str | None,
    brief_file: Path | None,
    duration: float | None,
    aspect: str,
    style: str | None,
    seed: int,
    title_card: bool,
    settings: Settings,
) -> usecases.FilmRequest:
    return usecases.FilmRequest.from_cli(
        brief=brief,
        brief_file=brief_file,
        duration_s=duration,
        aspect=aspect,
        style=style,
        seed=seed,
        title_card=title_card,
        settings=settings,
    )


@app.command()
@friendly
def make(
    brief: BriefArg = None,
    brief_file: BriefFile = None,
    duration: Duration = None,
    aspect: AspectOpt = "16:9",
    style: StyleOpt = None,
    seed: SeedOpt = 0,
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for film.mp4.")] = None,
    title_card: TitleOpt = True,
    engine: EngineOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    review: Annotated[
        bool, typer.Option("--review", help="Stop after planning to approve or revise the plan.")
    ] = False,
    llm: LlmOpt = None,
    model: ModelOpt = None,
    critic: CriticOpt = False,
    music: MusicOpt = None,
    loudness: LoudnessOpt = None,
    burn_subtitles: BurnOpt = False,
) -> None:
    """Plan, render and cut a film from a brief. Prints the film's path."""
    settings = _settings(llm, model, critic, music, loudness, burn_subtitles)
    request = _request(brief, brief_file, duration, aspect, style, seed, title_card, settings)
    result = usecases.make_film(
        request, settings=settings, out_dir=out_dir, engine=engine, console=console, quiet=quiet,
        review=ask_review(console) if review else None, gate=review,
    )  # fmt: skip
    _finish(result)


def _finish(result: usecases.FilmResult) -> None:
    console.print(result.summary())
    if result.film_path is not None:
        out.print(str(result.film_path), highlight=False, soft_wrap=True)


@app.command()
@friendly
def plan(
    brief: BriefArg = None,
    brief_file: BriefFile = None,
    duration: Duration = None,
    aspect: AspectOpt = "16:9",
    style: StyleOpt = None,
    seed: SeedOpt = 0,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Where to write the plan JSON.")] = Path(
        "plan.json"
    ),
    title_card: TitleOpt = True,
) -> None:
    """Write the shot list (plan JSON) only; edit it, then `storyreel render` it."""
    settings = Settings()
    request = _request(brief, brief_file, duration, aspect, style, seed, title_card, settings)
    path = usecases.write_plan(request, out_file)
    out.print(str(path), highlight=False, soft_wrap=True)


@app.command()
@friendly
def render(
    plan_file: Annotated[Path, typer.Argument(help="A plan JSON written by `storyreel plan`.")],
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for film.mp4.")] = None,
    engine: EngineOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Render and cut a film from an existing plan JSON."""
    settings = Settings()
    result = usecases.render_plan(
        plan_file, settings=settings, out_dir=out_dir, engine=engine, console=console, quiet=quiet
    )
    _finish(result)


@app.command()
@friendly
def runs(limit: Annotated[int, typer.Option("--limit", "-n", help="How many runs.")] = 20) -> None:
    """List recent runs, newest first."""
    table = Table("title", "engine", "length", "created", "film")
    table.columns.insert(0, Column("run", no_wrap=True))
    table.columns.insert(1, Column("status", no_wrap=True))
    for run in usecases.recent_runs(Settings(), limit=limit):
        table.add_row(
            run.id,
            revisions.shown_status(run),
            run.title or "",
            run.engine,
            f"{run.duration_s:g}s",
            run.created_at.strftime("%Y-%m-%d %H:%M"),
            run.film_path or "",
        )
    out.print(table)


@app.command()
@friendly
def show(run_id: Annotated[str, typer.Argument(help="A run id from `storyreel runs`.")]) -> None:
    """Show one run: its status, plan and shots."""
    run, plan = usecases.run_details(Settings(), run_id)
    out.print(f"[bold]{run.id}[/]  {revisions.shown_status(run)}  {run.title or ''}")
    out.print(f"brief: {run.brief[:200]}", highlight=False)
    if run.film_path:
        out.print(f"film: {run.film_path}", highlight=False)
    if run.error:
        out.print(f"[red]error:[/] {run.error}", highlight=False)
    if plan is not None:
        out.print(plan_table(plan))


@app.command("previz-sheet")
@friendly
def previz_sheet(
    plan_file: Annotated[Path, typer.Argument(help="A plan JSON written by `storyreel plan`.")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Where to write the PNG.")] = Path(
        "sheet.png"
    ),
    columns: Annotated[int, typer.Option("--columns", help="Frames per row.", min=1, max=12)] = 4,
) -> None:
    """Write a contact sheet: one previz frame per shot, with its shot card."""
    path = usecases.previz_sheet(plan_file, out_file, columns=columns)
    out.print(str(path), highlight=False, soft_wrap=True)


QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
RunArg = Annotated[str, typer.Argument(help="A run id from `storyreel runs`.")]


@app.command()
@friendly
def resume(
    run_id: RunArg,
    quiet: QuietOpt = False,
    llm: LlmOpt = None,
    model: ModelOpt = None,
    critic: CriticOpt = False,
) -> None:
    """Continue an interrupted run (or approve a plan waiting for review)."""
    settings = _settings(llm, model, critic)
    _finish(revisions.resume_run(settings, run_id, console=console, quiet=quiet, review=ask_review(console)))


@app.command()
@friendly
def revise(
    run_id: RunArg,
    instruction: Annotated[str, typer.Argument(help='e.g. "shot 3: close-up, dolly in; make it 45 seconds"')],
    quiet: QuietOpt = False,
    llm: LlmOpt = None,
    model: ModelOpt = None,
    music: MusicOpt = None,
    loudness: LoudnessOpt = None,
    burn_subtitles: BurnOpt = False,
) -> None:
    """Revise a run's plan; only shots whose spec changed are rendered again.

    Offline the note uses the edit grammar; with --llm (or STORYREEL_LLM_BASE_URL) it is free text."""
    settings = _settings(llm, model, False, music, loudness, burn_subtitles)
    _finish(revisions.revise_run(settings, run_id, instruction, console=console, quiet=quiet))


@app.command()
@friendly
def cut(
    run_id: RunArg,
    aspect: Annotated[str, typer.Option("--aspect", "-a", help="16:9, 9:16 or 1:1.")] = "9:16",
) -> None:
    """Re-cut a finished run to another aspect from the same takes, reframed on the characters."""
    out.print(str(revisions.cut_run(Settings(), run_id, aspect)), highlight=False, soft_wrap=True)


@app.command()
@friendly
def diff(
    run_id: RunArg,
    first: Annotated[str, typer.Argument(help="A plan version, e.g. v1.")],
    second: Annotated[str, typer.Argument(help="Another plan version, e.g. v2.")],
) -> None:
    """Show what changed between two plan versions of a run."""
    for line in revisions.diff_versions(Settings(), run_id, _version(first), _version(second)):
        out.print(line, highlight=False, soft_wrap=True)


def _version(text: str) -> int:
    digits = text.lower().removeprefix("v")
    if not digits.isdigit() or int(digits) < 1:
        raise BadInput("version", text, "must look like v1, v2, ...")
    return int(digits)


@app.command()
@friendly
def chat(
    duration: Duration = None,
    aspect: AspectOpt = "16:9",
    style: StyleOpt = None,
    seed: SeedOpt = 0,
    quiet: QuietOpt = False,
    llm: LlmOpt = None,
    model: ModelOpt = None,
) -> None:
    """Chat a film into shape: type a brief, then revisions ("shot 3: close-up", "make it 45 seconds")."""
    settings = _settings(llm, model)

    def make_it(brief: str) -> usecases.FilmResult:
        request = _request(brief, None, duration, aspect, style, seed, True, settings)
        return usecases.make_film(request, settings=settings, console=console, quiet=quiet)

    def revise_it(run_id: str, text: str) -> usecases.FilmResult:
        return revisions.revise_run(settings, run_id, text, console=console, quiet=quiet)

    def diff_it(run_id: str, a: int, b: int) -> list[str]:
        return revisions.diff_versions(settings, run_id, a, b)

    raise typer.Exit(chat_loop(console, make_it, revise_it, diff_it))


@app.command()
def schema() -> None:
    """Print the FilmPlan JSON Schema."""
    sys.stdout.write(json.dumps(FilmPlan.model_json_schema(), indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    app()

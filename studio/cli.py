"""`storyreel` command line: make, plan, render, runs, show, previz-sheet, resume, revise, cut,
diff, chat and schema here; models, ads, consent, audit, verify, serve and worker from their
own modules.

Every StoryreelError becomes one red line; bad input and usage mistakes exit 2, failures 1,
Ctrl-C 130. Each command imports what it needs inside its body, so `storyreel --help` loads only
typer and rich.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from studio import ads, models, releases, series_cli, service_cli
from studio.errors import OneLineErrors, console, friendly, results
from studio.flags import (
    AspectOpt,
    BriefArg,
    BriefFile,
    BurnOpt,
    ConsentOpt,
    CriticOpt,
    Duration,
    EngineOpt,
    FilmDirOpt,
    LlmOpt,
    LoudnessOpt,
    ModelOpt,
    MusicOpt,
    PlanArg,
    QuietOpt,
    RunArg,
    SeedOpt,
    StyleOpt,
    TitleOpt,
)

if TYPE_CHECKING:
    from studio.make import FilmRequest
    from studio.runner import FilmResult
    from studio.settings import Settings

app = typer.Typer(
    cls=OneLineErrors,
    help="storyreel: turn a story brief into a finished film.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(models.app, name="models")
app.add_typer(ads.app, name="ads")
app.add_typer(releases.app, name="consent")
app.command("audit")(releases.audit)
app.command("verify")(releases.verify)
app.command("serve")(service_cli.serve)
app.command("worker")(service_cli.worker)
app.add_typer(series_cli.app, name="series")
app.command("episodes")(series_cli.episodes)
app.command("scheduler")(series_cli.scheduler)


def _settings(
    llm: str | None = None,
    model: str | None = None,
    critic: bool = False,
    music: Path | None = None,
    loudness: float | None = None,
    burn: bool = False,
) -> Settings:
    """Settings from STORYREEL_* variables, with this command's flags on top."""
    from film import BadInput
    from studio import inputs
    from studio.settings import load_settings

    settings = load_settings()
    update: dict[str, object] = {}
    if music is not None:
        update["music"] = inputs.existing_file(music, "music", "audio file")
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
    consent: str | None = None,
) -> FilmRequest:
    from studio.make import FilmRequest

    return FilmRequest.from_cli(
        brief=brief, brief_file=brief_file, duration_s=duration, aspect=aspect, style=style, seed=seed,
        title_card=title_card, settings=settings, consent=consent,
    )  # fmt: skip


def _path(path: Path) -> None:
    """A result path on stdout, whole on one line."""
    results.print(str(path), highlight=False, soft_wrap=True, markup=False)


def _finish(result: FilmResult) -> None:
    console.print(result.summary())
    if result.film_path is not None:
        _path(result.film_path)


@app.command()
@friendly
def make(
    brief: BriefArg = None,
    brief_file: BriefFile = None,
    duration: Duration = None,
    aspect: AspectOpt = "16:9",
    style: StyleOpt = None,
    seed: SeedOpt = 0,
    out_dir: FilmDirOpt = None,
    title_card: TitleOpt = True,
    engine: EngineOpt = None,
    quiet: QuietOpt = False,
    review: Annotated[
        bool, typer.Option("--review", help="Stop after planning to approve or revise the plan.")
    ] = False,
    llm: LlmOpt = None,
    model: ModelOpt = None,
    critic: CriticOpt = False,
    music: MusicOpt = None,
    loudness: LoudnessOpt = None,
    burn_subtitles: BurnOpt = False,
    consent: ConsentOpt = None,
) -> None:
    """Plan, render and cut a film from a brief. Prints the film's path."""
    from studio.make import make_film
    from studio.review import ask_review

    settings = _settings(llm, model, critic, music, loudness, burn_subtitles)
    request = _request(brief, brief_file, duration, aspect, style, seed, title_card, settings, consent)
    _finish(make_film(
        request, settings=settings, out_dir=out_dir, engine=engine, console=console, quiet=quiet,
        review=ask_review(console) if review else None, gate=review,
    ))  # fmt: skip


@app.command()
@friendly
def plan(
    brief: BriefArg = None,
    brief_file: BriefFile = None,
    duration: Duration = None,
    aspect: AspectOpt = "16:9",
    style: StyleOpt = None,
    seed: SeedOpt = 0,
    out_file: Annotated[
        str, typer.Option("--out", "-o", help="Where to write the plan JSON (a folder: FOLDER/plan.json).")
    ] = "plan.json",
    title_card: TitleOpt = True,
    llm: LlmOpt = None,
    model: ModelOpt = None,
    consent: ConsentOpt = None,
) -> None:
    """Write the shot list (plan JSON) only; edit it, then `storyreel render` it."""
    from studio.make import write_plan

    settings = _settings(llm, model)
    request = _request(brief, brief_file, duration, aspect, style, seed, title_card, settings, consent)
    _path(write_plan(request, out_file, settings=settings, console=console))


@app.command()
@friendly
def render(
    plan_file: PlanArg,
    out_dir: FilmDirOpt = None,
    engine: EngineOpt = None,
    quiet: QuietOpt = False,
    consent: ConsentOpt = None,
) -> None:
    """Render and cut a film from an existing plan JSON."""
    from studio.make import render_plan

    settings = _settings()
    _finish(render_plan(plan_file, settings=settings, out_dir=out_dir, engine=engine, console=console,
                        quiet=quiet, consent=consent))  # fmt: skip


@app.command()
@friendly
def runs(
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many runs.", min=1, max=10_000)] = 20,
) -> None:
    """List recent runs, newest first."""
    from rich.table import Column, Table

    from studio.home import load_home
    from studio.show import recent_runs
    from studio.status import shown_status

    table = Table("title", "engine", "length", "created", "film")
    table.columns.insert(0, Column("run", no_wrap=True))
    table.columns.insert(1, Column("status", no_wrap=True))
    for run in recent_runs(load_home(), limit=limit):
        table.add_row(
            run.id, shown_status(run), run.title or "", run.engine, f"{run.duration_s:g}s",
            run.created_at.strftime("%Y-%m-%d %H:%M"), run.film_path or "",
        )  # fmt: skip
    results.print(table)


@app.command()
@friendly
def show(run_id: RunArg) -> None:
    """Show one run: status, token usage, warnings, plan, and the engine settings of each take."""
    from studio.home import load_home
    from studio.show import print_run_sheet, run_sheet

    print_run_sheet(results, run_sheet(load_home(), run_id))


@app.command("previz-sheet")
@friendly
def previz_sheet(
    plan_file: PlanArg,
    out_file: Annotated[
        str, typer.Option("--out", "-o", help="Where to write the PNG (a folder: FOLDER/sheet.png).")
    ] = "sheet.png",
    columns: Annotated[int, typer.Option("--columns", help="Frames per row.", min=1, max=12)] = 4,
) -> None:
    """Write a contact sheet: one previz frame per shot, with its shot card."""
    from studio.make import previz_sheet as sheet

    _path(sheet(plan_file, out_file, columns=columns))


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
    from studio.review import ask_review
    from studio.revise import resume_run

    settings = _settings(llm, model, critic)
    _finish(resume_run(settings, run_id, console=console, quiet=quiet, review=ask_review(console)))


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
    consent: ConsentOpt = None,
) -> None:
    """Revise a run's plan; only shots whose spec changed are rendered again.

    Offline the note uses the edit grammar; with --llm (or STORYREEL_LLM_BASE_URL) it is free text."""
    from studio.revise import revise_run

    settings = _settings(llm, model, False, music, loudness, burn_subtitles)
    _finish(revise_run(settings, run_id, instruction, console=console, quiet=quiet, consent=consent))


@app.command()
@friendly
def cut(
    run_id: RunArg,
    aspect: Annotated[str, typer.Option("--aspect", "-a", help="16:9, 9:16, 1:1 or 4:5.")] = "9:16",
) -> None:
    """Re-cut a finished run to another aspect from the same takes, reframed on the characters."""
    from studio.revise import cut_run

    _path(cut_run(_settings(), run_id, aspect))


@app.command()
@friendly
def diff(
    run_id: RunArg,
    first: Annotated[str, typer.Argument(help="A plan version, e.g. v1.")],
    second: Annotated[str, typer.Argument(help="Another plan version, e.g. v2.")],
) -> None:
    """Show what changed between two plan versions of a run."""
    from studio.revise import diff_versions

    for line in diff_versions(_settings(), run_id, _version(first), _version(second)):
        results.print(line, highlight=False, soft_wrap=True, markup=False)


def _version(text: str) -> int:
    from film import BadInput

    digits = text.lower().removeprefix("v")
    if not digits.isascii() or not digits.isdigit() or not 1 <= int(digits) <= 1_000_000:
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
    consent: ConsentOpt = None,
) -> None:
    """Chat a film into shape: type a brief, then revisions ("shot 3: close-up", "make it 45 seconds")."""
    from studio import inputs
    from studio.make import make_film
    from studio.review import chat as chat_loop
    from studio.revise import diff_versions, revise_run

    settings = _settings(llm, model)
    inputs.check_duration(settings.duration_s if duration is None else duration)  # bad flags fail now,
    inputs.check_aspect(aspect)  # not after the first brief is typed
    inputs.check_style(style or settings.style)
    inputs.check_seed(seed)

    def make_it(brief: str) -> FilmResult:
        request = _request(brief, None, duration, aspect, style, seed, True, settings, consent)
        return make_film(request, settings=settings, console=console, quiet=quiet)

    def revise_it(run_id: str, text: str) -> FilmResult:
        return revise_run(settings, run_id, text, console=console, quiet=quiet, consent=consent)

    def diff_it(run_id: str, a: int, b: int) -> list[str]:
        return diff_versions(settings, run_id, a, b)

    raise typer.Exit(chat_loop(console, make_it, revise_it, diff_it))


@app.command()
def schema() -> None:
    """Print the FilmPlan JSON Schema."""
    import json

    from film import FilmPlan

    sys.stdout.write(json.dumps(FilmPlan.model_json_schema(), indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    app()

"""`storyreel ads list|show`: the ad templates a marketer fills, and the blanks each one has.

The templates are data (templates/ads/*.yaml); these commands read them so a marketer, or a
script building a CSV of rows, knows every variable's name, type, rules and default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from studio.errors import friendly, results

app = typer.Typer(
    help="Template ads: typed templates filled from a brand kit, a form or a CSV.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command("list")
@friendly
def list_templates() -> None:
    """The ad templates: name, title, beats and how many variables each has."""
    from rich.table import Table

    from agents.ads import ad_templates

    table = Table("name", "title", "beats", "variables")
    for template in ad_templates().values():
        beats = " → ".join(slot.kind for slot in template.slots)
        table.add_row(template.name, template.title, beats, str(len(template.variables)))
    results.print(table)


@app.command("show")
@friendly
def show(name: Annotated[str, typer.Argument(help="A template's name, from `storyreel ads list`.")]) -> None:
    """A template's variables (set them with --set name=value), its beats and their lengths."""
    from rich.table import Table

    from agents.ads import ad_template
    from film.ads import AD_LENGTHS

    template = ad_template(name)
    results.print(f"{template.name}: {template.title}. {template.description}", highlight=False)
    table = Table("variable", "kind", "default", "rules", "help")
    for variable in template.variables:
        default = variable.default if variable.default != "" else "(none)"
        table.add_row(variable.name, variable.kind, f"{default:g}" if isinstance(default, float) else default,
                      variable.rules(), variable.help)  # fmt: skip
    results.print(table)
    beats = Table("length", *(slot.kind for slot in template.slots))
    for length in AD_LENGTHS:
        beats.add_row(f"{length} s", *(f"{s:.1f} s" for s in template.timing(length)))
    results.print(beats)


@app.command("make")
@friendly
def make(
    name: Annotated[str, typer.Argument(help="A template's name, from `storyreel ads list`.")],
    brand: Annotated[
        Path | None,
        typer.Option("--brand", help="A brand kit (brand.yaml): logo, colours, font, legal line."),
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="A variable's value, name=value (repeat it); see `storyreel ads show NAME`."
        ),
    ] = None,
    platforms: Annotated[
        str,
        typer.Option(
            "--platforms",
            help="Where the ads play, comma-separated: tiktok, reels, shorts, "
            "feed-1x1, feed-4x5, youtube, bumper.",
        ),
    ] = "tiktok,feed-4x5,youtube",
    duration: Annotated[
        int, typer.Option("--duration", help="The ad's length: 6, 15, 30 or 60 seconds.")
    ] = 15,
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="The folder the ads, manifest.csv and sheet.png go to.")
    ] = Path("ads"),
    csv_file: Annotated[
        Path | None,
        typer.Option("--csv", help="One set of ads per row; its column names are variable names."),
    ] = None,
    hooks: Annotated[int, typer.Option("--hooks", help="Hooks to try (an A/B matrix with --ctas).")] = 1,
    ctas: Annotated[int, typer.Option("--ctas", help="Calls to action to try, the chosen one first.")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="The seed every take's seed derives from.")] = 0,
    engine: Annotated[
        str | None, typer.Option("--engine", help="previz (default), diffusion or comfyui.")
    ] = None,
) -> None:
    """Make a template's ads for every platform (a matrix with --hooks/--ctas, a batch with --csv).
    Prints the path of manifest.csv; a bad row or a variant the lint refuses is one line each and
    exit 2, after everything else is made."""
    from rich.markup import escape

    from studio.ad_make import ad_order, make_ads
    from studio.errors import console, say_error
    from studio.settings import load_settings

    order = ad_order(name, sets=sets or (), csv_file=csv_file, brand=brand, platforms=platforms,
                     duration_s=duration, hooks=hooks, ctas=ctas, seed=seed)  # fmt: skip

    def say(line: str) -> None:
        console.print(line, highlight=False, markup=False, soft_wrap=True)

    made = make_ads(order, settings=load_settings(), out_dir=out_dir, engine=engine, say=say)
    results.print(str(made.manifest.resolve()), highlight=False, soft_wrap=True)
    for line in made.failures:
        say_error(escape(line))
    if made.failed:
        raise typer.Exit(2)

"""`storyreel ads list|show`: the ad templates a marketer fills, and the blanks each one has.

The templates are data (templates/ads/*.yaml); these commands read them so a marketer, or a
script building a CSV of rows, knows every variable's name, type, rules and default.
"""

from __future__ import annotations

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

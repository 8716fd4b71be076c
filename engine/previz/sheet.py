"""The previz contact sheet: one mid-shot frame per shot, card and all, in a grid PNG.

A reviewer reads a whole plan at a glance before a single take is encoded, so each cell is
drawn on its own (`ShotPainter.frame`), without rendering or encoding the shot's video.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image

from engine.cutting.lettering import draw_text, ellipsize, font
from engine.marking import marker_for
from engine.previz.shot import ShotPainter
from film import BadInput, FilmPlan, RenderSpec
from film.files import atomic_path

GAP = 8
CELL_WIDTH = 427
"""Cells are drawn at this width (half of 854) so a 40-shot sheet stays a few megabytes."""


def mid_frame(spec: RenderSpec) -> Image.Image:
    """The frame halfway through the shot, drawn alone (physics is stepped up to it), with the
    marks its take carries: the sheet is an output too, and shows it is AI-made."""
    painter = ShotPainter(spec, control=False)
    return Image.fromarray(marker_for(spec)(painter.frame(spec.frames // 2).rgb))


def contact_sheet(plan: FilmPlan, specs: list[RenderSpec], dest: Path, columns: int = 4) -> Path:
    """Draw one mid-shot frame per spec into a grid of `columns`; written atomically to `dest`."""
    if columns < 1:
        raise BadInput("columns", columns, "a contact sheet needs at least one column")
    if not specs:
        raise BadInput("specs", specs, "a contact sheet needs at least one shot")
    dest = Path(dest)
    first = specs[0]
    cell_w = min(CELL_WIDTH, first.width)
    cell_h = round(first.height * cell_w / first.width)
    cols = min(columns, len(specs))
    rows = math.ceil(len(specs) / cols)
    title_h = max(18, cell_h // 9)
    sheet = Image.new(
        "RGB", (cols * cell_w + (cols + 1) * GAP, title_h + rows * cell_h + (rows + 1) * GAP), (24, 24, 28)
    )
    title_font = font(round(title_h * 0.7), bold=True, language=plan.language)
    heading = f"{plan.title} — {len(specs)} shots, {plan.total_s:.1f}s"
    draw_text(
        sheet, (GAP, 2), ellipsize(heading, title_font, sheet.width - 2 * GAP), title_font, (240, 240, 240)
    )
    for k, spec in enumerate(specs):
        cell = mid_frame(spec)
        if cell.size != (cell_w, cell_h):  # a spec of another size still fits its cell
            cell.thumbnail((cell_w, cell_h), Image.Resampling.LANCZOS)
        r, c = divmod(k, cols)
        sheet.paste(cell, (GAP + c * (cell_w + GAP), title_h + GAP + r * (cell_h + GAP)))
    with atomic_path(dest) as tmp:
        sheet.save(tmp, format="PNG")
    return dest

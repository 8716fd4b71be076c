"""A CSV batch of ads (`storyreel ads make TEMPLATE --csv rows.csv`): one filled template per row.

Column names are the template's variable names; an empty cell takes the default. A bad cell
costs only its row: that row gets one error naming its line and column, and the other rows
still make their ads. A file that cannot be a batch at all (an unknown column, broken quoting,
too big) is refused whole, before anything renders.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from film import BadInput
from film.ads import AdTemplate, Value
from studio.inputs import read_text_file

MAX_BATCH_BYTES = 1 << 20
MAX_ROWS = 500


@dataclass(frozen=True)
class Row:
    """One row of a batch: its filled values, or the one line saying why it cannot be made."""

    line: int  # the line the row starts on, counting the header as line 1
    values: dict[str, Value] | None
    error: str | None = None


def read_batch(path: Path, template: AdTemplate, base: dict[str, str] | None = None) -> list[Row]:
    """Every non-blank row of the CSV at `path`, filled against `template`; a row's cells win
    over `base` (the command's --set values), which win over the template's defaults."""
    path = Path(path)
    text = read_text_file(path, "csv", MAX_BATCH_BYTES)  # a spreadsheet's byte-order mark dropped
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        columns = [c.strip() for c in next(reader, [])]
        if not any(columns):
            raise BadInput("csv", str(path), "has no header row of variable names")
        if len(set(columns)) != len(columns):
            raise BadInput("csv", str(path), "names a column twice in its header")
        for column in columns:
            if column not in {v.name for v in template.variables}:
                known = ", ".join(v.name for v in template.variables)
                why = f"column {column!r} is no variable of {template.name}; it has: {known}"
                raise BadInput("csv", str(path), why)
        rows: list[Row] = []
        start = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(rows) >= MAX_ROWS:
                    raise BadInput("csv", str(path), f"a batch has at most {MAX_ROWS} rows")
                rows.append(_row(path.name, template, start, columns, cells, base or {}))
            start = reader.line_num + 1
    except csv.Error as err:
        raise BadInput("csv", str(path), f"line {reader.line_num}: {err}") from None
    return rows


def _row(name: str, template: AdTemplate, line: int, columns: list[str], cells: list[str],
         base: dict[str, str]) -> Row:  # fmt: skip
    """The row starting at `line`: its filled values, or its first bad cell."""
    if len(cells) > len(columns):
        return Row(line, None, f"{name} line {line}: more cells than the header's {len(columns)} columns")
    given = {column: cell.strip() for column, cell in zip(columns, cells, strict=False) if cell.strip()}
    try:
        return Row(line, template.fill({**base, **given}))
    except BadInput as err:
        return Row(line, None, f"{name} line {line}, column {err.field}: {err.why}")

"""CSV batches: a bad row gets one error naming its line and column while the other rows still
fill; empty cells take defaults; a file that cannot be a batch is refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.ads import ad_template
from film import BadInput
from studio.batch import read_batch

TEMPLATE = ad_template("product-demo")


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "rows.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_bad_row_names_its_line_and_column_and_the_others_still_fill(tmp_path: Path) -> None:
    long_offer = "x" * 41
    text = (
        "product,offer,cta\n"
        "Kettle One,10% off,Shop now\n"
        f"Kettle Two,{long_offer},Shop now\n"
        "\n"
        ',,"Learn more"\n'
        "Kettle Four,5% off,Buy it\n"
    )
    rows = read_batch(_csv(tmp_path, "\ufeff" + text), TEMPLATE)  # with a spreadsheet's BOM
    assert [row.line for row in rows] == [2, 3, 5, 6]
    assert rows[0].values is not None and rows[0].values["product"] == "Kettle One"
    assert (
        rows[1].values is None
        and rows[1].error == "rows.csv line 3, column offer: at most 40 characters (got 41)"
    )
    assert rows[2].values == TEMPLATE.fill({"cta": "Learn more"})  # empty cells take the defaults
    assert rows[3].error is not None and rows[3].error.startswith(
        "rows.csv line 6, column cta: choose one of"
    )


def test_rows_spanning_lines_and_rows_with_extra_cells(tmp_path: Path) -> None:
    text = 'product,feature\n"Kettle","a spout\nthat pours"\nLamp,bright,extra\nMug,handle\n'
    rows = read_batch(_csv(tmp_path, text), TEMPLATE)
    assert [row.line for row in rows] == [2, 4, 5]
    assert rows[0].error is not None and "control characters" in rows[0].error  # the newline in a cell
    assert rows[1].error == "rows.csv line 4: more cells than the header's 2 columns"
    assert rows[2].values is not None and rows[2].values["feature"] == "handle"


@pytest.mark.parametrize(
    ("text", "encoding", "why"),
    [
        (
            "product,colour_of_box\nKettle,red\n",
            "utf-8",
            "column 'colour_of_box' is no variable of product-demo",
        ),
        ("", "utf-8", "no header row"),
        ("product,offer,product\nA,B,C\n", "utf-8", "names a column twice"),
        ('product,offer\n"Kettle,10% off\n', "utf-8", "line"),
        ("product\nCaf\xe9\n", "latin-1", "is not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_a_batch_is_refused_whole(
    tmp_path: Path, text: str, encoding: str, why: str
) -> None:
    with pytest.raises(BadInput, match=why) as caught:
        read_batch(_csv(tmp_path, text, encoding), TEMPLATE)
    assert caught.value.field == "csv"

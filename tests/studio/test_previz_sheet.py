"""`storyreel previz-sheet` draws one frame per shot into a grid PNG."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from film import FilmPlan
from tests.studio.conftest import Cli


def test_previz_sheet_has_a_cell_per_shot(cli: Cli, tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.json"
    brief = "Mara runs through the forest at night. Rain falls. A stone falls into the river. Mara smiles."
    assert cli("plan", brief, "--duration", "12", "--out", str(plan_file)).returncode == 0
    plan = FilmPlan.model_validate_json(plan_file.read_text(encoding="utf-8"))
    done = cli("previz-sheet", str(plan_file), "--out", str(tmp_path / "sheet.png"), "--columns", "2")
    assert done.returncode == 0, done.stderr
    sheet = Image.open(tmp_path / "sheet.png")
    rows = -(-len(plan.shots) // 2)
    assert sheet.width > sheet.height / rows  # a real grid, not one frame
    assert len(set(sheet.convert("L").getdata())) > 20  # drawn frames, not a blank canvas
    assert not list(tmp_path.glob("*.part*"))


def test_previz_sheet_rejects_a_malformed_plan(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text("[]", encoding="utf-8")
    done = cli("previz-sheet", str(bad), "--out", str(tmp_path / "sheet.png"))
    assert done.returncode == 2
    assert "plan=" in done.stderr
    assert not (tmp_path / "sheet.png").exists()

"""`storyreel ads make` end to end on previz: a hooks x CTAs x platforms matrix renders each
distinct slot once (counted in the render log) and re-cuts every platform from those takes; a
CSV batch with a bad row or a real celebrity still makes the other rows; a brand kit colours the
end card; a re-run renders and cuts nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine import probe
from engine.media import read_frames
from tests.studio.conftest import Cli
from tests.studio.renders import take_renders


def _renders(tmp_path: Path) -> list[str]:
    return take_renders(tmp_path / "renders.log")  # the captions' voice-over is logged too


def _manifest(folder: Path) -> list[dict[str, str]]:
    with (folder / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def logged(cli: Cli, studio_env: dict[str, str], tmp_path: Path) -> Cli:
    studio_env["STORYREEL_RENDER_LOG"] = str(tmp_path / "renders.log")
    return cli


def test_a_matrix_shares_its_takes_and_lists_every_variant(logged: Cli, tmp_path: Path) -> None:
    args = ("ads", "make", "product-demo", "--duration", "6", "--platforms", "tiktok,reels,youtube",
            "--hooks", "2", "--ctas", "2", "--out", "ads")  # fmt: skip
    done = logged(*args)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "ads"
    assert done.stdout.strip() == str(out / "manifest.csv")
    assert len(_renders(tmp_path)) == 2 + 3  # two hooks, then the three slots every variant shares
    rows = _manifest(out)
    assert len(rows) == 2 * 2 * 3 and {r["lint"] for r in rows} == {"ok"}
    assert {(r["variant"], r["cta"]) for r in rows} == {
        ("hook1-cta1", "Shop now"), ("hook1-cta2", "Learn more"),
        ("hook2-cta1", "Shop now"), ("hook2-cta2", "Learn more"),
    }  # fmt: skip
    sizes = {"tiktok": (480, 854), "reels": (480, 854), "youtube": (854, 480)}
    for row in rows:
        info = probe(out / row["path"])
        assert (info.width, info.height) == sizes[row["platform"]] and info.frames == 144, row
        assert row["path"].startswith("row-001/" + row["variant"] + "/" + row["platform"] + "/")
    srt = (out / "row-001/hook1-cta1/tiktok/film.srt").read_text(encoding="utf-8")
    assert "Brightbrew cold brew" in srt and "20% off your first order" in srt
    with Image.open(out / "sheet.png") as sheet:
        assert sheet.width > 600
    films = {p: p.stat().st_mtime_ns for p in out.rglob("film.mp4")}
    again = logged(*args)
    assert again.returncode == 0, again.stderr
    assert len(_renders(tmp_path)) == 5  # nothing rendered twice
    assert {p: p.stat().st_mtime_ns for p in out.rglob("film.mp4")} == films  # nor cut again


def test_captions_are_burned_in_where_the_platform_leaves_room(logged: Cli, tmp_path: Path) -> None:
    done = logged("ads", "make", "product-demo", "--duration", "6", "--platforms", "tiktok", "--out", "ads")
    assert done.returncode == 0, done.stderr
    frames = read_frames(tmp_path / "ads/row-001/hook1-cta1/tiktok/film.mp4")
    caption = frames[40]  # the solution slot, its caption in the lower part of the safe zone
    band = caption[round(0.62 * 854) : round(0.76 * 854), 60:420].astype(int)
    assert band.std() > 20  # lettering on a plate, not sky or grass


def test_a_csv_batch_with_a_bad_row_still_makes_the_others(logged: Cli, tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text(
        "product,offer,cta\nBrightbrew cold brew,20% off,Shop now\nMoonmilk,Free delivery,Order nowww\n"
        "Tidebar granola,2 for 1,Learn more\n",
        encoding="utf-8",
    )
    done = logged("ads", "make", "product-demo", "--csv", "rows.csv", "--duration", "6",
                  "--platforms", "tiktok", "--out", "ads")  # fmt: skip
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: row 2: rows.csv line 3, column cta: choose one of: Shop now, Learn more, Order today, "
        "Try it free"
    ]
    rows = _manifest(tmp_path / "ads")
    assert [(r["row"], r["lint"] == "ok") for r in rows] == [("1", True), ("2", False), ("3", True)]
    assert (tmp_path / "ads/row-003/hook1-cta1/tiktok/film.mp4").is_file()


def test_a_testimonial_from_a_real_celebrity_is_refused_naming_its_row(logged: Cli, tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("persona,quote\nAna,My herbs love it\nTaylor Swift,Best ever\n",
                                         encoding="utf-8")  # fmt: skip
    done = logged("ads", "make", "testimonial", "--csv", "people.csv", "--duration", "6",
                  "--platforms", "tiktok", "--out", "ads")  # fmt: skip
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: row 2, line 3: ") and "Taylor Swift" in errors[0]
    assert "refused" in errors[0]
    assert not (tmp_path / "ads/row-002").exists()
    assert (tmp_path / "ads/row-001/hook1-cta1/tiktok/film.mp4").is_file()


def test_a_brand_kit_colours_the_end_card_and_its_avoided_words_are_refused(
    logged: Cli, tmp_path: Path
) -> None:
    kit = tmp_path / "kit"
    kit.mkdir()
    Image.new("RGBA", (120, 60), (20, 200, 90, 255)).save(kit / "logo.png")
    (kit / "brand.yaml").write_text(
        "name: Greenleaf\nprimary: '#5b1f7a'\nsecondary: '#1f3a5f'\ntext: '#ffffff'\nlogo: logo.png\n"
        "avoid: [cheap]\nlegal: Terms apply.\n",
        encoding="utf-8",
    )
    done = logged("ads", "make", "product-demo", "--brand", "kit/brand.yaml", "--duration", "6",
                  "--platforms", "feed-1x1", "--out", "ads")  # fmt: skip
    assert done.returncode == 0, done.stderr
    end = read_frames(tmp_path / "ads/row-001/hook1-cta1/feed-1x1/film.mp4")[-10].astype(int)
    purple = (np.abs(end - (91, 31, 122)).sum(axis=2) < 40).sum()
    green = (np.abs(end - (20, 200, 90)).sum(axis=2) < 40).sum()
    assert purple > 2000 and green > 1000  # the button in the primary colour, the logo sting
    bad = logged("ads", "make", "product-demo", "--brand", "kit/brand.yaml", "--set", "offer=Cheap coffee",
                 "--duration", "6", "--platforms", "feed-1x1", "--out", "ads2")  # fmt: skip
    assert bad.returncode == 2 and "'cheap', a word brand Greenleaf avoids" in bad.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--duration", "7"), "duration=7"),
        (("--platforms", "myspace"), "platforms='myspace'"),
        (("--set", "product"), "set='product'"),
        (("--set", "prodcut=Lamp"), "prodcut="),
        (("--ctas", "9"), "ctas=9"),
        (("--brand", "../brand.yaml"), "brand"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(cli: Cli, args: tuple[str, ...], named: str) -> None:
    done = cli("ads", "make", "product-demo", *args, "--out", "ads")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert named in done.stderr

"""The Ads page in a real browser: Playwright drives Debian's chromium against a real
`storyreel serve --workers 1`. The journey: open Ads from the studio's navigation, see the form
its template's typed variables make, send a CSV with a wrong column and read the API's one line,
fill the form, add a brand kit, see the matrix, make the batch, watch it finish, play a variant,
see the contact sheet and download the zip. A screenshot of each step lands in the test's tmp dir.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.studio.browsing import WAIT_MS, browser_page
from tests.studio.serving import serving

KIT = 'name: Fizz\nprimary: "#1f3a5f"\nsecondary: "#7a2e1d"\ntext: "#fdf8ef"\nlogo: logo.png\n'


@pytest.fixture
def studio(studio_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """A real `storyreel serve` with one in-process worker, once it listens."""
    with serving(studio_env, tmp_path, "--workers", "1") as base:
        yield base


def _shot(page: Page, step: int, name: str, tmp_path: Path, width: int) -> None:
    """The whole page, by growing the viewport to it: after a `full_page=True` shot this chromium
    (156) no longer delivers clicks below the first screen, and the journey goes on after each shot."""
    size = page.viewport_size
    assert size is not None
    page.set_viewport_size({"width": size["width"], "height": page.evaluate("document.body.scrollHeight")})
    page.screenshot(path=str(tmp_path / f"ads-{width}-{step:02d}-{name}.png"))
    page.set_viewport_size(size)


def _kit(tmp_path: Path) -> list[Path]:
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "brand.yaml").write_text(KIT, encoding="utf-8")
    Image.new("RGB", (120, 60), (250, 200, 40)).save(tmp_path / "kit" / "logo.png")
    return [tmp_path / "kit" / "brand.yaml", tmp_path / "kit" / "logo.png"]


def _the_form_follows_the_template(page: Page) -> None:
    page.get_by_test_id("ad-template").select_option("product-demo")
    expect(page.locator("#ad-var-product")).to_have_attribute("maxlength", "40")
    expect(page.locator("select#ad-var-cta option")).to_have_count(4)
    expect(page.locator("#ad-var-brand_colour")).to_have_attribute("type", "color")
    expect(page.locator("#ad-var-link")).to_have_attribute("type", "url")
    expect(page.locator("#ad-var-product_image")).to_have_attribute("type", "file")
    page.get_by_test_id("ad-template").select_option("offer-countdown")
    hours = page.locator("#ad-var-hours_left")
    expect(hours).to_have_attribute("type", "number")
    expect(hours).to_have_attribute("min", "1")
    expect(hours).to_have_attribute("max", "168")
    page.get_by_test_id("ad-template").select_option("product-demo")
    expect(page.locator("#ad-var-product")).to_have_value("Brightbrew cold brew")


@pytest.mark.parametrize("width", [390, 1440])
def test_the_ads_page_journey(studio: str, tmp_path: Path, width: int) -> None:
    with browser_page(width) as page:
        page.goto(studio)
        page.get_by_test_id("ads-link").click()
        expect(page.get_by_test_id("ad-template")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_test_id("storyboard")).to_be_hidden()
        _the_form_follows_the_template(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the phone

        wrong = tmp_path / "rows.csv"
        wrong.write_text("flavour\nlemon\n", encoding="utf-8")
        page.get_by_test_id("ad-csv").set_input_files(wrong)
        page.get_by_test_id("make-ads").click()
        expect(page.get_by_test_id("error-line")).to_contain_text("column 'flavour'", timeout=WAIT_MS)
        assert "#/ads/" not in page.url
        _shot(page, 1, "csv-refused", tmp_path, width)
        page.get_by_test_id("ad-csv").set_input_files([])

        page.locator("#ad-var-product").fill("Fizz soda")
        page.get_by_test_id("ad-duration").select_option("6")
        page.get_by_test_id("platform-feed-4x5").check()
        page.locator("#ad-ctas").fill("2")
        page.get_by_test_id("ad-brand").set_input_files(_kit(tmp_path))
        matrix = page.get_by_test_id("ad-matrix")
        expect(matrix).to_contain_text("4 variants")
        expect(matrix.locator("td")).to_have_text(["hook1-cta1", "hook1-cta2"])
        _shot(page, 2, "form", tmp_path, width)

        page.get_by_test_id("make-ads").click()
        expect(page.get_by_test_id("ad-status")).to_have_text("done", timeout=WAIT_MS)
        assert "#/ads/r-" in page.url
        expect(page.get_by_test_id("ad-progress")).to_have_attribute("aria-valuenow", "100")
        cards = page.get_by_test_id("ad-variant")
        expect(cards).to_have_count(4)
        expect(page.get_by_test_id("ad-lint")).to_have_text(["lint: ok"] * 4)
        expect(page.get_by_test_id("ad-log").locator("li")).to_have_count(4)
        sheet = page.get_by_test_id("ad-sheet")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=sheet.element_handle())
        video = page.get_by_test_id("ad-video").first
        video.evaluate("v => { v.muted = true; return v.play(); }")
        page.wait_for_function("v => v.currentTime > 0.2", arg=video.element_handle(), timeout=WAIT_MS)
        _shot(page, 3, "batch", tmp_path, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        with page.expect_download(timeout=WAIT_MS) as download:
            page.get_by_test_id("download-zip").click()
        saved = tmp_path / "ads.zip"
        download.value.save_as(saved)
        names = zipfile.ZipFile(io.BytesIO(saved.read_bytes())).namelist()
        assert "manifest.csv" in names and sum(name.endswith("/film.mp4") for name in names) == 4

        page.get_by_test_id("new-film-button").click()
        expect(page.get_by_test_id("brief-input")).to_be_visible()
        expect(page.locator("#ads-page")).to_be_hidden()

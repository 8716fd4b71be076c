"""The web studio in a real browser: Playwright drives Debian's chromium against a real
`storyreel serve` on loopback. The journey: type a brief, see the storyboard, approve, watch
progress reach 100 %, play the film, revise shot 2 in chat and see only shot 2 re-render, set an
older take as main, download film.mp4, give a character a reference picture. A screenshot of
each step lands in the test's tmp dir. A browser that cannot start fails the test (no skip)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from engine import probe
from tests.studio.browsing import WAIT_MS, browser_page
from tests.studio.renders import take_renders
from tests.studio.serving import serving

BRIEF = "Mara rows a small boat to the lighthouse at dawn. Theo waves from the pier. Mara smiles."


@pytest.fixture
def studio(studio_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """A real `storyreel serve` with one in-process worker, once it listens."""
    env = dict(studio_env, STORYREEL_RENDER_LOG=str(tmp_path / "renders.log"))
    with serving(env, tmp_path, "--workers", "1") as base:
        yield base


def _renders(tmp_path: Path) -> list[str]:
    return [line.split()[1] for line in take_renders(tmp_path / "renders.log")]


def _shot(page: Page, step: int, name: str, tmp_path: Path) -> None:
    page.screenshot(path=str(tmp_path / f"{step:02d}-{name}.png"), full_page=True)


def _done(page: Page, versions: int = 1) -> None:
    """Wait for the run to be done at plan version `versions` (each revision adds one)."""
    expect(page.get_by_test_id("version-list").locator("li")).to_have_count(versions, timeout=WAIT_MS)
    expect(page.get_by_test_id("run-status")).to_have_text("done", timeout=WAIT_MS)
    expect(page.get_by_test_id("progress-bar")).to_have_attribute("aria-valuenow", "100", timeout=WAIT_MS)


@pytest.mark.parametrize("width", [390, 1440])
def test_the_studio_journey(studio: str, tmp_path: Path, width: int) -> None:
    with browser_page(width) as page:
        page.goto(studio)
        page.locator("#new-duration").fill("8")
        page.get_by_test_id("brief-input").fill(BRIEF)
        _shot(page, 1, "brief", tmp_path)
        page.get_by_test_id("send-button").click()

        cards = page.get_by_test_id("shot-card")
        expect(cards.first).to_be_visible(timeout=WAIT_MS)  # the storyboard, waiting for review
        expect(page.get_by_test_id("run-status")).to_have_text("review", timeout=WAIT_MS)
        assert cards.count() >= 2 and not _renders(tmp_path)  # nothing rendered before approval
        _shot(page, 2, "storyboard", tmp_path)

        page.get_by_test_id("approve-button").click()
        _done(page)
        shots = [cards.nth(i).get_attribute("data-shot-id") for i in range(cards.count())]
        first = _renders(tmp_path)
        assert sorted(first) == sorted(shots)
        _shot(page, 3, "rendered", tmp_path)

        player = page.get_by_test_id("player")
        player.evaluate("v => { v.muted = true; return v.play(); }")
        page.wait_for_function("v => v.currentTime > 0.2", arg=player.element_handle(), timeout=WAIT_MS)
        _shot(page, 4, "playing", tmp_path)
        player.evaluate("v => { [...v.textTracks].find((t) => t.kind === 'chapters').mode = 'hidden'; }")
        page.wait_for_function(
            "([v, n]) => { const t = [...v.textTracks].find((t) => t.kind === 'chapters');"
            " return t.cues && t.cues.length === n && t.cues[0].text.startsWith('Shot 1'); }",
            arg=[player.element_handle(), len(shots)],
        )

        page.get_by_test_id("brief-input").fill("shot 2: close-up")
        page.get_by_test_id("send-button").click()
        _done(page, versions=2)
        again = _renders(tmp_path)[len(first) :]
        assert again == [shots[1]]  # only shot 2 rendered again
        _shot(page, 5, "revised", tmp_path)

        card = cards.nth(1)
        card.get_by_test_id("takes-strip").locator("summary").click()
        older = card.get_by_test_id("set-main-button")
        expect(older.first).to_be_visible(timeout=WAIT_MS)
        older.first.click()
        _done(page, versions=3)
        assert _renders(tmp_path)[len(first) + 1 :] == []  # the old take, not a new render
        _shot(page, 6, "older-take-main", tmp_path)

        with page.expect_download(timeout=WAIT_MS) as download:
            page.get_by_test_id("download-film").click()
        saved = tmp_path / "downloaded.mp4"
        download.value.save_as(saved)
        assert probe(saved, decode=True).frames > 0
        _shot(page, 7, "downloaded", tmp_path)

        picture = tmp_path / "mara.png"
        Image.new("RGB", (64, 64), (180, 90, 40)).save(picture)
        page.get_by_test_id("cast-list").get_by_test_id("reference-input").first.set_input_files(picture)
        shown = page.get_by_test_id("reference-picture").first
        expect(shown).to_be_visible(timeout=WAIT_MS)
        page.wait_for_function("img => img.complete && img.naturalWidth === 64", arg=shown.element_handle())
        _shot(page, 8, "reference-picture", tmp_path)

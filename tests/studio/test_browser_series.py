"""The Series page in a real browser: Playwright drives Debian's chromium against the real app
behind uvicorn. The journey: open Series from the studio's navigation, paste a bible with a
wrong time zone and read the API's one line, paste the shipped example and land on its page,
see its calendar of the next 14 days, make an episode now, and once it waits for review (set
through the storage functions, as a worker would), approve it with a note from the review queue
and find the note in the ledger; then follow the episode to its run, and ask for a series that
does not exist. At phone and desktop width, with nothing wider than the screen; a screenshot of
each step lands in the test's tmp dir.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from storage import session_scope, set_episode
from studio.api.main import create_app
from templates import template_path
from tests.studio.api.fixtures import LiveServer, live_server, studio_settings
from tests.studio.browsing import WAIT_MS, browser_page

__all__ = ["live_server"]
MORNING = template_path("series", "morning-brief.yaml").read_text(encoding="utf-8")


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    """The studio's app in a fresh folder; `live_server` serves it on loopback."""
    return create_app(studio_settings(tmp_path))


def _snap(page: Page, tmp_path: Path, width: int, step: int, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"series-{width}-{step:02d}-{name}.png"))


def _fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling


def _made_and_waiting(app: FastAPI, episode_id: int) -> None:
    """What a worker does once the episode is made and its series wants a person to look."""
    with session_scope(app.state.database) as session:
        set_episode(session=session, episode_id=episode_id, state="review")


@pytest.mark.parametrize("width", [390, 1440])
def test_the_series_page_journey(app: FastAPI, live_server: LiveServer, tmp_path: Path, width: int) -> None:
    with browser_page(width) as page:
        page.goto(live_server.url)
        page.get_by_test_id("series-link").click()
        bible = page.get_by_test_id("bible-input")
        expect(bible).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_test_id("storyboard")).to_be_hidden()
        expect(page.get_by_test_id("series-list")).to_contain_text("No series yet")
        _fits(page, width)

        bible.fill(MORNING.replace("timezone: Europe/London", "timezone: Europe/Londn"))
        page.get_by_test_id("create-series").click()
        expect(page.get_by_test_id("error-line")).to_contain_text("schedule.timezone='Europe/Londn'")
        assert "#/series/" not in page.url
        _snap(page, tmp_path, width, 1, "refused")

        bible.fill(MORNING)
        page.get_by_test_id("create-series").click()
        expect(page.locator("#series-title")).to_have_text("Morning Brief", timeout=WAIT_MS)
        assert page.url.endswith("#/series/morning-brief")
        expect(page.get_by_test_id("error-line")).to_be_hidden()
        expect(page.get_by_test_id("series-state")).to_have_text("running")
        days = page.get_by_test_id("series-calendar").locator(".cal-day")
        expect(days).to_have_count(14)
        slots = page.get_by_test_id("calendar-slot")
        assert 8 <= slots.count() <= 10  # the weekdays' 07:00, today's perhaps gone already
        for state in page.get_by_test_id("slot-state").all_text_contents():
            assert state in ("upcoming", "due")
        expect(page.get_by_test_id("review-queue")).to_contain_text("Nothing waits for review")
        _fits(page, width)
        _snap(page, tmp_path, width, 2, "calendar")

        page.get_by_test_id("run-series").click()
        episode = page.get_by_test_id("episode")
        expect(episode.get_by_test_id("episode-state")).to_have_text(["making"])
        expect(page.locator(".cal-slot[data-state=making]")).to_have_count(1)
        episode_id = episode.get_attribute("data-episode-id")
        assert episode_id is not None

        _made_and_waiting(app, int(episode_id))
        page.get_by_test_id("refresh-series").click()
        item = page.get_by_test_id("review-item")
        expect(item).to_have_count(1)
        expect(page.get_by_test_id("episode-state")).to_have_text(["review"])
        item.get_by_test_id("review-note").fill("lovely morning light")
        _fits(page, width)
        _snap(page, tmp_path, width, 3, "review")
        item.get_by_test_id("approve-episode").click()
        expect(page.get_by_test_id("review-item")).to_have_count(0)
        expect(page.get_by_test_id("episode-state")).to_have_text(["approved"])
        expect(page.locator(".cal-slot[data-state=approved]")).to_have_count(1)
        expect(page.get_by_test_id("ledger-entry")).to_contain_text("approved: lovely morning light")
        _fits(page, width)
        _snap(page, tmp_path, width, 4, "approved")

        page.get_by_test_id("pause-series").click()
        expect(page.get_by_test_id("series-state")).to_have_text("paused")
        page.get_by_test_id("all-series").click()
        expect(page.get_by_test_id("series-item")).to_contain_text("Morning Brief")
        expect(page.get_by_test_id("series-item")).to_contain_text("paused")
        page.get_by_test_id("series-item").click()
        page.get_by_test_id("episode-run").click()
        expect(page.get_by_test_id("run-status")).to_be_visible()
        expect(page.locator("#series-page")).to_be_hidden()
        assert "#/runs/r-" in page.url

        page.goto(f"{live_server.url}/#/series/no-such-show")
        expect(page.get_by_test_id("error-line")).to_contain_text("name='no-such-show': no such series")
        page.get_by_test_id("all-series").click()
        expect(page.get_by_test_id("series-item")).to_have_count(1)
        expect(page.get_by_test_id("error-line")).to_be_hidden()

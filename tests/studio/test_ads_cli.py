"""`storyreel ads list` and `storyreel ads show NAME` read the shipped templates; a wrong name is
one line and exit 2."""

from __future__ import annotations

from tests.studio.conftest import Cli


def test_ads_list_shows_every_template(cli: Cli) -> None:
    done = cli("ads", "list")
    assert done.returncode == 0, done.stderr
    for name in (
        "product-demo",
        "problem-solution",
        "testimonial",
        "before-after",
        "offer-countdown",
        "app-promo",
    ):
        assert name in done.stdout


def test_ads_show_prints_the_variables_and_the_beats(cli: Cli) -> None:
    done = cli("ads", "show", "offer-countdown")
    assert done.returncode == 0, done.stderr
    for word in ("hours_left", "number from 1 to 168", "brand_colour", "#e53e3e", "60 s", "3.0 s"):
        assert word in done.stdout, word


def test_an_unknown_template_is_one_line_and_exit_2(cli: Cli) -> None:
    done = cli("ads", "show", "superbowl")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "template='superbowl'" in done.stderr and "product-demo" in done.stderr

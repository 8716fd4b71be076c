"""Platforms: each one's frame and limits load from data; overlays placed for a platform stay in
its safe zone at every anchor; the lint names the overlay and the edge that leaves it, and a
length over the limit (a 7-s bumper) fails."""

from __future__ import annotations

from typing import get_args

import pytest

from agents.ads import parse_platforms, platforms
from film import BadInput
from film.platforms import Anchor, Box, lint

NAMES = ("tiktok", "reels", "shorts", "feed-1x1", "feed-4x5", "youtube", "bumper")


def test_every_platform_the_ads_need_is_there_with_its_frame() -> None:
    found = platforms()
    assert set(NAMES) <= set(found)
    sizes = {name: found[name].size for name in NAMES}
    assert sizes["tiktok"] == sizes["reels"] == sizes["shorts"] == (480, 854)
    assert sizes["feed-1x1"] == (640, 640) and sizes["feed-4x5"] == (512, 640)
    assert sizes["youtube"] == sizes["bumper"] == (854, 480)
    assert all(p.source for p in found.values())


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("anchor", get_args(Anchor))
def test_placed_overlays_stay_inside_the_safe_zone(name: str, anchor: Anchor) -> None:
    platform = platforms()[name]
    for width, height in ((0.6, 0.12), (0.25, 0.25), (1.5, 0.2)):  # the last is shrunk to fit
        box = platform.place(width, height, anchor)
        assert lint(platform, {"cta": box}, platform.max_s) == [], (anchor, width, height, box)


def test_the_lint_names_the_overlay_the_edge_and_the_platform() -> None:
    tiktok = platforms()["tiktok"]
    low = Box(left=0.1, top=0.85, right=0.8, bottom=0.95)  # where TikTok's caption sits
    assert lint(tiktok, {"cta": low}, 15) == ["overlay 'cta' leaves tiktok's safe zone at the bottom"]
    wide = Box(left=0.0, top=0.4, right=1.0, bottom=0.5)
    assert lint(tiktok, {"title": wide}, 15) == [
        "overlay 'title' leaves tiktok's safe zone at the left and right"
    ]


def test_a_seven_second_bumper_breaks_its_limit() -> None:
    bumper = platforms()["bumper"]
    assert lint(bumper, {}, 6) == []
    assert lint(bumper, {}, 7) == ["length 7 s breaks bumper's limit of 1-6 s"]


def test_platform_lists_parse_in_order_and_name_an_unknown_one() -> None:
    assert [p.name for p in parse_platforms("tiktok, feed-4x5,youtube,tiktok")] == [
        "tiktok",
        "feed-4x5",
        "youtube",
    ]
    with pytest.raises(BadInput, match="no such platform") as caught:
        parse_platforms("tiktok,myspace")
    assert caught.value.field == "platforms" and caught.value.value == "myspace"
    with pytest.raises(BadInput, match="name at least one"):
        parse_platforms(" , ")

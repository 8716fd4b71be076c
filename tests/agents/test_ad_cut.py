"""Planning and cutting an ad: slots become shots that depend only on their own slot (so variants
share takes), the length is exact, and every platform gets its graphics inside its safe zone,
with the lint naming the overlay and platform that break it."""

from __future__ import annotations

import pytest

from agents import recaption
from agents.ad_editor import Colours, cut_ad
from agents.ad_planner import ad_plan, avoided, beats
from agents.ads import ad_template, platforms
from film import BadInput, FilmPlan, Take
from film.ads import AD_LENGTHS
from film.brand import BrandKit, contrast_ratio
from film.platforms import Box, lint, shared_zone
from film.timeline import Graphic

BRAND = BrandKit(name="Northpeak", primary="#1f3a5f", secondary="#7a2e1d", text="#fdf8ef",
                 tagline="Dry in any weather", avoid=("cheap",), legal="Terms apply.")  # fmt: skip


def _cut(template: str = "offer-countdown", length: int = 15, platform: str = "tiktok", hook: int = 0):  # type: ignore[no-untyped-def]
    t = ad_template(template)
    values = t.fill()
    slots = beats(t, values, hook, length)
    plan = ad_plan(t, slots, aspect="9:16", seed=3)
    takes = _takes(plan)
    chosen = platforms()[platform]
    return plan, cut_ad(plan, slots, takes, chosen, cta="Shop now", brand=BRAND, values=values,
                        countdown="Ends in 48 h", name="Northpeak")  # fmt: skip


def _takes(plan: FilmPlan, size: tuple[int, int] = (854, 854)) -> dict[str, Take]:
    return {
        s.id: Take(shot_id=s.id, spec_hash="0" * 64, engine="previz", path=f"/takes/{s.id}.mp4",
                   frames=s.frames,
                   fps=24, width=size[0], height=size[1], extras={"boxes": f"/takes/{s.id}.json"})
        for s in plan.shots
    }  # fmt: skip


def test_a_take_of_another_frame_is_cut_from_as_the_film_is_cut() -> None:
    plan, cut = _cut()
    assert all(c.reframe and c.boxes.endswith(".json") for c in cut.timeline.clips)
    t = ad_template("offer-countdown")
    slots = beats(t, t.fill(), 0, 15)
    same = cut_ad(plan, slots, _takes(plan, (480, 854)), platforms()["tiktok"], cta="Go", brand=None,
                  values=t.fill())  # fmt: skip
    assert not any(c.reframe for c in same.timeline.clips)  # its boxes stay: the foley is in them


@pytest.mark.parametrize("length", AD_LENGTHS)
def test_the_plan_fills_the_length_exactly_with_the_hook_first(length: int) -> None:
    plan, cut = _cut(length=length)
    assert plan.total_frames == length * 24 == cut.timeline.total_frames
    hook = [s for s in plan.shots if s.id.startswith("s1-")]
    assert len(hook) == 1 and 24 <= hook[0].frames <= 72


def test_slots_other_than_the_hook_are_the_same_specs_in_every_hook_variant() -> None:
    t = ad_template("product-demo")
    values = t.fill()
    specs = []
    for hook in range(t.hooks):
        plan = ad_plan(t, beats(t, values, hook, 15), aspect="1:1", seed=0)
        specs.append([recaption(plan, s, engine="previz").spec_hash() for s in plan.shots])
    assert len({s[0] for s in specs}) == 3  # three hooks, three takes
    assert all(s[1:] == specs[0][1:] for s in specs)  # the rest shared


def test_the_slot_camera_words_frame_its_first_shot() -> None:
    t = ad_template("product-demo")
    plan = ad_plan(t, beats(t, t.fill(), 0, 15), aspect="9:16", seed=0)
    first = plan.shots[0].camera
    assert (first.size.value, first.movement.value, first.direction.value) == (
        "extreme-close-up",
        "dolly",
        "in",
    )
    assert plan.shots[-1].camera.size.value == "medium"


@pytest.mark.parametrize("name", list(platforms()))
def test_every_overlay_sits_inside_each_platforms_safe_zone(name: str) -> None:
    _, cut = _cut(length=6 if name == "bumper" else 15, platform=name)
    kinds = {g.kind for g in cut.timeline.graphics}
    assert kinds == {"kinetic", "caption", "cta", "logo", "countdown", "legal"}
    assert cut.problems == []
    zone = platforms()[name].safe
    for box in cut.overlays.values():
        assert (
            zone.left <= box.left < box.right <= zone.right
            and zone.top <= box.top < box.bottom <= zone.bottom
        )
    assert (cut.timeline.width, cut.timeline.height) == platforms()[name].size


def test_the_lint_names_the_overlay_the_edge_and_the_platform() -> None:
    tiktok = platforms()["tiktok"]
    low = Box(left=0.1, top=0.7, right=0.5, bottom=0.9)  # into the caption and button area
    assert lint(tiktok, {"cta button": low}, 15) == [
        "overlay 'cta button' leaves tiktok's safe zone at the bottom"
    ]
    wide = Box(left=0.02, top=0.3, right=0.95, bottom=0.4)
    assert lint(tiktok, {"hook title": wide}, 15) == [
        "overlay 'hook title' leaves tiktok's safe zone at the left and right"
    ]


def test_a_bumper_lasts_at_most_six_seconds() -> None:
    _, cut = _cut(length=15, platform="bumper")
    assert cut.problems == ["length 15 s breaks bumper's limit of 1-6 s"]
    assert _cut(length=6, platform="bumper")[1].problems == []


def test_platforms_of_one_aspect_share_a_layout_inside_all_their_zones() -> None:
    nine = [platforms()[n] for n in ("tiktok", "reels", "shorts")]
    zone = shared_zone(nine)
    for platform in nine:
        safe = platform.safe
        assert safe.left <= zone.left and safe.top <= zone.top
        assert zone.right <= safe.right and zone.bottom <= safe.bottom


def test_text_is_held_to_wcag_aa_on_its_plate_naming_the_pair() -> None:
    t = ad_template("product-demo")
    for colour in ("#c8553d", "#777777", "#ffee00", "#101010"):
        colours = Colours.of(None, {"brand_colour": colour})
        assert contrast_ratio(colours.text, colours.primary) >= 4.5
        assert contrast_ratio(colours.text, colours.secondary) >= 4.5
    murky = BrandKit.model_construct(name="Murk", primary="#777777", secondary="#777777", text="#888888",
                                     logo="", font="", tagline="", avoid=(), legal="")  # fmt: skip
    values = t.fill()
    slots = beats(t, values, 0, 15)
    plan = ad_plan(t, slots, aspect="9:16", seed=0)
    with pytest.raises(BadInput, match="text #888888 on primary #777777"):
        cut_ad(plan, slots, _takes(plan), platforms()["tiktok"], cta="Go",
               brand=murky, values=values)  # fmt: skip


def test_words_the_brand_avoids_are_refused_naming_the_text() -> None:
    with pytest.raises(BadInput) as err:
        avoided(BRAND, {"offer": "Cheap jackets, 30% off"})
    assert err.value.field == "offer" and "'cheap'" in err.value.why


def test_captions_are_cues_and_graphics_of_their_slot() -> None:
    plan, cut = _cut()
    cues = cut.timeline.subtitles
    assert [c.text for c in cues][:2] == ["30% off · 48 hours only", "Northpeak rain jackets"]
    title = next(g for g in cut.timeline.graphics if g.kind == "kinetic")
    assert isinstance(title, Graphic) and title.start_frame == 0 and title.frames == plan.shots[0].frames
    button = next(g for g in cut.timeline.graphics if g.kind == "cta")
    assert (button.text, button.subtitle) == ("Shop now", "30% off everything")
    assert button.start_frame + button.frames == plan.total_frames

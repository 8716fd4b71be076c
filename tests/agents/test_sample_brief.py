"""The shipped sample (templates/briefs/lighthouse.md) is the first film a new user sees: its plan
must tell the brief's story. One test per defect issue 11 lists, at two durations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agents import plan_brief, recaption
from agents.fidelity import Fact, check, normalised
from agents.heuristics import lexicon
from film import Character, FilmPlan, MotionEvent, Prop, Shot, TimeOfDay, Weather

BRIEF = (Path(__file__).resolve().parents[2] / "templates" / "briefs" / "lighthouse.md").read_text(
    encoding="utf-8"
)
BRIEF_WORDS = set(normalised(BRIEF).split())
CONNECTORS = frozenset({"a", "an", "the", "in", "with", "and", "of", "wears", "wearing"})
"""Words a bible may add to join what the brief says ('in a yellow raincoat')."""
GARMENTS = frozenset(lexicon.words("looks", "garments", "en")) - {"hair", "beard"}
"""Clothes, not the hair a prompt's wind may move."""
INVENTED = ("cobalt", "jacket")
"""What the old planner dressed Theo in, though the brief never says so."""
MEDIA = frozenset({"water", "sea", "air", "rain", "waves"})


@pytest.fixture(scope="module", params=[40, 60], ids=["40s", "60s"])
def plan(request: pytest.FixtureRequest) -> FilmPlan:
    return plan_brief(BRIEF, duration_s=request.param)


def _shot_with(plan: FilmPlan, words: str) -> Shot:
    shot = next((s for s in plan.shots if normalised(words) in normalised(s.description)), None)
    assert shot is not None, f"no shot covers {words!r}: {[s.description for s in plan.shots]}"
    return shot


def _events(plan: FilmPlan) -> list[MotionEvent]:
    return [e for s in plan.shots for e in s.physics.events]


def _props(plan: FilmPlan) -> list[Prop]:
    return [p for sc in plan.scenes for p in sc.set_pieces] + [p for s in plan.shots for p in s.props]


def _character(plan: FilmPlan, name: str) -> Character:
    found = next((c for c in plan.characters if c.name == name), None)
    assert found is not None, f"{name} is not cast: {[c.name for c in plan.characters]}"
    return found


def test_dawn_is_clear_and_still_once_the_storm_is_gone(plan: FilmPlan) -> None:
    dawn = _shot_with(plan, "the storm is gone")
    scene = plan.scene(dawn.scene_id)
    assert scene.time_of_day is TimeOfDay.dawn, scene
    assert scene.weather is Weather.clear, scene
    for shot in (s for s in plan.shots if s.scene_id == scene.id):
        assert shot.physics.weather is Weather.clear, (shot.id, shot.physics)
        assert shot.physics.wind_ms == (0.0, 0.0), (shot.id, shot.physics)


def test_the_story_runs_over_several_scenes_from_dusk_to_dawn(plan: FilmPlan) -> None:
    times = [s.time_of_day for s in plan.scenes]
    assert len(plan.scenes) > 1, times
    assert times[0] in (TimeOfDay.dusk, TimeOfDay.night) and times[-1] is TimeOfDay.dawn, times
    storm = plan.scene(_shot_with(plan, "rain lashes the windows").scene_id)
    assert storm.weather in (Weather.storm, Weather.rain), storm


def test_a_storm_rolling_in_rolls_nothing(plan: FilmPlan) -> None:
    assert not [e for e in _events(plan) if e.action.value == "roll"], _events(plan)


def test_mara_speaks_her_lines(plan: FilmPlan) -> None:
    facts = [Fact("line", "Not while the boats are out.", "Mara"), Fact("line", "Not tonight", "Mara")]
    assert [v.reason for v in check(plan, facts) if not v.passed] == []


def test_adjectives_describe_their_own_nouns(plan: FilmPlan) -> None:
    mara, theo = _character(plan, "Mara"), _character(plan, "Theo")
    assert not {"old", "elderly", "aged"} & set(normalised(mara.appearance).split()), mara.appearance
    assert theo.build != "slight", theo
    assert not {"slight", "small"} & set(normalised(theo.appearance).split()), theo.appearance


def test_the_bible_holds_only_what_the_brief_says(plan: FilmPlan) -> None:
    for who in plan.characters:
        said = set(normalised(who.appearance).split())
        if "appearance" in who.defaults:
            assert not said & {*GARMENTS, *INVENTED}, (who.name, who.appearance)
        else:
            assert said <= BRIEF_WORDS | CONNECTORS, (who.name, sorted(said - BRIEF_WORDS - CONNECTORS))
        assert not set(normalised(f"{who.appearance} {who.description}").split()) & set(INVENTED), who
    theo = _character(plan, "Theo")
    assert not set(normalised(theo.appearance).split()) & {*GARMENTS, *INVENTED}, theo.appearance
    assert {"color", "build"} <= set(theo.defaults), theo  # the brief gives neither
    assert "build" in _character(plan, "Mara").defaults


def test_no_prompt_dresses_anyone_in_what_the_brief_never_says(plan: FilmPlan) -> None:
    for shot in plan.shots:
        prompt = recaption(plan, shot, engine="previz").prompt
        words = set(normalised(prompt).split())
        assert not words & set(INVENTED), (shot.id, prompt)
        invented = {g for g in GARMENTS if g in words and g not in BRIEF_WORDS}
        assert not invented, (shot.id, invented, prompt)


def test_the_bucket_falls_never_the_water(plan: FilmPlan) -> None:
    events = _events(plan)
    assert any(e.action.value == "fall" and re.search(r"\bbucket\b", e.object) for e in events), events
    assert not [e for e in events if normalised(e.object) in MEDIA], events


def test_the_lighthouse_the_boat_the_lamp_and_its_beam_are_drawn(plan: FilmPlan) -> None:
    facts = [Fact("prop", kind) for kind in ("lighthouse", "boat", "lamp")]
    assert [v.reason for v in check(plan, facts) if not v.passed] == [], _props(plan)
    sweep = _shot_with(plan, "The beam sweeps")
    beams = [p for p in (*sweep.props, *plan.scene(sweep.scene_id).set_pieces) if p.light and p.sweeps]
    assert beams, (sweep.id, sweep.props)

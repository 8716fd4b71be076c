"""The offline edit grammar: each clause changes only what it names."""

from __future__ import annotations

import pytest

from agents import plan_brief
from agents.recaptioner import recaption
from agents.reviser import revise
from film import BadInput, FilmPlan
from film.camera import Angle, Direction, Movement, ShotSize

BRIEF = (
    "Mara, a lighthouse keeper in a yellow raincoat, climbs the stairs at dusk. The storm grows. "
    "Theo rows through the waves. Mara lights the lamp. Theo sees the beam and turns home. "
    "Mara watches the boats come in at dawn."
)


@pytest.fixture
def plan() -> FilmPlan:
    return plan_brief(BRIEF, duration_s=30)


def _hashes(plan: FilmPlan) -> list[str]:
    return [recaption(plan, s, engine="previz").spec_hash() for s in plan.shots]


def test_camera_clause_changes_exactly_one_shot(plan: FilmPlan) -> None:
    revised = revise(plan, "shot 3: extreme close-up, low angle, dolly out")
    cam = revised.shots[2].camera
    assert (cam.size, cam.angle, cam.movement, cam.direction) == (
        ShotSize.extreme_close_up,
        Angle.low,
        Movement.dolly,
        Direction.out,
    )
    before, after = _hashes(plan), _hashes(revised)
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [2]


def test_retime_sums_exactly(plan: FilmPlan) -> None:
    revised = revise(plan, "make it 45 seconds")
    assert revised.total_frames == 45 * plan.fps and revised.duration_s == 45


def test_look_change_touches_only_that_characters_shots(plan: FilmPlan) -> None:
    revised = revise(plan, "Theo wears a red coat")
    theo = next(c for c in revised.characters if c.name == "Theo")
    assert theo.appearance == "wears a red coat" and theo.color == "#c0392b"
    with_theo = {
        i for i, s in enumerate(plan.shots) if any(p.character_id == theo.id for p in s.performances)
    }
    changed = {i for i, (a, b) in enumerate(zip(_hashes(plan), _hashes(revised), strict=True)) if a != b}
    assert changed == with_theo and changed


def test_remove_and_add_keep_the_plan_valid(plan: FilmPlan) -> None:
    removed = revise(plan, "remove shot 2")
    assert len(removed.shots) == len(plan.shots) - 1
    assert removed.total_frames == plan.total_frames - plan.shots[1].frames
    added = revise(plan, "add a shot after 2: Theo waves as a wave splashes the deck")
    new = added.shots[2]
    assert new.description.startswith("Theo waves") and len(added.shots) == len(plan.shots) + 1
    assert [p.character_id for p in new.performances] == ["theo"]
    assert any(e.action.value == "splash" for e in new.physics.events)
    assert _hashes(added)[:2] == _hashes(plan)[:2]


def test_aspect_style_and_several_clauses(plan: FilmPlan) -> None:
    revised = revise(plan, "aspect 9:16; style noir\nshot 1: wide, pan left")
    assert revised.aspect == "9:16" and revised.style == "noir"
    assert revised.shots[0].camera.movement is Movement.pan


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("shot 99: close-up", "shot"),
        ("make it 1 second", "duration"),
        ("aspect 4:3", "aspect"),
        ("Zed wears a hat", "character"),
        ("sing a song", "revision"),
        ("shot 1: banana", "revision"),
        ("  ", "revision"),
    ],
)
def test_bad_revisions_name_the_field(plan: FilmPlan, text: str, field: str) -> None:
    with pytest.raises(BadInput) as caught:
        revise(plan, text)
    assert caught.value.field == field


def test_a_line_is_rewritten_or_given_and_its_shot_keeps_its_spec_hash() -> None:
    from agents import recaption
    from agents.reviser import revise

    plan = plan_brief('"Hold the rope," Mara says. Theo climbs the ladder.', duration_s=8)
    spoken = next(i for i, s in enumerate(plan.shots) if s.dialogue)
    silent = next(i for i, s in enumerate(plan.shots) if not s.dialogue and s.performances)
    new = revise(plan, f"shot {spoken + 1} line: Let go of the rope!")
    assert new.shots[spoken].dialogue[0].text == "Let go of the rope!"
    assert new.shots[spoken].dialogue[0].speaker == plan.shots[spoken].dialogue[0].speaker
    before, after = (recaption(p, p.shots[spoken], engine="previz") for p in (plan, new))
    assert before.spec_hash() == after.spec_hash()  # the words are heard, never drawn: nothing re-renders
    given = revise(plan, f'shot {silent + 1} line: "Up here."')
    assert given.shots[silent].dialogue[0].text == "Up here."
    with pytest.raises(BadInput, match="revision="):
        revise(plan, f"shot {spoken + 1} line 3: too far")

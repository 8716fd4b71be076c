"""Draft → FilmPlan conversion: code makes any schema-valid draft a valid plan (no server needed)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from agents import plan_brief
from agents.llm_planner import PlanDraft, draft_to_plan, shot_budget
from agents.planner import PlanRequest
from film import MotionAction, Movement
from tests.agents.briefs import MULTILINGUAL
from tests.agents.test_llm_faults import DRAFT


def _draft(**changes: Any) -> PlanDraft:
    raw = copy.deepcopy(DRAFT)
    raw.update(changes)
    return PlanDraft.model_validate(raw)


@pytest.mark.parametrize(
    ("duration", "fps", "card"), [(2, 24, True), (7.3, 30, True), (61, 24, True), (12, 8, False)]
)
def test_frames_sum_exactly_for_any_target(duration: float, fps: int, card: bool) -> None:
    request = PlanRequest(duration_s=duration, fps=fps, title_card=card)
    plan = draft_to_plan(_draft(), MULTILINGUAL["en"], request, shot_budget(request))
    assert plan.total_frames == round(duration * fps)
    assert all(shot.frames >= 1 for shot in plan.shots)


def test_long_shots_become_distinct_coverage_and_names_resolve() -> None:
    """A drafted shot longer than the longest shot is covered like the heuristic planner's beats:
    its own shot is the master (the model's camera, cast and events), the others are distinct."""
    request = PlanRequest(duration_s=40)
    shots = [dict(DRAFT["shots"][1], who=["mara", "Nobody", "Mara"])]
    chars = [*DRAFT["characters"], {"name": "MARA", "look": "duplicate"}, {"name": "Ana María", "look": ""}]
    plan = draft_to_plan(_draft(shots=shots, characters=chars), MULTILINGUAL["en"], request, 12)
    assert [c.id for c in plan.characters] == ["mara", "ana-maria"]
    assert len(plan.shots) >= 4 and not any(s.continuous_with_previous for s in plan.shots)
    assert len({s.description for s in plan.shots}) == len(plan.shots)
    masters = [s for s in plan.shots if s.coverage == "master"]
    assert len(masters) == 1 and masters[0].physics.events
    assert [p.character_id for p in masters[0].performances] == ["mara"]
    assert sum(bool(s.physics.events) for s in plan.shots) == 1
    assert sum(len(s.dialogue) for s in plan.shots) == 1
    assert all(p.character_id == "mara" for s in plan.shots for p in s.performances)


def test_forgotten_physics_is_read_from_the_shot_text_and_static_has_no_direction() -> None:
    shot = dict(DRAFT["shots"][0], what="A glass vase falls from the shelf", physics=[], move="static")
    plan = draft_to_plan(_draft(shots=[shot]), MULTILINGUAL["en"], PlanRequest(duration_s=6), 3)
    assert plan.shots[0].physics.events[0].action is MotionAction.fall
    assert plan.shots[0].camera.movement is Movement.static and plan.shots[0].camera.direction.value == "none"


def test_title_keeps_the_brief_language() -> None:
    brief = MULTILINGUAL["ja"]
    request = PlanRequest(duration_s=10)
    fallback = plan_brief(brief, duration_s=10)
    plan = draft_to_plan(_draft(), brief, request, 3, fallback)
    assert plan.language == "ja" and plan.title == fallback.title and plan.logline == fallback.logline
    native = draft_to_plan(_draft(title="海辺の別れ"), brief, request, 3, fallback)
    assert native.title == "海辺の別れ"


def test_shot_budget_follows_duration() -> None:
    assert shot_budget(PlanRequest(duration_s=2)) == 1
    assert shot_budget(PlanRequest(duration_s=12)) == 3
    assert shot_budget(PlanRequest(duration_s=600)) == 12

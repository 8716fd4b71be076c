"""The heuristic planner: any language and form plans, frames sum exactly, bad input is named."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents import detect_language, plan_brief
from film import BadInput, FilmPlan
from tests.agents.briefs import MARKDOWN, MULTILINGUAL, SCREENPLAY


def _assert_exact(plan: FilmPlan) -> None:
    assert plan.title_card_frames + sum(s.frames for s in plan.shots) == round(plan.duration_s * plan.fps)


@pytest.mark.parametrize("language", sorted(MULTILINGUAL))
def test_every_language_plans_and_fills_the_target(language: str) -> None:
    plan = plan_brief(MULTILINGUAL[language], duration_s=30)
    _assert_exact(plan)
    assert plan.language == language
    assert plan.title_card_frames == 48
    assert len(plan.shots) >= 4
    assert plan.characters, f"no character found in {language}"
    assert any(s.dialogue for s in plan.shots), f"no dialogue kept in {language}"


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Mara"),
        ("es", "Lucía"),
        ("fr", "Élodie"),
        ("de", "Anna"),
        ("ru", "Маша"),
        ("zh", "小雨"),
        ("ja", "マリア"),
        ("ar", "ليلى"),
        ("hi", "मीरा"),
    ],
)
def test_named_characters_are_found(language: str, name: str) -> None:
    plan = plan_brief(MULTILINGUAL[language], duration_s=30)
    assert name in [c.name for c in plan.characters]
    ids = [c.id for c in plan.characters]
    assert all(i.isascii() for i in ids) and len(set(ids)) == len(ids)
    assert len({c.color for c in plan.characters}) == len(plan.characters)


def test_appearance_comes_from_the_words_near_the_name() -> None:
    plan = plan_brief(MULTILINGUAL["en"], duration_s=30)
    mara = plan.character("mara")
    assert "yellow raincoat" in mara.appearance
    assert mara.build == "tall"


def test_german_nouns_after_articles_are_not_characters() -> None:
    plan = plan_brief(MULTILINGUAL["de"], duration_s=30)
    assert [c.name for c in plan.characters] == ["Anna"]


def test_screenplay_cues_become_characters_and_dialogue() -> None:
    plan = plan_brief(SCREENPLAY, duration_s=60)
    _assert_exact(plan)
    assert plan.title == "The Last Ferry"
    assert {c.name for c in plan.characters} == {"Maria", "Jonas"}
    lines = [(d.speaker, d.text) for s in plan.shots for d in s.dialogue]
    assert ("Maria", "Wait! Don't leave without me!") in lines
    assert ("Jonas", "It's too late, Maria.") in lines
    assert ("Maria", "I never left.") in lines
    assert [s.heading for s in plan.scenes] == ["EXT. HARBOUR - NIGHT", "INT. FERRY CABIN - NIGHT"]
    assert [s.location for s in plan.scenes] == ["HARBOUR", "FERRY CABIN"]
    assert all(s.time_of_day.value == "night" for s in plan.scenes)
    assert plan.shots[0].physics.weather.value in ("rain", "storm")


def test_markdown_list_headings_are_scenes_and_items_are_beats() -> None:
    plan = plan_brief(MARKDOWN, duration_s=45)
    _assert_exact(plan)
    assert plan.title == "Kite Day"
    assert [s.heading for s in plan.scenes] == ["The meadow", "The storm"]
    assert [c.name for c in plan.characters] == ["Ivy"]
    assert len(plan.shots) >= 6
    storm = [s for s in plan.shots if s.scene_id == plan.scenes[1].id]
    assert any(s.physics.weather.value == "storm" for s in storm)
    actions = {e.action.value for s in storm for e in s.physics.events}
    assert {"fall", "splash"} <= actions


@pytest.mark.parametrize("duration", [2, 2.5, 9.99, 10, 60, 1800])
def test_durations_sum_exactly(duration: float) -> None:
    plan = plan_brief(MULTILINGUAL["en"], duration_s=duration)
    _assert_exact(plan)
    assert plan.title_card_frames == (48 if duration >= 10 else 0)
    low, high = round(1.5 * 24), 8 * 24
    assert all(low <= s.frames <= high for s in plan.shots) or len(plan.shots) == 1


def test_half_hour_film_has_hundreds_of_shots() -> None:
    plan = plan_brief(SCREENPLAY, duration_s=1800, fps=30)
    _assert_exact(plan)
    assert len(plan.shots) >= 225
    assert max(s.frames for s in plan.shots) <= 8 * 30


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    brief=st.text(min_size=1, max_size=400).filter(lambda t: t.strip()),
    duration=st.floats(min_value=2, max_value=1800, allow_nan=False),
    fps=st.sampled_from([8, 12, 24, 25, 30, 60]),
    aspect=st.sampled_from(["16:9", "9:16", "1:1"]),
)
def test_any_brief_any_duration_sums_exactly(brief: str, duration: float, fps: int, aspect: str) -> None:
    plan = plan_brief(brief, duration_s=duration, fps=fps, aspect=aspect)
    _assert_exact(plan)


@settings(max_examples=25, deadline=None)
@given(
    sentences=st.lists(st.sampled_from(sorted(MULTILINGUAL.values())), min_size=1, max_size=6),
    duration=st.floats(min_value=2, max_value=300, allow_nan=False),
)
def test_mixed_briefs_sum_exactly(sentences: list[str], duration: float) -> None:
    _assert_exact(plan_brief("\n\n".join(sentences), duration_s=duration))


def test_same_brief_same_plan() -> None:
    a = plan_brief(SCREENPLAY, duration_s=90, seed=7)
    b = plan_brief(SCREENPLAY, duration_s=90, seed=7)
    assert a.spec_hash() == b.spec_hash()
    assert plan_brief(SCREENPLAY, duration_s=90, seed=8).spec_hash() != a.spec_hash()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"brief": "", "duration_s": 10}, "brief"),
        ({"brief": "   \n\t ", "duration_s": 10}, "brief"),
        ({"brief": "x" * 20_001, "duration_s": 10}, "brief"),
        ({"brief": "A story.", "duration_s": 1.9}, "duration"),
        ({"brief": "A story.", "duration_s": 1800.5}, "duration"),
        ({"brief": "A story.", "duration_s": float("nan")}, "duration"),
        ({"brief": "A story.", "duration_s": 10, "aspect": "4:3"}, "aspect"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(BadInput) as info:
        plan_brief(**kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The cat sat on the mat and the dog was in the garden.", "en"),
        ("El gato está en la casa y los perros juegan con la pelota.", "es"),
        ("Le chat est dans la maison et les enfants jouent dans le jardin.", "fr"),
        ("Die Katze ist im Haus und der Hund spielt mit dem Ball.", "de"),
        ("猫在房子里睡觉。", "zh"),
        ("猫が家で寝ている。", "ja"),
        ("القطة في البيت.", "ar"),
        ("बिल्ली घर में है।", "hi"),
        ("Кошка спит в доме.", "ru"),
    ],
)
def test_language_detector(text: str, code: str) -> None:
    assert detect_language(text) == code

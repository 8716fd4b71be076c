"""Recaptioner (prompt carries the bible verbatim, stable seeds) and editor (exact timeline)."""

from __future__ import annotations

from agents import edit, plan_brief, recaption, shot_seed
from film import FilmPlan, Take, frame_size
from tests.agents.briefs import MULTILINGUAL, SCREENPLAY


def _takes(plan: FilmPlan) -> list[Take]:
    return [
        Take(
            shot_id=s.id,
            spec_hash=f"h{i}",
            engine="e",
            path=f"/takes/{s.id}.mp4",
            frames=s.frames,
            fps=plan.fps,
            width=854,
            height=480,
        )
        for i, s in enumerate(plan.shots)
    ]


def test_prompt_carries_appearance_setting_camera_and_physics() -> None:
    plan = plan_brief(MULTILINGUAL["en"], duration_s=30, aspect="9:16", seed=3)
    shot = next(s for s in plan.shots if any(p.character_id == "mara" for p in s.performances))
    spec = recaption(plan, shot, engine="previz")
    mara = plan.character("mara")
    assert mara.appearance in spec.prompt and "Mara" in spec.prompt
    scene = plan.scene(shot.scene_id)
    assert scene.location in spec.prompt and scene.palette in spec.prompt
    assert "shot" in spec.prompt.lower() and f"{shot.camera.lens_mm:g}mm" in spec.prompt
    assert spec.negative_prompt
    assert (spec.width, spec.height) == frame_size("9:16")
    assert spec.fps == plan.fps and spec.frames == shot.frames
    assert spec.characters == tuple(plan.cast_of(shot))
    assert spec.card == f"Scene 1 · Shot {plan.shots.index(shot) + 1}"
    rainy = next(s for s in plan.shots if s.physics.events)
    assert rainy.physics.events[0].object in recaption(plan, rainy, engine="previz").prompt


def test_seeds_are_stable_and_per_shot() -> None:
    plan = plan_brief(SCREENPLAY, duration_s=40, seed=11)
    seeds = [recaption(plan, s, engine="previz").seed for s in plan.shots]
    assert seeds == [shot_seed(11, s.id) for s in plan.shots]
    assert len(set(seeds)) == len(seeds)
    assert shot_seed(11, "sh0001") == shot_seed(11, "sh0001") != shot_seed(12, "sh0001")
    again = recaption(plan, plan.shots[0], engine="previz")
    assert again.spec_hash() == recaption(plan, plan.shots[0], engine="previz").spec_hash()
    assert recaption(plan, plan.shots[0], engine="previz", seed=5).seed == shot_seed(5, plan.shots[0].id)


def test_timeline_matches_plan_and_cues_stay_inside_shots() -> None:
    plan = plan_brief(SCREENPLAY, duration_s=75)
    timeline = edit(plan, list(reversed(_takes(plan))))
    assert timeline.total_frames == plan.total_frames
    assert [c.shot_id for c in timeline.clips] == [s.id for s in plan.shots]
    assert timeline.title_card is not None and timeline.title_card.text == plan.title
    assert timeline.title_card.frames == plan.title_card_frames
    start = plan.title_card_frames / plan.fps
    spans = {}
    for shot in plan.shots:
        spans[shot.id] = (start, start + shot.frames / plan.fps)
        start += shot.frames / plan.fps
    lines = sum(len(s.dialogue) for s in plan.shots)
    assert lines >= 4 and len(timeline.subtitles) >= 1
    assert timeline.subtitles[0].start_s >= plan.title_card_frames / plan.fps
    for cue in timeline.subtitles:
        assert any(a - 1e-6 <= cue.start_s < cue.end_s <= b + 1e-6 for a, b in spans.values())
        assert cue.end_s - cue.start_s >= 1.0 - 1e-6


def test_short_film_has_no_title_card() -> None:
    plan = plan_brief(MULTILINGUAL["es"], duration_s=8)
    timeline = edit(plan, _takes(plan))
    assert timeline.title_card is None
    assert timeline.total_frames == plan.total_frames == 8 * 24

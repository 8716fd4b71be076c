"""The plan's invariants hold at the door, and its hash is stable."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from film import Camera, Character, FilmPlan, Performance, Physics, Scene, Shot, stable_hash
from film.camera import Direction, Movement, ShotSize
from film.physics import Gravity


def small_plan(**over: object) -> FilmPlan:
    data: dict[str, object] = dict(
        title="Test",
        duration_s=5.0,
        fps=24,
        title_card_frames=24,
        characters=(Character(id="mara", name="Mara"),),
        scenes=(Scene(id="s1", location="lighthouse"),),
        shots=(
            Shot(
                id="sh1",
                scene_id="s1",
                frames=48,
                description="Mara climbs.",
                performances=(Performance(character_id="mara", action="walk"),),
            ),
            Shot(id="sh2", scene_id="s1", frames=48, description="The lamp."),
        ),
    )
    data.update(over)
    return FilmPlan.model_validate(data)


def test_total_frames_match_target() -> None:
    plan = small_plan()
    assert plan.total_frames == 120
    assert plan.total_s == pytest.approx(5.0)


def test_durations_must_fill_the_target() -> None:
    with pytest.raises(ValidationError, match="fill the target"):
        small_plan(duration_s=6.0)


def test_unknown_character_rejected() -> None:
    shots = (
        Shot(
            id="a",
            scene_id="s1",
            frames=96,
            description="x",
            performances=(Performance(character_id="ghost"),),
        ),
    )
    with pytest.raises(ValidationError, match="unknown character 'ghost'"):
        small_plan(shots=shots)


def test_duplicate_shot_ids_rejected() -> None:
    shots = (
        Shot(id="a", scene_id="s1", frames=48, description="x"),
        Shot(id="a", scene_id="s1", frames=48, description="y"),
    )
    with pytest.raises(ValidationError, match="duplicates"):
        small_plan(shots=shots)


def test_unknown_scene_rejected() -> None:
    shots = (Shot(id="a", scene_id="nowhere", frames=96, description="x"),)
    with pytest.raises(ValidationError, match="unknown scene"):
        small_plan(shots=shots)


def test_spec_hash_is_stable_and_content_keyed() -> None:
    a, b = small_plan(), small_plan()
    assert a.spec_hash() == b.spec_hash()
    assert len(a.spec_hash()) == 64
    assert small_plan(style="noir").spec_hash() != a.spec_hash()
    assert FilmPlan.model_validate_json(a.model_dump_json()).spec_hash() == a.spec_hash()


def test_stable_hash_ignores_key_order() -> None:
    assert stable_hash({"a": 1, "b": 2}) == stable_hash({"b": 2, "a": 1})


def test_camera_label_and_physics_gravity() -> None:
    cam = Camera(size=ShotSize.wide, movement=Movement.dolly, direction=Direction.in_)
    assert cam.label() == "WIDE · eye · dolly in"
    assert Physics(gravity=Gravity.moon).gravity_ms2() == pytest.approx(1.62)
    assert Physics(gravity=3.0).gravity_ms2() == 3.0


def test_render_spec_hash_keys_conditioning_by_content_not_path() -> None:
    from film import Conditioning, MediaRef, RenderSpec

    plan = small_plan()
    base = dict(
        engine="previz", shot=plan.shots[0], scene=plan.scenes[0], seed=1, width=64, height=64, fps=24
    )
    here = Conditioning(first_frame=MediaRef(path="/a/last.png", sha256="ab" * 32))
    there = Conditioning(first_frame=MediaRef(path="/elsewhere/x.png", sha256="ab" * 32))
    other = Conditioning(first_frame=MediaRef(path="/a/last.png", sha256="cd" * 32))
    a = RenderSpec.model_validate({**base, "conditioning": here})
    b = RenderSpec.model_validate({**base, "conditioning": there})
    c = RenderSpec.model_validate({**base, "conditioning": other})
    assert a.spec_hash() == b.spec_hash() != c.spec_hash()
    assert (
        RenderSpec.model_validate({**base, "model": "wan"}).spec_hash()
        != RenderSpec.model_validate(base).spec_hash()
    )

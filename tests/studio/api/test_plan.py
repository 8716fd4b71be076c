"""PATCH a shot or a character of a real run's plan: each edit is a new plan version checked by
FilmPlan's own validation (a bad value is a 400 naming the field), and GET /shots tells which
shots went stale since the version that was shot, until a worker shoots the new one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from storage import get_plan_version, latest_plan_version, request_cancel, session_scope
from tests.studio.api.conftest import Studio
from tests.studio.api.test_uploads import image_bytes, wav_bytes

API = "/api/v1"


@pytest.fixture(scope="module")
def studio(studio_at: Callable[[str], Studio]) -> Studio:
    return studio_at("plan")


@pytest.fixture(scope="module")
def run_id(studio: Studio) -> str:
    """A done run of two shots (Theo is in both)."""
    return studio.make()


def states(studio: Studio, run_id: str) -> dict[str, str]:
    return {shot["id"]: shot["state"] for shot in studio.client.get(f"{API}/runs/{run_id}/shots").json()}


def patch(studio: Studio, run_id: str, what: str, body: Any) -> Any:
    return studio.client.patch(f"{API}/runs/{run_id}/plan/{what}", json=body)


def shot_of(answer: Any, shot_id: str) -> dict[str, Any]:
    return next(s for s in answer.json()["plan"]["shots"] if s["id"] == shot_id)


def test_a_patched_shot_is_a_new_version_and_goes_stale(studio: Studio, run_id: str) -> None:
    before = studio.client.get(f"{API}/runs/{run_id}/plan").json()
    assert states(studio, run_id) == {"sh0001": "done", "sh0002": "done"}
    answer = patch(studio, run_id, "shots/sh0001", {"description": "Mara waves from the boat."})
    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] == before["version"] + 1
    assert shot_of(answer, "sh0001")["description"] == "Mara waves from the boat."
    assert studio.client.get(f"{API}/runs/{run_id}/plan").json() == answer.json()
    assert states(studio, run_id) == {"sh0001": "stale", "sh0002": "done"}
    with session_scope(studio.db) as session:
        saved = get_plan_version(session=session, run_id=run_id, version=answer.json()["version"])
    assert saved.thread_id == f"{run_id}/v{saved.version}" and "sh0001" in saved.note


def test_camera_is_merged_and_framed_with_the_planner_lens(studio: Studio, run_id: str) -> None:
    was = shot_of(studio.client.get(f"{API}/runs/{run_id}/plan"), "sh0002")["camera"]
    answer = patch(studio, run_id, "shots/sh0002", {"camera": {"size": "wide"}})
    camera = shot_of(answer, "sh0002")["camera"]
    assert camera == {**was, "size": "wide", "lens_mm": 24.0}
    shots = {s["id"]: s for s in studio.client.get(f"{API}/runs/{run_id}/shots").json()}
    assert shots["sh0002"]["camera"].startswith("WIDE · ") and shots["sh0002"]["state"] == "stale"


def test_a_longer_shot_makes_a_longer_film(studio: Studio, run_id: str) -> None:
    answer = patch(studio, run_id, "shots/sh0002", {"duration_s": 3.0})
    assert answer.status_code == 200, answer.text
    plan = answer.json()["plan"]
    assert shot_of(answer, "sh0002")["frames"] == 3 * plan["fps"]
    assert plan["duration_s"] == pytest.approx(sum(s["frames"] for s in plan["shots"]) / plan["fps"])
    shots = {s["id"]: s for s in studio.client.get(f"{API}/runs/{run_id}/shots").json()}
    assert shots["sh0002"]["duration_s"] == 3.0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"camera": {"size": "bogus"}}, "camera.size"),
        ({"camera": {"speed": 99}}, "camera.speed"),
        ({"camera": {"zoom": 2}}, "camera.zoom"),
        ({"frames": 0}, "frames"),
        ({"frames": 10**30}, "frames"),
        ({"frames": "many"}, None),
        ({"duration_s": -1}, "duration_s"),
        ({"duration_s": 1e308}, "duration_s"),
        ({"duration_s": 2, "frames": 24}, "duration_s"),
        ({"description": ""}, "description"),
        ({"description": None}, "description"),
        ({"description": "x" * 1001}, "description"),
        ({"colour": "red"}, "colour"),
        ({"id": "sh9"}, "id"),
        ({"take": "0" * 64}, "take"),
        ({"locked": True}, "locked"),
        ({"retake": -1}, "retake"),
        ({"retake": 10**30}, "retake"),
        ({"scene_id": "nowhere"}, "scene_id"),
        ({"performances": [{"character_id": "nobody"}]}, "performances"),
        ({"performances": [{"who": "theo"}]}, "performances.0.character_id"),
        ({"dialogue": [{"text": ""}]}, "dialogue.0.text"),
        ({"physics": {"gravity": "jupiter"}}, "physics.gravity"),
    ],
)
def test_bad_shot_values_are_one_line_naming_the_field(
    studio: Studio, run_id: str, body: dict[str, Any], field: str | None
) -> None:
    before = studio.client.get(f"{API}/runs/{run_id}/plan").json()["version"]
    answer = patch(studio, run_id, "shots/sh0001", body)
    if field is None:
        assert answer.status_code == 422, answer.text
    else:
        assert answer.status_code == 400, answer.text
        detail = answer.json()["detail"]
        assert isinstance(detail, str) and detail.startswith(field), detail
    assert studio.client.get(f"{API}/runs/{run_id}/plan").json()["version"] == before


def test_unknown_ids_are_404_and_shapes_422(studio: Studio, run_id: str) -> None:
    assert patch(studio, run_id, "shots/sh9999", {"description": "x"}).status_code == 404
    assert patch(studio, "r-nope", "shots/sh0001", {"description": "x"}).status_code == 404
    assert patch(studio, run_id, "characters/nobody", {"name": "X"}).status_code == 404
    assert patch(studio, run_id, "shots/sh0001", ["description"]).status_code == 422
    assert patch(studio, run_id, "shots/sh0001", "x").status_code == 422


def test_a_character_edit_stales_their_shots(studio: Studio, run_id: str) -> None:
    studio.client.post(f"{API}/runs/{run_id}/render")
    studio.work(run_id)  # shoot the edits above, so every shot is done again
    assert states(studio, run_id) == {"sh0001": "done", "sh0002": "done"}
    plan = studio.client.get(f"{API}/runs/{run_id}/plan").json()["plan"]
    theo = next(c for c in plan["characters"] if c["id"] == "theo")
    answer = patch(studio, run_id, "characters/theo", {"appearance": "red coat, grey beard"})
    assert answer.status_code == 200, answer.text
    edited = next(c for c in answer.json()["plan"]["characters"] if c["id"] == "theo")
    assert edited == {**theo, "appearance": "red coat, grey beard",
                      "defaults": [f for f in theo["defaults"] if f != "appearance"]}  # fmt: skip
    assert states(studio, run_id) == {"sh0001": "stale", "sh0002": "stale"}
    for body, field in [({"color": "red"}, "color"), ({"build": "huge"}, "build"), ({"name": ""}, "name"),
                        ({"id": "bob"}, "id"), ({"hat": 1}, "hat")]:  # fmt: skip
        bad = patch(studio, run_id, "characters/theo", body)
        assert bad.status_code == 400 and bad.json()["detail"].startswith(field), bad.text


def test_continuity_stales_the_next_shot(studio: Studio, run_id: str) -> None:
    patch(studio, run_id, "shots/sh0002", {"continuous_with_previous": True})
    studio.client.post(f"{API}/runs/{run_id}/render")
    studio.work(run_id)
    assert states(studio, run_id) == {"sh0001": "done", "sh0002": "done"}
    patch(studio, run_id, "shots/sh0001", {"physics": {"weather": "rain"}})
    assert states(studio, run_id) == {"sh0001": "stale", "sh0002": "stale"}


def test_a_reference_picture_is_an_upload_by_sha256(studio: Studio, run_id: str) -> None:
    """The cast panel's upload: POST /uploads, then PATCH the character with the answered sha256;
    the picture is served back, conditions their shots (stale), and null drops it again."""
    studio.client.post(f"{API}/runs/{run_id}/render")
    studio.work(run_id)
    assert states(studio, run_id) == {"sh0001": "done", "sh0002": "done"}
    picture = image_bytes("PNG")
    uploaded = studio.client.post(
        f"{API}/uploads", data={"kind": "reference"}, files={"file": ("theo.png", picture, "image/png")}
    ).json()
    answer = patch(studio, run_id, "characters/theo", {"reference_image": uploaded["sha256"]})
    assert answer.status_code == 200, answer.text
    theo = next(c for c in answer.json()["plan"]["characters"] if c["id"] == "theo")
    assert theo["reference_image"]["sha256"] == uploaded["sha256"]
    assert Path(theo["reference_image"]["path"]).read_bytes() == picture
    assert states(studio, run_id) == {"sh0001": "stale", "sh0002": "stale"}
    served = studio.client.get(f"{API}/uploads/{uploaded['sha256']}")
    assert served.status_code == 200 and served.content == picture
    assert served.headers["content-type"] == "image/png"
    tone = studio.client.post(
        f"{API}/uploads", data={"kind": "music"}, files={"file": ("bed.wav", wav_bytes(), "audio/wav")}
    ).json()
    for value, status in [("abc", 400), ("0" * 64, 404), (tone["sha256"], 404)]:
        bad = patch(studio, run_id, "characters/theo", {"reference_image": value})
        assert bad.status_code == status, bad.text
        assert bad.json()["detail"].startswith("reference_image=") and "\n" not in bad.json()["detail"]
    assert studio.client.get(f"{API}/uploads/{'0' * 64}").status_code == 404
    assert studio.client.get(f"{API}/uploads/..%2f..%2fetc").status_code in (400, 404, 422)
    dropped = patch(studio, run_id, "characters/theo", {"reference_image": None})
    theo = next(c for c in dropped.json()["plan"]["characters"] if c["id"] == "theo")
    assert theo["reference_image"] is None


def test_an_edit_while_a_job_is_open_is_409(studio: Studio, run_id: str) -> None:
    studio.client.post(f"{API}/runs/{run_id}/render")
    answer = patch(studio, run_id, "shots/sh0001", {"description": "Later."})
    assert answer.status_code == 409 and "busy" in answer.json()["detail"]
    assert patch(studio, run_id, "characters/theo", {"name": "T"}).status_code == 409
    with session_scope(studio.db) as session:
        request_cancel(session=session, run_id=run_id)


def test_edits_at_review_stay_on_the_review_thread(studio: Studio) -> None:
    run_id = studio.make("Mara walks along the pier. Mara waves.", gate=True)
    assert states(studio, run_id) == {"sh0001": "planned", "sh0002": "planned"}
    answer = patch(studio, run_id, "shots/sh0002", {"camera": {"size": "close-up"}})
    assert answer.status_code == 200 and answer.json()["version"] == 2
    with session_scope(studio.db) as session:
        latest = latest_plan_version(session=session, run_id=run_id)
    assert latest is not None and latest.thread_id == run_id  # approve resumes the review thread
    assert states(studio, run_id) == {"sh0001": "planned", "sh0002": "planned"}
    assert studio.client.post(f"{API}/runs/{run_id}/approve").status_code == 202

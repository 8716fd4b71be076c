"""The API's doors refuse footage of a real person with 403 and the gate's one line: creating a
run, revising it, and editing a shot or a character; nothing is queued or saved, and each refusal
is in the audit log (its own transaction outlives the request's rollback)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from storage import list_audit, session_scope
from tests.studio.api.conftest import Studio

API = "/api/v1"
REAL = "Barack Obama gives a speech on the steps of the Capitol at dawn."


@pytest.fixture(scope="module")
def studio(studio_at: Callable[[str], Studio]) -> Studio:
    return studio_at("gate")


@pytest.fixture(scope="module")
def run_id(studio: Studio) -> str:
    return studio.make()


def _refused(answer: object, *words: str) -> str:
    assert answer.status_code == 403, answer.text  # type: ignore[attr-defined]
    detail = str(answer.json()["detail"])  # type: ignore[attr-defined]
    assert "refused" in detail and "\n" not in detail and all(w in detail for w in words), detail
    return detail


def test_creating_a_run_of_a_real_person_is_403(studio: Studio) -> None:
    before = studio.client.get(f"{API}/runs").json()
    _refused(studio.client.post(f"{API}/runs", json={"brief": REAL}), "Obama")
    assert studio.client.get(f"{API}/runs").json() == before
    with session_scope(studio.db) as session:
        rows = list_audit(session=session, outcome="refused")
    assert rows and rows[0].entry == "api:POST /runs" and rows[0].run_id is None


def test_revisions_and_edits_are_cleared_too(studio: Studio, run_id: str) -> None:
    version = studio.client.get(f"{API}/runs/{run_id}/plan").json()["version"]
    _refused(studio.client.post(f"{API}/runs/{run_id}/revise", json={"text": "make Theo Barack Obama"}))
    shot = studio.client.get(f"{API}/runs/{run_id}/shots").json()[0]["id"]
    edit = {"description": "Barack Obama waves from the pier."}
    _refused(studio.client.patch(f"{API}/runs/{run_id}/plan/shots/{shot}", json=edit))
    character = studio.client.get(f"{API}/runs/{run_id}/plan").json()["plan"]["characters"][0]["id"]
    _refused(
        studio.client.patch(f"{API}/runs/{run_id}/plan/characters/{character}", json={"name": "Barack Obama"})
    )
    assert studio.client.get(f"{API}/runs/{run_id}/plan").json()["version"] == version  # nothing saved
    assert studio.open_jobs(run_id) == []
    with session_scope(studio.db) as session:
        doors = {row.entry for row in list_audit(session=session, run_id=run_id, outcome="refused")}
    assert doors == {"api:POST /runs/{id}/revise", "api:PATCH shot", "api:PATCH character"}


def test_a_benign_edit_still_passes(studio: Studio, run_id: str) -> None:
    shot = studio.client.get(f"{API}/runs/{run_id}/shots").json()[0]["id"]
    answer = studio.client.patch(
        f"{API}/runs/{run_id}/plan/shots/{shot}", json={"description": "Mara smiles."}
    )
    assert answer.status_code == 200, answer.text


def test_a_real_face_as_a_reference_picture_is_403(studio: Studio, run_id: str) -> None:
    """The cast panel's upload of a photograph of a real person (scikit-image's astronaut
    portrait): the upload is kept, but giving it to a character needs a consent record."""
    skimage_data = pytest.importorskip("skimage.data")
    from pathlib import Path

    photo = (Path(skimage_data.__file__).parent / "astronaut.png").read_bytes()
    uploaded = studio.client.post(
        f"{API}/uploads", data={"kind": "reference"}, files={"file": ("face.png", photo, "image/png")}
    )
    assert uploaded.status_code in (200, 201), uploaded.text
    character = studio.client.get(f"{API}/runs/{run_id}/plan").json()["plan"]["characters"][0]["id"]
    before = studio.client.get(f"{API}/runs/{run_id}/plan").json()["version"]
    answer = studio.client.patch(
        f"{API}/runs/{run_id}/plan/characters/{character}",
        json={"reference_image": uploaded.json()["sha256"]},
    )
    _refused(answer, "face")
    assert studio.client.get(f"{API}/runs/{run_id}/plan").json()["version"] == before

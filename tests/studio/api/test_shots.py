"""GET /runs/{id}/shots on a real run, and the shot routes: a new take, lock and unlock, the
takes list and choosing the main take. A stand-in worker shoots the versions they queue, so a
test sees a shot go from stale to done and the film change its take."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from storage import add_event, get_plan_version, latest_plan_version, request_cancel, session_scope
from tests.studio.api.conftest import Studio

API = "/api/v1"
SHOT_FIELDS = {
    "id", "position", "description", "camera", "characters", "dialogue", "duration_s", "state", "percent",
    "take", "still_url",
}  # fmt: skip


@pytest.fixture(scope="module")
def studio(studio_at: Callable[[str], Studio]) -> Studio:
    return studio_at("shots")


@pytest.fixture(scope="module")
def run_id(studio: Studio) -> str:
    return studio.make()


def shots(studio: Studio, run_id: str) -> dict[str, dict[str, Any]]:
    answer = studio.client.get(f"{API}/runs/{run_id}/shots")
    assert answer.status_code == 200, answer.text
    return {shot["id"]: shot for shot in answer.json()}


def takes(studio: Studio, run_id: str, shot_id: str) -> list[dict[str, Any]]:
    answer = studio.client.get(f"{API}/runs/{run_id}/shots/{shot_id}/takes")
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def latest_shot(studio: Studio, run_id: str, shot_id: str) -> Any:
    with session_scope(studio.db) as session:
        latest = latest_plan_version(session=session, run_id=run_id)
    assert latest is not None
    return next(s for s in latest.film_plan().shots if s.id == shot_id)


def cancel_jobs(studio: Studio, run_id: str) -> None:
    with session_scope(studio.db) as session:
        request_cancel(session=session, run_id=run_id)


def test_shots_of_a_done_run(studio: Studio, run_id: str) -> None:
    shown = studio.client.get(f"{API}/runs/{run_id}/shots").json()
    with session_scope(studio.db) as session:
        plan = get_plan_version(session=session, run_id=run_id, version=1).film_plan()
    assert [s["id"] for s in shown] == [s.id for s in plan.shots]
    for number, (shot, planned) in enumerate(zip(shown, plan.shots, strict=True), 1):
        assert set(shot) == SHOT_FIELDS
        assert shot["position"] == number and shot["state"] == "done" and shot["percent"] == 100
        assert shot["camera"] == planned.camera.label() and shot["description"] == planned.description
        assert shot["characters"] == [c.name for c in plan.cast_of(planned)]
        assert shot["duration_s"] == pytest.approx(planned.frames / plan.fps)
        assert len(shot["take"]) == 64
        still = studio.client.get(shot["still_url"])
        assert still.status_code == 200 and still.headers["content-type"] == "image/png"
        assert still.content.startswith(b"\x89PNG")


def test_takes_of_a_shot(studio: Studio, run_id: str) -> None:
    main = shots(studio, run_id)["sh0001"]["take"]
    found = takes(studio, run_id, "sh0001")
    assert [(t["spec_hash"], t["versions"], t["main"]) for t in found] == [(main, [1], True)]
    clip = studio.client.get(found[0]["url"])
    assert clip.status_code == 200 and clip.headers["content-type"] == "video/mp4"
    assert studio.client.get(f"{API}/runs/{run_id}/shots/sh9999/takes").status_code == 404


def test_a_new_take_is_a_new_version_queued_to_shoot(studio: Studio, run_id: str) -> None:
    first_take = shots(studio, run_id)["sh0001"]["take"]
    answer = studio.client.post(f"{API}/runs/{run_id}/shots/sh0001/rerender")
    assert answer.status_code == 202, answer.text
    version = answer.json()["version"]
    assert latest_shot(studio, run_id, "sh0001").retake == 1
    job = studio.open_jobs(run_id)[-1]
    assert (job.kind, json.loads(job.payload_json)) == ("shoot", {"version": version})
    assert shots(studio, run_id)["sh0001"]["state"] == "stale"
    assert shots(studio, run_id)["sh0002"]["state"] == "done"
    busy = studio.client.post(f"{API}/runs/{run_id}/shots/sh0002/rerender")
    assert busy.status_code == 409 and "busy" in busy.json()["detail"]

    studio.work(run_id)
    now = shots(studio, run_id)
    assert now["sh0001"]["state"] == "done" and now["sh0001"]["take"] != first_take
    found = takes(studio, run_id, "sh0001")
    assert [t["spec_hash"] for t in found] == [first_take, now["sh0001"]["take"]]
    assert [t["main"] for t in found] == [False, True]
    assert found[1]["versions"] == [version]


def test_rerender_with_a_seed(studio: Studio, run_id: str) -> None:
    answer = studio.client.post(f"{API}/runs/{run_id}/shots/sh0002/rerender", json={"seed": 7})
    assert answer.status_code == 202, answer.text
    assert latest_shot(studio, run_id, "sh0002").retake == 7
    cancel_jobs(studio, run_id)
    for seed in (-1, 10**30, 7):
        bad = studio.client.post(f"{API}/runs/{run_id}/shots/sh0002/rerender", json={"seed": seed})
        assert bad.status_code == 400 and bad.json()["detail"].startswith("seed="), bad.text
    for body in ({"seed": "x"}, {"seed": 1.5}, {"retake": 2}, [1]):
        assert studio.client.post(f"{API}/runs/{run_id}/shots/sh0002/rerender", json=body).status_code == 422
    assert studio.client.post(f"{API}/runs/{run_id}/shots/sh9999/rerender").status_code == 404
    assert studio.client.post(f"{API}/runs/r-nope/shots/sh0001/rerender").status_code == 404


def test_a_running_shot_shows_its_percent(studio: Studio, run_id: str) -> None:
    studio.client.post(f"{API}/runs/{run_id}/render")  # shoots the seed-7 version left above
    job = studio.claim(run_id)
    with session_scope(studio.db) as session:
        data = {"shot_id": "sh0002", "state": "rendering", "percent": 40, "eta_s": 1.5}
        add_event(session=session, run_id=run_id, kind="shot", data=data)
    now = shots(studio, run_id)
    assert (now["sh0002"]["state"], now["sh0002"]["percent"]) == ("rendering", 40)
    assert now["sh0001"]["state"] == "done"
    with session_scope(studio.db) as session:
        data = {"shot_id": "sh0002", "state": "done", "percent": 100, "eta_s": 0}
        add_event(session=session, run_id=run_id, kind="shot", data=data)
    assert shots(studio, run_id)["sh0002"]["state"] == "done"
    studio.finish(job, "failed")
    assert shots(studio, run_id)["sh0002"]["state"] == "stale"  # that shoot never finished


def test_lock_pins_the_main_take_and_unlock_frees_it(studio: Studio, run_id: str) -> None:
    main = shots(studio, run_id)["sh0001"]["take"]
    answer = studio.client.post(f"{API}/runs/{run_id}/shots/sh0001/lock")
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "locked" and answer.json()["take"] == main
    pinned = latest_shot(studio, run_id, "sh0001")
    assert pinned.locked and pinned.take == main
    version = studio.client.get(f"{API}/runs/{run_id}").json()["version"]
    assert studio.client.post(f"{API}/runs/{run_id}/shots/sh0001/lock").json()["state"] == "locked"
    assert studio.client.get(f"{API}/runs/{run_id}").json()["version"] == version  # already locked
    refused = studio.client.post(f"{API}/runs/{run_id}/shots/sh0001/rerender")
    assert refused.status_code == 409 and "locked" in refused.json()["detail"]
    edited = studio.client.patch(f"{API}/runs/{run_id}/plan/shots/sh0001", json={"description": "Kept."})
    assert latest_shot(studio, run_id, "sh0001").take == main and edited.status_code == 200
    assert shots(studio, run_id)["sh0001"]["state"] == "locked"

    freed = studio.client.post(f"{API}/runs/{run_id}/shots/sh0001/unlock")
    assert freed.status_code == 200 and freed.json()["state"] == "stale"  # its description changed
    unlocked = latest_shot(studio, run_id, "sh0001")
    assert not unlocked.locked and unlocked.take is None  # edited while locked: the edit renders next
    for path in ("lock", "unlock"):
        assert studio.client.post(f"{API}/runs/{run_id}/shots/sh9999/{path}").status_code == 404
        assert studio.client.post(f"{API}/runs/r-nope/shots/sh0001/{path}").status_code == 404


def test_unlocking_an_unchanged_shot_leaves_it_done(studio: Studio, run_id: str) -> None:
    assert shots(studio, run_id)["sh0002"]["state"] in ("stale", "done")
    studio.client.post(f"{API}/runs/{run_id}/render")
    studio.work(run_id)
    assert {s["state"] for s in shots(studio, run_id).values()} == {"done"}
    studio.client.post(f"{API}/runs/{run_id}/shots/sh0002/lock")
    studio.client.post(f"{API}/runs/{run_id}/shots/sh0002/unlock")
    assert shots(studio, run_id)["sh0002"]["state"] == "done"
    assert latest_shot(studio, run_id, "sh0002").take == shots(studio, run_id)["sh0002"]["take"]


def test_choose_an_earlier_take(studio: Studio, run_id: str) -> None:
    first, *_, current = takes(studio, run_id, "sh0001")
    assert current["main"] and not first["main"]
    answer = studio.client.post(f"{API}/runs/{run_id}/shots/sh0001/takes/{first['spec_hash']}/main")
    assert answer.status_code == 202, answer.text
    job = studio.open_jobs(run_id)[-1]
    assert (job.kind, json.loads(job.payload_json)) == ("shoot", {"version": answer.json()["version"]})
    assert latest_shot(studio, run_id, "sh0001").take == first["spec_hash"]
    assert shots(studio, run_id)["sh0001"]["state"] == "stale"  # the film still plays the other take
    assert takes(studio, run_id, "sh0001")[0]["main"] is True
    cancel_jobs(studio, run_id)
    url = f"{API}/runs/{run_id}/shots/sh0001/takes"
    assert studio.client.post(f"{url}/{'0' * 64}/main").status_code == 404
    assert studio.client.post(f"{url}/{current['spec_hash'].upper()}/main").status_code == 422
    assert studio.client.post(f"{url}/not-a-hash/main").status_code == 422
    assert (
        studio.client.post(f"{API}/runs/{run_id}/shots/sh9999/takes/{first['spec_hash']}/main").status_code
        == 404
    )


def test_shots_before_any_film(studio: Studio) -> None:
    review = studio.make("A fox runs through snow. The fox stops and listens.", gate=True)
    found = shots(studio, review)
    assert {s["state"] for s in found.values()} == {"planned"}
    assert {s["take"] for s in found.values()} == {None} and {s["still_url"] for s in found.values()} == {
        None
    }
    assert takes(studio, review, "sh0001") == []
    locking = studio.client.post(f"{API}/runs/{review}/shots/sh0001/lock")
    assert locking.status_code == 409 and "no take yet" in locking.json()["detail"]
    assert studio.client.post(f"{API}/runs/{review}/shots/sh0001/rerender").status_code == 409
    queued = studio.client.post(f"{API}/runs", json={"brief": "A fox."}).json()["id"]
    assert studio.client.get(f"{API}/runs/{queued}/shots").json() == []
    assert studio.client.get(f"{API}/runs/r-nope/shots").status_code == 404
    cancel_jobs(studio, queued)

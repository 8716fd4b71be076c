"""POST/GET /runs, cancel, approve, revise, render, versions and diff: the API writes rows and
queues jobs (no worker runs here), answers bad input with one 4xx line naming the field, an
unknown id with 404 and a busy run with 409."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storage import RUN_STATUSES, add_event, events_after, request_cancel, session_scope
from studio.api import main, production
from studio.settings import Settings
from tests.studio.api.conftest import Studio

API = "/api/v1"
RUN_FIELDS = {
    "id", "status", "title", "brief", "engine", "aspect", "duration", "seed", "style", "project_id",
    "version", "error", "film_url", "created_at", "updated_at",
}  # fmt: skip


@pytest.fixture(scope="module")
def studio(studio_at: Callable[[str], Studio]) -> Studio:
    return studio_at("runs")


@pytest.fixture(scope="module")
def done_run(studio: Studio) -> str:
    return studio.make()


@pytest.fixture(scope="module")
def review_run(studio: Studio) -> str:
    return studio.make(gate=True)


def post_run(client: TestClient, **body: Any) -> Any:
    return client.post(f"{API}/runs", json={"brief": "A fox runs through snow.", **body})


def clear_jobs(studio: Studio, run_id: str) -> None:
    with session_scope(studio.db) as session:
        request_cancel(session=session, run_id=run_id)


def test_post_run_creates_a_queued_run_and_one_make_job(client: TestClient, settings: Settings) -> None:
    answer = post_run(client)
    assert answer.status_code == 202, answer.text
    shown = answer.json()
    assert set(shown) == RUN_FIELDS
    assert shown["status"] == "queued" and shown["version"] == 0 and shown["film_url"] is None
    assert shown["duration"] == settings.duration_s and shown["style"] == settings.style
    app = client.app
    with session_scope(app.state.database) as session:  # type: ignore[attr-defined]
        from storage import get_run, list_jobs

        run = get_run(session=session, run_id=shown["id"])
        jobs = list_jobs(session=session, run_id=run.id)
        events = events_after(session=session, run_id=run.id)
    assert run.status == "queued" and run.engine == "previz"
    assert run.out_dir == str((settings.out_root / run.id).resolve())
    assert [job.kind for job in jobs] == ["make"] and jobs[0].status == "queued"
    assert json.loads(jobs[0].payload_json) == {
        "brief": "A fox runs through snow.", "duration_s": settings.duration_s, "aspect": "16:9",
        "style": settings.style, "seed": 0, "title_card": True, "review": False,
    }  # fmt: skip
    assert [(e.kind, json.loads(e.data_json)) for e in events] == [("status", {"status": "queued"})]


def test_post_run_passes_every_field(client: TestClient) -> None:
    body = {
        "brief": "  Theo rows home.  ", "duration": 6, "aspect": "9:16", "style": "noir", "seed": 7,
        "engine": "previz", "review": True, "title_card": False,
    }  # fmt: skip
    shown = client.post(f"{API}/runs", json=body).json()
    assert (shown["brief"], shown["duration"], shown["aspect"], shown["style"], shown["seed"]) == (
        "Theo rows home.", 6.0, "9:16", "noir", 7,
    )  # fmt: skip
    with session_scope(client.app.state.database) as session:  # type: ignore[attr-defined]
        from storage import list_jobs

        payload = json.loads(list_jobs(session=session, run_id=shown["id"])[0].payload_json)
    assert payload["review"] is True and payload["title_card"] is False and payload["duration_s"] == 6.0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"brief": ""}, "brief"),
        ({"brief": "   "}, "brief"),
        ({"brief": "x" * 20_001}, "brief"),
        ({"duration": 1}, "duration"),
        ({"duration": 1e308}, "duration"),
        ({"duration": "nan"}, "duration"),
        ({"aspect": "4:3"}, "aspect"),
        ({"style": ""}, "style"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**32}, "seed"),
        ({"seed": 10**30}, "seed"),
        ({"engine": "nope"}, "engine"),
        ({"project_id": "p-nothere"}, "project_id"),
    ],
)
def test_bad_values_are_400_naming_the_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    answer = post_run(client, **body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"].startswith(f"{field}=")
    assert client.get(f"{API}/runs").json() == []


@pytest.mark.parametrize(
    "body",
    [{}, {"brief": 5}, {"brief": None}, {"brief": "x", "duration": "long"}, {"brief": "x", "seed": 1.5},
     {"brief": "x", "colour": "red"}, [], "brief", {"brief": "x", "review": "maybe"},
     {"brief": "x", "duration": 10**400}],
)  # fmt: skip
def test_wrong_shapes_are_422(client: TestClient, body: Any) -> None:
    answer = client.post(f"{API}/runs", json=body)
    assert answer.status_code == 422, answer.text
    assert (
        client.post(
            f"{API}/runs", content=b"{not json", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )


def test_infinite_duration_is_400(client: TestClient) -> None:
    body = b'{"brief": "x", "duration": 1e999}'  # JSON that Python reads as inf
    answer = client.post(f"{API}/runs", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 400 and answer.json()["detail"].startswith("duration=inf")


def test_list_and_get_runs(client: TestClient) -> None:
    first, second = post_run(client).json(), post_run(client, seed=1).json()
    listed = client.get(f"{API}/runs").json()
    assert [run["id"] for run in listed] == [second["id"], first["id"]]
    assert [run["id"] for run in client.get(f"{API}/runs?limit=1").json()] == [second["id"]]
    assert client.get(f"{API}/runs/{first['id']}").json() == first
    for limit in ("0", "501", str(10**30), "ten"):
        assert client.get(f"{API}/runs?limit={limit}").status_code == 422
    missing = client.get(f"{API}/runs/r-nope")
    assert missing.status_code == 404 and missing.json() == {"detail": "run='r-nope': no such run"}
    assert client.get(f"{API}/runs?project_id=p-nope").status_code == 404


def test_cancel_a_queued_run(client: TestClient) -> None:
    run = post_run(client).json()
    answer = client.post(f"{API}/runs/{run['id']}/cancel")
    assert answer.status_code == 202 and answer.json()["status"] == "cancelled"
    with session_scope(client.app.state.database) as session:  # type: ignore[attr-defined]
        from storage import list_jobs

        assert [job.status for job in list_jobs(session=session, run_id=run["id"])] == ["cancelled"]
    again = client.post(f"{API}/runs/{run['id']}/cancel")
    assert again.status_code == 409 and "already cancelled" in again.json()["detail"]
    assert client.post(f"{API}/runs/r-nope/cancel").status_code == 404


def test_cancel_a_running_job_asks_the_worker(studio: Studio) -> None:
    run = post_run(studio.client).json()
    job = studio.claim(run["id"])
    answer = studio.client.post(f"{API}/runs/{run['id']}/cancel")
    assert answer.status_code == 202 and answer.json()["status"] == "queued"  # the worker stops it
    assert [j.cancel_requested for j in studio.jobs(run["id"])] == [True]
    studio.finish(job, "cancelled")


def test_a_busy_run_is_409(studio: Studio, review_run: str) -> None:
    assert studio.client.post(f"{API}/runs/{review_run}/approve").status_code == 202
    for path, body in [("approve", None), ("revise", {"text": "make shot 1 a close-up"}), ("render", None)]:
        answer = studio.client.post(f"{API}/runs/{review_run}/{path}", json=body)
        assert answer.status_code == 409, path
        assert answer.json() == {"detail": f"run {review_run} is busy (review); wait or cancel it"}
    clear_jobs(studio, review_run)


def test_approve_queues_an_approve_job(studio: Studio, review_run: str, done_run: str) -> None:
    answer = studio.client.post(f"{API}/runs/{review_run}/approve")
    assert answer.status_code == 202 and answer.json()["status"] == "review"
    job = studio.open_jobs(review_run)[-1]
    assert (job.kind, json.loads(job.payload_json)) == ("approve", {})
    clear_jobs(studio, review_run)
    refused = studio.client.post(f"{API}/runs/{done_run}/approve")
    assert refused.status_code == 409 and "only a run at review" in refused.json()["detail"]
    assert studio.client.post(f"{API}/runs/r-nope/approve").status_code == 404


def test_revise_queues_the_note(studio: Studio, review_run: str, done_run: str) -> None:
    for run_id in (review_run, done_run):
        answer = studio.client.post(f"{API}/runs/{run_id}/revise", json={"text": " make shot 1 a close-up "})
        assert answer.status_code == 202
        job = studio.open_jobs(run_id)[-1]
        assert (job.kind, json.loads(job.payload_json)) == (
            "revise",
            {"instruction": "make shot 1 a close-up"},
        )
        clear_jobs(studio, run_id)
    for text in ("", "   ", "x" * 2001):
        answer = studio.client.post(f"{API}/runs/{done_run}/revise", json={"text": text})
        assert answer.status_code == 400 and answer.json()["detail"].startswith("text=")
    assert studio.client.post(f"{API}/runs/{done_run}/revise", json={}).status_code == 422
    assert studio.client.post(f"{API}/runs/{done_run}/revise", json={"text": 3}).status_code == 422
    cancelled = post_run(studio.client).json()["id"]
    studio.client.post(f"{API}/runs/{cancelled}/cancel")
    nothing = studio.client.post(f"{API}/runs/{cancelled}/revise", json={"text": "make it longer"})
    assert nothing.status_code == 409


def test_render_shoots_the_newest_version_only_when_it_changed(studio: Studio, done_run: str) -> None:
    refused = studio.client.post(f"{API}/runs/{done_run}/render")
    assert refused.status_code == 409 and "already shot" in refused.json()["detail"]
    patched = studio.client.patch(f"{API}/runs/{done_run}/plan/shots/sh0001", json={"description": "A gull."})
    version = patched.json()["version"]
    answer = studio.client.post(f"{API}/runs/{done_run}/render")
    assert answer.status_code == 202 and answer.json()["version"] == version
    job = studio.open_jobs(done_run)[-1]
    assert (job.kind, json.loads(job.payload_json)) == ("shoot", {"version": version})
    clear_jobs(studio, done_run)


def test_render_needs_a_plan_and_no_review(studio: Studio, review_run: str) -> None:
    queued = post_run(studio.client).json()["id"]
    clear_jobs(studio, queued)
    assert "no plan yet" in studio.client.post(f"{API}/runs/{queued}/render").json()["detail"]
    answer = studio.client.post(f"{API}/runs/{review_run}/render")
    assert answer.status_code == 409 and "approve it" in answer.json()["detail"]


def test_done_run_has_a_film_url_that_plays(studio: Studio, done_run: str) -> None:
    shown = studio.client.get(f"{API}/runs/{done_run}").json()
    assert shown["status"] == "done" and shown["film_url"] == f"{API}/runs/{done_run}/film"
    assert shown["title"] and shown["version"] >= 1
    film = studio.client.get(shown["film_url"])
    assert film.status_code == 200 and film.headers["content-type"] == "video/mp4"


def test_versions_and_diff(studio: Studio, done_run: str) -> None:
    studio.client.patch(f"{API}/runs/{done_run}/plan/shots/sh0002", json={"description": "Theo laughs."})
    versions = studio.client.get(f"{API}/runs/{done_run}/versions").json()
    assert [v["version"] for v in versions] == list(range(1, len(versions) + 1)) and len(versions) >= 2
    assert versions[0]["film_url"] == f"{API}/runs/{done_run}/film?version=1"
    assert versions[-1]["film_url"] is None and "sh0002" in versions[-1]["note"]
    last = versions[-1]["version"]
    lines = studio.client.get(f"{API}/runs/{done_run}/diff?a=1&b={last}").json()["lines"]
    assert lines[0].startswith(f"run {done_run}: v1 → v{last}")
    assert any("sh0002" in line and "Theo laughs" in line for line in lines)
    assert (
        studio.client.get(f"{API}/runs/{done_run}/diff")
        .json()["lines"][0]
        .endswith(f'v{last - 1} → v{last}  ("{versions[-1]["note"]}")')
    )
    assert studio.client.get(f"{API}/runs/{done_run}/diff?a=1&b=99").status_code == 404
    assert studio.client.get(f"{API}/runs/{done_run}/diff?a=0").status_code == 422
    assert studio.client.get(f"{API}/runs/{done_run}/diff?a={10**30}").status_code == 422
    assert studio.client.get(f"{API}/runs/r-nope/versions").status_code == 404


def test_plan_route(studio: Studio, done_run: str) -> None:
    shown = studio.client.get(f"{API}/runs/{done_run}/plan").json()
    assert shown["version"] >= 1 and shown["plan"]["shots"]
    first = studio.client.get(f"{API}/runs/{done_run}/plan?version=1").json()
    assert first["version"] == 1
    assert studio.client.get(f"{API}/runs/{done_run}/plan?version=99").status_code == 404
    queued = post_run(studio.client).json()["id"]
    assert studio.client.get(f"{API}/runs/{queued}/plan").status_code == 404
    clear_jobs(studio, queued)


def test_the_api_speaks_the_shared_names() -> None:
    assert production.API_PREFIX == main.API_PREFIX
    assert set(production.PUBLIC_STATUS) == set(RUN_STATUSES)
    assert production.PUBLIC_STATUS["reviewing"] == "review"
    assert production.PUBLIC_STATUS["interrupted"] == "failed"


def test_a_worker_event_does_not_confuse_the_run_view(studio: Studio, done_run: str) -> None:
    with session_scope(studio.db) as session:
        add_event(session=session, run_id=done_run, kind="progress", data={"percent": 50, "eta_s": None})
    assert studio.client.get(f"{API}/runs/{done_run}").json()["status"] == "done"


def test_writes_are_committed_before_the_answer_goes_out(app: Any) -> None:
    """A client that reads right after its 202 must find the run: count the jobs the moment the
    response starts, from another session."""
    from storage import list_jobs

    seen: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b'{"brief": "A fox."}', "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            with session_scope(app.state.database) as session:
                seen.append(len(list_jobs(session=session)))

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": f"{API}/runs", "raw_path": f"{API}/runs".encode(), "query_string": b"",
        "root_path": "", "headers": [(b"content-type", b"application/json"), (b"host", b"testserver")],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    assert seen == [1]


def test_a_failed_route_rolls_back_what_it_wrote(studio: Studio, done_run: str, monkeypatch: Any) -> None:
    before = studio.client.get(f"{API}/runs/{done_run}/versions").json()

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise production.Busy("no shooting today")

    monkeypatch.setattr(production, "shoot_latest", refuse)
    answer = studio.client.post(f"{API}/runs/{done_run}/shots/sh0001/rerender")
    assert answer.status_code == 409 and answer.json() == {"detail": "no shooting today"}
    assert studio.client.get(f"{API}/runs/{done_run}/versions").json() == before

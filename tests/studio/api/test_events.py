"""GET /runs/{id}/events: RunEvent rows as Server-Sent Events, resumable by id, ending after a
terminal status or the review gate, live while a worker writes them.

Streams are read from a real uvicorn server on loopback with generous read timeouts, so a stream
that failed to end fails the test instead of hanging it; the live tests wait on received events."""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from storage import add_event, enqueue_job, session_scope
from studio.api.routes import events as events_route
from tests.studio.api.fixtures import LiveServer, live_server, new_run

__all__ = ["live_server"]

DEADLINE_S = 30.0


@dataclass
class Sse:
    id: str | None = None
    event: str | None = None
    data: str = ""
    comments: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.data)


def parse(lines: Iterator[str]) -> Iterator[Sse]:
    """SSE blocks from text lines (blank line ends a block); comment-only blocks come through too."""
    current = Sse()
    touched = False
    for line in lines:
        if line == "":
            if touched:
                yield current
            current, touched = Sse(), False
            continue
        touched = True
        if line.startswith(":"):
            current.comments.append(line[1:].strip())
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "id":
            current.id = value
        elif name == "event":
            current.event = value
        elif name == "data":
            current.data = value if not current.data else current.data + "\n" + value
    if touched:
        yield current


def write(app: FastAPI, run_id: str, kind: str, **data: Any) -> int:
    with session_scope(app.state.database) as session:
        event = add_event(session=session, run_id=run_id, kind=kind, data=data)
        assert event.id is not None
        return event.id


def stream(server: LiveServer, run_id: str, **kwargs: Any) -> list[Sse]:
    """The whole stream (it must end by itself within the deadline)."""
    url = f"{server.url}/api/v1/runs/{run_id}/events"
    with httpx.stream("GET", url, timeout=DEADLINE_S, **kwargs) as answer:
        assert answer.status_code == 200, answer.read()
        assert answer.headers["content-type"].startswith("text/event-stream")
        return [block for block in parse(answer.iter_lines()) if block.event is not None]


def test_events_are_sent_in_the_contracts_shape(app: FastAPI, live_server: LiveServer) -> None:
    run_id = new_run(app)
    first = write(app, run_id, "stage", stage="plan")
    write(app, run_id, "shot", shot_id="s1", state="done", percent=100, eta_s=None)
    last = write(app, run_id, "status", status="done")
    url = f"{live_server.url}/api/v1/runs/{run_id}/events"
    text = httpx.get(url, timeout=DEADLINE_S).text
    assert text.startswith(f'id: {first}\nevent: stage\ndata: {{"stage": "plan"}}\n\n'), text
    assert text.endswith(f'id: {last}\nevent: status\ndata: {{"status": "done"}}\n\n'), text
    blocks = [block for block in parse(iter(text.split("\n"))) if block.event]
    assert [block.event for block in blocks] == ["stage", "shot", "status"]
    assert blocks[1].json() == {"eta_s": None, "percent": 100, "shot_id": "s1", "state": "done"}


def test_stream_ends_after_the_terminal_status(app: FastAPI, live_server: LiveServer) -> None:
    """Events written after `failed` are never sent: the client was told the run is over."""
    run_id = new_run(app)
    write(app, run_id, "error", message="ffmpeg failed")
    write(app, run_id, "status", status="failed")
    write(app, run_id, "stage", stage="render")
    assert [block.event for block in stream(live_server, run_id)] == ["error", "status"]


def test_review_status_ends_the_stream(app: FastAPI, live_server: LiveServer) -> None:
    run_id = new_run(app, status="planning")
    write(app, run_id, "stage", stage="plan")
    write(app, run_id, "status", status="review")
    write(app, run_id, "status", status="rendering")
    got = stream(live_server, run_id)
    assert [block.json() for block in got][-1] == {"status": "review"}


def test_resume_with_last_event_id_or_after(app: FastAPI, live_server: LiveServer) -> None:
    run_id = new_run(app)
    ids = [write(app, run_id, "progress", percent=p, eta_s=None) for p in (10, 50, 90)]
    ids.append(write(app, run_id, "status", status="done"))
    resumed = stream(live_server, run_id, headers={"Last-Event-ID": str(ids[1])})
    assert [block.id for block in resumed] == [str(i) for i in ids[2:]]
    after = stream(live_server, run_id, params={"after": ids[0]})
    assert [block.id for block in after] == [str(i) for i in ids[1:]]
    newer_header = stream(
        live_server, run_id, params={"after": ids[0]}, headers={"Last-Event-ID": str(ids[2])}
    )
    assert [block.id for block in newer_header] == [str(ids[3])]


def test_other_runs_events_stay_out(app: FastAPI, live_server: LiveServer) -> None:
    mine, other = new_run(app), new_run(app)
    write(app, other, "stage", stage="render")
    write(app, mine, "stage", stage="edit")
    write(app, other, "status", status="done")
    write(app, mine, "status", status="done")
    assert [block.json() for block in stream(live_server, mine)] == [{"stage": "edit"}, {"status": "done"}]


def test_finished_run_replays_and_ends_at_once(app: FastAPI, client: TestClient) -> None:
    """A run that settled without a terminal event (made by the CLI, or an old run) still ends:
    the stream watches the Run row too."""
    run_id = new_run(app, status="done")
    write(app, run_id, "stage", stage="assemble")
    answer = client.get(f"/api/v1/runs/{run_id}/events")
    assert answer.status_code == 200
    assert [block.event for block in parse(iter(answer.text.split("\n")))] == ["stage"]
    silent = new_run(app, status="cancelled")
    assert client.get(f"/api/v1/runs/{silent}/events").text == ""


def test_bad_requests_are_400(app: FastAPI, client: TestClient) -> None:
    run_id = new_run(app, status="done")
    bad_header = client.get(f"/api/v1/runs/{run_id}/events", headers={"Last-Event-ID": "seven"})
    assert bad_header.status_code == 400
    assert bad_header.json()["detail"].startswith("Last-Event-ID='seven'")
    missing = client.get("/api/v1/runs/r-nope/events")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "run='r-nope': no such run"}
    assert client.get(f"/api/v1/runs/{run_id}/events", params={"after": -1}).status_code == 422


class Reader(threading.Thread):
    """Reads a stream in the background and hands over each block as it arrives; None at the end."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(daemon=True)
        self.url, self.headers = url, headers or {}
        self.blocks: queue.Queue[Sse | BaseException | None] = queue.Queue()

    def run(self) -> None:
        try:
            with httpx.stream("GET", self.url, headers=self.headers, timeout=DEADLINE_S) as answer:
                for block in parse(answer.iter_lines()):
                    self.blocks.put(block)
        except BaseException as exc:
            self.blocks.put(exc)
        self.blocks.put(None)

    def next(self, *, events_only: bool = True) -> Sse | None:
        while True:
            got = self.blocks.get(timeout=DEADLINE_S)
            if isinstance(got, BaseException):
                raise got
            if got is None or not events_only or got.event is not None:
                return got


def test_live_events_arrive_while_the_worker_writes(app: FastAPI, live_server: LiveServer) -> None:
    """A writer thread adds each event only after the client received the previous one, so the
    stream is proven live (not replayed), and it closes after the final status."""
    run_id = new_run(app, status="rendering")
    reader = Reader(f"{live_server.url}/api/v1/runs/{run_id}/events")
    reader.start()
    script: list[tuple[str, dict[str, Any]]] = [
        ("stage", {"stage": "render"}),
        ("shot", {"shot_id": "s1", "state": "rendering", "percent": 40, "eta_s": 2.5}),
        ("progress", {"percent": 80, "eta_s": 1.0}),
        ("film", {"version": 1}),
        ("status", {"status": "done"}),
    ]
    received: list[Sse] = []
    written: list[int] = []
    for kind, data in script:
        writer = threading.Thread(target=lambda k=kind, d=data: written.append(write(app, run_id, k, **d)))
        writer.start()
        writer.join(timeout=DEADLINE_S)
        block = reader.next()
        assert block is not None, f"stream ended before {kind}"
        received.append(block)
    assert reader.next() is None  # closed by the server after `done`
    reader.join(timeout=DEADLINE_S)
    assert [(block.event, block.json()) for block in received] == script
    assert [block.id for block in received] == [str(i) for i in written]


def test_reconnect_resumes_where_it_stopped(app: FastAPI, live_server: LiveServer) -> None:
    """A client that drops after two events reconnects with Last-Event-ID and gets the rest once."""
    run_id = new_run(app, status="rendering")
    url = f"{live_server.url}/api/v1/runs/{run_id}/events"
    first = [write(app, run_id, "progress", percent=p, eta_s=None) for p in (10, 20)]
    seen: list[str] = []
    with httpx.stream("GET", url, timeout=DEADLINE_S) as answer:
        for block in parse(answer.iter_lines()):
            if block.event:
                seen.append(block.id or "")
            if len(seen) == len(first):
                break  # the connection drops here
    later = [
        write(app, run_id, "progress", percent=30, eta_s=None),
        write(app, run_id, "status", status="done"),
    ]
    rest = stream(live_server, run_id, headers={"Last-Event-ID": seen[-1]})
    assert seen == [str(i) for i in first]
    assert [block.id for block in rest] == [str(i) for i in later]


def test_open_job_keeps_a_reviewing_run_streaming(app: FastAPI, live_server: LiveServer) -> None:
    """Just approved: the row still says reviewing but a job is queued, so the stream waits for the
    worker's events instead of ending at once."""
    run_id = new_run(app, status="reviewing")
    with session_scope(app.state.database) as session:
        enqueue_job(session=session, run_id=run_id, kind="make")
    reader = Reader(f"{live_server.url}/api/v1/runs/{run_id}/events")
    reader.start()
    write(app, run_id, "status", status="rendering")
    got = reader.next()
    assert got is not None and got.json() == {"status": "rendering"}
    write(app, run_id, "status", status="done")
    got = reader.next()
    assert got is not None and got.json() == {"status": "done"}
    assert reader.next() is None


def test_keep_alive_comments(app: FastAPI, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events_route, "PING_S", 0.05)
    run_id = new_run(app, status="rendering")
    reader = Reader(f"{live_server.url}/api/v1/runs/{run_id}/events")
    reader.start()
    ping = reader.next(events_only=False)
    assert ping is not None and ping.event is None and ping.comments and ping.comments[0].startswith("ping")
    write(app, run_id, "status", status="cancelled")
    last = reader.next()
    assert last is not None and last.json() == {"status": "cancelled"}
    assert reader.next() is None

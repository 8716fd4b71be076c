"""The token check: Bearer header or the login cookie, compared in constant time; /health and the
login stay open; with no token the API is open (a loopback-only studio)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from studio.api.main import create_app
from studio.settings import Settings
from tests.studio.api.fixtures import new_run

TOKEN = "correct-horse-battery-staple"
OPEN_PATHS = {"/api/v1/health", "/api/v1/login", "/api/v1/logout"}


@pytest.fixture
def closed_app(settings: Settings) -> FastAPI:
    return create_app(settings, token=TOKEN)


@pytest.fixture
def client(closed_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(closed_app) as client:
        yield client


@pytest.fixture
def events_url(closed_app: FastAPI) -> str:
    """A route that answers 200 once through the door (a finished run's event stream)."""
    return f"/api/v1/runs/{new_run(closed_app, status='done')}/events"


def test_health_and_pages_are_open(client: TestClient) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    assert client.get("/").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_no_token_is_401(client: TestClient, events_url: str) -> None:
    answer = client.get(events_url)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    detail = answer.json()["detail"]
    assert detail.startswith("token='<hidden>': missing;") and "\n" not in detail


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Bearer {TOKEN[:-1]}"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer caf\u00e9".encode()},
        {"Cookie": "storyreel_token=wrong"},
    ],
)
def test_wrong_token_is_401(client: TestClient, events_url: str, headers: dict[str, str | bytes]) -> None:
    answer = client.get(events_url, headers=headers)
    assert answer.status_code == 401
    assert answer.json()["detail"].startswith("token='<hidden>': ")
    assert TOKEN not in answer.text


def test_bearer_token_passes(client: TestClient, events_url: str) -> None:
    answer = client.get(events_url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/event-stream")


def test_login_sets_a_cookie_that_then_works(client: TestClient, events_url: str) -> None:
    wrong = client.post("/api/v1/login", data={"token": "guess"})
    assert wrong.status_code == 401
    assert "set-cookie" not in wrong.headers
    login = client.post("/api/v1/login", data={"token": TOKEN})
    assert login.status_code == 200 and login.json() == {"status": "ok"}
    cookie = login.headers["set-cookie"]
    assert cookie.startswith(f"storyreel_token={TOKEN};")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert client.get(events_url).status_code == 200  # the client's jar sends the cookie
    client.get("/api/v1/logout")
    assert client.get(events_url).status_code == 401


def test_login_without_the_field_is_a_detail(client: TestClient) -> None:
    answer = client.post("/api/v1/login", data={})
    assert answer.status_code == 422
    assert "detail" in answer.json()


def test_every_api_route_but_the_open_ones_needs_the_token(client: TestClient) -> None:
    """Walks the OpenAPI schema, so a router added later without the token check fails here."""
    schema = client.get("/openapi.json").json()
    checked = 0
    for path, methods in schema["paths"].items():
        if path in OPEN_PATHS:
            continue
        url = path.replace("{", "").replace("}", "")  # every path parameter becomes its own name
        for method in methods:
            answer = client.request(method.upper(), url)
            assert answer.status_code == 401, (method, path, answer.text)
            checked += 1
    assert checked >= 5


def test_without_a_token_everything_is_open(settings: Settings) -> None:
    app = create_app(settings)
    run_id = new_run(app, status="done")
    with TestClient(app) as client:
        assert client.get(f"/api/v1/runs/{run_id}/events").status_code == 200
        assert client.post("/api/v1/login", data={"token": "anything"}).json() == {"status": "open"}


def test_an_empty_token_means_open(settings: Settings) -> None:
    app = create_app(settings, token="")
    run_id = new_run(app, status="done")
    with TestClient(app) as client:
        assert client.get(f"/api/v1/runs/{run_id}/events").status_code == 200

"""The app as a whole: the OpenAPI schema, every route under /api/v1, errors as one-line
`{"detail"}` 4xx answers (never a 500), and the web studio's pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from film import BadInput, StoryreelError
from studio.api.main import API_PREFIX, create_app
from studio.api.web import PLACEHOLDER, mount_web
from studio.settings import Settings

MINE = {
    "/api/v1/health",
    "/api/v1/login",
    "/api/v1/logout",
    "/api/v1/runs/{run_id}/film",
    "/api/v1/runs/{run_id}/exports/{name}",
    "/api/v1/runs/{run_id}/events",
    "/api/v1/runs/{run_id}/files/{path}",
    "/api/v1/uploads",
}


def test_openapi_is_served(client: TestClient) -> None:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200
    schema = answer.json()
    assert schema["info"]["title"] == "storyreel"
    assert set(schema["paths"]) >= MINE
    assert client.get("/docs").status_code == 200


def test_every_route_is_under_the_prefix(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths and all(path.startswith(f"{API_PREFIX}/") for path in paths), sorted(paths)


def test_errors_are_one_line_details(app: FastAPI) -> None:
    @app.get(f"{API_PREFIX}/test-bad-input")
    def bad_input() -> None:
        raise BadInput("seed", -1, "must be between 0 and 4294967295")

    @app.get(f"{API_PREFIX}/test-conflict")
    def conflict() -> None:
        raise StoryreelError("run r-1 is busy (rendering); wait or cancel it")

    with TestClient(app) as client:
        for url, status in [
            (f"{API_PREFIX}/test-bad-input", 400),
            (f"{API_PREFIX}/test-conflict", 409),
            (f"{API_PREFIX}/no-such-route", 404),
            ("/no-such-page", 404),
        ]:
            answer = client.get(url)
            assert answer.status_code == status, (url, answer.text)
            detail = answer.json()["detail"]
            assert isinstance(detail, str) and detail and "\n" not in detail
        assert client.get(f"{API_PREFIX}/test-bad-input").json() == {
            "detail": "seed=-1: must be between 0 and 4294967295"
        }
        wrong_method = client.delete(f"{API_PREFIX}/health")
        assert wrong_method.status_code == 405 and wrong_method.json() == {"detail": "Method Not Allowed"}


def test_no_route_answers_500_to_junk(settings: Settings) -> None:
    """Every route in the schema, with made-up ids and no body: a 4xx (or a 2xx), never a 500."""
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        for path, methods in client.get("/openapi.json").json()["paths"].items():
            url = path.replace("{", "x-").replace("}", "")
            for method in methods:
                for params in ({}, {"version": "x"}, {"version": "-1"}, {"after": "x"}):
                    answer = client.request(method.upper(), url, params=params, headers={"Range": "bytes=x"})
                    assert answer.status_code < 500, (method, url, params, answer.text)
                    if answer.status_code >= 400:
                        assert "detail" in answer.json()


def test_web_placeholder_when_the_studio_files_are_missing(tmp_path: Path) -> None:
    app = FastAPI()
    mount_web(app, tmp_path / "web")
    with TestClient(app) as client:
        page = client.get("/")
        assert page.status_code == 200 and page.text == PLACEHOLDER
        missing = client.get("/static/app.js")
        assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}


def test_web_studio_files_are_served(tmp_path: Path) -> None:
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<!doctype html><title>studio</title>")
    (web / "app.js").write_text("export const x = 1;\n")
    app = FastAPI()
    mount_web(app, web)
    with TestClient(app) as client:
        page = client.get("/")
        assert page.status_code == 200 and "<title>studio</title>" in page.text
        assert page.headers["content-type"].startswith("text/html")
        script = client.get("/static/app.js")
        assert script.status_code == 200 and script.text == "export const x = 1;\n"
        assert "javascript" in script.headers["content-type"]
        assert client.get("/static/nope.js").status_code == 404


def test_the_app_serves_the_web_studio_at_root(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")

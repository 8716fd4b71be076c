"""Projects: create, list, open one with its runs; runs filed under a project."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"


def new_project(client: TestClient, name: str) -> dict[str, Any]:
    answer = client.post(f"{API}/projects", json={"name": name})
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_create_list_and_open_projects(client: TestClient) -> None:
    assert client.get(f"{API}/projects").json() == []
    first = new_project(client, "  Lighthouse short ")
    assert set(first) == {"id", "name", "created_at"} and first["name"] == "Lighthouse short"
    second = new_project(client, "Harbour ads")
    assert [p["id"] for p in client.get(f"{API}/projects").json()] == [second["id"], first["id"]]
    assert [p["id"] for p in client.get(f"{API}/projects?limit=1").json()] == [second["id"]]
    opened = client.get(f"{API}/projects/{first['id']}").json()
    assert opened == {**first, "runs": []}


def test_runs_filed_under_a_project(client: TestClient) -> None:
    project = new_project(client, "Lighthouse short")
    other = new_project(client, "Other")
    filed = [
        client.post(f"{API}/runs", json={"brief": f"Take {n}.", "project_id": project["id"]}).json()
        for n in range(2)
    ]
    loose = client.post(f"{API}/runs", json={"brief": "Loose."}).json()
    assert {run["project_id"] for run in filed} == {project["id"]} and loose["project_id"] is None
    opened = client.get(f"{API}/projects/{project['id']}").json()
    assert [run["id"] for run in opened["runs"]] == [filed[1]["id"], filed[0]["id"]]
    assert opened["runs"][0] == client.get(f"{API}/runs/{filed[1]['id']}").json()
    listed = client.get(f"{API}/runs", params={"project_id": project["id"]}).json()
    assert [run["id"] for run in listed] == [filed[1]["id"], filed[0]["id"]]
    assert client.get(f"{API}/runs", params={"project_id": other["id"]}).json() == []
    assert len(client.get(f"{API}/runs").json()) == 3


@pytest.mark.parametrize(
    ("name", "why"), [("", "is empty"), ("   ", "is empty"), ("x" * 201, "limit is 200")]
)
def test_bad_names_are_400(client: TestClient, name: str, why: str) -> None:
    answer = client.post(f"{API}/projects", json={"name": name})
    assert answer.status_code == 400 and answer.json()["detail"].startswith("name=")
    assert why in answer.json()["detail"]
    assert client.get(f"{API}/projects").json() == []


@pytest.mark.parametrize("body", [{}, {"name": None}, {"name": 3}, {"name": "x", "extra": 1}, ["x"]])
def test_wrong_shapes_are_422(client: TestClient, body: Any) -> None:
    assert client.post(f"{API}/projects", json=body).status_code == 422


def test_unknown_project_is_404(client: TestClient) -> None:
    answer = client.get(f"{API}/projects/p-nope")
    assert answer.status_code == 404 and answer.json() == {"detail": "project='p-nope': no such project"}
    assert client.get(f"{API}/projects?limit=0").status_code == 422

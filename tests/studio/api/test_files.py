"""GET /runs/{id}/files/{path}: anything inside the run's folder, nothing outside it, whichever
way the path tries to leave (`..`, an absolute path, a symlink out)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from studio.api.main import create_app
from tests.studio.api.fixtures import FinishedRun, finished_run, new_run

__all__ = ["finished_run"]


@pytest.fixture(scope="module")
def client(finished_run: FinishedRun) -> Iterator[TestClient]:
    with TestClient(create_app(finished_run.settings)) as client:
        yield client


@pytest.fixture
def run_folder(client: TestClient, tmp_path: Path) -> tuple[str, Path]:
    """A run whose folder holds a still, a symlink inside it and a symlink out to a secret."""
    folder = tmp_path / "run"
    (folder / "stills").mkdir(parents=True)
    (folder / "stills" / "s1.png").write_bytes(b"\x89PNG\r\n\x1a\nstill")
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    os.symlink(secret, folder / "leak.txt")
    os.symlink(tmp_path, folder / "up")
    os.symlink(folder / "stills" / "s1.png", folder / "poster.png")
    return new_run(client.app, status="done", out_dir=folder), folder  # type: ignore[arg-type]


def files_url(run_id: str, path: str) -> str:
    return f"/api/v1/runs/{run_id}/files/{path}"


def test_a_file_of_a_finished_run(client: TestClient, finished_run: FinishedRun) -> None:
    answer = client.get(files_url(finished_run.run_id, "timeline.json"))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.content == (finished_run.out_dir / "timeline.json").read_bytes()


def test_files_answer_ranges(client: TestClient, finished_run: FinishedRun) -> None:
    data = finished_run.film.read_bytes()
    answer = client.get(files_url(finished_run.run_id, "film.mp4"), headers={"Range": "bytes=100-199"})
    assert answer.status_code == 206
    assert answer.content == data[100:200]


def test_nested_file_and_symlink_inside(client: TestClient, run_folder: tuple[str, Path]) -> None:
    run_id, folder = run_folder
    still = client.get(files_url(run_id, "stills/s1.png"))
    assert still.status_code == 200
    assert still.headers["content-type"] == "image/png"
    assert still.content == (folder / "stills" / "s1.png").read_bytes()
    assert client.get(files_url(run_id, "poster.png")).content == still.content


@pytest.mark.parametrize(
    "path",
    [
        "..%2Fsecret.txt",
        "%2E%2E/secret.txt",
        "stills/..%2F..%2Fsecret.txt",
        "stills%2F..%2F..%2Fsecret.txt",
        "%2Fetc%2Fpasswd",
        "/etc/passwd",
        "leak.txt",
        "up/secret.txt",
        "C:%5Cwindows%5Cwin.ini",
    ],
)
def test_paths_out_of_the_folder_are_400(client: TestClient, run_folder: tuple[str, Path], path: str) -> None:
    run_id, _ = run_folder
    answer = client.get(files_url(run_id, path))
    assert answer.status_code == 400, (path, answer.text)
    detail = answer.json()["detail"]
    assert detail.startswith("path=") and "run's folder" in detail
    assert "not yours" not in answer.text


def test_missing_file_and_folder_are_404(client: TestClient, run_folder: tuple[str, Path]) -> None:
    run_id, _ = run_folder
    for path in ("stills/s9.png", "stills"):
        answer = client.get(files_url(run_id, path))
        assert answer.status_code == 404
        assert "no such file" in answer.json()["detail"]


def test_unknown_run(client: TestClient) -> None:
    answer = client.get(files_url("r-missing", "film.mp4"))
    assert answer.status_code == 404
    assert answer.json() == {"detail": "run='r-missing': no such run"}

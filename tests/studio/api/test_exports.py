"""GET /runs/{id}/film and /exports/{name} on a real finished run: Range requests as a browser's
<video> sends them, the side files with their media types, versions and 404s."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from storage import get_plan_version, latest_plan_version, session_scope
from studio.api.main import create_app
from tests.studio.api.fixtures import FinishedRun, finished_run, new_run

__all__ = ["finished_run"]


@pytest.fixture(scope="module")
def client(finished_run: FinishedRun) -> Iterator[TestClient]:
    with TestClient(create_app(finished_run.settings)) as client:
        yield client


def film_url(run: FinishedRun) -> str:
    return f"/api/v1/runs/{run.run_id}/film"


def test_whole_film_plays_inline(client: TestClient, finished_run: FinishedRun) -> None:
    answer = client.get(film_url(finished_run))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "video/mp4"
    assert answer.headers["accept-ranges"] == "bytes"
    assert answer.headers["content-disposition"].startswith("inline")
    assert answer.content == finished_run.film.read_bytes()


def test_range_gives_206_with_exact_bytes(client: TestClient, finished_run: FinishedRun) -> None:
    data = finished_run.film.read_bytes()
    answer = client.get(film_url(finished_run), headers={"Range": "bytes=0-99"})
    assert answer.status_code == 206
    assert answer.headers["content-range"] == f"bytes 0-99/{len(data)}"
    assert answer.headers["content-length"] == "100"
    assert answer.content == data[:100]


def test_open_ended_and_suffix_ranges(client: TestClient, finished_run: FinishedRun) -> None:
    data = finished_run.film.read_bytes()
    size = len(data)
    tail = client.get(film_url(finished_run), headers={"Range": f"bytes={size - 500}-"})
    assert tail.status_code == 206
    assert tail.headers["content-range"] == f"bytes {size - 500}-{size - 1}/{size}"
    assert tail.content == data[-500:]
    last = client.get(film_url(finished_run), headers={"Range": "bytes=-64"})
    assert last.status_code == 206
    assert last.content == data[-64:]
    past_end = client.get(film_url(finished_run), headers={"Range": f"bytes=10-{size * 2}"})
    assert past_end.status_code == 206  # an end past the file is clipped to it
    assert past_end.content == data[10:]


def test_range_past_the_end_is_416(client: TestClient, finished_run: FinishedRun) -> None:
    size = finished_run.film.stat().st_size
    answer = client.get(film_url(finished_run), headers={"Range": f"bytes={size}-"})
    assert answer.status_code == 416
    assert answer.headers["content-range"] == f"bytes */{size}"
    assert "Range=" in answer.json()["detail"]


def test_malformed_range_is_400_detail(client: TestClient, finished_run: FinishedRun) -> None:
    answer = client.get(film_url(finished_run), headers={"Range": "frames=0-10"})
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("Range=")


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("film.mp4", "video/mp4"),
        ("film.srt", "application/x-subrip"),
        ("film.vtt", "text/vtt"),
        ("film.otio", "application/json"),
        ("sheet.png", "image/png"),
        ("plan.json", "application/json"),
    ],
)
def test_exports_have_media_types(
    client: TestClient, finished_run: FinishedRun, name: str, media_type: str
) -> None:
    answer = client.get(f"/api/v1/runs/{finished_run.run_id}/exports/{name}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert name in answer.headers["content-disposition"]
    on_disk = "contact-sheet.png" if name == "sheet.png" else name
    assert answer.content == (finished_run.out_dir / on_disk).read_bytes()


def test_exported_plan_is_the_films_plan(client: TestClient, finished_run: FinishedRun) -> None:
    plan = client.get(f"/api/v1/runs/{finished_run.run_id}/exports/plan.json").json()
    assert plan["shots"], plan


def test_ranges_work_on_exports_too(client: TestClient, finished_run: FinishedRun) -> None:
    data = (finished_run.out_dir / "plan.json").read_bytes()
    answer = client.get(
        f"/api/v1/runs/{finished_run.run_id}/exports/plan.json", headers={"Range": "bytes=0-9"}
    )
    assert answer.status_code == 206
    assert answer.content == data[:10]


def test_unknown_export_name_is_400(client: TestClient, finished_run: FinishedRun) -> None:
    answer = client.get(f"/api/v1/runs/{finished_run.run_id}/exports/passwd")
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("name='passwd': unknown export")


def test_version_query(client: TestClient, finished_run: FinishedRun) -> None:
    one = client.get(film_url(finished_run), params={"version": 1})
    assert one.status_code == 200
    assert one.content == finished_run.film.read_bytes()
    missing = client.get(film_url(finished_run), params={"version": 9})
    assert missing.status_code == 404
    assert "version=9" in missing.json()["detail"]
    assert client.get(film_url(finished_run), params={"version": 0}).status_code == 422


def test_a_later_version_is_served_from_its_folder(client: TestClient, finished_run: FinishedRun) -> None:
    """Version N's film lives in out_dir/vN/; the newest version with a film is the default."""
    engine = client.app.state.database  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        first = get_plan_version(session=session, run_id=finished_run.run_id, version=1)
        plan = first.film_plan()
    revised = plan.model_copy(update={"title": plan.title + " (recut)"})
    folder = finished_run.out_dir / "v2"
    folder.mkdir(exist_ok=True)
    for name in ("film.mp4", "film.srt"):
        shutil.copyfile(finished_run.out_dir / name, folder / name)
    with (folder / "film.mp4").open("ab") as film:
        film.write(b"v2")  # the two films differ
    from storage import save_plan_version, set_plan_film

    with session_scope(engine) as session:
        saved = save_plan_version(session=session, run_id=finished_run.run_id, plan=revised, note="recut")
        assert saved.version == 2
        set_plan_film(
            session=session,
            run_id=finished_run.run_id,
            plan_hash=revised.spec_hash(),
            film_path=str(folder / "film.mp4"),
        )
    try:
        latest = client.get(film_url(finished_run))
        assert latest.content == (folder / "film.mp4").read_bytes()
        assert "-v2-" in latest.headers["content-disposition"]
        assert (
            client.get(film_url(finished_run), params={"version": 1}).content
            == finished_run.film.read_bytes()
        )
        no_sheet = client.get(f"/api/v1/runs/{finished_run.run_id}/exports/sheet.png", params={"version": 2})
        assert no_sheet.status_code == 404
        assert "version 2" in no_sheet.json()["detail"]
    finally:
        with session_scope(engine) as session:
            version = latest_plan_version(session=session, run_id=finished_run.run_id)
            assert version is not None and version.version == 2
            version.film_path = None  # later tests see version 1 as the newest film again
            session.add(version)


def test_no_film_yet_is_404(client: TestClient) -> None:
    run_id = new_run(client.app, status="rendering")  # type: ignore[arg-type]
    answer = client.get(f"/api/v1/runs/{run_id}/film")
    assert answer.status_code == 404
    assert "no finished film yet" in answer.json()["detail"]
    assert client.get(f"/api/v1/runs/{run_id}/exports/film.vtt").status_code == 404


def test_unknown_run_is_a_detail(client: TestClient) -> None:
    answer = client.get("/api/v1/runs/r-nope/film")
    assert answer.status_code == 404
    assert json.loads(answer.text) == {"detail": "run='r-nope': no such run"}

"""The youtube adapter against a YouTube-shaped loopback receiver: the videos.insert request,
the upload and its resume."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from film.disclosure import AI_LABEL
from studio.publish import (
    PublishFailure,
    YouTubeConfig,
    publisher,
)
from studio.publish.youtube import YouTubePublisher, insert_request
from tests.studio.publish.loopback import Answer, Receiver, Seen, Sleeps, answers, make_release

# --- youtube ---------------------------------------------------------------------------------


def youtube_script(server: Receiver, *, video_id: str = "vid123", broken_puts: int = 0) -> Any:
    """A YouTube-shaped receiver: POST opens a session; the first `broken_puts` uploads fail with
    503 after half the bytes are 'kept'; a status query answers 308 with what is held."""
    held = {"bytes": b""}
    puts = {"n": 0}

    def script(seen: Seen, _index: int) -> Answer:
        if seen.method == "POST":
            return Answer(200, {"Location": f"{server.url}/upload/session/abc"})
        if seen.headers.get("content-range", "").startswith("bytes */"):
            return Answer(308, {"Range": f"bytes=0-{len(held['bytes']) - 1}"} if held["bytes"] else {})
        puts["n"] += 1
        if puts["n"] <= broken_puts:
            held["bytes"] = seen.body[: len(seen.body) // 2]
            return Answer(503)
        held["bytes"] += seen.body
        return Answer(200, body=json.dumps({"id": video_id, "kind": "youtube#video"}).encode())

    return script, held


def test_youtube_request_shape_upload_and_id(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer()))
    server.script, held = youtube_script(server)
    release = make_release(tmp_path, privacy="public")
    tube = YouTubePublisher("tok-123", base_url=server.url, sleep=Sleeps())
    receipt = tube.publish(release)
    assert receipt.adapter == "youtube" and receipt.where == "vid123" and receipt.attempts == 2
    assert receipt.idempotency_key == release.idempotency_key
    start, upload = server.seen
    assert start.method == "POST" and start.path == "/upload/youtube/v3/videos"
    assert start.query == {"uploadType": ["resumable"], "part": ["snippet,status"]}
    assert start.headers["authorization"] == "Bearer tok-123"
    assert start.headers["x-upload-content-type"] == "video/mp4"
    assert start.headers["x-upload-content-length"] == str(release.film.stat().st_size)
    body = start.json()
    assert body["status"] == {
        "privacyStatus": "public",
        "containsSyntheticMedia": True,
        "selfDeclaredMadeForKids": False,
    }
    snippet = body["snippet"]
    assert snippet["title"] == "The Last Platform" and snippet["tags"] == ["trains", "night"]
    assert snippet["categoryId"] == "1" and snippet["defaultLanguage"] == "en"
    assert snippet["description"].splitlines()[0] == AI_LABEL
    assert upload.method == "PUT" and upload.path == "/upload/session/abc"
    assert upload.headers["authorization"] == "Bearer tok-123"
    assert upload.headers["content-type"] == "video/mp4"
    assert upload.body == release.film.read_bytes() == held["bytes"]
    assert (
        upload.headers["content-length"] == str(len(upload.body))
        and "transfer-encoding" not in upload.headers
    )
    assert any("c2pa" in note for note in receipt.notes)


def test_youtube_resumes_a_broken_upload(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer()))
    server.script, held = youtube_script(server, broken_puts=1)
    release = make_release(tmp_path)
    sleeps = Sleeps()
    receipt = YouTubePublisher("tok", base_url=server.url, sleep=sleeps).publish(release)
    assert receipt.where == "vid123" and len(sleeps) == 1
    methods = [(s.method, s.headers.get("content-range")) for s in server.seen]
    size = release.film.stat().st_size
    half = size // 2
    assert methods == [
        ("POST", None), ("PUT", None), ("PUT", f"bytes */{size}"), ("PUT", f"bytes {half}-{size - 1}/{size}"),
    ]  # fmt: skip
    assert held["bytes"] == release.film.read_bytes()


def test_youtube_fits_title_and_description(tmp_path: Path) -> None:
    release = make_release(
        tmp_path, title="<b>" + "Long " * 40, description=f"{AI_LABEL}\n" + "é" * 4000 + " <script>"
    )
    request = insert_request(release, token="t")
    snippet = request.body["snippet"]
    assert len(snippet["title"]) == 100 and "<" not in snippet["title"] and ">" not in snippet["title"]
    description = snippet["description"]
    assert len(description.encode("utf-8")) <= 5000 and "<" not in description
    assert description.splitlines()[0] == AI_LABEL and description.count(AI_LABEL) == 1
    assert any(n.startswith("title: cut") for n in request.notes)
    assert any(n.startswith("description: cut") for n in request.notes)
    assert any("replaced <" in n for n in request.notes)


def test_youtube_receipts_make_republish_a_noop(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer()))
    server.script, _ = youtube_script(server)
    config = YouTubeConfig(token=SecretStr("tok"), base_url=server.url, receipts=tmp_path / "receipts")
    tube = publisher(config, sleep=Sleeps())
    first = tube.publish(make_release(tmp_path))
    again = tube.publish(make_release(tmp_path))
    assert again == first and len(server.seen) == 2


def test_youtube_refuses_a_session_on_another_host(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer(200, {"Location": "http://elsewhere.example/upload"})))
    with pytest.raises(PublishFailure, match="no upload session"):
        YouTubePublisher("tok", base_url=server.url, sleep=Sleeps()).publish(make_release(tmp_path))
    assert [s.method for s in server.seen] == ["POST"]


def test_youtube_401_is_not_retried(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer(401, body=b'{"error": {"message": "Invalid Credentials"}}')))
    with pytest.raises(PublishFailure, match=r"401 Unauthorized.*Invalid Credentials"):
        YouTubePublisher("tok", base_url=server.url, sleep=Sleeps()).publish(make_release(tmp_path))
    assert len(server.seen) == 1

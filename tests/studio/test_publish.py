"""Publish adapters against real files and a real loopback HTTP receiver.

The receiver (`http.server` on 127.0.0.1, port 0) records every request whole and answers from a
script, so the faults a real webhook or YouTube would give (503, 429 with Retry-After, 400, a
broken upload) happen on demand. Retries wait through an injected recorder, never a real sleep.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr, ValidationError

from film import BadInput
from film.disclosure import AI_LABEL
from studio.publish import (
    FolderConfig,
    PublishFailure,
    Receipt,
    Release,
    WebhookConfig,
    YouTubeConfig,
    episode_id,
    parse_config,
    publisher,
)
from studio.publish.folder import FolderPublisher
from studio.publish.webhook import WebhookPublisher, verify_signature
from studio.publish.youtube import YouTubePublisher, insert_request

SECRET = "a-shared-secret-of-some-length"
SLOT = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)


# --- the loopback receiver -------------------------------------------------------------------


@dataclass
class Seen:
    """One request as the receiver got it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"{}"


class Receiver:
    """Records requests; `script(seen, index)` picks each answer."""

    def __init__(self, script: Callable[[Seen, int], Answer]) -> None:
        self.script = script
        self.seen: list[Seen] = []
        self.url = ""
        self._lock = threading.Lock()

    def answer(self, seen: Seen) -> Answer:
        with self._lock:
            self.seen.append(seen)
            return self.script(seen, len(self.seen) - 1)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read `receiver.seen`."""

        def _body(self) -> bytes:
            if self.headers.get("transfer-encoding", "").lower() == "chunked":
                data = b""
                while size := int(self.rfile.readline().strip() or b"0", 16):
                    data += self.rfile.read(size)
                    self.rfile.readline()
                self.rfile.readline()
                return data
            return self.rfile.read(int(self.headers.get("content-length", 0)))

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            seen = Seen(
                self.command, parts.path, parse_qs(parts.query),
                {k.lower(): v for k, v in self.headers.items()}, self._body(),
            )  # fmt: skip
            reply = receiver.answer(seen)
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_POST = do_PUT = _serve

    return Handler


@pytest.fixture
def receiver() -> Iterator[Callable[[Callable[[Seen, int], Answer]], Receiver]]:
    servers: list[ThreadingHTTPServer] = []

    def start(script: Callable[[Seen, int], Answer]) -> Receiver:
        state = Receiver(script)
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
        httpd.daemon_threads = True
        state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(httpd)
        return state

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def answers(*replies: Answer) -> Callable[[Seen, int], Answer]:
    """Answer in order; the last one repeats."""
    return lambda _seen, index: replies[min(index, len(replies) - 1)]


# --- releases --------------------------------------------------------------------------------


def make_release(
    tmp_path: Path, *, series: str = "Night Trains", film_bytes: bytes = b"", **extra: Any
) -> Release:
    folder = tmp_path / "run"
    folder.mkdir(parents=True, exist_ok=True)
    film = folder / "film.mp4"
    film.write_bytes(film_bytes or b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    (folder / "film.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n", encoding="utf-8")
    (folder / "film.c2pa.json").write_text('{"label": "AI-generated"}\n', encoding="utf-8")
    (folder / "plan.json").write_text('{"title": "x"}\n', encoding="utf-8")
    fields: dict[str, Any] = {
        "series": series, "episode_id": episode_id(series, SLOT), "slot": SLOT, "title": "The Last Platform",
        "description": "Episode 4: the night porter finds a ticket.", "film": film,
        "sidecars": [folder / "film.srt", folder / "film.c2pa.json", folder / "plan.json"],
        "language": "en", "tags": ["trains", "night"], "privacy": "unlisted",
    }  # fmt: skip
    fields.update(extra)
    return Release(**fields)


class Sleeps(list[float]):
    """An injected `sleep` that records the waits."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def test_release_key_is_stable_content_hash(tmp_path: Path) -> None:
    one = make_release(tmp_path)
    again = make_release(tmp_path)
    assert one.idempotency_key == again.idempotency_key and len(one.idempotency_key) == 64
    assert one.episode_id == "Night Trains@2026-12-03T14:30:00Z"
    other = make_release(tmp_path / "b", film_bytes=b"different film")
    assert other.idempotency_key != one.idempotency_key
    local = make_release(tmp_path / "c", slot=SLOT.astimezone(timezone(timedelta(hours=2))))
    assert local.slot == SLOT and local.slot.tzinfo == UTC


def test_release_refuses_naive_slot_and_missing_manifest(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="slot"):
        make_release(tmp_path, slot=datetime(2026, 12, 3, 14, 30))
    with pytest.raises(BadInput, match=r"no C2PA manifest.*film\.c2pa\.json"):
        make_release(tmp_path, sidecars=[])
    signed = make_release(tmp_path, sidecars=[], c2pa_signed=True)
    assert signed.c2pa == "signed in file"
    with pytest.raises(ValidationError, match="ai_label"):
        make_release(tmp_path, ai_label="  ")


# --- config ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"kind": "webhook", "url": "ftp://x", "secret": SECRET}, "publish.url='ftp://x': must be an http"),
        ({"kind": "webhook", "url": "http://x", "secret": SECRET, "attempts": 0}, "publish.attempts=0:"),
        ({"kind": "fax", "root": "/tmp"}, "publish.kind='fax':"),
        ({"kind": "folder", "root": "/tmp", "colour": "red"}, "publish.colour='red': not a field"),
        ({"kind": "youtube"}, "publish.token="),
    ],
)
def test_bad_config_is_one_error_naming_field_and_value(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_config(raw)
    assert str(caught.value).startswith(message), str(caught.value)


def test_bad_secret_is_named_but_never_echoed() -> None:
    with pytest.raises(BadInput, match=r"publish\.secret='\*+': must be at least 16") as caught:
        parse_config({"kind": "webhook", "url": "http://x", "secret": "short-secret"})
    assert "short-secret" not in str(caught.value)


def test_factory_builds_each_kind(tmp_path: Path) -> None:
    assert isinstance(publisher({"kind": "folder", "root": str(tmp_path)}), FolderPublisher)
    hook = publisher(WebhookConfig(url="http://127.0.0.1:9/h", secret=SecretStr(SECRET)))
    assert isinstance(hook, WebhookPublisher)
    assert isinstance(publisher(YouTubeConfig(token=SecretStr("t"))), YouTubePublisher)
    assert isinstance(publisher(FolderConfig(root=tmp_path)), FolderPublisher)


# --- folder ----------------------------------------------------------------------------------


def test_folder_layout_and_release_json(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    receipt = FolderPublisher(tmp_path / "site").publish(release)
    dest = tmp_path / "site" / "night-trains" / "2026" / "12" / "03" / "1430-the-last-platform"
    assert receipt == Receipt("folder", str(dest), 1, release.idempotency_key)
    assert sorted(p.name for p in dest.iterdir()) == [
        "film.c2pa.json", "film.mp4", "film.srt", "plan.json", "release.json",
    ]  # fmt: skip
    assert (dest / "film.mp4").read_bytes() == release.film.read_bytes()
    meta = json.loads((dest / "release.json").read_text(encoding="utf-8"))
    assert meta["ai_label"] == AI_LABEL and meta["c2pa"] == "film.c2pa.json"
    assert meta["idempotency_key"] == release.idempotency_key
    assert meta["episode_id"] == release.episode_id and meta["privacy"] == "unlisted"
    assert meta["files"]["film.mp4"] == release.film_sha256
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".")], "temp folder left behind"


def test_folder_republish_is_a_noop(tmp_path: Path) -> None:
    site = FolderPublisher(tmp_path / "site")
    release = make_release(tmp_path)
    first = site.publish(release)
    stamp = (Path(first.where) / "release.json").stat().st_mtime_ns
    second = site.publish(make_release(tmp_path))
    assert second == first
    assert (Path(first.where) / "release.json").stat().st_mtime_ns == stamp
    assert len(list(Path(first.where).parent.iterdir())) == 1


def test_folder_refuses_another_film_in_a_published_slot(tmp_path: Path) -> None:
    site = FolderPublisher(tmp_path / "site")
    site.publish(make_release(tmp_path))
    with pytest.raises(PublishFailure, match="already holds another release"):
        site.publish(make_release(tmp_path / "b", film_bytes=b"a re-render"))


def test_folder_refuses_a_sidecar_named_release_json(tmp_path: Path) -> None:
    release = make_release(tmp_path)
    clash = tmp_path / "release.json"
    clash.write_text("{}", encoding="utf-8")
    with pytest.raises(BadInput, match=r"release\.json"):
        FolderPublisher(tmp_path / "site").publish(
            release.model_copy(update={"sidecars": (*release.sidecars, clash)})
        )


@pytest.mark.parametrize("series", ["../../escape", "/etc/passwd", "..", "a/../../b", "\\..\\x", "東京"])
def test_folder_malicious_series_stays_inside_root(tmp_path: Path, series: str) -> None:
    root = tmp_path / "site"
    release = make_release(tmp_path, series=series, title="../../../up")
    receipt = FolderPublisher(root).publish(release)
    assert Path(receipt.where).resolve().is_relative_to(root.resolve())
    assert Path(receipt.where).relative_to(root).parts[0] not in ("..", ".", "")
    assert [p.name for p in tmp_path.iterdir()] != [] and not (tmp_path / "escape").exists()


# --- webhook ---------------------------------------------------------------------------------


def hook(url: str, sleeps: Sleeps, **extra: Any) -> WebhookPublisher:
    return WebhookPublisher(url + "/hook", SECRET, sleep=sleeps, clock=lambda: 1_800_000_000, **extra)


def test_webhook_signature_verifies_over_exact_body(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer(200)))
    release = make_release(tmp_path)
    receipt = hook(server.url, Sleeps()).publish(release)
    assert receipt == Receipt("webhook", server.url + "/hook", 1, release.idempotency_key)
    (seen,) = server.seen
    assert seen.method == "POST" and seen.path == "/hook"
    assert verify_signature(SECRET, seen.body, seen.headers["x-storyreel-signature"])
    assert seen.headers["x-storyreel-signature"].startswith("sha256=")
    assert not verify_signature(SECRET, seen.body + b" ", seen.headers["x-storyreel-signature"])
    assert not verify_signature("another-secret-entirely", seen.body, seen.headers["x-storyreel-signature"])
    assert not verify_signature(SECRET, seen.body, None)
    body = seen.json()
    assert seen.headers["x-storyreel-timestamp"] == "1800000000" == str(body["timestamp"])
    assert seen.headers["idempotency-key"] == release.idempotency_key == body["idempotency_key"]
    assert body["ai_label"] == AI_LABEL and body["c2pa"] == "film.c2pa.json"
    assert body["film"]["sha256"] == release.film_sha256 and body["film"]["path"] == str(release.film)
    assert len(seen.body) < release.film.stat().st_size, "the video bytes must not be uploaded"


def test_webhook_retries_5xx_with_growing_backoff_and_one_key(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer(503), Answer(503), Answer(200)))
    sleeps = Sleeps()
    release = make_release(tmp_path)
    receipt = hook(server.url, sleeps).publish(release)
    assert receipt.attempts == 3 and len(server.seen) == 3
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] > 0
    assert {s.headers["idempotency-key"] for s in server.seen} == {release.idempotency_key}
    assert len({s.body for s in server.seen}) == 1, "every retry sends the same signed bytes"


def test_webhook_honours_retry_after(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer(429, {"Retry-After": "7"}), Answer(200)))
    sleeps = Sleeps()
    assert hook(server.url, sleeps).publish(make_release(tmp_path)).attempts == 2
    assert sleeps == [7.0]


def test_webhook_4xx_is_not_retried(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer(400, body=b'{"error": "bad episode"}'), Answer(200)))
    sleeps = Sleeps()
    with pytest.raises(PublishFailure, match=r"400 Bad Request.*bad episode.*not retried"):
        hook(server.url, sleeps).publish(make_release(tmp_path))
    assert len(server.seen) == 1 and sleeps == []


def test_webhook_redirect_is_not_followed(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer(302, {"Location": "http://elsewhere.example/hook"}), Answer(200)))
    with pytest.raises(PublishFailure, match=r"redirect \(302 to http://elsewhere\.example/hook\)"):
        hook(server.url, Sleeps()).publish(make_release(tmp_path))
    assert len(server.seen) == 1


def test_webhook_gives_up_with_one_clear_error(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer(503, body=b"down for maintenance")))
    sleeps = Sleeps()
    with pytest.raises(PublishFailure, match=r"gave up after 4 attempt\(s\); last: 503 .*maintenance"):
        hook(server.url, sleeps, attempts=4).publish(make_release(tmp_path))
    assert len(server.seen) == 4 and len(sleeps) == 3


def test_webhook_retries_connection_errors(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(PublishFailure, match=r"gave up after 3 attempt\(s\); last:"):
        hook(f"http://127.0.0.1:{port}", sleeps, attempts=3).publish(make_release(tmp_path))
    assert len(sleeps) == 2


def test_webhook_same_key_across_two_publishes(tmp_path: Path, receiver: Any) -> None:
    server = receiver(answers(Answer(200)))
    sender = hook(server.url, Sleeps())
    first = sender.publish(make_release(tmp_path))
    second = sender.publish(make_release(tmp_path))
    assert first.idempotency_key == second.idempotency_key
    assert server.seen[0].headers["idempotency-key"] == server.seen[1].headers["idempotency-key"]


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

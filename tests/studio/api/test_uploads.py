"""POST /uploads: real images, audio made by ffmpeg, and plans, judged by their bytes; limits
(413), wrong types (415) and invalid plans (400 naming the field) refused before anything is stored."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import imageio_ffmpeg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from storage import AssetStore, get_asset, session_scope
from studio.api.routes.uploads import LIMITS
from tests.storage.factories import make_plan


def image_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 18), (200, 120, 40)).save(buffer, format=kind)
    return buffer.getvalue()


def wav_bytes(seconds: float = 0.25) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x00\x10" * int(16000 * seconds))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def audio_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The same tone as WAV, and as MP3, Ogg, FLAC and M4A encoded by the real ffmpeg."""
    folder = tmp_path_factory.mktemp("audio")
    source = folder / "tone.wav"
    source.write_bytes(wav_bytes())
    made = {"wav": source.read_bytes()}
    for suffix, codec in (("mp3", "libmp3lame"), ("ogg", "libvorbis"), ("flac", "flac"), ("m4a", "aac")):
        target = folder / f"tone.{suffix}"
        subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
             "-c:a", codec, str(target)],
            check=True, timeout=120,
        )  # fmt: skip
        made[suffix] = target.read_bytes()
    return made


def upload(
    client: TestClient, kind: str | None, name: str, data: bytes, content_type: str
) -> tuple[int, dict]:
    form = {"kind": kind} if kind is not None else {}
    answer = client.post("/api/v1/uploads", data=form, files={"file": (name, data, content_type)})
    return answer.status_code, answer.json()


@pytest.mark.parametrize(
    ("fmt", "media_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
def test_reference_images_are_stored(client: TestClient, app: FastAPI, fmt: str, media_type: str) -> None:
    data = image_bytes(fmt)
    status, body = upload(client, "reference", f"ref.{fmt.lower()}", data, "application/octet-stream")
    assert status == 201, body
    sha = hashlib.sha256(data).hexdigest()
    assert body == {"sha256": sha, "kind": "reference", "size": len(data), "media_type": media_type}
    stored = AssetStore(app.state.settings.asset_root).path_for(sha)
    assert stored is not None and stored.read_bytes() == data
    with session_scope(app.state.database) as session:
        row = get_asset(session=session, sha256=sha)
        assert row is not None and row.media_type == media_type and row.size == len(data)


def test_same_upload_twice_is_one_asset(client: TestClient) -> None:
    data = image_bytes("PNG")
    first = upload(client, "reference", "a.png", data, "image/png")
    again = upload(client, "reference", "b.png", data, "image/png")
    assert first == again and first[0] == 201


@pytest.mark.parametrize(
    ("suffix", "media_type"),
    [
        ("wav", "audio/wav"),
        ("mp3", "audio/mpeg"),
        ("ogg", "audio/ogg"),
        ("flac", "audio/flac"),
        ("m4a", "audio/mp4"),
    ],
)
def test_music_is_sniffed(
    client: TestClient, audio_files: dict[str, bytes], suffix: str, media_type: str
) -> None:
    data = audio_files[suffix]
    status, body = upload(client, "music", f"bed.{suffix}", data, "application/octet-stream")
    assert status == 201, body
    assert body["media_type"] == media_type and body["size"] == len(data)


def test_a_good_plan_is_stored(client: TestClient) -> None:
    data = make_plan().model_dump_json().encode()
    status, body = upload(client, "plan", "plan.json", data, "application/json")
    assert status == 201, body
    assert body["media_type"] == "application/json" and body["sha256"] == hashlib.sha256(data).hexdigest()


def test_a_text_file_claiming_png_is_415(client: TestClient) -> None:
    status, body = upload(client, "reference", "notes.png", b"just some notes\n" * 10, "image/png")
    assert status == 415
    assert body["detail"].startswith("file='notes.png': is not a PNG, JPEG or WebP image")


def test_a_damaged_png_is_415(client: TestClient) -> None:
    data = image_bytes("PNG")[:40]
    status, body = upload(client, "reference", "cut.png", data, "image/png")
    assert status == 415
    assert "cannot be read" in body["detail"]


def test_an_image_is_not_music(client: TestClient) -> None:
    status, body = upload(client, "music", "bed.mp3", image_bytes("PNG"), "audio/mpeg")
    assert status == 415
    assert "WAV, MP3, Ogg, FLAC or M4A" in body["detail"]


def test_a_plan_failing_validation_names_the_field(client: TestClient) -> None:
    plan = json.loads(make_plan().model_dump_json())
    plan["shots"][0]["frames"] = -3
    status, body = upload(client, "plan", "bad.json", json.dumps(plan).encode(), "application/json")
    assert status == 400
    assert body["detail"].startswith("plan='bad.json': shots.0.frames: ")


def test_a_plan_that_is_not_json_is_415(client: TestClient) -> None:
    status, body = upload(client, "plan", "plan.json", b"{not json", "application/json")
    assert status == 415
    assert "is not valid JSON (line 1" in body["detail"]
    status, body = upload(client, "plan", "plan.json", b"\xff\xfe{}", "application/json")
    assert status == 415 and "UTF-8" in body["detail"]


@pytest.mark.parametrize("kind", ["reference", "plan"])
def test_over_the_kinds_limit_is_413(client: TestClient, kind: str) -> None:
    head = image_bytes("PNG") if kind == "reference" else b"{"
    data = head + b"\x00" * (LIMITS[kind] + 1 - len(head))
    status, body = upload(client, kind, "big.bin", data, "application/octet-stream")
    assert status == 413
    assert f"may be at most {LIMITS[kind] // 1024 // 1024} MB" in body["detail"]


def test_exactly_at_the_limit_is_judged_not_refused(client: TestClient) -> None:
    data = b"{" + b" " * (LIMITS["plan"] - 2) + b"}"
    status, body = upload(client, "plan", "spaces.json", data, "application/json")
    assert status == 400, body  # whole and read, then found not to be a plan
    assert body["detail"].startswith("plan='spaces.json': ")


def test_a_body_past_every_limit_is_413_without_reading_it(client: TestClient) -> None:
    big = 60 * 1024 * 1024
    answer = client.post(
        "/api/v1/uploads",
        content=b"x" * 16,
        headers={"Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(big)},
    )
    assert answer.status_code == 413
    assert "at most 50 MB" in answer.json()["detail"]


def test_a_chunked_body_is_counted_as_it_comes(client: TestClient) -> None:
    """No Content-Length to trust: the upload is stopped once it passes the largest limit."""
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        yield b'--b\r\nContent-Disposition: form-data; name="kind"\r\n\r\nmusic\r\n'
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="huge.wav"\r\n\r\n'
        chunk = b"\x00" * (1024 * 1024)
        for _ in range(80):
            sent += len(chunk)
            yield chunk
        yield b"\r\n--b--\r\n"

    answer = client.post(
        "/api/v1/uploads", content=body(), headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert answer.status_code == 413, answer.text
    assert "at most 50 MB" in answer.json()["detail"]


def test_missing_or_unknown_fields_are_400(client: TestClient) -> None:
    status, body = upload(client, None, "a.png", image_bytes("PNG"), "image/png")
    assert status == 400 and body["detail"].startswith("kind=None: choose one of reference, music, plan")
    status, body = upload(client, "poster", "a.png", image_bytes("PNG"), "image/png")
    assert status == 400 and body["detail"].startswith("kind='poster'")
    answer = client.post("/api/v1/uploads", data={"kind": "reference"})
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("file=None: missing")
    empty = upload(client, "reference", "empty.png", b"", "image/png")
    assert empty[0] == 400 and "is empty" in empty[1]["detail"]


def test_nothing_is_stored_for_a_refused_upload(client: TestClient, app: FastAPI) -> None:
    upload(client, "reference", "notes.png", b"not an image", "image/png")
    root = Path(app.state.settings.asset_root)
    assert not root.exists() or not any(path.is_file() for path in root.rglob("*"))

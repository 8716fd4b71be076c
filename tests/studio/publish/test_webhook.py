"""The webhook adapter against the loopback receiver: signatures, retries, idempotency."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from film.disclosure import AI_LABEL
from studio.publish import (
    PublishFailure,
    Receipt,
)
from studio.publish.webhook import WebhookPublisher, verify_signature
from tests.studio.publish.loopback import SECRET, Answer, Sleeps, answers, make_release

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

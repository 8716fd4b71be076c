"""The `webhook` adapter: POST the release's metadata as JSON (where the film is, never its bytes)
to a receiver, signed so it can tell the sender is us and the body is untouched:

    X-Storyreel-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes, keyed by the secret>
    X-Storyreel-Timestamp: <unix seconds>   (also inside the signed body, so it cannot be forged)
    Idempotency-Key: <the release's key>    (the same on every retry and every re-publish)

Delivery is at least once: connection errors, timeouts, 429 and 5xx are tried again with
exponential backoff (a Retry-After wins); any other 4xx is final. A receiver deduplicates by the
Idempotency-Key and checks the signature with `verify_signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from film.files import file_sha256
from studio.publish.attempts import Sleep, check, gave_up, retrying, transient
from studio.publish.release import Receipt, Release

SIGNATURE_HEADER = "X-Storyreel-Signature"
TIMESTAMP_HEADER = "X-Storyreel-Timestamp"
KEY_HEADER = "Idempotency-Key"


def sign(secret: str | bytes, body: bytes) -> str:
    """The signature header's value for `body`: 'sha256=<hex>'."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_signature(secret: str | bytes, body: bytes, header: str | None) -> bool:
    """For receivers: does `header` sign exactly these body bytes? Constant-time, so the compare
    leaks nothing about how much of a forged signature was right."""
    if not header:
        return False
    return hmac.compare_digest(sign(secret, body).encode("ascii"), header.strip().encode("utf-8"))


def file_entry(path: Path, locate: Callable[[Path], str] | None) -> dict[str, object]:
    """Where a file is and what it holds: a URL from `locate` when given, else its path and file URI."""
    path = Path(path).resolve()
    where: dict[str, object] = {"url": locate(path)} if locate else {"path": str(path), "uri": path.as_uri()}
    return {"name": path.name, **where, "bytes": path.stat().st_size, "sha256": file_sha256(path)}


def body_bytes(release: Release, *, timestamp: int, locate: Callable[[Path], str] | None = None) -> bytes:
    """The exact bytes posted (and signed): sorted-key JSON, so one release always reads alike."""
    data = dict(
        release.metadata(),
        timestamp=timestamp,
        film=file_entry(release.film, locate),
        sidecars=[file_entry(p, locate) for p in release.sidecars],
    )
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class WebhookPublisher:
    """POSTs signed release metadata to `url`. `locate` turns a film's path into the URL the
    receiver should fetch it from (say, where a folder publisher put it); without it the body
    carries the local path. `sleep` and `clock` are injectable so tests neither sleep nor drift."""

    name = "webhook"

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        attempts: int = 5,
        backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        timeout_s: float = 30.0,
        locate: Callable[[Path], str] | None = None,
        sleep: Sleep = time.sleep,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url
        self._secret = secret
        self.attempts = attempts
        self._retrying = retrying(
            attempts=attempts, backoff_s=backoff_s, max_backoff_s=max_backoff_s, sleep=sleep
        )
        self._timeout = httpx.Timeout(timeout_s)
        self._locate = locate
        self._clock = clock
        self._transport = transport

    def publish(self, release: Release) -> Receipt:
        """Deliver once the receiver answers 2xx; the body, signature and key are fixed before the
        first try, so every retry is byte-identical."""
        timestamp = int(self._clock())
        body = body_bytes(release, timestamp=timestamp, locate=self._locate)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "storyreel-publish/0.1",
            SIGNATURE_HEADER: sign(self._secret, body),
            TIMESTAMP_HEADER: str(timestamp),
            KEY_HEADER: release.idempotency_key,
        }
        tries = 0

        def post(client: httpx.Client) -> httpx.Response:
            nonlocal tries
            tries += 1
            return check(client.post(self.url, content=body, headers=headers), f"webhook {self.url}")

        with httpx.Client(timeout=self._timeout, transport=self._transport) as client:
            try:
                self._retrying(post, client)
            except Exception as error:
                if transient(error):
                    raise gave_up(f"webhook {self.url}", tries, error) from error
                raise
        return Receipt(self.name, self.url, tries, release.idempotency_key)

"""The publish tests' loopback receiver and releases: `http.server` on 127.0.0.1 (port 0)
records every request whole and answers from a script, so a webhook's or YouTube's faults
(503, 429 with Retry-After, 400, a broken upload) happen on demand; retries wait through an
injected recorder, never a real sleep."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from studio.publish import (
    Release,
    episode_id,
)

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


def handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
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

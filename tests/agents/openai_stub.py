"""A scripted loopback server that speaks the OpenAI chat-completions protocol, for fault injection.

Each request to /v1/chat/completions takes the next `Reply` from the script (the last one repeats),
so a test can say "first a 429 with Retry-After, then a good answer" and see what the client did.
Requests are recorded (parsed JSON bodies) for assertions.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer: an HTTP status, extra headers, a body, a delay before answering."""

    content: str = ""
    finish_reason: str = "stop"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw: str | None = None
    """Send this body verbatim instead of a chat completion (error bodies)."""
    delay_s: float = 0.0


def completion(content: str, finish_reason: str = "stop") -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "stub",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


class ScriptedServer:
    """The script, the recorded requests and the base URL of a running stub."""

    def __init__(self, script: list[Reply] | Callable[[dict[str, Any]], Reply]) -> None:
        self.script = script
        self.requests: list[dict[str, Any]] = []
        self.base_url = ""
        self._lock = threading.Lock()

    def next_reply(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            if callable(self.script):
                return self.script(body)
            index = min(len(self.requests), len(self.script)) - 1
            return self.script[index]


def _handler(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read the recorded requests instead."""

        def do_GET(self) -> None:
            self._send(200, json.dumps({"object": "list", "data": [{"id": "stub", "object": "model"}]}), {})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            reply = server.next_reply(body)
            if reply.delay_s:
                time.sleep(reply.delay_s)
            payload = (
                reply.raw
                if reply.raw is not None
                else json.dumps(completion(reply.content, reply.finish_reason))
            )
            self._send(reply.status, payload, reply.headers)

        def _send(self, status: int, payload: str, headers: dict[str, str]) -> None:
            data = payload.encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

    return Handler


@contextmanager
def scripted_server(script: list[Reply] | Callable[[dict[str, Any]], Reply]) -> Iterator[ScriptedServer]:
    """Run a scripted OpenAI-protocol server on a free loopback port for the `with` block."""
    state = ScriptedServer(script)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()

"""A fresh loopback receiver per test, stopped afterwards."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer

import pytest

from tests.studio.publish.loopback import Answer, Receiver, Seen, handler


@pytest.fixture
def receiver() -> Iterator[Callable[[Callable[[Seen, int], Answer]], Receiver]]:
    servers: list[ThreadingHTTPServer] = []

    def start(script: Callable[[Seen, int], Answer]) -> Receiver:
        state = Receiver(script)
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler(state))
        httpd.daemon_threads = True
        state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
        threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(httpd)
        return state

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()

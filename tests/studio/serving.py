"""A real `storyreel serve` in a subprocess, for the tests that talk to it over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(env: dict[str, str], cwd: Path, *args: str) -> Iterator[str]:
    """`storyreel serve --port <free> *args`; yields its loopback URL once serve says it listens
    (the line it prints then), and stops it afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "studio", "serve", "--port", str(port), *args],
        env=env, cwd=cwd, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert server.stderr is not None
    try:
        for line in server.stderr:
            if line.startswith("storyreel studio on"):
                break
        else:
            raise AssertionError(f"serve exited with {server.wait()} before listening")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=60)

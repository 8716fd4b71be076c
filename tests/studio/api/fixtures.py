"""Fixtures the API tests of exports, events, files, uploads, auth and the app share: a studio in a
temp folder, its app, a TestClient, a real finished run and a real uvicorn server on loopback.

The plain `settings`, `app` and `client` fixtures are in conftest.py; the ones here are imported
by the modules that use them."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from storage import RunCreate, RunStatus, create_run, session_scope, set_run_status
from studio.make import FilmRequest, make_film
from studio.settings import Settings, load_settings

BRIEF = "Mara waves at the lighthouse. Theo smiles back."


def studio_settings(root: Path) -> Settings:
    """Settings from a clean environment: nothing from the developer's STORYREEL_* leaks in."""
    return load_settings({"STORYREEL_HOME": str(root / "home"), "STORYREEL_OUT_ROOT": str(root / "out")})


@dataclass(frozen=True)
class FinishedRun:
    settings: Settings
    run_id: str
    out_dir: Path
    film: Path


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> FinishedRun:
    """A real 4-second film made by the offline previz engine (a few seconds on a CPU)."""
    settings = studio_settings(tmp_path_factory.mktemp("finished"))
    request = FilmRequest(brief=BRIEF, duration_s=4, aspect="16:9", style="cinematic", seed=0)
    result = make_film(request, settings=settings, quiet=True)
    assert result.film_path is not None and result.film_path.is_file()
    return FinishedRun(settings, result.run_id, result.film_path.parent, result.film_path)


def new_run(app: FastAPI, *, status: RunStatus = "rendering", out_dir: Path | None = None) -> str:
    """A run row (no film) in `status`, for tests that write its events themselves."""
    settings: Settings = app.state.settings
    with session_scope(app.state.database) as session:
        run = create_run(
            session=session,
            run_create=RunCreate(brief=BRIEF, duration_s=4, out_dir=str(out_dir or settings.out_root / "x")),
        )
        set_run_status(session=session, run_id=run.id, status=status)
        return run.id


@dataclass(frozen=True)
class LiveServer:
    url: str
    server: uvicorn.Server


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[LiveServer]:
    """The app behind a real uvicorn on a free loopback port. The socket listens before the
    server thread starts, so a client may connect at once (the kernel queues it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", server)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()

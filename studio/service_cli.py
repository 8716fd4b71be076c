"""`storyreel serve` and `storyreel worker`: the studio as a service, and the processes that
make its queued films. The commands that make a film in this terminal live in studio.cli.
"""

from __future__ import annotations

from typing import Annotated

import typer

from studio.errors import console, friendly


@friendly
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; off loopback it needs a token.")
    ] = ("127.0.0.1"),
    port: Annotated[int, typer.Option("--port", help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", help="In-process workers making films.", min=0, max=64)
    ] = 1,
) -> None:
    """Serve the web studio and its API, with workers in this process (SQLite by default).

    Off loopback (e.g. --host 0.0.0.0) it refuses to start without STORYREEL_API_TOKEN."""
    from studio.serve import serve as run_service
    from studio.settings import load_settings

    run_service(load_settings(), host=host, port=port, workers=workers)


@friendly
def worker(
    once: Annotated[bool, typer.Option("--once", help="Stop when the queue is empty.")] = False,
    name: Annotated[str | None, typer.Option("--name", help="Worker name in the job table.")] = None,
) -> None:
    """Make queued films: claim jobs from the runs' database until stopped (run several)."""
    from studio.settings import load_settings
    from studio.worker import Worker

    done = Worker(load_settings(), name=name).run(once=once)
    console.print(f"worker finished {done} job{'s' * (done != 1)}")

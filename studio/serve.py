"""`storyreel serve`: the API, the web studio and in-process workers on one machine.

On loopback nobody else can reach it, so it needs no login. Bound to any other address it
refuses to start without STORYREEL_API_TOKEN, and then every API call must carry the token.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading

from film import BadInput
from studio.settings import Settings

SWITCH_S = 0.001
"""The interpreter's thread switch interval while serving: the API answers between a render
thread's slices of drawing instead of after five-millisecond ones (the default 0.005)."""


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def token_for(settings: Settings, host: str) -> str | None:
    """The token the API requires on `host` (None on loopback), or BadInput saying how to set one."""
    if is_loopback(host):
        return None
    token = settings.api_token.get_secret_value() if settings.api_token is not None else ""
    if len(token) < 16:
        raise BadInput(
            "host", host,
            "is not loopback: set STORYREEL_API_TOKEN (16+ characters) so only you can use the studio",
        )  # fmt: skip
    return token


def serve(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Run the service until Ctrl-C; the workers finish their current event and stop."""
    import uvicorn

    from studio.api.main import create_app
    from studio.worker import Worker

    if not 0 <= workers <= 64:
        raise BadInput("workers", workers, "must be between 0 and 64")
    token = token_for(settings, host)
    app = create_app(settings, token=token)
    stop = threading.Event()
    crew = [Worker(settings) for _ in range(workers)]
    threads = [threading.Thread(target=w.run, kwargs={"stop": stop}, name=f"worker-{i}", daemon=True)
               for i, w in enumerate(crew)]  # fmt: skip
    for thread in threads:
        thread.start()
    shown = f"[{host}]" if ":" in host else host
    ready = f"storyreel studio on http://{shown}:{port}/ ({workers} worker{'s' * (workers != 1)})"

    class Studio(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:  # listening: the line scripts and tests wait for
                print(ready, file=sys.stderr, flush=True)

    sys.setswitchinterval(SWITCH_S)
    try:
        Studio(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)).run()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)

"""Builds the FastAPI app: routers under /api/v1, the OpenAPI schema at /openapi.json, the web
studio at /, and StoryreelErrors as `{"detail": ...}` with a 4xx (404 an unknown id, 400 bad
input, 403 refused by the misuse gate, 409 busy) instead of a 500.

With a `token` (a studio served beyond loopback) every /api/v1 route but /health, /login and
/logout needs it; see studio.api.auth.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from film import StoryreelError
from storage import open_database
from studio.api import auth
from studio.api.deps import status_for
from studio.api.production import API_PREFIX
from studio.api.routes import ads, events, exports, files, projects, runs, series, shots, uploads
from studio.api.web import mount_web
from studio.settings import Settings, load_settings

GUARDED_ROUTERS: tuple[APIRouter, ...] = (
    projects.router,
    runs.router,
    shots.router,
    exports.router,
    events.router,
    files.router,
    uploads.router,
    ads.router,
    series.router,
)
"""Resource routers; each is mounted under API_PREFIX behind the token check."""


class Problem(BaseModel):
    """Every error the API answers: one line saying what was wrong and what to do."""

    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "bad input: the field, its value and what to do"},
    401: {"model": Problem, "description": "the studio needs its token"},
    403: {"model": Problem, "description": "refused by the misuse gate: why, and what would allow it"},
    404: {"model": Problem, "description": "no such run, shot, take or file"},
    409: {"model": Problem, "description": "the run is busy or not at that stage"},
}
"""Documented on every resource route, so clients (and schema checks) know the error shape."""
MORE_ERRORS: dict[int, dict[int | str, dict[str, Any]]] = {
    id(uploads.router): {
        413: {"model": Problem, "description": "the upload is larger than its kind allows"},
        415: {"model": Problem, "description": "the file is not a type its kind accepts"},
    },
    id(exports.router): {416: {"model": Problem, "description": "the Range starts past the end of the file"}},
    id(files.router): {416: {"model": Problem, "description": "the Range starts past the end of the file"}},
    id(ads.router): {
        413: {"model": Problem, "description": "an upload is larger than its kind allows"},
        415: {"model": Problem, "description": "a file is not a type its field accepts"},
    },
}


def create_app(settings: Settings | None = None, *, token: str | None = None) -> FastAPI:
    """The app for `settings` (default: from STORYREEL_* variables); `token` closes the API."""
    settings = settings or load_settings()
    app = FastAPI(title="storyreel", version="1", openapi_url="/openapi.json")
    app.state.settings = settings
    app.state.token = token or None
    app.state.database = open_database(settings.database)
    api = APIRouter(prefix=API_PREFIX)

    @api.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness for load balancers and compose healthchecks."""
        return {"status": "ok"}

    api.include_router(auth.router)
    app.include_router(api)
    for router in GUARDED_ROUTERS:
        errors = ERRORS | MORE_ERRORS.get(id(router), {})
        app.include_router(router, prefix=API_PREFIX, dependencies=[auth.TokenDep], responses=errors)

    @app.exception_handler(StoryreelError)
    def storyreel_error(_request: Request, exc: StoryreelError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_for(exc))

    mount_web(app)
    return app

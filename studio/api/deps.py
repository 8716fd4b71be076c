"""The API's dependencies: settings, the runs' database engine and a session per request.

Injected only here, at the edge (full-stack-fastapi-template style); routes take them as
`SettingsDep`, `DatabaseDep` and `SessionDep` parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import Engine
from sqlmodel import Session

from film import BadInput, StoryreelError
from film.gate import GateRefused
from storage import session_scope
from studio.api.production import NotFound
from studio.settings import Settings


def get_settings(request: Request) -> Settings:
    """The settings the app was built with (`create_app(settings)`)."""
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Engine:
    """The runs' database engine, opened once per app."""
    engine: Engine = request.app.state.database
    return engine


def get_session(engine: Annotated[Engine, Depends(get_database)]) -> Iterator[Session]:
    """One session per request, committed when the route returns without an error."""
    with session_scope(engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Engine, Depends(get_database)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
"""The request's session, committed before the answer is sent (a client reading right after a
202 sees the run and its job) and rolled back when the route fails."""


def status_for(exc: StoryreelError) -> int:
    """The HTTP status of one of our errors: the misuse gate's refusal 403, an unknown id 404, bad
    input 400, else 409 (a busy or wrong-stage run)."""
    if isinstance(exc, GateRefused):
        return 403
    return 404 if isinstance(exc, NotFound) else 400 if isinstance(exc, BadInput) else 409


class ApiRoute(APIRoute):
    """Answers the use cases' errors as `{"detail"}` (see status_for). Raised as HTTPException
    inside the route, so the request's session rolls back."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except StoryreelError as exc:
                raise HTTPException(status_for(exc), detail=str(exc)) from exc

        return answer

"""The API's one shared secret: when `storyreel serve` listens beyond loopback, every /api/v1 call
but the health check and the login must carry the token, as `Authorization: Bearer <token>` (scripts)
or the HttpOnly cookie that POST /api/v1/login sets (the web studio, so no script can read it).

Tokens are compared with `hmac.compare_digest`, so the time an answer takes says nothing about how
much of a guess was right. With no token (a loopback-only studio) everything is open.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from film import BadInput

TOKEN_COOKIE = "storyreel_token"
BEARER_HINT = "send `Authorization: Bearer <token>` or log in with POST /api/v1/login"

_bearer = HTTPBearer(auto_error=False, description="the token `storyreel serve` was started with")
_cookie = APIKeyCookie(name=TOKEN_COOKIE, auto_error=False, description="set by POST /api/v1/login")


def app_token(request: Request) -> str | None:
    """The token the app was built with (`create_app(token=...)`), None when the API is open."""
    token: str | None = getattr(request.app.state, "token", None)
    return token


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an absent or non-ASCII guess is simply wrong."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _unauthorized(why: str) -> HTTPException:
    return HTTPException(
        status_code=401,
        detail=str(BadInput("token", "<hidden>", why)),
        headers={"WWW-Authenticate": "Bearer"},
    )


def require_token(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> None:
    """Lets a request through when the API is open, or when the bearer token or cookie is right."""
    expected = app_token(request)
    if expected is None:
        return
    if bearer is None and cookie is None:
        raise _unauthorized(f"missing; {BEARER_HINT}")
    given = [bearer.credentials if bearer is not None else None, cookie]
    if not any(token_matches(candidate, expected) for candidate in given):
        raise _unauthorized(f"wrong token; {BEARER_HINT}")


TokenDep = Depends(require_token)
"""Put on every router that needs the token: `include_router(router, dependencies=[TokenDep])`."""

router = APIRouter(tags=["auth"])


@router.post("/login")
def login(request: Request, response: Response, token: Annotated[str, Form()]) -> dict[str, str]:
    """Trade the token for an HttpOnly, SameSite=Strict cookie the browser sends with each call."""
    expected = app_token(request)
    if expected is None:
        return {"status": "open"}
    if not token_matches(token, expected):
        raise _unauthorized("wrong token; use the one `storyreel serve` printed")
    response.set_cookie(
        TOKEN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return {"status": "ok"}


@router.get("/logout")
def logout(response: Response) -> dict[str, str]:
    """Forget the cookie (a bearer token has nothing to forget)."""
    response.delete_cookie(TOKEN_COOKIE, httponly=True, samesite="strict", path="/")
    return {"status": "ok"}

"""The web studio: static files with no build step, served by the API itself.

`/` is studio/web/index.html and `/static/...` anything in studio/web/. Pages load without the
token (they hold no data); the API calls they make carry it. The folder is looked up per request,
so a missing studio/web/ (a trimmed install) shows a small placeholder page instead of crashing.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

WEB_DIR = Path(__file__).resolve().parent.parent / "web"

PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>storyreel</title></head>
<body><h1>storyreel</h1>
<p>The web studio's files (studio/web/) are not installed here. The API is at
<a href="/docs">/docs</a> and <a href="/openapi.json">/openapi.json</a>.</p></body></html>
"""


class WebFiles(StaticFiles):
    """StaticFiles that answers 404 while its folder is missing, instead of failing every request."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.directory is not None and not Path(self.directory).is_dir():
            await JSONResponse({"detail": "Not Found"}, status_code=404)(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def mount_web(app: FastAPI, web_dir: Path = WEB_DIR) -> None:
    """Serve `web_dir` at / and /static; never fails when it is missing."""

    @app.get("/", include_in_schema=False, response_model=None)
    def index() -> Response:
        page = web_dir / "index.html"
        if page.is_file():
            return FileResponse(page, media_type="text/html", headers={"Cache-Control": "no-cache"})
        return HTMLResponse(PLACEHOLDER)

    app.mount("/static", WebFiles(directory=web_dir, check_dir=False), name="static")

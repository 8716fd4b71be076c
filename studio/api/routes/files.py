"""Any file a run wrote (shot stills, takes' side files), served from inside the run's folder only.

A path that leaves the folder (`..`, an absolute path, a symlink pointing out) is refused with a
400 before anything is opened, so a run id never becomes a way to read the rest of the disk.
Files go out through Starlette's FileResponse, which already answers HTTP Range (206, Content-Range,
416); `ServedFile` only turns its plain-text range errors into the API's `{"detail"}` shape.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from fastapi import APIRouter, HTTPException
from starlette.datastructures import Headers
from starlette.responses import (
    FileResponse,
    JSONResponse,
    MalformedRangeHeader,
    RangeNotSatisfiable,
)
from starlette.types import Receive, Scope, Send

from film import BadInput
from studio.api.deps import SessionDep
from studio.api.production import NotFound, find_run
from studio.inputs import inside

router = APIRouter(tags=["files"])


class ServedFile(FileResponse):
    """FileResponse whose bad Range answers are `{"detail": ...}` like every other API error."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = self._range_refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def _range_refusal(self, scope: Scope) -> JSONResponse | None:
        headers = Headers(scope=scope)
        http_range = headers.get("range")
        if http_range is None or self.stat_result is None or self.status_code != 200:
            return None
        if scope["method"].upper() not in ("GET", "HEAD"):
            return None
        if_range = headers.get("if-range")
        if if_range is not None and not self._should_use_range(if_range):
            return None  # the file changed: Starlette sends it whole, as RFC 9110 asks
        size = self.stat_result.st_size
        try:
            self._parse_range_header(http_range, size)
        except MalformedRangeHeader as exc:
            detail = str(BadInput("Range", http_range, f"{exc.content.rstrip('.')}; e.g. bytes=0-1023"))
            return JSONResponse({"detail": detail}, status_code=400)
        except RangeNotSatisfiable:
            detail = str(BadInput("Range", http_range, f"starts past the end of the {size}-byte file"))
            return JSONResponse(
                {"detail": detail}, status_code=416, headers={"Content-Range": f"bytes */{size}"}
            )
        return None


def serve_file(path: Path, *, media_type: str | None = None, download: str | None = None) -> ServedFile:
    """`path` (which must exist) with Range support; `download` names the attachment to save."""
    guessed = media_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return ServedFile(path, media_type=guessed, filename=download, stat_result=path.stat())


@router.get("/runs/{run_id}/files/{path:path}", response_class=FileResponse)
def run_file(run_id: str, path: str, session: SessionDep) -> ServedFile:
    """A file inside the run's output folder, e.g. a shot still linked from GET /runs/{id}/shots."""
    run = find_run(session, run_id)
    target = inside(Path(run.out_dir), path)
    if not target.is_file():
        raise NotFound("path", path, f"no such file in run {run_id}'s folder")
    if not os.access(target, os.R_OK):
        raise HTTPException(403, detail=str(BadInput("path", path, "cannot be read by the studio")))
    return serve_file(target)

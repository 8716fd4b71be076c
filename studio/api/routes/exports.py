"""A run's finished film and its side files, for players and downloads.

GET /runs/{id}/film plays in a <video> tag: Starlette's FileResponse answers HTTP Range requests
(206 with Content-Range, 416 past the end), which is what lets a browser seek without downloading
the whole film. GET /runs/{id}/exports/{name} sends the same files as attachments. Both pick the
newest version that has a film, or `?version=N`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session
from starlette.responses import FileResponse

from film import BadInput
from storage import Run, list_plan_versions
from studio.api.deps import SessionDep
from studio.api.production import NotFound, find_run, plan_version
from studio.api.routes.files import ServedFile, serve_file
from studio.versions import film_dir_for, thread_for

router = APIRouter(tags=["exports"])

EXPORTS: dict[str, tuple[str, str]] = {
    "film.mp4": ("film.mp4", "video/mp4"),
    "film.srt": ("film.srt", "application/x-subrip"),
    "film.vtt": ("film.vtt", "text/vtt"),
    "film.otio": ("film.otio", "application/json"),
    "sheet.png": ("contact-sheet.png", "image/png"),
    "plan.json": ("plan.json", "application/json"),
}
"""Export name → (file in the film's folder, media type). The contact sheet is written as
contact-sheet.png by the assembler; the API calls it sheet.png."""

VersionQuery = Annotated[int | None, Query(ge=1, description="plan version (default: newest with a film)")]


def film_folder(*, session: Session, run: Run, version: int | None) -> tuple[Path, int | None]:
    """The folder holding one version's film (the newest finished one by default) and its number."""
    if version is not None:
        found = plan_version(session, run, version)
        if found.film_path:
            return Path(found.film_path).parent, version
        return film_dir_for(Path(run.out_dir), found.thread_id or thread_for(run.id, version)), version
    for candidate in reversed(list_plan_versions(session=session, run_id=run.id)):
        if candidate.film_path and Path(candidate.film_path).is_file():
            return Path(candidate.film_path).parent, candidate.version
    if run.film_path and Path(run.film_path).is_file():
        return Path(run.film_path).parent, None
    raise NotFound("run", run.id, f"has no finished film yet (status {run.status}); wait for it to finish")


def _export(session: Session, run_id: str, name: str, version: int | None) -> tuple[Path, str, str]:
    """(file, media type, download name) of export `name`, or 404 while it is not made."""
    if name not in EXPORTS:
        raise BadInput("name", name, f"unknown export; choose one of {', '.join(EXPORTS)}")
    run = find_run(session, run_id)
    folder, number = film_folder(session=session, run=run, version=version)
    filename, media_type = EXPORTS[name]
    path = folder / filename
    if not path.is_file():
        shown = f"version {number}" if number is not None else "the film"
        raise NotFound(name, run_id, f"{shown} of this run has no {name} yet; shoot it first")
    download = f"{run_id}-v{number}-{name}" if number is not None else f"{run_id}-{name}"
    return path, media_type, download


@router.get("/runs/{run_id}/film", response_class=FileResponse)
def run_film(run_id: str, session: SessionDep, version: VersionQuery = None) -> ServedFile:
    """The film (video/mp4) to play inline; send `Range: bytes=...` to seek."""
    path, media_type, download = _export(session, run_id, "film.mp4", version)
    response = serve_file(path, media_type=media_type)
    response.headers["content-disposition"] = f'inline; filename="{download}"'
    return response


@router.get("/runs/{run_id}/exports/{name}", response_class=FileResponse)
def run_export(run_id: str, name: str, session: SessionDep, version: VersionQuery = None) -> ServedFile:
    """A file of the film as a download: film.mp4, film.srt, film.vtt, film.otio, sheet.png, plan.json."""
    path, media_type, download = _export(session, run_id, name, version)
    return serve_file(path, media_type=media_type, download=download)

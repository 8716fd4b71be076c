"""Uploads into the content-addressed asset store: reference images, music beds and plans.

The body is counted while it arrives, so an upload over the limit is refused (413) without being
spooled to disk first. Types are judged by the bytes, never by the name or the Content-Type a client
claims (415); a plan must also be a valid FilmPlan, and its first problem is named (400).
"""

from __future__ import annotations

import io
import json
from functools import partial
from typing import Annotated, Any, Literal, cast, get_args

import anyio
from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile
from starlette.responses import FileResponse
from starlette.types import Message, Receive

from film import BadInput, FilmPlan
from storage import Asset, AssetStore, StoredAsset, record_asset
from studio.api.deps import SessionDep, SettingsDep
from studio.api.production import NotFound
from studio.api.routes.files import ServedFile, serve_file

router = APIRouter(tags=["uploads"])

UploadKind = Literal["reference", "music", "plan"]
MB = 1024 * 1024
LIMITS: dict[str, int] = {"reference": 10 * MB, "music": 50 * MB, "plan": 2 * MB}
FORM_OVERHEAD = 64 * 1024
"""Room for the multipart boundaries and the `kind` field on top of the largest file."""
SUFFIXES: dict[str, str] = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "audio/wav": ".wav",
    "audio/mpeg": ".mp3",
    "audio/ogg": ".ogg",
    "audio/flac": ".flac",
    "audio/mp4": ".m4a",
    "application/json": ".json",
}
M4A_BRANDS = frozenset({b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"dash"})


class UploadPublic(BaseModel):
    """What was stored: the content's sha256 names it from now on."""

    sha256: str
    kind: UploadKind
    size: int
    media_type: str


class TooLarge(Exception):
    """The body grew past the largest upload the API takes."""


def capped_receive(receive: Receive, cap: int) -> Receive:
    """`receive` that stops the request once more than `cap` body bytes have come."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                raise TooLarge
        return message

    return counted


def too_large(field: str, name: str, size: int | None, limit: int, kind: str | None) -> HTTPException:
    shown = f"is {size / MB:.1f} MB" if size is not None else "is too large"
    who = f"a {kind}" if kind else "an upload"
    return HTTPException(
        413, detail=str(BadInput(field, name, f"{shown}; {who} may be at most {limit // MB} MB"))
    )


def unsupported(name: str, why: str) -> HTTPException:
    return HTTPException(415, detail=str(BadInput("file", name, why)))


def sniff_image(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def sniff_audio(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data.startswith(b"fLaC"):
        return "audio/flac"
    if data.startswith(b"ID3") or (
        len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0 and data[1] & 0x06
    ):
        return "audio/mpeg"  # an ID3 tag, or an MPEG audio frame header (layer bits never 00)
    if data[4:8] == b"ftyp" and data[8:12] in M4A_BRANDS:
        return "audio/mp4"
    return None


def _check_image(data: bytes, name: str) -> str:
    media_type = sniff_image(data)
    if media_type is None:
        raise unsupported(name, "is not a PNG, JPEG or WebP image (what a reference may be)")
    from PIL import Image  # only uploads need Pillow here

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as exc:  # Pillow raises many types for a damaged file
        raise unsupported(name, f"looks like {media_type} but cannot be read ({exc})") from None
    return media_type


def _check_plan(data: bytes, name: str) -> str:
    try:
        parsed: Any = json.loads(data.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise unsupported(
            name, f"is not UTF-8 text (bad byte at {exc.start}); a plan is FilmPlan JSON"
        ) from None
    except json.JSONDecodeError as exc:
        raise unsupported(name, f"is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    try:
        FilmPlan.model_validate(parsed)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "plan"
        raise BadInput("plan", name, f"{where}: {first['msg']}") from None
    return "application/json"


def check_upload(kind: str, data: bytes, name: str) -> str:
    """The media type of an upload of `kind`, judged from its bytes; 415/400 when it is not one."""
    if kind == "reference":
        return _check_image(data, name)
    if kind == "music":
        media_type = sniff_audio(data)
        if media_type is None:
            raise unsupported(name, "is not WAV, MP3, Ogg, FLAC or M4A audio (what music may be)")
        return media_type
    return _check_plan(data, name)


FORM_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "kind"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "kind": {"type": "string", "enum": list(get_args(UploadKind))},
                    },
                }
            }
        },
    }
}


@router.post("/uploads", status_code=201, openapi_extra=FORM_SCHEMA)
async def upload(request: Request, settings: SettingsDep, session: SessionDep) -> UploadPublic:
    """Store a reference image (10 MB), a music bed (50 MB) or a plan (2 MB); answers its sha256."""
    cap = max(LIMITS.values()) + FORM_OVERHEAD
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise too_large("file", "upload", int(declared), max(LIMITS.values()), None)
    capped = Request(request.scope, receive=capped_receive(request.receive, cap))
    try:
        async with capped.form(max_files=1, max_fields=4) as form:
            kind, file = form.get("kind"), form.get("file")
            if not isinstance(kind, str) or kind not in LIMITS:
                raise BadInput("kind", kind, f"choose one of {', '.join(LIMITS)}")
            if not isinstance(file, UploadFile):
                raise BadInput("file", None, "missing; send the file as the multipart field `file`")
            name = file.filename or "upload"
            data = await file.read(LIMITS[kind] + 1)
    except TooLarge:
        raise too_large("file", "upload", None, max(LIMITS.values()), None) from None
    if len(data) > LIMITS[kind]:
        raise too_large("file", name, file.size or len(data), LIMITS[kind], kind)
    if not data:
        raise BadInput("file", name, "is empty")
    media_type = await anyio.to_thread.run_sync(check_upload, kind, data, name)
    store = AssetStore(settings.asset_root)
    stored: StoredAsset = await anyio.to_thread.run_sync(store.put_bytes, data, SUFFIXES[media_type])
    await anyio.to_thread.run_sync(
        partial(record_asset, session=session, asset=stored, media_type=media_type)
    )
    return UploadPublic(
        sha256=stored.sha256, kind=cast(UploadKind, kind), size=stored.size, media_type=media_type
    )


@router.get("/uploads/{sha256}", response_class=FileResponse)
def uploaded(
    sha256: Annotated[str, Path(pattern="^[0-9a-f]{64}$", description="what POST /uploads answered")],
    settings: SettingsDep,
    session: SessionDep,
) -> ServedFile:
    """An uploaded file by its sha256 (the cast panel shows reference pictures from here)."""
    asset = session.get(Asset, sha256)
    path = AssetStore(settings.asset_root).path_for(sha256) if asset is not None else None
    if asset is None or path is None:
        raise NotFound("sha256", sha256, "no upload has this content")
    return serve_file(path, media_type=asset.media_type)

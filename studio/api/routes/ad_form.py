"""`POST /ads`'s body read into an AdRequest: JSON, or multipart with the CLI's fields (`set`
once per name=value) and files: `csv`, `brand` (brand.yaml and the logo and font it names, flat)
and `image.<variable>` per image variable. Sizes are counted while the body arrives (413), file
types are judged by their bytes (415), and a bad value is one BadInput naming its field (400).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import anyio
from fastapi import HTTPException, Request
from starlette.datastructures import FormData, UploadFile

from film import BadInput
from studio.ad_jobs import AdRequest, Upload, request_from_json
from studio.ad_make import DEFAULT_PLATFORMS
from studio.api.routes.uploads import (
    MB,
    SUFFIXES,
    TooLarge,
    capped_receive,
    check_upload,
    too_large,
    unsupported,
)
from studio.batch import MAX_BATCH_BYTES
from studio.brand import FONT_SUFFIXES, LOGO_SUFFIXES, MAX_KIT_BYTES

IMAGE_BYTES = 10 * MB
FONT_BYTES = 10 * MB
MAX_JSON_BYTES = 2 * MB
MAX_BODY_BYTES = 48 * MB
MAX_FILES, MAX_FIELDS = 16, 200
YAML_SUFFIXES = (".yaml", ".yml")
FONT_MAGIC = (b"\x00\x01\x00\x00", b"true", b"OTTO")
FIELDS = ("template", "set", "platforms", "duration", "hooks", "ctas", "seed", "engine", "csv", "brand")
SAFE_NAME = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._- ")


async def read_ad_request(request: Request) -> AdRequest:
    """The order in `request`'s body, by its Content-Type (415 for any other than these two)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        return await _json_request(request)
    if kind == "multipart/form-data":
        return await _form_request(request)
    why = "send application/json or multipart/form-data"
    raise HTTPException(415, detail=str(BadInput("Content-Type", kind or None, why)))


async def _json_request(request: Request) -> AdRequest:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_JSON_BYTES:
            raise too_large("body", "JSON", None, MAX_JSON_BYTES, "JSON order")
    try:
        data = json.loads(bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadInput("body", "JSON", f"is not JSON ({exc}); send an object: template, values...") from None
    return request_from_json(data)


async def _form_request(request: Request) -> AdRequest:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large("body", "upload", int(declared), MAX_BODY_BYTES, "batch's uploads")
    capped = Request(request.scope, receive=capped_receive(request.receive, MAX_BODY_BYTES))
    try:
        async with capped.form(max_files=MAX_FILES, max_fields=MAX_FIELDS) as form:
            for key in form:
                if key not in FIELDS and not key.startswith("image."):
                    known = ", ".join(FIELDS)
                    raise BadInput(key, key, f"is not a field of POST /ads; send: {known}, image.<variable>")
            table = await _file(form, "csv", MAX_BATCH_BYTES)
            kit = [await _read(item, "brand", _kit_limit(item)) for item in form.getlist("brand")]
            images = {key: await _file(form, key, IMAGE_BYTES) for key in form if key.startswith("image.")}
            asked = AdRequest(
                template=_text(form, "template") or "", sets=tuple(_texts(form, "set")),
                platforms=DEFAULT_PLATFORMS if (chosen := _text(form, "platforms")) is None else chosen,
                duration_s=_int(form, "duration", 15),
                hooks=_int(form, "hooks", 1), ctas=_int(form, "ctas", 1), seed=_int(form, "seed", 0),
                engine=_text(form, "engine") or None, csv=None if table is None else _csv(table),
            )  # fmt: skip
    except TooLarge:
        raise too_large("body", "upload", None, MAX_BODY_BYTES, "batch's uploads") from None
    if not asked.template.strip():
        raise BadInput("template", asked.template, "missing; name a template from GET /ads/templates")
    pictures = {key.removeprefix("image."): up for key, up in images.items() if up is not None}
    return await anyio.to_thread.run_sync(_with_files, asked, kit, pictures)  # Pillow reads them


def _with_files(asked: AdRequest, kit: list[Upload], pictures: dict[str, Upload]) -> AdRequest:
    """`asked` with its brand kit and pictures, each checked by its bytes (415 when not its type)."""
    return replace(asked, brand=_kit(kit), images={name: _image(name, up) for name, up in pictures.items()})


def _text(form: FormData, key: str) -> str | None:
    values = _texts(form, key)
    if len(values) > 1:
        raise BadInput(key, values, "give it once")
    return values[0] if values else None


def _texts(form: FormData, key: str) -> list[str]:
    values = form.getlist(key)
    for value in values:
        if not isinstance(value, str):
            raise BadInput(key, getattr(value, "filename", key), "is a text field, not a file")
    return [str(v) for v in values]


def _int(form: FormData, key: str, default: int) -> int:
    text = _text(form, key)
    if text is None or not text.strip():
        return default
    try:
        return int(text.strip())
    except ValueError:
        raise BadInput(key, text, "must be a whole number") from None


async def _file(form: FormData, key: str, limit: int) -> Upload | None:
    """The one file (or text) sent as `key`, within `limit` bytes."""
    values = form.getlist(key)
    if len(values) > 1:
        raise BadInput(key, len(values), "send one file")
    return await _read(values[0], key, limit) if values else None


async def _read(item: UploadFile | str, key: str, limit: int) -> Upload:
    if isinstance(item, str):
        data, name = item.encode("utf-8"), key
    else:
        name = item.filename or key
        data = await item.read(limit + 1)
    if len(data) > limit:
        raise too_large(key, name, getattr(item, "size", None) or len(data), limit, key)
    if not data:
        raise BadInput(key, name, "is empty")
    return Upload(name, data)


def _plain(name: str, key: str) -> str:
    """A kept file's name: a plain one, as brand.yaml names its logo and font."""
    name = Path(name.replace("\\", "/")).name
    if not name or name.startswith(".") or len(name) > 100 or not set(name) <= SAFE_NAME:
        raise BadInput(key, name, "a file name is letters, digits, '.', '_', '-' and spaces")
    return name


def _csv(upload: Upload) -> Upload:
    name = Path(upload.name.replace("\\", "/")).name
    plain = name.endswith(".csv") and not name.startswith(".") and len(name) <= 100 and set(name) <= SAFE_NAME
    return Upload(name if plain else "rows.csv", upload.data)


def _kit_limit(item: UploadFile | str) -> int:
    suffix = Path(getattr(item, "filename", "") or "").suffix.lower()
    return MAX_KIT_BYTES if suffix in YAML_SUFFIXES or isinstance(item, str) else max(IMAGE_BYTES, FONT_BYTES)


def _kit(files: list[Upload]) -> tuple[Upload, ...]:
    """The brand kit's files: one brand.yaml, and the logo and font it names, each checked by its bytes."""
    if not files:
        return ()
    kept: dict[str, Upload] = {}
    for upload in files:
        name = _plain(upload.name, "brand")
        suffix = Path(name).suffix.lower()
        if name in kept:
            raise BadInput("brand", name, "is sent twice")
        if suffix in LOGO_SUFFIXES:
            check_upload("reference", upload.data, name)
        elif suffix in FONT_SUFFIXES:
            if not upload.data.startswith(FONT_MAGIC):
                raise unsupported(name, "is not a TrueType or OpenType font (what a brand font may be)")
        elif suffix not in YAML_SUFFIXES:
            kinds = ", ".join((*YAML_SUFFIXES, *LOGO_SUFFIXES, *FONT_SUFFIXES))
            raise unsupported(name, f"a brand kit is brand.yaml, its logo and its font ({kinds})")
        kept[name] = Upload(name, upload.data)
    yamls = [name for name in kept if Path(name).suffix.lower() in YAML_SUFFIXES]
    if len(yamls) != 1:
        raise BadInput("brand", sorted(kept), "send one brand.yaml with the logo and font it names")
    return tuple(kept.values())


def _image(name: str, upload: Upload) -> Upload:
    """A picture for image variable `name`, kept under the suffix its bytes say."""
    media_type = check_upload("reference", upload.data, upload.name)
    return Upload(f"{name}{SUFFIXES[media_type]}", upload.data)

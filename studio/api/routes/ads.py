"""Template ads: the templates and their typed variables (what the web form is built from), a batch
queued from the same inputs as `storyreel ads make` (the CSV and the brand kit included), and the
batch read back: its status and manifest, its contact sheet and a zip of every variant.

`POST /ads` takes JSON, or multipart with the CLI's fields (`set` once per name=value) and files:
`csv`, `brand` (brand.yaml and the logo and font it names, flat) and `image.<variable>` for each
image variable. Sizes are counted while the body arrives (413), file types are judged by their
bytes (415), and every bad value is one 400 line naming its field, before anything is queued.
A batch is a run (studio.ad_jobs): follow it with /runs/{id}/events, stop it with
/runs/{id}/cancel, play a variant from its `film_url` (/runs/{id}/files/...).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlmodel import Session
from starlette.responses import FileResponse

from film.ads import AD_LENGTHS, AdTemplate, AdVariable
from film.platforms import Platform
from storage import Job, Run
from studio.ad_jobs import (
    AdCreateRequest,
    ads_job,
    list_batches,
    read_manifest,
    start_batch,
    variants_zip,
)
from studio.ad_make import SHEET, Variant
from studio.api.deps import ApiRoute, DatabaseDep, SessionDep, SettingsDep
from studio.api.production import API_PREFIX, NotFound, public_status, run_url
from studio.api.public import PublicStatus
from studio.api.routes.ad_form import read_ad_request
from studio.api.routes.files import ServedFile, serve_file

router = APIRouter(tags=["ads"], route_class=ApiRoute)

LimitQuery = Annotated[int, Query(ge=1, le=200, description="at most this many, newest first")]


class AdVariablePublic(AdVariable):
    """One blank of a template, with its rules in words (the form's hint)."""

    hint: str


class AdTemplatePublic(BaseModel):
    name: str
    title: str
    description: str
    beats: list[str]
    hooks: int = Field(description="the most hooks a matrix can try")
    ctas: int = Field(description="the most calls to action a matrix can try")
    durations: list[int]
    variables: list[AdVariablePublic]


class PlatformPublic(Platform):
    """A platform with its frame in pixels; its margins are its UI's safe zone."""

    width: int
    height: int


class AdVariantPublic(Variant):
    """A line of the manifest: a made cut (lint "ok", a film to play) or why it was not made."""

    ok: bool
    film_url: str | None


class AdBatchPublic(BaseModel):
    id: str
    status: PublicStatus
    title: str
    template: str
    platforms: list[str]
    duration: int
    hooks: int
    ctas: int
    seed: int
    engine: str
    rows: int
    error: str | None
    variants: list[AdVariantPublic] = Field(description="empty until the batch is finished")
    made: int
    sheet_url: str | None
    zip_url: str | None
    events_url: str
    created_at: datetime
    updated_at: datetime


NUMBERS = ("duration", "hooks", "ctas", "seed")
MULTIPART = {
    "type": "object",
    "required": ["template"],
    "properties": {
        **{name: {"type": "string"} for name in ("template", "platforms", "engine")},
        **{name: {"type": "integer"} for name in NUMBERS},
        "set": {"type": "array", "items": {"type": "string"}, "description": "name=value, once per variable"},
        "csv": {"type": "string", "format": "binary"},
        "brand": {"type": "array", "items": {"type": "string", "format": "binary"}},
    },
    "description": "plus a file field image.<variable> for each image variable",
}
EXAMPLE = {"template": "product-demo", "platforms": "tiktok", "duration": 6, "hooks": 1, "ctas": 2}
CREATE_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": AdCreateRequest.model_json_schema(),
                "example": {**EXAMPLE, "values": {"product": "Brightbrew cold brew"}},
            },
            "multipart/form-data": {
                "schema": MULTIPART,
                "example": {**EXAMPLE, "set": ["product=Brightbrew"]},
            },
        },
    }
}


# --- the templates --------------------------------------------------------------------------------


@router.get("/ads/templates")
def templates() -> list[AdTemplatePublic]:
    """Every ad template with its typed variables (kind, default, rules), beats and matrix limits."""
    from agents.ads import ad_templates

    return [_template_public(t) for t in ad_templates().values()]


def _template_public(t: AdTemplate) -> AdTemplatePublic:
    variables = [AdVariablePublic(**v.model_dump(), hint=v.rules()) for v in t.variables]
    beats, ctas = [s.kind for s in t.slots], len(t.variable("cta").choices)
    return AdTemplatePublic(name=t.name, title=t.title, description=t.description, beats=beats, hooks=t.hooks,
                            ctas=ctas, durations=list(AD_LENGTHS), variables=variables)  # fmt: skip


@router.get("/ads/platforms")
def ad_platforms() -> list[PlatformPublic]:
    """Where ads play: each platform's frame and length limits."""
    from agents.ads import platforms

    return [PlatformPublic(**p.model_dump(), width=p.size[0], height=p.size[1]) for p in platforms().values()]


# --- a batch --------------------------------------------------------------------------------------


@router.post("/ads", status_code=202, openapi_extra=CREATE_SCHEMA)
async def create_ads(
    request: Request, session: SessionDep, settings: SettingsDep, database: DatabaseDep
) -> AdBatchPublic:
    """Queue a batch of ads (every row × hook × CTA × platform); a worker makes it. The misuse
    gate clears the values given here (403); a CSV row it refuses costs only that row."""
    asked = await read_ad_request(request)
    start = partial(start_batch, session, database, settings, asked, entry="api:POST /ads")
    run = await anyio.to_thread.run_sync(start)
    return await anyio.to_thread.run_sync(batch_public, session, run)


@router.get("/ads")
def batches(session: SessionDep, limit: LimitQuery = 20) -> list[AdBatchPublic]:
    """The newest ad batches."""
    return [batch_public(session, run, job) for run, job in list_batches(session, limit)]


@router.get("/ads/{ad_id}")
def batch(ad_id: str, session: SessionDep) -> AdBatchPublic:
    """A batch's status and, once it is finished, its manifest: every variant with its lint."""
    run, job = find_batch(session, ad_id)
    return batch_public(session, run, job)


@router.get(
    "/ads/{ad_id}/sheet.png",
    response_class=FileResponse,
    responses={200: {"content": {"image/png": {}}, "description": "a still of every made variant"}},
)
def sheet(ad_id: str, session: SessionDep) -> ServedFile:
    """The contact sheet: one labelled still (its end card) per made variant."""
    run, _ = find_batch(session, ad_id)
    path = Path(run.out_dir) / SHEET
    if not path.is_file():
        raise NotFound("sheet.png", ad_id, f"the batch has no sheet yet ({public_status(run.status)})")
    return serve_file(path, media_type="image/png")


@router.get(
    "/ads/{ad_id}/variants.zip",
    response_class=FileResponse,
    responses={200: {"content": {"application/zip": {}}, "description": "every made variant"}},
)
def variants(ad_id: str, session: SessionDep) -> ServedFile:
    """Every made variant's folder (film, captions, plan, provenance), manifest.csv and the sheet."""
    run, _ = find_batch(session, ad_id)
    path = variants_zip(Path(run.out_dir))
    if path is None:
        raise NotFound("variants.zip", ad_id, f"the batch has made no ad yet ({public_status(run.status)})")
    return serve_file(path, media_type="application/zip", download=f"{run.id}-ads.zip")


def find_batch(session: Session, ad_id: str) -> tuple[Run, Job]:
    run = session.get(Run, ad_id)
    job = ads_job(session, ad_id) if run is not None else None
    if run is None or job is None:
        why = "no such ad batch" if run is None else "is a film run, not an ad batch; see /runs/{id}"
        raise NotFound("ad_id", ad_id, why)
    return run, job


def batch_public(session: Session, run: Run, job: Job | None = None) -> AdBatchPublic:
    job = job or ads_job(session, run.id)
    payload: dict[str, Any] = json.loads(job.payload_json or "{}") if job is not None else {}
    out_dir = Path(run.out_dir)
    shown = [_variant_public(run.id, v) for v in read_manifest(out_dir)]
    count = sum(1 for v in shown if v.film_url)
    return AdBatchPublic(
        id=run.id, status=public_status(run.status), title=run.title,
        template=str(payload.get("template", "")),
        platforms=[p for p in str(payload.get("platforms", "")).split(",") if p],
        duration=int(payload.get("duration_s", run.duration_s)), hooks=int(payload.get("hooks", 1)),
        ctas=int(payload.get("ctas", 1)), seed=run.seed, engine=run.engine, rows=int(payload.get("rows", 1)),
        error=run.error, variants=shown, made=count,
        sheet_url=f"{API_PREFIX}/ads/{quote(run.id)}/sheet.png" if (out_dir / SHEET).is_file() else None,
        zip_url=f"{API_PREFIX}/ads/{quote(run.id)}/variants.zip" if count else None,
        events_url=run_url(run.id, "/events"), created_at=run.created_at, updated_at=run.updated_at,
    )  # fmt: skip


def _variant_public(run_id: str, v: Variant) -> AdVariantPublic:
    url = run_url(run_id, f"/files/{quote(v.path)}") if v.path else None
    return AdVariantPublic(**v.model_dump(), ok=bool(v.path) and v.lint == "ok", film_url=url)

"""Template ads as a job of the service: `POST /api/v1/ads` queues a batch, a worker makes it, and
the API reads it back (its manifest, contact sheet and a zip of every variant).

A batch is a run row (so it has a folder, events, a cancel flag and a place in the job queue)
whose one job is of kind "ads". The request is checked by the same door as `storyreel ads make`
(studio.ad_make.ad_order) before anything is queued; its uploads (the CSV, the brand kit, the
pictures for image variables) are kept in the run's `inputs/` folder, so a worker rebuilds the
very same order from the job's payload, and a second worker that takes over a dead one's job
makes it again from the take library and the cut stamps instead of from scratch.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from film import BadInput, StoryreelError, stable_hash
from film.files import atomic_path, write_atomic
from film.gate import GateText
from storage import (
    Job,
    Run,
    RunCreate,
    add_event,
    create_run,
    enqueue_job,
    get_run,
    new_run_id,
    session_scope,
    set_run_status,
)
from studio import inputs
from studio.ad_make import DEFAULT_PLATFORMS, MANIFEST, SHEET, AdOrder, Variant, ad_order, parse_sets
from studio.inputs import inside
from studio.settings import Settings

if TYPE_CHECKING:
    from studio.crew import Crew

INPUTS = "inputs"
ZIP = "variants.zip"
ZIP_KEY = ".variants.key"
VARIANT_LINE = re.compile(r"^row \d+ hook\d+-cta\d+ \S+: ")
"""A progress line of make_ads about one variant (any other line is about a whole row)."""


class NoAdsMade(StoryreelError):
    """Every row and variant of a batch failed; the manifest still says why, line by line."""


@dataclass(frozen=True)
class Upload:
    """A file sent with the request, already checked for size and type at the HTTP door."""

    name: str
    data: bytes


@dataclass(frozen=True)
class AdRequest:
    """What `POST /ads` asks for, as `storyreel ads make` takes it: `sets` are its --set pairs,
    `brand` the kit's files (brand.yaml, its logo and font), `images` a picture per image variable."""

    template: str
    sets: tuple[str, ...] = ()
    platforms: str = DEFAULT_PLATFORMS
    duration_s: int = 15
    hooks: int = 1
    ctas: int = 1
    seed: int = 0
    engine: str | None = None
    csv: Upload | None = None
    brand: tuple[Upload, ...] = ()
    images: dict[str, Upload] = field(default_factory=dict)


class AdCreateRequest(BaseModel):
    """POST /ads as JSON: the CLI's inputs, `values` for its --set pairs, the CSV as text and the
    brand kit as brand.yaml's fields (a kit with a logo or font file is sent as multipart)."""

    model_config = ConfigDict(extra="forbid")

    template: str = Field(description="a template's name, from GET /ads/templates")
    values: dict[str, str | float] = Field(default_factory=dict, description="variable name → value")
    platforms: str | list[str] = Field(default=DEFAULT_PLATFORMS, description="e.g. tiktok,feed-4x5")
    duration: int = Field(default=15, description="6, 15, 30 or 60 seconds")
    hooks: int = Field(default=1, description="hooks to try (the A/B matrix's rows)")
    ctas: int = Field(default=1, description="calls to action to try, the chosen one first")
    seed: int = 0
    engine: str | None = Field(default=None, description="previz, diffusion, comfyui")
    csv: str | None = Field(default=None, description="one set of ads per row; the header names variables")
    brand: dict[str, Any] | None = Field(default=None, description="brand.yaml's fields")


def request_from_json(data: Any) -> AdRequest:
    """A JSON order (AdCreateRequest) as the request the form and the CLI make; BadInput names
    the first bad field."""
    import yaml

    try:
        asked = AdCreateRequest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise BadInput(where, first.get("input"), first["msg"]) from None
    sets = []
    for name, value in asked.values.items():
        if "=" in name or not name.strip():
            raise BadInput(f"values.{name}", name, "is not a variable name; see GET /ads/templates")
        sets.append(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}")
    kit = () if asked.brand is None else (Upload("brand.yaml", yaml.safe_dump(asked.brand).encode("utf-8")),)
    platforms = asked.platforms if isinstance(asked.platforms, str) else ",".join(asked.platforms)
    return AdRequest(
        template=asked.template, sets=tuple(sets), platforms=platforms, duration_s=asked.duration,
        hooks=asked.hooks, ctas=asked.ctas,
        seed=asked.seed, engine=asked.engine, brand=kit,
        csv=None if asked.csv is None else Upload("rows.csv", asked.csv.encode("utf-8")),
    )  # fmt: skip


def start_batch(session: Session, db: Engine, settings: Settings, request: AdRequest, *, entry: str) -> Run:
    """Check `request` as the CLI does (BadInput names the field; the misuse gate clears the
    values given, GateRefused), keep its uploads in a new run's folder and queue its "ads" job."""
    from agents.ads import ad_template
    from studio.ad_make import master_frame
    from studio.clearance import Clearance

    template = ad_template(request.template)
    given = parse_sets(request.sets)
    for name, upload in request.images.items():
        if template.variable(name).kind != "image":
            raise BadInput(
                f"image.{name}", upload.name, f"{name} is a {template.variable(name).kind}, not an image"
            )
    for name, value in given.items():
        if template.variable(name).kind == "image" and value.strip():
            raise BadInput(name, value, f"upload the picture as the file field image.{name}")
    texts = [GateText(field=name, text=value) for name, value in given.items() if value.strip()]
    if texts:  # the values every ad of the batch carries: refused here, before anything is kept
        Clearance(db, settings, entry=entry, use="ad").texts(texts)
    engine = inputs.check_engine(request.engine or settings.engine, settings.ai_bug)
    run_id = new_run_id()
    out_dir = inputs.check_out_dir(settings.out_root / run_id).resolve()
    try:
        kept = _keep_uploads(out_dir, request)
        sets = [*request.sets, *(f"{name}={path}" for name, path in kept["images"].items())]
        order = ad_order(
            template.name, sets=sets, csv_file=kept["csv"], brand=kept["brand"], platforms=request.platforms,
            duration_s=request.duration_s, hooks=request.hooks, ctas=request.ctas, seed=request.seed,
        )  # fmt: skip
        _check_images(order, set(kept["images"].values()), request)
    except BadInput as err:
        shutil.rmtree(out_dir, ignore_errors=True)
        raise _shown(err, out_dir, request) from None
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)
        raise
    aspect = master_frame(order.platforms)[0]
    name = str((order.rows[0].values or {}).get("product") or (order.rows[0].values or {}).get("app") or "")
    brief = f"ads: {template.name}" + (f" ({name})" if name and request.csv is None else "")
    run = create_run(
        session=session,
        run_create=RunCreate(
            brief=brief, title=f"Ads: {template.title}", engine=engine, aspect=aspect,
            duration_s=float(order.duration_s), seed=order.seed, style="ad", out_dir=str(out_dir),
        ),
        run_id=run_id,
    )  # fmt: skip
    set_run_status(session=session, run_id=run.id, status="queued")
    add_event(session=session, run_id=run.id, kind="status", data={"status": "queued"})
    payload = {
        "template": template.name, "sets": sets, "platforms": ",".join(p.name for p in order.platforms),
        "duration_s": order.duration_s, "hooks": order.hooks, "ctas": order.ctas, "seed": order.seed,
        "rows": len(order.rows), "csv": _relative(kept["csv"], out_dir),
        "brand": _relative(kept["brand"], out_dir),
    }  # fmt: skip
    enqueue_job(session=session, run_id=run.id, kind="ads", payload=payload)
    return run


def _keep_uploads(out_dir: Path, request: AdRequest) -> dict[str, Any]:
    """The request's files written under `out_dir/inputs` (names checked at the door, confined
    here again): the CSV's path, brand.yaml's path and each image variable's picture path."""
    folder = out_dir / INPUTS
    kept: dict[str, Any] = {"csv": None, "brand": None, "images": {}}
    if request.csv is not None:
        kept["csv"] = _write(folder, request.csv.name, request.csv.data, "csv")
    for upload in request.brand:
        path = _write(folder / "brand", upload.name, upload.data, "brand")
        if path.suffix.lower() in (".yaml", ".yml"):
            kept["brand"] = path
    for name, upload in request.images.items():
        kept["images"][name] = str(_write(folder / "images", f"{name}{Path(upload.name).suffix.lower()}",
                                          upload.data, f"image.{name}"))  # fmt: skip
    return kept


def _write(folder: Path, name: str, data: bytes, field: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_atomic(inside(folder, name, field, folder="the upload's folder"), data)


def _check_images(order: AdOrder, uploaded: set[str], request: AdRequest) -> None:
    """A CSV cell naming a picture by path would point the studio at its own disk: through the
    API a picture is an upload (the same one for every row), never a path."""
    if request.csv is None:
        return
    images = [v.name for v in order.template.variables if v.kind == "image"]
    for row in order.rows:
        for name in images:
            value = str((row.values or {}).get(name, ""))
            if value and value not in uploaded:
                raise BadInput("csv", request.csv.name, f"line {row.line}, column {name}: upload the picture "
                               f"as the file field image.{name}; a CSV cannot name a file")  # fmt: skip


def _shown(err: BadInput, out_dir: Path, request: AdRequest) -> BadInput:
    """`err` naming the upload as the client sent it, not the path it was kept at."""
    if isinstance(err.value, str) and err.value.startswith(str(out_dir)):
        path = Path(err.value)
        shown = request.csv.name if request.csv is not None and path.suffix == ".csv" else path.name
        return BadInput(err.field, shown, err.why)
    return err


def _relative(path: Path | None, out_dir: Path) -> str | None:
    return None if path is None else path.relative_to(out_dir).as_posix()


# --- the worker's side --------------------------------------------------------------------------


def order_from(payload: dict[str, Any], out_dir: Path) -> AdOrder:
    """The batch's order, rebuilt from its job's payload and the uploads kept in its folder."""
    return ad_order(
        str(payload["template"]), sets=[str(s) for s in payload.get("sets", [])],
        csv_file=out_dir / payload["csv"] if payload.get("csv") else None,
        brand=out_dir / payload["brand"] if payload.get("brand") else None,
        platforms=str(payload.get("platforms", DEFAULT_PLATFORMS)), duration_s=int(payload["duration_s"]),
        hooks=int(payload.get("hooks", 1)), ctas=int(payload.get("ctas", 1)),
        seed=int(payload.get("seed", 0)),
    )  # fmt: skip


def make_batch(settings: Settings, db: Engine, job: Job, crew: Crew) -> None:
    """Make the batch of `job` into its run's folder. Each progress line of make_ads is an "ad"
    event (and moves the "progress" event), and the place where a cancelled job stops.
    NoAdsMade when nothing could be made (the worker marks the run failed with its line)."""
    from studio.ad_make import make_ads
    from studio.crew import eta, write_event

    payload: dict[str, Any] = json.loads(job.payload_json or "{}")
    with session_scope(db) as session:
        run = get_run(session=session, run_id=job.run_id)
        set_run_status(session=session, run_id=run.id, status="rendering", error=None, pid=None)
    crew.status("rendering")
    out_dir = Path(run.out_dir)
    order = order_from(payload, out_dir)
    per_row = order.hooks * order.ctas * len(order.platforms)
    total, done, started = max(1, len(order.rows) * per_row), 0, time.monotonic()

    def say(line: str) -> None:
        nonlocal done
        crew.check()
        done += 1 if VARIANT_LINE.match(line) else per_row
        percent = round(min(99.0, 100.0 * done / total), 1)
        write_event(db, run.id, "ad", {"line": line})
        write_event(db, run.id, "progress", {"percent": percent, "eta_s": eta(started, percent)})

    crew.check()
    batch = make_ads(order, settings=settings, out_dir=out_dir, engine=run.engine, entry="api:POST /ads",
                     say=say)  # fmt: skip
    if not any(v.path for v in batch.variants):
        first = batch.variants[0].lint if batch.variants else "the batch has no rows"
        raise NoAdsMade(f"no ad was made: {first.removeprefix('error: ')}")
    with session_scope(db) as session:
        set_run_status(session=session, run_id=run.id, status="done", pid=None)
    write_event(db, run.id, "progress", {"percent": 100.0, "eta_s": 0.0})


# --- reading a batch back -----------------------------------------------------------------------


def ads_job(session: Session, run_id: str) -> Job | None:
    """The run's "ads" job: what makes a run an ad batch."""
    query = select(Job).where(Job.run_id == run_id, Job.kind == "ads").order_by(col(Job.id))
    return session.exec(query).first()


def list_batches(session: Session, limit: int) -> list[tuple[Run, Job]]:
    """The newest ad batches with their jobs."""
    query = (
        select(Run, Job)
        .join(Job, col(Job.run_id) == col(Run.id))
        .where(Job.kind == "ads")
        .order_by(col(Run.created_at).desc(), col(Run.id).desc())
        .limit(limit)
    )
    return [(run, job) for run, job in session.exec(query)]


def read_manifest(out_dir: Path) -> list[Variant]:
    """The variants manifest.csv lists (none before the batch is finished)."""
    path = out_dir / MANIFEST
    if not path.is_file():
        return []
    found = []
    for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")):
        try:
            found.append(Variant.model_validate({k: v for k, v in row.items() if v}))
        except ValidationError:
            continue  # a line this version cannot read is not a variant to show
    return found


def variants_zip(out_dir: Path) -> Path | None:
    """A zip of every made variant's folder (film, captions, plan, provenance), the manifest and
    the contact sheet; None until one variant is made. Built once per manifest and its files'
    sizes, into a temp file that replaces the old zip whole, so a download never sees half a zip."""
    members = _members(out_dir, [v.path for v in read_manifest(out_dir) if v.path])
    if not any(name.endswith(".mp4") for name, _ in members):
        return None
    key = stable_hash([[name, path.stat().st_size, path.stat().st_mtime_ns] for name, path in members])
    dest, stamp = out_dir / ZIP, out_dir / ZIP_KEY
    if dest.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return dest
    with atomic_path(dest) as tmp, zipfile.ZipFile(tmp, "w") as archive:
        for name, path in members:
            packed = path.suffix in (".mp4", ".png")  # already compressed: stored as they are
            archive.write(path, name, compress_type=zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED)
    write_atomic(stamp, key)
    return dest


def _members(out_dir: Path, films: Sequence[str]) -> list[tuple[str, Path]]:
    """(name in the zip, file) for the manifest, the sheet and each film's folder (no dotfiles)."""
    members = [(name, out_dir / name) for name in (MANIFEST, SHEET) if (out_dir / name).is_file()]
    for film in films:
        try:
            folder = inside(out_dir, film, "path").parent
        except BadInput:
            continue
        if folder.is_dir() and folder != out_dir.resolve():
            for path in sorted(folder.iterdir()):
                if path.is_file() and not path.name.startswith("."):
                    members.append((path.relative_to(out_dir.resolve()).as_posix(), path))
    return members

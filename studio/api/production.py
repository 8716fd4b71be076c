"""The API's use cases: start a run, queue work on it, save edited plan versions (shot states
and takes are in studio.api.shot_states). Rows and jobs only: nothing here renders (workers
do), and nothing here knows FastAPI, so a worker or the CLI can call the same functions.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlmodel import Session

from film import LENS_MM, BadInput, Character, FilmPlan, Shot, ShotSize, StoryreelError
from film.plan import MAX_DURATION_S
from film.process import pid_alive
from storage import (
    FINISHED_STATUSES,
    Asset,
    AssetStore,
    Job,
    PlanVersion,
    Project,
    Run,
    RunCreate,
    RunStatus,
    add_event,
    create_run,
    enqueue_job,
    get_plan_version,
    latest_plan_version,
    new_run_id,
    open_job,
    request_cancel,
    save_plan_version,
    set_run_status,
)
from studio import inputs
from studio.api.public import PublicStatus
from studio.settings import Settings
from studio.versions import thread_for

if TYPE_CHECKING:
    from storage.tables import JobKind

API_PREFIX = "/api/v1"
"""The same prefix studio.api.main mounts the routers under (kept equal by a test)."""
PUBLIC_STATUS: dict[str, PublicStatus] = {
    "queued": "queued", "planning": "planning", "reviewing": "review", "rendering": "rendering",
    "assembling": "assembling", "done": "done", "failed": "failed", "interrupted": "failed",
    "cancelled": "cancelled",
}  # fmt: skip
"""What a person is told (API `status`) for each stored run status."""
ACTIVE = frozenset({"planning", "rendering", "assembling"})
MAX_NOTE_CHARS = 2000
SHA256 = re.compile(r"[0-9a-f]{64}")


class NotFound(BadInput):
    """An id that names nothing (run, shot, take, version): the API answers 404."""


class Busy(StoryreelError):
    """The run cannot take this now (a job is open, or it is in the wrong stage): HTTP 409."""


def public_status(status: str) -> PublicStatus:
    return PUBLIC_STATUS.get(status, "failed")  # a status this version does not know is no success


def run_url(run_id: str, tail: str = "") -> str:
    return f"{API_PREFIX}/runs/{run_id}{tail}"


def film_url(run: Run) -> str | None:
    """Where the run's newest finished film plays; None until it has one."""
    return run_url(run.id, "/film") if run.film_path else None


def version_film_url(version: PlanVersion) -> str | None:
    return run_url(version.run_id, f"/film?version={version.version}") if version.film_path else None


def json_object(text: str) -> dict[str, Any]:
    """A stored JSON object (event data, take extras); {} for anything else."""
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def find_run(session: Session, run_id: str) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise NotFound("run", run_id, "no such run")
    return run


def find_project(session: Session, project_id: str, field: str = "project") -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(field, project_id, "no such project")
    return project


def latest_version_number(session: Session, run_id: str) -> int:
    latest = latest_plan_version(session=session, run_id=run_id)
    return latest.version if latest is not None else 0


def check_idle(session: Session, run: Run) -> None:
    """Busy while a job is open on the run or a live process is still making it."""
    if open_job(session=session, run_id=run.id) is not None or (run.status in ACTIVE and pid_alive(run.pid)):
        raise Busy(f"run {run.id} is busy ({public_status(run.status)}); wait or cancel it")


def _set_status(session: Session, run: Run, status: RunStatus) -> Run:
    """Change the status and tell anyone streaming the run's events."""
    changed = set_run_status(session=session, run_id=run.id, status=status)
    add_event(session=session, run_id=run.id, kind="status", data={"status": public_status(status)})
    return changed


@dataclass(frozen=True)
class MakeOrder:
    """What POST /runs asks for; None means the studio's default setting."""

    brief: str
    duration_s: float | None = None
    aspect: str = "16:9"
    style: str | None = None
    seed: int = 0
    engine: str | None = None
    review: bool = False
    project_id: str | None = None
    title_card: bool = True


def start_run(session: Session, settings: Settings, order: MakeOrder) -> Run:
    """Check the order as `storyreel make` does, create the run (queued) and queue its make job."""
    brief = inputs.check_brief(order.brief)
    duration_s = inputs.check_duration(settings.duration_s if order.duration_s is None else order.duration_s)
    aspect = inputs.check_aspect(order.aspect)
    style = inputs.check_style(settings.style if order.style is None else order.style)
    seed = inputs.check_seed(order.seed)
    engine = inputs.check_engine(order.engine or settings.engine, settings.ai_bug)
    if order.project_id is not None and session.get(Project, order.project_id) is None:
        raise BadInput("project_id", order.project_id, "no such project; create it with POST /projects")
    run_id = new_run_id()
    out_dir = inputs.check_out_dir(settings.out_root / run_id).resolve()
    run = create_run(
        session=session,
        run_create=RunCreate(
            brief=brief, engine=engine, aspect=aspect, duration_s=duration_s, seed=seed, style=style,
            title_card=order.title_card, out_dir=str(out_dir), project_id=order.project_id,
        ),
        run_id=run_id,
    )  # fmt: skip
    _set_status(session, run, "queued")
    payload = {
        "brief": brief, "duration_s": duration_s, "aspect": aspect, "style": style, "seed": seed,
        "title_card": order.title_card, "review": order.review,
    }  # fmt: skip
    enqueue_job(session=session, run_id=run.id, kind="make", payload=payload)
    return run


def cancel_run(session: Session, run: Run) -> Run:
    """Cancel the run's open jobs (a running one stops at its next heartbeat); a run nobody is
    working on is marked cancelled at once. A finished film stays done."""
    jobs = request_cancel(session=session, run_id=run.id)
    if any(job.status == "running" for job in jobs):
        return run
    if run.status in FINISHED_STATUSES:
        if not jobs:
            raise Busy(f"run {run.id} is already {public_status(run.status)}; nothing to cancel")
        return run
    if run.status in ACTIVE and pid_alive(run.pid):
        raise Busy(f"run {run.id} is being made by process {run.pid}, not a worker; stop it there")
    return _set_status(session, run, "cancelled")


def _queue(session: Session, run: Run, kind: JobKind, payload: dict[str, Any]) -> Job:
    """Queue one job for a worker (studio.work says what each kind does)."""
    return enqueue_job(session=session, run_id=run.id, kind=kind, payload=payload)


def approve_run(session: Session, run: Run) -> Job:
    check_idle(session, run)
    if run.status != "reviewing":
        raise Busy(f"run {run.id} is {public_status(run.status)}; only a run at review can be approved")
    return _queue(session, run, "approve", {})


def revise_run(session: Session, run: Run, text: str) -> Job:
    """Queue a revision note: at review the plan is revised, on a done run a new version shot."""
    if not text.strip():
        raise BadInput("text", text, "is empty; say what to change, e.g. 'make shot 2 a close-up'")
    if len(text) > MAX_NOTE_CHARS:
        raise BadInput("text", text, f"has {len(text)} characters; the limit is {MAX_NOTE_CHARS}")
    check_idle(session, run)
    if run.status not in ("reviewing", "done") or latest_plan_version(session=session, run_id=run.id) is None:
        raise Busy(f"run {run.id} is {public_status(run.status)}; revise it at review or once it is done")
    return _queue(session, run, "revise", {"instruction": text.strip()})


def shoot_latest(session: Session, run: Run, *, always: bool = False) -> Job:
    """Queue a shoot of the newest plan version: its changed shots render, the rest are reused."""
    check_idle(session, run)
    latest = shootable(session, run)
    if latest.film_path and not always:
        raise Busy(f"run {run.id}: version {latest.version} is already shot; change a shot first")
    return _queue(session, run, "shoot", {"version": latest.version})


def shootable(session: Session, run: Run) -> PlanVersion:
    latest = latest_plan_version(session=session, run_id=run.id)
    if latest is None:
        raise Busy(f"run {run.id} has no plan yet; wait for planning")
    if run.status == "reviewing":
        raise Busy(f"run {run.id} is waiting for review; approve it to shoot")
    return latest


# --- plan edits -------------------------------------------------------------------------------


def plan_version(session: Session, run: Run, version: int | None = None) -> PlanVersion:
    """The newest plan version (or version N); NotFound before the planner saved one."""
    if version is None:
        found = latest_plan_version(session=session, run_id=run.id)
        if found is None:
            raise NotFound("run", run.id, "has no plan yet; wait for planning")
        return found
    try:
        return get_plan_version(session=session, run_id=run.id, version=version)
    except BadInput as exc:
        raise NotFound("version", version, exc.why) from None


def _editable(session: Session, run: Run) -> tuple[PlanVersion, dict[str, Any]]:
    check_idle(session, run)
    latest = plan_version(session, run)
    return latest, latest.film_plan().model_dump(mode="json")


def _index(items: list[dict[str, Any]], item_id: str, what: str) -> int:
    for index, item in enumerate(items):
        if item["id"] == item_id:
            return index
    raise NotFound(what, item_id, "not in the run's plan")


def _bad(exc: ValidationError, changes: dict[str, Any]) -> BadInput:
    """The first validation error as one BadInput naming the field (relative to the edited shot
    or character)."""
    first = exc.errors()[0]
    loc = [str(part) for part in first["loc"]]
    if loc[:1] in (["shots"], ["characters"]):
        loc = loc[2:]
    if loc:
        return BadInput(".".join(loc), first.get("input"), first["msg"])
    field = ",".join(changes) or "plan"
    return BadInput(field, changes[field] if len(changes) == 1 else changes, first["msg"])


def _save(
    session: Session, run: Run, latest: PlanVersion, data: dict[str, Any], note: str, changes: dict[str, Any]
) -> PlanVersion:
    """Validate the edited plan and save it as the next version. At review it stays on the
    review thread (approve shoots it); after that each version gets its own thread and folder."""
    try:
        plan = FilmPlan.model_validate(data)
    except ValidationError as exc:
        raise _bad(exc, changes) from None
    thread = None if run.status == "reviewing" else thread_for(run.id, latest.version + 1)
    return save_plan_version(session=session, run_id=run.id, plan=plan, note=note, thread_id=thread)


def edit_shot(session: Session, run: Run, shot_id: str, changes: dict[str, Any], note: str) -> PlanVersion:
    latest, data = _editable(session, run)
    index = _index(data["shots"], shot_id, "shot")
    merged = dict(data["shots"][index])
    for key, value in changes.items():
        nested = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = {**merged[key], **value} if nested else value
    try:
        shot = Shot.model_validate(merged)
    except ValidationError as exc:
        raise _bad(exc, changes) from None
    data["shots"][index] = shot.model_dump(mode="json")
    total = data["title_card_frames"] + sum(s["frames"] for s in data["shots"])
    if total > MAX_DURATION_S * data["fps"]:
        raise BadInput("frames", shot.frames, f"makes the film longer than {MAX_DURATION_S:g} seconds")
    data["duration_s"] = total / data["fps"]  # a longer shot makes a longer film
    return _save(session, run, latest, data, note, changes)


SIZES = frozenset(size.value for size in ShotSize)
SHOT_ROUTED = {"id": "cannot be changed", "take": "choose it with .../takes/{spec_hash}/main",
               "locked": "use .../lock or .../unlock"}  # fmt: skip


def patch_shot(session: Session, run: Run, shot_id: str, changes: dict[str, Any]) -> PlanVersion:
    """A new version with some of one shot's fields changed; its chosen take is dropped (a
    changed shot needs a new take) unless the shot is locked."""
    for key, why in SHOT_ROUTED.items():
        if key in changes:
            raise BadInput(key, changes[key], why)
    changes = dict(changes)
    if "duration_s" in changes:
        if "frames" in changes:
            raise BadInput("duration_s", changes["duration_s"], "give frames or duration_s, not both")
        changes["frames"] = _frames(session, run, changes.pop("duration_s"))
    if isinstance(changes.get("frames"), int) and not 1 <= changes["frames"] <= MAX_DURATION_S * 120:
        raise BadInput("frames", changes["frames"], f"a shot is at most {MAX_DURATION_S:g} seconds")
    camera = changes.get("camera")
    size = camera.get("size") if isinstance(camera, dict) else None
    if isinstance(camera, dict) and isinstance(size, str) and size in SIZES and "lens_mm" not in camera:
        # framed through the lens the planner gives that size
        changes["camera"] = {**camera, "lens_mm": LENS_MM[ShotSize(size)]}
    locked = find_shot(plan_version(session, run).film_plan(), shot_id).locked
    note = f"edited shot {shot_id}: {', '.join(changes)}"
    return edit_shot(session, run, shot_id, changes if locked else {**changes, "take": None}, note)


def _frames(session: Session, run: Run, duration_s: Any) -> int:
    if not isinstance(duration_s, int | float) or not math.isfinite(duration_s):
        raise BadInput("duration_s", duration_s, "must be a number of seconds")
    if not 0 < duration_s <= MAX_DURATION_S:
        raise BadInput("duration_s", duration_s, f"must be between 0 and {MAX_DURATION_S:g} seconds")
    return max(1, round(duration_s * plan_version(session, run).film_plan().fps))


def patch_character(
    session: Session, run: Run, character_id: str, changes: dict[str, Any], store: AssetStore
) -> PlanVersion:
    """A new version with a character changed; every shot they are in goes stale. A
    `reference_image` is the sha256 of an uploaded picture (or null to drop it)."""
    if "id" in changes:
        raise BadInput("id", changes["id"], "cannot be changed")
    if "reference_image" in changes:
        changes = {**changes, "reference_image": reference_image(session, store, changes["reference_image"])}
    latest, data = _editable(session, run)
    index = _index(data["characters"], character_id, "character")
    character = {**data["characters"][index], **changes}
    if "defaults" not in changes:  # a field someone set is no longer a neutral default
        character["defaults"] = [f for f in character.get("defaults", []) if f not in changes]
    data["characters"][index] = character
    note = f"edited character {character_id}: {', '.join(changes)}"
    return _save(session, run, latest, data, note, changes)


def reference_image(session: Session, store: AssetStore, sha256: Any) -> dict[str, str] | None:
    """The MediaRef of an uploaded reference picture, from its sha256 (what POST /uploads answered)."""
    if sha256 is None:
        return None
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        raise BadInput("reference_image", sha256, "must be the sha256 that POST /api/v1/uploads answered")
    asset = session.get(Asset, sha256)
    path = store.path_for(sha256) if asset is not None else None
    if asset is None or path is None or not asset.media_type.startswith("image/"):
        raise NotFound("reference_image", sha256, "is not an uploaded image; upload it with kind=reference")
    return {"path": str(path), "sha256": sha256}


def find_character(session: Session, run: Run, character_id: str) -> Character:
    for character in plan_version(session, run).film_plan().characters:
        if character.id == character_id:
            return character
    raise NotFound("character", character_id, "not in the run's plan")


def find_shot(plan: FilmPlan, shot_id: str) -> Shot:
    for shot in plan.shots:
        if shot.id == shot_id:
            return shot
    raise NotFound("shot", shot_id, "not in the run's plan")


def rerender_shot(session: Session, run: Run, shot_id: str, seed: int | None) -> PlanVersion:
    """A new version asking for a new take of one shot (retake + 1, or `seed`), queued to shoot."""
    shootable(session, run)
    shot = find_shot(plan_version(session, run).film_plan(), shot_id)
    if shot.locked:
        raise Busy(f"shot {shot_id} is locked; unlock it to render it again")
    retake = shot.retake + 1 if seed is None else seed
    if not 0 <= retake <= 1_000_000:
        raise BadInput("seed", seed, "must be between 0 and 1000000")
    if retake == shot.retake:
        raise BadInput("seed", seed, "is the shot's current take; give another or leave it out")
    version = edit_shot(session, run, shot_id, {"retake": retake, "take": None}, f"new take of {shot_id}")
    shoot_latest(session, run, always=True)
    return version

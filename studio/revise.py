"""Use cases on an existing run: revise it, resume it after a crash, diff two plan versions.

A revision is a new plan version shot on its own checkpoint thread: only shots whose spec_hash
changed are rendered (the take library has the rest), and every version keeps its film.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langgraph.types import Command
from rich.console import Console
from sqlalchemy import Engine

from agents import RunLedger
from film import BadInput, FilmPlan
from storage import (
    Run,
    add_run_usage,
    checkpointer_scope,
    get_plan_version,
    get_run,
    latest_plan_version,
    open_database,
    save_plan_version,
    session_scope,
)
from studio.cut import cut_variant
from studio.runner import FilmResult, Review, Reviser, film_dir_for, note_reviser, shoot, thread_for
from studio.settings import Settings
from studio.status import check_idle


@contextmanager
def reviser_for(settings: Settings, db: Engine, run_id: str) -> Iterator[Reviser]:
    """`with reviser_for(...) as reviser:` the grammar, or free text with an LLM configured; the
    LLM's token usage and warnings are added to the run on the way out."""
    ledger = RunLedger()
    try:
        yield note_reviser(settings, ledger)
    finally:
        used = ledger.snapshot()
        if used["requests"] or used["warnings"]:
            with session_scope(db) as session:
                add_run_usage(
                    session=session, run_id=run_id, prompt_tokens=used["prompt_tokens"],
                    completion_tokens=used["completion_tokens"], warnings=used["warnings"],
                )  # fmt: skip


def revise_run(
    settings: Settings,
    run_id: str,
    instruction: str,
    *,
    console: Console | None = None,
    quiet: bool = False,
    consent: str | None = None,
) -> FilmResult:
    """Clear the revision, apply it to the run's newest plan and shoot it as the next version."""
    from studio.clearance import Clearance, brief_texts

    db = open_database(settings.database)
    with session_scope(db) as session:
        run = get_run(session=session, run_id=run_id)
        latest = latest_plan_version(session=session, run_id=run_id)
    check_idle(run)
    Clearance(db, settings, entry="cli:revise", override=consent).texts(
        brief_texts(instruction, "revision"), run_id=run_id
    )
    if latest is None:
        raise BadInput("run", run_id, "has no plan yet; resume it first")
    plan = latest.film_plan()
    with reviser_for(settings, db, run_id) as reviser:
        revised = reviser(plan, instruction)
    if revised == plan:
        raise BadInput("revision", instruction, "changes nothing in the plan")
    version = latest.version + 1
    with session_scope(db) as session:
        save_plan_version(
            session=session, run_id=run_id, plan=revised, note=instruction,
            thread_id=thread_for(run_id, version),
        )  # fmt: skip
    state = {"plan": revised.model_dump(mode="json")}
    return shoot(
        settings=settings, db=db, run_id=run_id, version=version, state=state,
        thread_id=thread_for(run_id, version), out_dir=Path(run.out_dir), engine_name=run.engine,
        console=console, quiet=quiet, consent=consent,
    )  # fmt: skip


def resume_run(
    settings: Settings,
    run_id: str,
    *,
    console: Console | None = None,
    quiet: bool = False,
    review: Review | None = None,
) -> FilmResult:
    """Continue a run from its last checkpoint; at the review gate, resuming approves the plan."""
    db = open_database(settings.database)
    with session_scope(db) as session:
        run = get_run(session=session, run_id=run_id)
        latest = latest_plan_version(session=session, run_id=run_id)
    if run.status == "done":
        raise BadInput("run", run_id, f"is already done ({run.film_path}); revise it instead")
    check_idle(run)
    version = latest.version if latest is not None else 1
    thread = (latest.thread_id if latest is not None else "") or run_id
    with reviser_for(settings, db, run_id) as reviser:
        state = _pending_input(settings, run, thread, latest.film_plan() if latest else None, review, reviser)
    return shoot(
        settings=settings, db=db, run_id=run_id, version=version, state=state, thread_id=thread,
        out_dir=Path(run.out_dir), engine_name=run.engine, console=console, quiet=quiet, review=review,
    )  # fmt: skip


def _pending_input(
    settings: Settings, run: Run, thread: str, plan: FilmPlan | None, review: Review | None, reviser: Reviser
) -> dict[str, Any] | Command[Any] | None:
    """What to feed the graph: nothing (continue), the review answer, or the whole input when
    the process died before the first checkpoint."""
    from agents import build_graph

    config: dict[str, Any] = {"configurable": {"thread_id": thread}}
    with checkpointer_scope(settings.database) as saver:
        snapshot = build_graph(checkpointer=saver).get_state(config)
    if snapshot.interrupts:
        shown = FilmPlan.model_validate(snapshot.interrupts[0].value["plan"])
        approved = review(shown, reviser) if review else shown
        return None if approved is None else Command(resume=approved.model_dump(mode="json"))
    if snapshot.values and snapshot.next:
        return None
    if plan is not None:
        return {"plan": plan.model_dump(mode="json")}
    return {
        "brief": run.brief, "duration_s": run.duration_s, "aspect": run.aspect, "style": run.style,
        "seed": run.seed, "title_card": run.title_card,
    }  # fmt: skip


def cut_run(settings: Settings, run_id: str, aspect: str) -> Path:
    """Re-cut a run's newest film to another aspect from the same takes (reframed on the
    characters' previz boxes); the variant lands in `aspect-WxH/` beside the film."""
    db = open_database(settings.database)
    with session_scope(db) as session:
        run = get_run(session=session, run_id=run_id)
        latest = latest_plan_version(session=session, run_id=run_id)
    thread = (latest.thread_id if latest is not None else "") or run_id
    film_dir = film_dir_for(Path(run.out_dir), thread)
    if not (film_dir / "film.mp4").is_file():
        raise BadInput("run", run_id, "has no finished film to re-cut yet; resume it first")
    return cut_variant(
        film_dir,
        aspect,
        work_dir=settings.work_root / run_id / "reframed",
        assembler=settings.assembler(),
        bug=settings.ai_bug,
    )


def diff_versions(settings: Settings, run_id: str, a: int, b: int) -> list[str]:
    """A readable diff of two plan versions: film settings, characters, then shots."""
    db = open_database(settings.database)
    with session_scope(db) as session:
        first = get_plan_version(session=session, run_id=run_id, version=a)
        second = get_plan_version(session=session, run_id=run_id, version=b)
    old, new = first.film_plan(), second.film_plan()
    lines = [f"run {run_id}: v{a} → v{b}" + (f'  ("{second.note}")' if second.note else "")]
    for name in ("title", "duration_s", "aspect", "style", "language", "seed"):
        if getattr(old, name) != getattr(new, name):
            lines.append(f"  ~ {name}: {getattr(old, name)} → {getattr(new, name)}")
    lines += _character_diff(old, new)
    lines += _shot_diff(old, new)
    if len(lines) == 1:
        lines.append("  (no changes)")
    return lines


def _character_diff(old: FilmPlan, new: FilmPlan) -> list[str]:
    before, after = {c.id: c for c in old.characters}, {c.id: c for c in new.characters}
    lines = [f"  - character {before[i].name}" for i in before if i not in after]
    lines += [f"  + character {after[i].name}: {after[i].appearance}" for i in after if i not in before]
    for cid in before.keys() & after.keys():
        if before[cid] != after[cid]:
            lines.append(
                f"  ~ character {after[cid].name}: {before[cid].appearance!r} → {after[cid].appearance!r}"
            )
    return lines


def _shot_diff(old: FilmPlan, new: FilmPlan) -> list[str]:
    before = {s.id: (i, s) for i, s in enumerate(old.shots, 1)}
    lines: list[str] = []
    for position, shot in enumerate(new.shots, 1):
        if shot.id not in before:
            lines.append(f"  + shot {position} ({shot.id}): {shot.description[:70]!r}")
            continue
        _, was = before[shot.id]
        changes = []
        if was.camera != shot.camera:
            changes.append(f"camera {was.camera.label()} → {shot.camera.label()}")
        if was.frames != shot.frames:
            changes.append(f"length {was.frames / old.fps:.2f}s → {shot.frames / new.fps:.2f}s")
        if was.description != shot.description:
            changes.append(f"description → {shot.description[:60]!r}")
        if was.performances != shot.performances or was.physics != shot.physics:
            changes.append("performances/physics changed")
        if changes:
            lines.append(f"  ~ shot {position} ({shot.id}): " + "; ".join(changes))
    now = {s.id for s in new.shots}
    lines += [
        f"  - shot {i} ({sid}): {s.description[:70]!r}" for sid, (i, s) in before.items() if sid not in now
    ]
    return lines
